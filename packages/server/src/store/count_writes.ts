/**
 * Wraps the named write methods of a repository so that each call, once it has settled
 * (fulfilled or rejected), runs `onWrite`. `countAuthDataWrites` uses it so that adapters
 * move their `dataVersion` token forward after every write to the tables authentication
 * caches read.
 * @param repository - the repository; returned as a new object, the original is untouched.
 * @param writes - the methods that change state.
 * @param onWrite - called after each of them.
 */
export function countWrites<R extends object>(
  repository: R,
  writes: readonly (keyof R & string)[],
  onWrite: () => void,
): R {
  const wrapped: R = { ...repository };
  for (const name of writes) {
    const method = repository[name];
    if (typeof method !== 'function') throw new TypeError(`${name} is not a method`);
    const call = method as (...args: unknown[]) => Promise<unknown>;
    (wrapped as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      try {
        return await call.apply(repository, args);
      } finally {
        onWrite();
      }
    };
  }
  return wrapped;
}

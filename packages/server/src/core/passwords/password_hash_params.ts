/** argon2id cost parameters (L-5). */
export interface PasswordHashParams {
  /** Memory in KiB. */
  readonly memoryCost: number;
  /** Passes over memory. */
  readonly timeCost: number;
  /** Lanes. */
  readonly parallelism: number;
}

/**
 * Default argon2id parameters: OWASP's minimum recommendation (19 MiB, 2 passes, 1 lane),
 * which is also L-5's floor. Raise them through the `params` argument of `hashPassword` and
 * `verifyPassword`; existing hashes are upgraded at the next successful login.
 */
export const PASSWORD_HASH_PARAMS: PasswordHashParams = Object.freeze({
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
});

/**
 * Bounds for parameters, ours and those read from stored hashes. The floor is L-5's; the
 * ceilings are far above any sane setting and stop a corrupted stored hash from making one
 * login allocate gigabytes or run for minutes.
 */
export const PASSWORD_HASH_LIMITS = Object.freeze({
  memoryCost: { min: 19_456, max: 1_048_576 },
  timeCost: { min: 2, max: 64 },
  parallelism: { min: 1, max: 16 },
});

/**
 * Fills `params` from the defaults and checks every value against `PASSWORD_HASH_LIMITS`.
 * A value out of bounds is a programming or configuration mistake: `TypeError`.
 */
export function resolvePasswordHashParams(
  params: Partial<PasswordHashParams> = {},
): PasswordHashParams {
  const resolved = { ...PASSWORD_HASH_PARAMS, ...withoutUndefined(params) };
  for (const name of ['memoryCost', 'timeCost', 'parallelism'] as const) {
    const value = resolved[name];
    const { min, max } = PASSWORD_HASH_LIMITS[name];
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw new TypeError(`password hash ${name} must be an integer from ${min} to ${max}`);
    }
  }
  return Object.freeze(resolved);
}

function withoutUndefined(params: Partial<PasswordHashParams>): Partial<PasswordHashParams> {
  return Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined));
}

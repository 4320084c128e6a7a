/**
 * Polls `check` every `intervalMs` until it resolves truthy, and fails after `deadlineMs` with
 * `what` in the message. For states reached in the background (a client reconnecting), not
 * for measuring how long they take.
 */
export async function waitUntil<T>(
  what: string,
  check: () => Promise<T | null | undefined | false>,
  { deadlineMs = 20_000, intervalMs = 100 } = {},
): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  let last: unknown = null;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `gave up waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

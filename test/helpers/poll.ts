// The one poll-until helper of the e2e tests: no sleeps with a margin, a deadline that only
// matters when something is wrong.

/**
 * Calls `fn` every 50 ms until it returns something truthy, and resolves with that; throws naming
 * `what` once `timeoutMs` has passed.
 */
export async function eventually<T>(what: string, fn: () => T | null | undefined | false | Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Like `eventually`, but a probe that throws (a table not created yet, a server restarting) counts as not yet. */
export function eventuallyTolerant<T>(what: string, fn: () => T | null | undefined | false | Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  return eventually(
    what,
    async () => {
      try {
        return await fn();
      } catch {
        return false;
      }
    },
    timeoutMs,
  );
}

// Named one-shot timers at absolute times, for request expiries and grant ends. setTimeout holds
// at most 2^31-1 ms (about 24.8 days; a longer delay fires at once): a later time is reached in
// steps. Timers are unref'd: a pending request never keeps the process alive.

const MAX_DELAY = 2 ** 31 - 1;

export class Timers {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  /** Runs `fn` at `at` (ms since the epoch; at once when past), replacing any timer of that name. */
  at(name: string, at: number, fn: () => void): void {
    this.clear(name);
    const arm = (): void => {
      const delay = at - Date.now();
      const timer = setTimeout(
        () => {
          if (at - Date.now() > 0) return arm();
          this.timers.delete(name);
          fn();
        },
        Math.max(0, Math.min(delay, MAX_DELAY)),
      );
      timer.unref();
      this.timers.set(name, timer);
    };
    arm();
  }

  clear(name: string): void {
    clearTimeout(this.timers.get(name));
    this.timers.delete(name);
  }

  clearAll(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}

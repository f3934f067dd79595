// Failed unlocks are slowed per peer uid: each failure doubles the wait before that uid's next
// attempt is answered (250 ms, 500 ms, … up to 30 s); a success clears it. Attempts that arrive
// during a wait queue behind it, so parallel guessing gains nothing.
const BASE_MS = 250;
const MAX_MS = 30_000;

export class UnlockThrottle {
  private readonly state = new Map<number, { failures: number; notBefore: number }>();

  /** Resolves when `uid` may try again. */
  async wait(uid: number): Promise<void> {
    const s = this.state.get(uid);
    const ms = s ? s.notBefore - Date.now() : 0;
    if (ms > 0) await new Promise((r) => setTimeout(r, ms));
  }

  /** Records a failure; returns the delay now imposed on the next attempt, in ms. */
  failed(uid: number): number {
    const s = this.state.get(uid) ?? { failures: 0, notBefore: 0 };
    s.failures++;
    const delay = Math.min(MAX_MS, BASE_MS * 2 ** (s.failures - 1));
    s.notBefore = Math.max(Date.now(), s.notBefore) + delay;
    this.state.set(uid, s);
    return delay;
  }

  succeeded(uid: number): void {
    this.state.delete(uid);
  }
}

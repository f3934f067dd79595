// Every long-lived resource is registered here by the code that created it and disposed in reverse
// order of creation on shutdown (DESIGN.md rule 5). A failing disposer is logged, and the rest
// still run: a stuck socket must not keep the lock file or the keys alive.
export type Disposer = () => void | Promise<void>;

export class Lifetime {
  private readonly stack: Array<{ name: string; dispose: Disposer }> = [];
  private disposing: Promise<void> | null = null;

  constructor(private readonly onError: (name: string, error: unknown) => void) {}

  defer(name: string, dispose: Disposer): void {
    if (this.disposing) throw new Error(`cannot register ${name}: shutting down`);
    this.stack.push({ name, dispose });
  }

  /** Disposes everything, last registered first. Idempotent: later calls await the first. */
  dispose(): Promise<void> {
    this.disposing ??= (async () => {
      for (let entry = this.stack.pop(); entry; entry = this.stack.pop()) {
        try {
          await entry.dispose();
        } catch (error) {
          this.onError(entry.name, error);
        }
      }
    })();
    return this.disposing;
  }
}

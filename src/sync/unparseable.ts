// Lines not understood since start, per source kind, with the most recent one: what sync.status
// shows. Reports are folded in and emptied, so a daemon that runs for months does not keep one
// entry per bad line.
import type { ImportReport } from "./import-step.js";

export class UnparseableTally extends Map<string, { lines: number; last: { file: string; line: number } }> {
  total = 0;

  /** Folds `found` in (emptying it); `kindOf` names a file's source kind (else its name's first part). */
  add(found: ImportReport["unparseable"], kindOf: (rel: string) => string | undefined): void {
    for (const u of found.splice(0)) {
      const kind = kindOf(u.rel) ?? u.rel.split(/[:/]/)[0]!;
      const t = this.get(kind);
      if (t) {
        t.lines++;
        t.last = { file: u.rel, line: u.line };
      } else this.set(kind, { lines: 1, last: { file: u.rel, line: u.line } });
      this.total++;
    }
  }
}

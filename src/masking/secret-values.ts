// Exact secret values to mask: every value the daemon served (vault.get) or injected into a
// session, with the forms they are commonly printed in: base64 (padded, unpadded, url-safe) and
// URL-encoded. Held in memory only; never written anywhere.
export const MIN_SECRET_LENGTH = 6; // shorter values would mask ordinary output

export class SecretValues {
  /** latin1 views of each form's UTF-8 bytes, longest first. */
  private forms: string[] = [];
  private readonly seen = new Set<string>();

  add(value: string): void {
    if (value.length < MIN_SECRET_LENGTH || this.seen.has(value)) return;
    this.seen.add(value);
    const bytes = Buffer.from(value, "utf8");
    const b64 = bytes.toString("base64");
    const candidates = [value, b64, b64.replace(/=+$/, ""), bytes.toString("base64url"), encodeURIComponent(value)];
    for (const f of new Set(candidates)) {
      const view = Buffer.from(f, "utf8").toString("latin1");
      if (view.length >= MIN_SECRET_LENGTH) this.forms.push(view);
    }
    this.forms.sort((a, b) => b.length - a.length);
  }

  get size(): number {
    return this.seen.size;
  }

  /** Every form, longest first (so a form containing another is matched whole). */
  all(): readonly string[] {
    return this.forms;
  }
}

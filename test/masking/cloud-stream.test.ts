// Stream masking of cloud tokens whose chars go beyond base64: a SAS signature is URL-encoded
// (%2B, %2F, %3D), and none of it may go out before the rest arrives.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { StreamMasker } from "../../src/masking/masker.js";
import { SecretValues } from "../../src/masking/secret-values.js";

function stream(parts: string[]): string {
  const m = new StreamMasker(new SecretValues(), 1_000_000);
  const out = parts.map((p) => m.push(Buffer.from(p, "latin1")));
  out.push(m.flush());
  return Buffer.concat(out).toString("latin1");
}

describe("stream masking of cloud tokens", () => {
  it("holds a URL-encoded SAS signature cut anywhere, emitting none of it", () => {
    const signature = encodeURIComponent(Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 97 + 251) % 256)).toString("base64"));
    assert.match(signature, /%2[BF].*%3D$/);
    const url = `https://acct.blob.core.windows.net/c/b.txt?sv=2022-11-02&se=2026-12-31&sp=r&sig=`;
    const text = `out: ${url}${signature}\r\n`;
    for (let cut = text.indexOf("sig=") + 4; cut < text.length - 2; cut++) {
      assert.equal(stream([text.slice(0, cut), text.slice(cut)]), `out: ${url}[MASKED:azure_sas_token]\r\n`, `cut at ${cut}`);
    }
  });
});

// Secret references and templates (issue 15): parsing, formatting, finding and rendering.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { WardenError } from "../../src/platform/errors.js";
import { findTemplateReferences, formatReference, parseReference, renderTemplate, type SecretReference } from "../../src/vault/references.js";

function problem(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof WardenError, String(err));
    assert.equal(err.kind, "usage");
    return String(err.details.reason);
  }
  assert.fail("expected a WardenError");
}

describe("parseReference", () => {
  const valid: Array<[string, SecretReference]> = [
    ["warden://prod/DB_PASSWORD", { vault: "prod", name: "DB_PASSWORD" }],
    ["warden://DB_PASSWORD", { name: "DB_PASSWORD" }],
    ["warden://my-vault.2_x/api", { vault: "my-vault.2_x", name: "api" }],
    ["warden://v/a/b/c", { vault: "v", name: "a/b/c" }],
    ["warden://a%2Fb", { name: "a/b" }],
    ["warden://v/with%20space", { vault: "v", name: "with space" }],
    ["warden://v/%25literal", { vault: "v", name: "%literal" }],
    ["warden://v/caf%C3%A9", { vault: "v", name: "café" }],
    ["warden://v/café", { vault: "v", name: "café" }],
    ["warden://%70rod/x", { vault: "prod", name: "x" }],
    ["warden://v/{}#?&=", { vault: "v", name: "{}#?&=" }],
    [`warden://v/${"n".repeat(256)}`, { vault: "v", name: "n".repeat(256) }],
    [`warden://${"V".repeat(64)}/x`, { vault: "V".repeat(64), name: "x" }],
  ];
  for (const [text, expected] of valid) {
    it(`parses ${JSON.stringify(text.slice(0, 40))}`, () => {
      assert.deepEqual(parseReference(text), expected);
    });
  }

  it("is null for text that is not a reference", () => {
    for (const text of ["", "prod/DB", "plain value", "WARDEN://v/x", "warden:/v/x", "warden:v/x", " warden://v/x", "x warden://v/x", "https://v/x"]) {
      assert.equal(parseReference(text), null, text);
    }
  });

  const invalid: Array<[string, string]> = [
    ["warden://", "empty_name"],
    ["warden://v/", "empty_name"],
    ["warden:///x", "bad_vault"],
    ["warden://-v/x", "bad_vault"],
    ["warden://v%20x/y", "bad_vault"],
    ["warden://v%2Fw/y", "bad_vault"],
    [`warden://${"V".repeat(65)}/x`, "bad_vault"],
    ["warden://v/%ZZ", "bad_escape"],
    ["warden://v/%", "bad_escape"],
    ["warden://v/%C3", "bad_escape"],
    ["warden://%ZZ/x", "bad_escape"],
    ["warden://v/a b", "bad_character"],
    ["warden://v/x ", "bad_character"],
    ["warden://v/a\tb", "bad_character"],
    ["warden://v/a\nb", "bad_character"],
    ["warden://v/a\u0000b", "bad_character"],
    ["warden://v/a%00b", "bad_name"],
    ["warden://v/a%0Ab", "bad_name"],
    ["warden://v/a%7Fb", "bad_name"],
    ["warden://v/a%C2%85b", "bad_name"],
    [`warden://v/${"n".repeat(257)}`, "bad_name"],
    [`warden://v/${"%41".repeat(257)}`, "bad_name"],
  ];
  for (const [text, reason] of invalid) {
    it(`rejects ${JSON.stringify(text.slice(0, 40))} as ${reason}`, () => {
      assert.equal(
        problem(() => parseReference(text)),
        reason,
      );
    });
  }
});

describe("formatReference", () => {
  it("writes plain names unescaped and escapes what needs it", () => {
    assert.equal(formatReference({ vault: "prod", name: "DB_PASSWORD" }), "warden://prod/DB_PASSWORD");
    assert.equal(formatReference({ name: "DB" }), "warden://DB");
    assert.equal(formatReference({ name: "a/b" }), "warden://a%2Fb");
    assert.equal(formatReference({ vault: "v", name: "a b%}" }), "warden://v/a%20b%25%7D");
  });

  it("refuses a name no reference can carry (a lone surrogate)", () => {
    assert.equal(
      problem(() => formatReference({ vault: "v", name: "a\uD800" })),
      "bad_name",
    );
    assert.equal(
      problem(() => parseReference("warden://v/a%ED%A0%80")),
      "bad_escape",
    );
  });

  it("round-trips every valid reference", () => {
    // A seeded generator over names built from characters that need escaping and ones that do not.
    const alphabet = ["a", "Z", "0", "_", "-", ".", "/", " ", "%", "{", "}", "#", "?", "é", "日", "😀", "~", "'", "+", "="];
    let seed = 15;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let k = 0; k < 500; k++) {
      const name = Array.from({ length: 1 + next(20) }, () => alphabet[next(alphabet.length)]).join("");
      const ref: SecretReference = next(2) === 0 ? { name } : { vault: ["prod", "a.b-c_1", "V"][next(3)]!, name };
      const text = formatReference(ref);
      assert.deepEqual(parseReference(text), ref, text);
      assert.equal(formatReference(parseReference(text)!), text);
      assert.doesNotMatch(text.slice("warden://".length), /[\s{}]/);
    }
  });
});

describe("findTemplateReferences", () => {
  it("finds references with their offsets, whitespace allowed inside the braces", () => {
    const text = "a={{ warden://prod/A }}\nb={{warden://B}} c={{ \t warden://v/x%20y\t}}";
    const found = findTemplateReferences(text);
    assert.deepEqual(
      found.map((f) => [f.start, f.end, f.reference]),
      [
        [2, 23, { vault: "prod", name: "A" }],
        [26, 40, { name: "B" }],
        [43, text.length, { vault: "v", name: "x y" }],
      ],
    );
    for (const f of found) assert.equal(text.slice(f.start, f.end), f.text);
  });

  it("leaves other braces alone", () => {
    for (const text of [
      "{{ other }}",
      "{ warden://v/x }",
      "{{ warden://v/x }",
      "{{ warden://v/x y }}",
      "{{\nwarden://v/x\n}}",
      "warden://v/x",
      "{{ https://v/x }}",
      "",
    ]) {
      assert.deepEqual(findTemplateReferences(text), [], text);
    }
  });

  it("finds a reference inside extra braces", () => {
    const found = findTemplateReferences("{{{ warden://v/x }}}");
    assert.deepEqual(
      found.map((f) => [f.start, f.reference]),
      [[1, { vault: "v", name: "x" }]],
    );
  });

  it("throws on a malformed reference in braces", () => {
    assert.equal(
      problem(() => findTemplateReferences("ok {{ warden://v/%ZZ }}")),
      "bad_escape",
    );
    assert.equal(
      problem(() => findTemplateReferences("{{ warden:// }}")),
      "empty_name",
    );
    assert.equal(
      problem(() => findTemplateReferences("{{ warden://-bad/x }}")),
      "bad_vault",
    );
  });
});

describe("renderTemplate", () => {
  it("replaces each reference and keeps everything else byte for byte", () => {
    const text = '# conf\r\nuser={{ warden://prod/USER }}\r\npass="{{warden://PASS}}" {{ keep }} $(x) ${Y}\n\ttail é';
    const seen: SecretReference[] = [];
    const out = renderTemplate(text, (ref) => {
      seen.push(ref);
      return `<${ref.vault ?? "default"}:${ref.name}>`;
    });
    assert.equal(out, '# conf\r\nuser=<prod:USER>\r\npass="<default:PASS>" {{ keep }} $(x) ${Y}\n\ttail é');
    assert.deepEqual(seen, [{ vault: "prod", name: "USER" }, { name: "PASS" }]);
  });

  it("inserts resolved values literally, without re-reading them as templates", () => {
    const out = renderTemplate("{{ warden://a }}{{ warden://b }}", (ref) => (ref.name === "a" ? "{{ warden://b }}$&" : "B"));
    assert.equal(out, "{{ warden://b }}$&B");
  });

  it("returns a template without references unchanged and never calls resolve", () => {
    const text = "no refs here {{ x }}\n";
    assert.equal(
      renderTemplate(text, () => assert.fail("resolve called")),
      text,
    );
  });

  it("parses every reference before resolving any", () => {
    let calls = 0;
    assert.equal(
      problem(() =>
        renderTemplate("{{ warden://ok }} {{ warden://v/%ZZ }}", () => {
          calls++;
          return "";
        }),
      ),
      "bad_escape",
    );
    assert.equal(calls, 0);
  });
});

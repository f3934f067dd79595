// What the audit log records of a peer's command line is masked as the command line reads: a
// password given as its own argument after its flag (`--password X`, `mysql -p X`) is one.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { boundProcess } from "../../src/platform/proc.js";
import { maskText } from "../../src/masking/masker.js";
import { SecretValues } from "../../src/masking/secret-values.js";

const PASSWORD = "Hunter2SuperSecretValue99x";
const mask = (text: string) => maskText(text, new SecretValues()).text;
const argvOf = (argv: string[]) => boundProcess({ exe: "/usr/bin/tool", argv, more: 0 }, mask).argv!;

describe("boundProcess masking", () => {
  it("masks a password that follows its flag as the next argument", () => {
    for (const argv of [
      ["node", "client.js", "--password", PASSWORD],
      ["mysql", "-u", "root", "-p", PASSWORD, "db"],
      ["psql-wrapper", "--db-password", PASSWORD],
    ]) {
      const out = argvOf(argv);
      assert.equal(out.length, argv.length, JSON.stringify(out));
      assert.ok(!out.join(" ").includes(PASSWORD), JSON.stringify(out));
      assert.equal(out[0], argv[0]);
    }
  });

  it("keeps every argument in its place, and an argument holding a tab whole", () => {
    assert.deepEqual(argvOf(["tool", "--flag", "a\tb", "--token=" + PASSWORD]), ["tool", "--flag", "a\tb", "--token=[MASKED:password]"]);
    assert.deepEqual(argvOf(["ls", "-la", "/tmp"]), ["ls", "-la", "/tmp"]);
  });
});

import { Command, Option } from "clipanion";
import { SCOPE_PATTERN } from "../../../../protocol/patterns.js";
import { WardenError } from "../../../platform/errors.js";
import { APPROVAL_POLICIES, DEFAULT_APPROVAL, type ApprovalPolicy } from "../../../vault/policy.js";
import { WardenCommand } from "../../base.js";

export class VaultAddCommand extends WardenCommand {
  static override paths = [["vault", "add"]];
  static override usage = Command.Usage({
    category: "Vault",
    description: "Add a secret to a vault",
    details:
      "The value is read from stdin when stdin is not a terminal, else asked twice without echo — never from the command line. Scopes limit who may read it: a `get` must name one of them. --approval says when a session's agent needs a person's approval to read it: always, outside-scope (the default: when the read is outside its session's credential scope) or never (outside the scope it is refused). The passphrase comes from a prompt, the first line of stdin (--passphrase-stdin; the value is the rest), or WARDEN_PASSPHRASE_FILE. Fails if the name exists; use `vault set` to change it.",
    examples: [
      ["Add with a prompt", "warden vault add work OPENAI_KEY --scope dev --description 'team key'"],
      ["From a pipe", "pbpaste | warden vault add work OPENAI_KEY"],
    ],
  });

  vault = Option.String({ required: true });
  name = Option.String({ required: true });
  scopes = Option.Array("--scope", [], { description: "Allowed scope (repeat for several; none = any)" });
  description = Option.String("--description", "", { description: "What the secret is for" });
  approval = Option.String("--approval", { description: "When an agent's read needs approval: always, outside-scope (default) or never" });
  passphraseStdin = Option.Boolean("--passphrase-stdin", false, { description: "Passphrase on the first line of stdin, value after it" });

  async run(): Promise<number> {
    const { changeVault, findEntry, putEntry, readSecretValue, wipe } = await import("../../vault-access.js");
    checkName(this.name);
    checkScopes(this.scopes);
    const approval = checkApproval(this.approval);
    const result = await changeVault(this.vault, this.passphraseStdin, async (doc, keys, path) => {
      if (findEntry(doc, keys, this.name, path)) {
        throw new WardenError("conflict", `vault ${this.vault} already has ${this.name}; use: warden vault set ${this.vault} ${this.name}`);
      }
      const value = await readSecretValue(this.name);
      const now = new Date().toISOString();
      const entry = {
        name: this.name,
        value: value.toString("utf8"),
        scopes: this.scopes,
        description: this.description,
        ...(approval ? { approval } : {}),
        createdAt: now,
        updatedAt: now,
      };
      wipe(value);
      return { doc: putEntry(doc, keys, entry), result: { vault: this.vault, name: this.name, scopes: this.scopes, approval: approval ?? DEFAULT_APPROVAL } };
    });
    this.print(`added ${this.name} to vault ${this.vault}${this.scopes.length ? ` (scopes: ${this.scopes.join(", ")})` : ""}`, result);
    return 0;
  }
}

export function checkName(name: string): void {
  if (name.length === 0 || name.length > 256 || /[\x00-\x1f]/.test(name)) {
    throw new WardenError("usage", `invalid secret name ${JSON.stringify(name)}: 1 to 256 characters, no control characters`);
  }
}

/** Scopes a `get` can name: the protocol's own pattern, so no entry is stored unreadable. */
export function checkScopes(scopes: readonly string[]): void {
  for (const s of scopes) {
    if (!SCOPE_PATTERN.test(s))
      throw new WardenError("usage", `invalid scope ${JSON.stringify(s)}: 1 to 128 printable ASCII characters, no spaces`, { option: "--scope" });
  }
}

/** --approval's value, checked; undefined when not given. */
export function checkApproval(value: string | undefined): ApprovalPolicy | undefined {
  if (value === undefined) return undefined;
  if (!(APPROVAL_POLICIES as readonly string[]).includes(value)) {
    throw new WardenError("usage", `invalid --approval ${JSON.stringify(value)}: one of ${APPROVAL_POLICIES.join(", ")}`, { option: "--approval" });
  }
  return value as ApprovalPolicy;
}

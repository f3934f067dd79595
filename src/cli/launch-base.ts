// Options `warden launch` and `warden run` share, and the sessions.launch params they make.
import { resolve } from "node:path";
import { Option } from "clipanion";
import type { ParamsOf } from "../../protocol/index.js";
import { SCOPE_PATTERN, SECRET_REF_PATTERN } from "../../protocol/patterns.js";
import { WardenError } from "../platform/errors.js";
import { WardenCommand } from "./base.js";
import { parseSecretSpec } from "./commands/exec.js";

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export abstract class LaunchCommandBase extends WardenCommand {
  cwd = Option.String("--cwd", { description: "Working directory (default: the current one); must lie inside a project root (sessions.projects)" });
  title = Option.String("--title", { description: "A title for lists (default: the harness or command name)" });
  secrets = Option.Array("--secret", [], { description: "ENV=VAULT/NAME: a secret in the environment, masked in everything recorded (repeat for several)" });
  scopes = Option.Array("--scope", [], {
    description: "A credential scope of the session (repeat for several): its agent reads entries with that scope; the --secret entries must share one",
  });
  allow = Option.Array("--allow", [], { description: "VAULT/NAME: an entry the session's agent may read whatever its scopes (repeat for several)" });
  reason = Option.String("--reason", { description: "Why the secrets are needed (audited)" });
  env = Option.Array("--env", [], { description: "NAME=VALUE: an extra environment variable, not a secret (repeat for several)" });

  /** The params every launch shares: cwd (absolute), title, env, secrets. */
  protected commonParams(): Pick<ParamsOf<"sessions.launch">, "cwd" | "title" | "env" | "secrets" | "scopes" | "allow" | "reason"> {
    const secrets: Record<string, string> = {};
    for (const spec of this.secrets) {
      const s = parseSecretSpec(spec);
      secrets[s.env] = `${s.vault}/${s.name}`;
    }
    const env: Record<string, string> = {};
    for (const spec of this.env) {
      const eq = spec.indexOf("=");
      const name = eq > 0 ? spec.slice(0, eq) : "";
      if (!ENV_NAME.test(name)) throw new WardenError("usage", `--env ${JSON.stringify(spec)}: expected NAME=VALUE, NAME a variable name`, { option: "--env" });
      env[name] = spec.slice(eq + 1);
    }
    return {
      cwd: resolve(this.cwd ?? process.cwd()),
      title: this.title,
      env: this.env.length > 0 ? env : undefined,
      secrets: this.secrets.length > 0 ? secrets : undefined,
      scopes: this.scopes.length > 0 ? checked(this.scopes, "--scope", SCOPE_PATTERN, 32, "1 to 128 printable ASCII characters, no spaces") : undefined,
      allow: this.allow.length > 0 ? checked(this.allow, "--allow", SECRET_REF_PATTERN, 256, "VAULT/NAME") : undefined,
      reason: this.reason,
    };
  }
}

/** A repeated option's values checked as the protocol checks them: a usage error (exit 2) names the bad one. */
export function checked(values: string[], option: string, pattern: RegExp, max: number, expected: string): string[] {
  const bad = values.find((v) => !pattern.test(v));
  if (bad !== undefined) throw new WardenError("usage", `${option} ${JSON.stringify(bad)}: expected ${expected}`, { option });
  if (values.length > max) throw new WardenError("usage", `${option} is given ${values.length} times; at most ${max}`, { option });
  return values;
}

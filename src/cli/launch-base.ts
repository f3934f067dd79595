// Options `warden launch` and `warden run` share, and the sessions.launch params they make.
import { resolve } from "node:path";
import { Option } from "clipanion";
import type { ParamsOf } from "../../protocol/index.js";
import { WardenError } from "../platform/errors.js";
import { WardenCommand } from "./base.js";
import { parseSecretSpec } from "./commands/exec.js";

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export abstract class LaunchCommandBase extends WardenCommand {
  cwd = Option.String("--cwd", { description: "Working directory (default: the current one); must lie inside a project root (sessions.projects)" });
  title = Option.String("--title", { description: "A title for lists (default: the harness or command name)" });
  secrets = Option.Array("--secret", [], { description: "ENV=VAULT/NAME: a secret in the environment, masked in everything recorded (repeat for several)" });
  scope = Option.String("--scope", { description: "Scope to present for every secret" });
  reason = Option.String("--reason", { description: "Why the secrets are needed (audited)" });
  env = Option.Array("--env", [], { description: "NAME=VALUE: an extra environment variable, not a secret (repeat for several)" });

  /** The params every launch shares: cwd (absolute), title, env, secrets. */
  protected commonParams(): Pick<ParamsOf<"sessions.launch">, "cwd" | "title" | "env" | "secrets" | "scope" | "reason"> {
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
      scope: this.scope,
      reason: this.reason,
    };
  }
}

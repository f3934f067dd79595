import { Command, Option } from "clipanion";
import { WardenError } from "../../platform/errors.js";
import { fetchSecrets, type SecretRequest } from "../actions/get.js";
import { WardenCommand } from "../base.js";
import { findReferences, layerEnvFiles, namingVariable } from "../exec-env.js";

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export class ExecCommand extends WardenCommand {
  static override paths = [["exec"]];
  static override usage = Command.Usage({
    description: "Run a command with secrets in its environment",
    details: `
      Each --secret ENV=VAULT/NAME puts that secret's value in the environment variable ENV of the command, and nowhere else: not in its argv, not in any log. stdin, stdout and stderr are the command's own; its exit status is warden's, and a signal that kills it kills warden the same way. SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2 are passed on to it.

      The environment is built in this order, each layer winning over the one before: the inherited environment; each --env-file in the order given (dotenv syntax: \`#\` comments, \`export \` prefix, single or double quotes; no command substitution); each --secret. Any value that is exactly a reference, \`warden://VAULT/NAME\` (or \`warden://NAME\` for the default vault), is replaced by that secret, read like a --secret (same --scope, --reason, --caller). A reference that cannot be resolved (not_found, scope_denied, vault_locked, approval_pending) or is malformed fails before the command starts, naming the variable; no value is ever printed.

      Reads go through the daemon, or directly from the vault files when none runs (see \`warden get\`). Every read is audited; --reason is required whenever anything is read.
    `,
    examples: [
      ["Tests with a key", "warden exec --secret OPENAI_API_KEY=work/OPENAI_KEY --scope dev --reason tests -- pytest -q"],
      ["Two secrets", "warden exec --secret PGPASSWORD=work/DB_PASS --secret TOKEN=ci/GH_TOKEN --reason deploy -- ./deploy.sh"],
      ["An env file with references (DB_PASS=warden://work/DB_PASS)", "warden exec --env-file .env --reason dev -- npm start"],
      ["A reference in the environment", "TOKEN=warden://ci/GH_TOKEN warden exec --reason deploy -- ./deploy.sh"],
    ],
  });

  secrets = Option.Array("--secret", [], { description: "ENV=VAULT/NAME (repeat for several)" });
  envFiles = Option.Array("--env-file", [], { description: "A dotenv file of variables to add, references resolved (repeat: later files win)" });
  scope = Option.String("--scope", { description: "Scope to present for every secret" });
  reason = Option.String("--reason", { description: "Why the secrets are needed (required; audited)" });
  caller = Option.String("--caller", { description: "Who is asking (self-declared; audited)" });
  noDaemon = Option.Boolean("--no-daemon", false, { description: "Read the vault files directly" });
  command = Option.Rest({ required: 1 });

  async run(): Promise<number> {
    const targets = this.secrets.map((spec) => parseSecretSpec(spec));
    const env = layerEnvFiles(process.env, this.envFiles);
    // Every reference is parsed before anything is read: a malformed one reads nothing.
    const refs = findReferences(env, new Set(targets.map((t) => t.env)));
    const reads = [...refs.map((r) => ({ env: r.env, ...r.reference })), ...targets];
    if (reads.length === 0 && this.envFiles.length === 0) {
      throw new WardenError("usage", "nothing to read: give --secret ENV=VAULT/NAME, --env-file F or a warden:// reference", { option: "--secret" });
    }
    if (reads.length > 0 && !this.reason) throw new WardenError("usage", "--reason is required: say why the secrets are needed", { option: "--reason" });
    const requests: SecretRequest[] = reads.map((t) => ({
      ...(t.vault === undefined ? {} : { vault: t.vault }),
      name: t.name,
      scope: this.scope,
      reason: this.reason!,
      caller: this.caller ?? "warden exec",
    }));
    let failed: number | undefined;
    let values;
    try {
      values = await fetchSecrets(
        requests,
        this.noDaemon,
        (why) => this.context.stderr.write(`warden: ${why.split(";")[0]}; reading the vault directly\n`),
        (i) => (failed = i),
      );
    } catch (err) {
      throw failed === undefined ? err : namingVariable(reads[failed]!.env, err);
    }
    reads.forEach((t, i) => {
      const value = values[i]!.value;
      // spawn would reject it with the value in its message: name only the variable.
      if (value.includes("\0")) throw new WardenError("usage", `the value for ${t.env} contains a NUL byte and cannot go in an environment variable`);
      env[t.env] = value;
    });
    const { runChild } = await import("../run-child.js");
    return runChild(this.command[0]!, this.command.slice(1), env);
  }
}

/** ENV=VAULT/NAME; the name may itself contain '/'. */
export function parseSecretSpec(spec: string): { env: string; vault: string; name: string } {
  const m = /^([^=]+)=([^/]+)\/(.+)$/.exec(spec);
  if (!m || !ENV_NAME.test(m[1]!)) {
    throw new WardenError("usage", `--secret ${JSON.stringify(spec)}: expected ENV=VAULT/NAME, ENV a variable name`, { option: "--secret" });
  }
  return { env: m[1]!, vault: m[2]!, name: m[3]! };
}

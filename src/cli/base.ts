// Shared by every command: the --json flag, and one way to report an error (message on stderr,
// or {"error": {...}} on stdout with --json) with an exit code scripts can branch on.
import { Command, Option } from "clipanion";
import { WardenError } from "../errors.js";
import { RemoteError } from "../rpc/client.js";

/** Exit codes: 0 success, 1 failure, 2 usage (clipanion), 3 the daemon is not running. */
export const EXIT_FAILURE = 1;
export const EXIT_NOT_RUNNING = 3;

export abstract class WardenCommand extends Command {
  json = Option.Boolean("--json", false, { description: "Print one JSON document on stdout" });

  abstract run(): Promise<number>;

  async execute(): Promise<number> {
    try {
      return await this.run();
    } catch (err) {
      return this.report(err);
    }
  }

  protected print(human: string, data: unknown): void {
    this.context.stdout.write(this.json ? JSON.stringify(data, null, 2) + "\n" : human + "\n");
  }

  protected report(err: unknown): number {
    const error =
      err instanceof WardenError
        ? err.toJSON()
        : err instanceof RemoteError
          ? { ...err.data, kind: err.kind, code: err.code, message: err.message }
          : { kind: "internal", message: err instanceof Error ? err.message : String(err) };
    if (this.json) this.context.stdout.write(JSON.stringify({ error }, null, 2) + "\n");
    else this.context.stderr.write(`warden: ${error.message}\n`);
    return error.kind === "unavailable" ? EXIT_NOT_RUNNING : EXIT_FAILURE;
  }
}

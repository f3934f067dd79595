// Shared by every clipanion command: the --json flag and error reporting (report.ts).
import { Command, Option } from "clipanion";
import { print, reportError, type Io } from "./report.js";

export abstract class WardenCommand extends Command {
  json = Option.Boolean("--json", false, { description: "Print one JSON document on stdout" });

  abstract run(): Promise<number>;

  async execute(): Promise<number> {
    try {
      return await this.run();
    } catch (err) {
      return reportError(this.io, err);
    }
  }

  protected get io(): Io {
    return { stdout: this.context.stdout, stderr: this.context.stderr, json: this.json };
  }

  protected print(human: string, data: unknown): void {
    print(this.io, human, data);
  }
}

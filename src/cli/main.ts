// The `warden` command line. Command modules import only what parsing needs; each loads its heavy
// dependencies (daemon code, zod) inside execute(), so `warden ping` starts nearly as fast as Node.
import { Builtins, Cli } from "clipanion";
import { packageInfo } from "../package-info.js";
import { EXIT_USAGE } from "./report.js";
import { DaemonDoctorCommand } from "./commands/daemon/doctor.js";
import { DaemonRestartCommand } from "./commands/daemon/restart.js";
import { DaemonRunCommand } from "./commands/daemon/run.js";
import { DaemonStartCommand } from "./commands/daemon/start.js";
import { DaemonStatusCommand } from "./commands/daemon/status.js";
import { DaemonStopCommand } from "./commands/daemon/stop.js";
import { HealthCommand } from "./commands/health.js";
import { PingCommand } from "./commands/ping.js";

const cli = new Cli({
  binaryLabel: "warden",
  binaryName: "warden",
  binaryVersion: packageInfo().version,
  enableColors: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
});
for (const command of [
  Builtins.HelpCommand,
  Builtins.VersionCommand,
  PingCommand,
  HealthCommand,
  DaemonRunCommand,
  DaemonStartCommand,
  DaemonStopCommand,
  DaemonRestartCommand,
  DaemonStatusCommand,
  DaemonDoctorCommand,
]) {
  cli.register(command);
}

let command;
try {
  command = cli.process(process.argv.slice(2), Cli.defaultContext);
} catch (err) {
  // Unknown command or option: clipanion's message and suggestions, and the usage exit status.
  process.stderr.write(cli.error(err));
  process.exitCode = EXIT_USAGE;
}
if (command) process.exitCode = await cli.run(command, Cli.defaultContext);

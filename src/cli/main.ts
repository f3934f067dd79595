// The `warden` command line. Command modules import only what parsing needs; each loads its heavy
// dependencies (daemon code, zod) inside execute(), so `warden ping` starts nearly as fast as Node.
import { Builtins, Cli } from "clipanion";
import { packageInfo } from "../platform/package-info.js";
import { groupAsked, groupHelp } from "./group-help.js";
import { EXIT_USAGE } from "./report.js";
import { DaemonDoctorCommand } from "./commands/daemon/doctor.js";
import { DaemonRestartCommand } from "./commands/daemon/restart.js";
import { DaemonRunCommand } from "./commands/daemon/run.js";
import { DaemonStartCommand } from "./commands/daemon/start.js";
import { DaemonStatusCommand } from "./commands/daemon/status.js";
import { DaemonStopCommand } from "./commands/daemon/stop.js";
import { ApprovalsListCommand } from "./commands/approvals/list.js";
import { ApprovalsWatchCommand } from "./commands/approvals/watch.js";
import { ApproveCommand } from "./commands/approve.js";
import { DenyCommand } from "./commands/deny.js";
import { GrantsListCommand } from "./commands/grants/list.js";
import { GrantsRevokeCommand } from "./commands/grants/revoke.js";
import { AuditListCommand } from "./commands/audit/list.js";
import { AuditVerifyCommand } from "./commands/audit/verify.js";
import { AuditCheckpointCommand } from "./commands/audit/checkpoint.js";
import { AuditProveCommand } from "./commands/audit/prove.js";
import { DaemonBackupCommand } from "./commands/daemon/backup.js";
import { DaemonDiffCommand } from "./commands/daemon/diff.js";
import { DaemonListBackupsCommand } from "./commands/daemon/list-backups.js";
import { DaemonPruneBackupsCommand } from "./commands/daemon/prune-backups.js";
import { DaemonRebuildCommand } from "./commands/daemon/rebuild.js";
import { DaemonRestoreCommand } from "./commands/daemon/restore.js";
import { DaemonVerifyCommand } from "./commands/daemon/verify.js";
import { AttachCommand } from "./commands/attach.js";
import { EventsCommand } from "./commands/events.js";
import { ExecCommand } from "./commands/exec.js";
import { GetCommand } from "./commands/get.js";
import { HealthCommand } from "./commands/health.js";
import { LaunchCommand } from "./commands/launch.js";
import { MaskCommand } from "./commands/mask.js";
import { PingCommand } from "./commands/ping.js";
import { RunCommand } from "./commands/run.js";
import { SessionsArchiveCommand } from "./commands/sessions/archive.js";
import { SessionsGetCommand } from "./commands/sessions/get.js";
import { SessionsKillCommand } from "./commands/sessions/kill.js";
import { SessionsListCommand } from "./commands/sessions/list.js";
import { SessionsScopeCommand } from "./commands/sessions/scope.js";
import { SearchCommand } from "./commands/search.js";
import { StatusCommand } from "./commands/status.js";
import { SyncPushCommand } from "./commands/sync/push.js";
import { SyncRunCommand } from "./commands/sync/run.js";
import { SyncStatusCommand } from "./commands/sync/status.js";
import { TasksOutputCommand } from "./commands/tasks/output.js";
import { VaultAddCommand } from "./commands/vault/add.js";
import { VaultInitCommand } from "./commands/vault/init.js";
import { VaultListCommand } from "./commands/vault/list.js";
import { VaultLockCommand } from "./commands/vault/lock.js";
import { VaultRekeyCommand } from "./commands/vault/rekey.js";
import { VaultRmCommand } from "./commands/vault/rm.js";
import { VaultSetCommand } from "./commands/vault/set.js";
import { VaultStatusCommand } from "./commands/vault/status.js";
import { VaultUnlockCommand } from "./commands/vault/unlock.js";

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
  GetCommand,
  ExecCommand,
  VaultInitCommand,
  VaultAddCommand,
  VaultSetCommand,
  VaultRmCommand,
  VaultListCommand,
  VaultRekeyCommand,
  VaultUnlockCommand,
  VaultLockCommand,
  VaultStatusCommand,
  ApprovalsListCommand,
  ApprovalsWatchCommand,
  ApproveCommand,
  DenyCommand,
  GrantsListCommand,
  GrantsRevokeCommand,
  AuditListCommand,
  AuditVerifyCommand,
  AuditProveCommand,
  AuditCheckpointCommand,
  StatusCommand,
  SessionsListCommand,
  SessionsGetCommand,
  SessionsKillCommand,
  SessionsArchiveCommand,
  SessionsScopeCommand,
  LaunchCommand,
  RunCommand,
  AttachCommand,
  EventsCommand,
  TasksOutputCommand,
  DaemonVerifyCommand,
  DaemonDiffCommand,
  DaemonRebuildCommand,
  DaemonBackupCommand,
  DaemonListBackupsCommand,
  DaemonPruneBackupsCommand,
  DaemonRestoreCommand,
  MaskCommand,
  SearchCommand,
  SyncStatusCommand,
  SyncRunCommand,
  SyncPushCommand,
]) {
  cli.register(command);
}

const argv = process.argv.slice(2);
const group = groupAsked(cli.definitions(), "warden", argv);
let command;
if (group) {
  (group.help ? process.stdout : process.stderr).write(groupHelp(cli.definitions(), "warden", group.group));
  process.exitCode = group.help ? 0 : EXIT_USAGE;
} else {
  try {
    command = cli.process(argv, Cli.defaultContext);
  } catch (err) {
    // Unknown command or option: clipanion's message and suggestions, and the usage exit status.
    process.stderr.write(cli.error(err));
    process.exitCode = EXIT_USAGE;
  }
}
if (command) process.exitCode = await cli.run(command, Cli.defaultContext);

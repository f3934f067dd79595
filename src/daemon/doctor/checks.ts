// Doctor's checks. Each looks at one thing, says what it saw, and names the repair when there is
// one. They only read: repairs live in repairs.ts and run only when asked.
import { readdirSync, statfsSync } from "node:fs";
import { dirname, join } from "node:path";
import { conflictMessage } from "../../platform/lock.js";
import { verifyAuditChain } from "../../ledger/audit-read.js";
import { listVaults, readVaultFile, vaultPath } from "../../vault/store.js";
import { dirProblem, inspectPath, octal } from "../../platform/secure-dir.js";
import type { CheckResult, DoctorContext } from "./types.js";

const ok = (name: string, message: string): CheckResult => ({ check: { name, state: "ok", message }, actions: [] });

export function checkDaemon(ctx: DoctorContext): CheckResult {
  const name = "daemon";
  if ("status" in ctx.daemon) {
    const s = ctx.daemon.status;
    return ok(name, `running: pid ${s.daemon.pid}, version ${s.binary.version}, up ${Math.round(s.uptimeSecs)} s, ${s.connections.live} connection(s)`);
  }
  if (ctx.lock.state === "running") {
    return {
      check: { name, state: "failed", message: `pid ${ctx.lock.owner.pid} holds the lock but does not answer: ${ctx.daemon.error}` },
      actions: [
        {
          id: "restart_daemon",
          risk: "requires_manual_review",
          command: "warden daemon restart",
          explanation: `Restart the unresponsive daemon (pid ${ctx.lock.owner.pid}); check daemon.log first for why it hangs.`,
        },
      ],
    };
  }
  if (ctx.lock.state === "conflict") return { check: { name, state: "failed", message: "not started: the run root belongs to another host" }, actions: [] };
  return {
    check: { name, state: "degraded", message: "not running" },
    actions: [{ id: "start_daemon", risk: "runtime_only", command: "warden daemon start", explanation: "Start the daemon in the background." }],
  };
}

export function checkConfig(ctx: DoctorContext): CheckResult {
  if (ctx.configError) {
    return {
      check: { name: "config", state: "failed", message: ctx.configError },
      actions: [
        {
          id: "fix_config",
          risk: "requires_manual_review",
          command: `$EDITOR ${ctx.paths.config}`,
          explanation: "Correct the named field; the daemon refuses to start until then.",
        },
      ],
    };
  }
  const present = inspectPath(ctx.paths.config).kind !== "missing";
  return ok("config", present ? `valid: ${ctx.paths.config}` : `defaults (no ${ctx.paths.config})`);
}

function checkDir(name: string, path: string, runtime: boolean): CheckResult {
  const info = inspectPath(path);
  if (info.kind === "missing") return ok(name, `${path} does not exist yet; the daemon creates it 0700`);
  const problem = dirProblem(info);
  if (problem) {
    return {
      check: { name, state: "failed", message: problem },
      actions: [
        {
          id: runtime ? "fix_run_root" : "fix_home",
          risk: "requires_manual_review",
          command: `ls -ld ${path}`,
          explanation: `Replace ${path} with a directory owned by this user, mode 0700.`,
        },
      ],
    };
  }
  const open = (info.mode ?? 0) & 0o077;
  if (open === 0) return ok(name, `${path} (0700, owner uid ${info.uid})`);
  const state = !runtime && open & 0o022 ? "failed" : "degraded";
  return {
    check: { name, state, message: `${path} is mode ${octal(info.mode)}; it should be 0700` },
    actions: [
      runtime
        ? { id: "chmod_run_root", risk: "runtime_only", command: `chmod 700 ${path}`, explanation: "Close the runtime directory to other users." }
        : {
            id: "fix_home",
            risk: "requires_manual_review",
            command: `chmod 700 ${path}`,
            explanation: "Close WARDEN_HOME to other users; check nothing else relies on reading it.",
          },
    ],
  };
}

export const checkHome = (ctx: DoctorContext): CheckResult => checkDir("home", ctx.paths.home, false);
export const checkRunRoot = (ctx: DoctorContext): CheckResult => {
  const runDir = checkDir("run_root", join(ctx.paths.home, "run"), true);
  return runDir.check.state === "ok" ? checkDir("run_root", ctx.paths.runRoot, true) : runDir;
};

export function checkLock(ctx: DoctorContext): CheckResult {
  const { lock, paths } = ctx;
  const name = "lock";
  switch (lock.state) {
    case "absent":
      return ok(name, "no lock: no daemon is running");
    case "running":
      return ok(name, `held by pid ${lock.owner.pid} (started ${lock.owner.startedAt})`);
    case "stale": {
      const why = lock.owner
        ? {
            pid_dead: `pid ${lock.owner.pid} is gone`,
            pid_reused: `pid ${lock.owner.pid} now belongs to another process`,
            rebooted: "the host has rebooted since",
            unreadable: "",
          }[lock.reason]
        : "its content is unreadable";
      return {
        check: { name, state: "degraded", message: `stale: ${paths.lock} — ${why}` },
        actions: [
          {
            id: "remove_stale_lock",
            risk: "runtime_only",
            command: "warden daemon doctor --repair-stale-lock",
            explanation: "Remove the stale lock and daemon.json; source stores are not touched.",
          },
        ],
      };
    }
    case "conflict":
      return {
        check: { name, state: "failed", message: `host conflict: ${conflictMessage(lock.owner, paths.host, paths.lock)}` },
        actions: [
          {
            id: "resolve_host_conflict",
            risk: "requires_manual_review",
            command: `rm ${paths.lock} ${paths.metadata}  # only after excluding ${join(paths.home, "run")}/ from sync`,
            explanation: `Never repaired automatically. Exclude $WARDEN_HOME/run/ from file sync, make sure host "${lock.owner.host}" keeps its own run root, then remove the copied lock.`,
          },
        ],
      };
  }
}

export function checkSocket(ctx: DoctorContext): CheckResult {
  const name = "socket";
  const path = ctx.paths.socket;
  const info = inspectPath(path);
  const daemonUp = "status" in ctx.daemon;
  if (info.kind === "missing") {
    return ctx.lock.state === "running"
      ? { check: { name, state: "failed", message: `${path} is missing but pid ${ctx.lock.owner.pid} holds the lock` }, actions: [] }
      : ok(name, `${path} absent (no daemon)`);
  }
  if (info.kind !== "socket") {
    return {
      check: { name, state: "failed", message: `${path} is a ${info.kind}, not a socket; the daemon will refuse to start` },
      actions: [
        {
          id: "move_socket_obstruction",
          risk: "requires_manual_review",
          command: `mv ${path} ${path}.moved`,
          explanation: "Look at what this file is before moving it away.",
        },
      ],
    };
  }
  if (!daemonUp && ctx.lock.state !== "running") {
    return {
      check: { name, state: "degraded", message: `${path} is stale: no daemon is listening` },
      actions: [
        {
          id: "remove_stale_socket",
          risk: "runtime_only",
          command: "warden daemon doctor --fix",
          explanation: "Remove the socket file a crashed daemon left behind.",
        },
      ],
    };
  }
  if (info.uid !== process.getuid!()) return { check: { name, state: "failed", message: `${path} is owned by uid ${info.uid}` }, actions: [] };
  if (info.mode !== 0o600) {
    return {
      check: { name, state: "degraded", message: `${path} is mode ${octal(info.mode)}, not 0600` },
      actions: [
        {
          id: "chmod_socket",
          risk: "runtime_only",
          command: `chmod 600 ${path}`,
          explanation: "Restore the socket's private mode (peer uid checks still apply).",
        },
      ],
    };
  }
  return ok(name, `${path} (socket, 0600, owner uid ${info.uid})`);
}

export function checkDisk(ctx: DoctorContext): CheckResult {
  let dir = ctx.paths.home;
  while (inspectPath(dir).kind === "missing" && dirname(dir) !== dir) dir = dirname(dir);
  const st = statfsSync(dir);
  const free = st.bavail * st.bsize;
  const min = ctx.config?.doctor.minFreeBytes ?? 512 * 1024 * 1024;
  const mib = (n: number) => `${Math.floor(n / 1024 / 1024)} MiB`;
  if (free >= min) return ok("disk", `${mib(free)} free under ${dir}`);
  return {
    check: {
      name: "disk",
      state: free < 64 * 1024 * 1024 ? "failed" : "degraded",
      message: `only ${mib(free)} free under ${dir} (doctor.minFreeBytes is ${mib(min)})`,
    },
    actions: [
      {
        id: "free_disk_space",
        risk: "requires_manual_review",
        command: `df -h ${dir}`,
        explanation: "Free space: appends and projection writes fail on a full disk.",
      },
    ],
  };
}

export function checkAudit(ctx: DoctorContext): CheckResult {
  const name = "audit_chain";
  const report = verifyAuditChain(ctx.paths.audit, ctx.paths.auditHead);
  if (!report.ok) {
    const b = report.firstBroken!;
    return {
      check: { name, state: "failed", message: `${ctx.paths.audit} line ${b.line}: ${b.reason}` },
      actions: [
        {
          id: "inspect_audit",
          risk: "requires_manual_review",
          command: `warden audit verify --json`,
          explanation: "Someone or something changed the audit log. Keep a copy for investigation; nothing repairs a broken chain.",
        },
      ],
    };
  }
  const stale = (inspectPath(ctx.paths.runRoot).kind === "directory" ? readdirSync(ctx.paths.runRoot, { withFileTypes: true }) : []).filter(
    (f) => f.name.startsWith("audit-head.json.") && f.name.endsWith(".stale"),
  );
  if (stale.length > 0) {
    return {
      check: {
        name,
        state: "failed",
        message: `the daemon found the audit log behind its recorded head (truncated or rolled back); evidence kept in ${stale.map((f) => f.name).join(", ")}`,
      },
      actions: [
        {
          id: "inspect_audit",
          risk: "requires_manual_review",
          command: `cat ${join(ctx.paths.runRoot, stale[0]!.name)}`,
          explanation: "Find out what replaced the audit log; remove the .stale file once accounted for.",
        },
      ],
    };
  }
  const torn = report.tornTail ? "; a torn last line from a crash (ignored, cut at the next daemon start)" : "";
  return { check: { name, state: report.tornTail ? "degraded" : "ok", message: `${report.records} record(s), chain intact${torn}` }, actions: [] };
}

export function checkVaults(ctx: DoctorContext): CheckResult {
  const names = listVaults(ctx.paths.home);
  const broken: string[] = [];
  for (const vault of names) {
    try {
      readVaultFile(vaultPath(ctx.paths.home, vault), vault);
    } catch (err) {
      broken.push(`${vault}: ${(err as Error).message}`);
    }
  }
  if (broken.length === 0) return ok("vaults", names.length ? `${names.length} vault file(s) well-formed: ${names.join(", ")}` : "no vaults yet");
  return {
    check: { name: "vaults", state: "failed", message: broken.join("; ") },
    actions: [
      {
        id: "restore_vault",
        risk: "requires_manual_review",
        command: `ls -l ${ctx.paths.vaults}`,
        explanation: "Restore the damaged vault file from a backup or another synced machine; warden never rewrites it.",
      },
    ],
  };
}

// The launch policy boundary: which program runs, where, with what environment. Everything is
// checked before anything starts; a refusal names what was wrong with a typed error.
import { accessSync, constants, realpathSync, statSync } from "node:fs";
import { delimiter, isAbsolute, join, sep } from "node:path";
import type { ParamsOf } from "../../protocol/index.js";
import type { Config } from "../platform/config.js";
import { RpcError } from "../rpc/errors.js";

export interface LaunchPlan {
  mode: "pty" | "task";
  harness: string | null;
  /** argv[0] resolved to an executable path. */
  file: string;
  argv: string[];
  cwd: string;
  /** Without secrets and warden's own variables: those are added at spawn. */
  env: Record<string, string>;
  cols: number;
  rows: number;
  title: string;
}

type LaunchParams = ParamsOf<"sessions.launch"> & { cols: number; rows: number; mode: "pty" | "task" };

/** Variables of the daemon's own environment that a session must not inherit. */
const PRIVATE_ENV = /^(WARDEN_|npm_|NODE_OPTIONS$|NODE_CHANNEL_FD$|NODE_CHANNEL_SERIALIZATION_MODE$)/;

export function planLaunch(p: LaunchParams, config: Config["sessions"], home: string, baseEnv: NodeJS.ProcessEnv): LaunchPlan {
  let argv: string[];
  let harnessEnv: Record<string, string> = {};
  if (p.harness !== undefined) {
    const h = harnessOf(p.harness, config, baseEnv);
    argv = [...h.argv, ...(p.args ?? [])];
    harnessEnv = h.env;
  } else {
    argv = [...p.argv!];
  }
  const cwd = resolveCwd(p.cwd, config.projects.length > 0 ? config.projects : [home]);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(baseEnv)) if (v !== undefined && !PRIVATE_ENV.test(k)) env[k] = v;
  Object.assign(env, harnessEnv, p.env ?? {});
  for (const k of Object.keys(p.env ?? {})) {
    if (PRIVATE_ENV.test(k)) throw badParam(`env ${k}: variables WARDEN_*, npm_* and NODE_OPTIONS are set by warden`, ["env", k]);
  }
  const file = findExecutable(argv[0]!, env.PATH ?? "/usr/bin:/bin", cwd);
  return { mode: p.mode, harness: p.harness ?? null, file, argv, cwd, env, cols: p.cols, rows: p.rows, title: p.title ?? p.harness ?? argv[0]! };
}

function harnessOf(name: string, config: Config["sessions"], env: NodeJS.ProcessEnv): { argv: string[]; env: Record<string, string> } {
  const configured = config.harnesses[name];
  if (configured) return configured;
  if (name === "shell") return { argv: [env.SHELL && isAbsolute(env.SHELL) ? env.SHELL : "/bin/sh"], env: {} };
  const known = ["shell", ...Object.keys(config.harnesses)];
  // Harness names are not looked up on PATH; say so, with the PATH a configured one would use.
  const path = env.PATH ?? "/usr/bin:/bin";
  throw new RpcError(
    "not_found",
    `no harness ${JSON.stringify(name)} (configured: ${known.join(", ")}); add it to sessions.harnesses in config.json (its command is looked up on the daemon's PATH: ${path})`,
    {
      harness: name,
      harnesses: known,
      path,
    },
  );
}

/** The canonical cwd, which must be a directory inside one of the project roots. */
function resolveCwd(cwd: string, roots: string[]): string {
  if (!isAbsolute(cwd)) throw badParam(`cwd ${JSON.stringify(cwd)} is not an absolute path`, ["cwd"]);
  let real: string;
  try {
    real = realpathSync(cwd);
  } catch {
    throw new RpcError("not_found", `cwd ${cwd} does not exist`, { path: cwd });
  }
  if (!statSync(real).isDirectory()) throw new RpcError("not_found", `cwd ${cwd} is not a directory`, { path: cwd });
  const inside = roots.some((root) => {
    let r: string;
    try {
      r = realpathSync(root);
    } catch {
      return false; // a configured root that does not exist holds nothing
    }
    return real === r || real.startsWith(r.endsWith(sep) ? r : r + sep);
  });
  if (!inside) {
    throw new RpcError("policy_violation", `cwd ${real} is outside the project roots (${roots.join(", ")}); add it to sessions.projects in config.json`, {
      path: real,
      projects: roots,
    });
  }
  return real;
}

/** argv[0] as an executable path: looked up on PATH unless it holds a slash (then relative to cwd). */
export function findExecutable(cmd: string, path: string, cwd: string): string {
  if (cmd === "") throw new RpcError("not_found", "empty command", { command: cmd });
  const candidates = cmd.includes("/")
    ? [isAbsolute(cmd) ? cmd : join(cwd, cmd)]
    : path
        .split(delimiter)
        .filter((d) => isAbsolute(d))
        .map((d) => join(d, cmd));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      if (statSync(c).isFile()) return c;
    } catch {
      // not here
    }
  }
  // The PATH searched is the session's (the daemon's own, plus harness and --env overrides), which
  // may well differ from the PATH of the shell the user runs warden from: name it.
  if (cmd.includes("/")) throw new RpcError("not_found", `command ${JSON.stringify(cmd)} not found or not executable`, { command: cmd });
  throw new RpcError("not_found", `command ${JSON.stringify(cmd)} not found on the daemon's PATH (${path}) or not executable`, { command: cmd, path });
}

function badParam(message: string, path: (string | number)[]): RpcError {
  return new RpcError("invalid_params", message, { issues: [{ code: "custom", path, message }] });
}

// A real PostgreSQL server for tests, from Debian's `postgresql` package (.ci/run installs it):
// initdb into a temp dir, listening on 127.0.0.1 only (password auth, a generated password) and on
// a Unix socket inside the temp dir (trust), fsync off. PostgreSQL refuses to run as root, so as root (CI) the server runs as the
// `postgres` user the package creates, through setpriv, with the temp dir chowned to it.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { pollUntil } from "./poll.js";

export interface TestPostgres {
  /** postgres://warden:<password>@127.0.0.1:<port>/warden */
  url: string;
  port: number;
  /** The generated password of the superuser `warden` (scram-sha-256 over TCP). */
  password: string;
  /** Stops the server (fast shutdown), keeping its data: `start()` brings it back on the same port. */
  halt(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

/** Servers a failed test did not stop must not outlive the test process. */
const live = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

/** The newest installed PostgreSQL's bin directory, or null. */
export function postgresBin(): string | null {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => /^\d+(\.\d+)?$/.test(v) && existsSync(join(root, v, "bin", "initdb")) && existsSync(join(root, v, "bin", "postgres")))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0]!, "bin") : null;
}

/** Why PostgreSQL tests cannot run here (for t.skip), or null when they can. */
export function postgresUnavailable(): string | null {
  if (!postgresBin()) return "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb; .ci/run installs Debian's postgresql package)";
  if (userInfo().uid === 0 && !runAsPostgres()) return "running as root and there is no `postgres` user (or setpriv) to run PostgreSQL as";
  return null;
}

/** As root: the command prefix that runs a program as the `postgres` user. */
function runAsPostgres(): { prefix: string[]; uid: number; gid: number } | null {
  const id = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
  const gid = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
  const setpriv = spawnSync("setpriv", ["--version"], { encoding: "utf8" });
  if (id.status !== 0 || gid.status !== 0 || setpriv.status !== 0) return null;
  return {
    prefix: ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"],
    uid: Number(id.stdout.trim()),
    gid: Number(gid.stdout.trim()),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export async function startPostgres(): Promise<TestPostgres> {
  const why = postgresUnavailable();
  if (why) throw new Error(why);
  const bin = postgresBin()!;
  const asUser = userInfo().uid === 0 ? runAsPostgres() : null;
  const cmd = (program: string, args: string[]): [string, string[]] =>
    asUser ? [asUser.prefix[0]!, [...asUser.prefix.slice(1), join(bin, program), ...args]] : [join(bin, program), args];

  // As root, under /tmp: the postgres user may not be able to reach a TMPDIR under /root.
  const dir = mkdtempSync(join(asUser && existsSync("/tmp") ? "/tmp" : tmpdir(), "wpg-"));
  const data = join(dir, "data");
  const sockets = join(dir, "sock");
  const pwfile = join(dir, "pw");
  const password = randomBytes(12).toString("hex");
  mkdirSync(sockets);
  writeFileSync(pwfile, password + "\n", { mode: 0o600 });
  chmodSync(dir, 0o700);
  if (asUser) for (const p of [dir, sockets, pwfile]) chownSync(p, asUser.uid, asUser.gid);

  const [initdb, initArgs] = cmd("initdb", [
    "-D",
    data,
    "-U",
    "warden",
    "--pwfile",
    pwfile,
    "--auth-local=trust",
    "--auth-host=scram-sha-256",
    "-E",
    "UTF8",
    "--locale=C",
    "--no-sync",
  ]);
  const init = spawnSync(initdb, initArgs, { encoding: "utf8", cwd: dir });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed (${init.status}): ${init.stderr}`);
  }

  let port = await freePort();
  let child: ChildProcess | null = null;
  let log = "";

  const launch = async (): Promise<void> => {
    if (child && child.exitCode === null && child.signalCode === null) return; // running
    const [postgres, args] = cmd("postgres", [
      "-D",
      data,
      "-p",
      String(port),
      "-k",
      sockets,
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "fsync=off",
      "-c",
      "synchronous_commit=off",
      "-c",
      "full_page_writes=off",
      "-c",
      "max_connections=40",
      "-c",
      "shared_buffers=16MB",
    ]);
    const c = spawn(postgres, args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
    live.add(c);
    c.stderr!.on("data", (d) => (log = (log + d).slice(-8000)));
    let exited = false;
    c.once("exit", () => {
      exited = true;
      live.delete(c);
    });
    child = c;
    const accepts = async (): Promise<boolean> => {
      if (exited) throw new Error(`postgres exited at start: ${log}`);
      const client = new pg.Client({ host: "127.0.0.1", port, user: "warden", password, database: "postgres", connectionTimeoutMillis: 1000 });
      client.on("error", () => {});
      try {
        await client.connect();
        await client.end();
        return true;
      } catch {
        await client.end().catch(() => {});
        return false;
      }
    };
    await pollUntil(accepts, { what: "postgres to accept connections", timeoutMs: 30_000, everyMs: 100, detail: () => log });
  };

  const halt = async (): Promise<void> => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const gone = new Promise<void>((r) => c.once("exit", () => r()));
    c.kill("SIGINT"); // fast shutdown: disconnects clients, then exits
    const timer = setTimeout(() => c.kill("SIGKILL"), 10_000);
    await gone;
    clearTimeout(timer);
  };

  try {
    try {
      await launch();
    } catch {
      // Another process may have taken the port between freePort() and the bind: one more try.
      await halt();
      port = await freePort();
      await launch();
    }
    // The test database, owned by the superuser `warden`.
    const admin = new pg.Client({ host: "127.0.0.1", port, user: "warden", password, database: "postgres" });
    await admin.connect();
    await admin.query("CREATE DATABASE warden");
    await admin.end();
  } catch (err) {
    await halt();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  return {
    url: `postgres://warden:${password}@127.0.0.1:${port}/warden`,
    port,
    password,
    halt,
    start: launch,
    stop: async () => {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

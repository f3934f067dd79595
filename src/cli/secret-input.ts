// Passphrases and secret values come from a no-echo prompt on the terminal, stdin, or (passphrases,
// for automation) a 0600 file named by WARDEN_PASSPHRASE_FILE — never from argv, where every user
// on the machine can read them in /proc.
import { closeSync, fstatSync, openSync, readFileSync } from "node:fs";
import { ReadStream, WriteStream } from "node:tty";
import { native } from "../platform/native.js";
import { WardenError } from "../platform/errors.js";

let stdinText: Buffer | undefined;
let stdinOffset = 0;
process.once("exit", () => stdinText?.fill(0));

/** stdin, read once; passphrase lines and then the value are taken from it in order. */
function stdin(): Buffer {
  return (stdinText ??= readFileSync(0));
}

function nextStdinLine(what: string): Buffer {
  const all = stdin();
  if (stdinOffset >= all.length) throw new WardenError("usage", `stdin ended before the ${what}`);
  let end = all.indexOf(0x0a, stdinOffset);
  if (end < 0) end = all.length;
  const line = Buffer.from(all.subarray(stdinOffset, end));
  stdinOffset = end + 1;
  return stripCr(line);
}

function restOfStdin(): Buffer {
  const rest = Buffer.from(stdin().subarray(stdinOffset));
  stdinOffset = stdin().length;
  return rest.length > 0 && rest[rest.length - 1] === 0x0a ? stripCr(rest.subarray(0, -1)) : rest;
}

const stripCr = (b: Buffer) => (b.length > 0 && b[b.length - 1] === 0x0d ? b.subarray(0, -1) : b);

const RESTORE_ON: NodeJS.Signals[] = ["SIGHUP", "SIGQUIT", "SIGTSTP", "SIGTERM"];

/**
 * Reads one line from the controlling terminal without echoing it. Fails at once (`no_tty`) when
 * there is no terminal, or when this process is not in its foreground (a background job or an
 * agent's subprocess would otherwise hang on the read).
 */
export async function promptHidden(prompt: string): Promise<Buffer> {
  const what = prompt.replace(/:\s*$/, "");
  const noTty = (why: string) =>
    new WardenError(
      "no_tty",
      `${why} to ask for the ${what}: set WARDEN_PASSPHRASE_FILE to a 0600 file holding it (or use --passphrase-stdin where the command has it)`,
    );
  let fd: number;
  try {
    fd = openSync("/dev/tty", "r+");
  } catch {
    throw noTty("no terminal");
  }
  if (!native().isForeground(fd)) {
    closeSync(fd);
    throw noTty("not in the terminal's foreground");
  }
  const input = new ReadStream(fd);
  const output = new WriteStream(fd);
  // Echo goes off before the prompt shows, so nothing typed ahead is ever echoed.
  input.setRawMode(true);
  const restore = (signal: NodeJS.Signals) => {
    input.setRawMode(false);
    output.write("\n");
    process.kill(process.pid, signal === "SIGTSTP" ? "SIGSTOP" : signal);
  };
  for (const s of RESTORE_ON) process.once(s, restore);
  output.write(prompt);
  const bytes: number[] = [];
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      input.on("data", (chunk: Buffer) => {
        for (const c of chunk) {
          if (c === 0x0d || c === 0x0a) return resolve(Buffer.from(bytes));
          if (c === 0x03 || (c === 0x04 && bytes.length === 0)) return reject(new WardenError("usage", "cancelled", { reason: "cancelled" }));
          if (c === 0x7f || c === 0x08) bytes.pop();
          else if (c >= 0x20 || c === 0x09) bytes.push(c);
        }
        chunk.fill(0);
      });
    });
  } finally {
    bytes.fill(0);
    for (const s of RESTORE_ON) process.off(s, restore);
    input.setRawMode(false);
    output.write("\n");
    input.destroy();
    output.destroy();
    try {
      closeSync(fd);
    } catch {
      // already closed with the streams
    }
  }
}

export interface PassphraseOptions {
  /** --passphrase-stdin: take it from the next line of stdin. Wins over WARDEN_PASSPHRASE_FILE. */
  fromStdin: boolean;
  /** Ask twice on a terminal (new passphrases). */
  confirm?: boolean;
  label?: string;
  /** Ignore WARDEN_PASSPHRASE_FILE (it names the current passphrase, not a new one). */
  ignoreFile?: boolean;
}

export async function readPassphrase(opts: PassphraseOptions): Promise<Buffer> {
  const label = opts.label ?? "passphrase";
  const file = opts.ignoreFile ? undefined : process.env.WARDEN_PASSPHRASE_FILE;
  let pass: Buffer;
  if (opts.fromStdin) pass = nextStdinLine(label);
  else if (file) pass = readPassphraseFile(file);
  else {
    pass = await promptHidden(`${label}: `);
    if (opts.confirm) {
      const again = await promptHidden(`${label} again: `);
      const same = again.equals(pass);
      again.fill(0);
      if (!same) {
        pass.fill(0);
        throw new WardenError("usage", "the two passphrases differ");
      }
    }
  }
  if (pass.length === 0) throw new WardenError("usage", `empty ${label}`);
  return pass;
}

function readPassphraseFile(path: string): Buffer {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (err) {
    throw new WardenError("usage", `WARDEN_PASSPHRASE_FILE ${path}: ${(err as Error).message}`);
  }
  try {
    if ((fstatSync(fd).mode & 0o077) !== 0) {
      throw new WardenError("unsafe_path", `WARDEN_PASSPHRASE_FILE ${path} is readable by other users; chmod 600 it`, { path });
    }
    const text = readFileSync(fd);
    const nl = text.indexOf(0x0a);
    const pass = Buffer.from(stripCr(nl >= 0 ? text.subarray(0, nl) : text));
    text.fill(0);
    return pass;
  } finally {
    closeSync(fd);
  }
}

/** A secret value: the rest of stdin when it is not a terminal, else a no-echo prompt, twice. */
export async function readSecretValue(name: string): Promise<Buffer> {
  let value: Buffer;
  if (!process.stdin.isTTY) value = restOfStdin();
  else {
    value = await promptHidden(`value for ${name}: `);
    const again = await promptHidden(`value for ${name} again: `);
    const same = again.equals(value);
    again.fill(0);
    if (!same) {
      value.fill(0);
      throw new WardenError("usage", "the two values differ");
    }
  }
  if (value.length === 0) throw new WardenError("usage", `empty value for ${name}`);
  if (value.includes(0)) {
    value.fill(0);
    throw new WardenError("usage", `the value for ${name} contains a NUL byte; it could not be passed in an environment variable`);
  }
  return value;
}

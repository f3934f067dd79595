// How `warden approvals watch` gets a person's attention beyond its line on stdout: the terminal
// bell when stdout is a terminal, and a desktop notification through `notify-send` when it is on
// PATH. notify-send runs detached, from an argv (never a shell), and is never waited on: a
// missing or hung notification daemon must not hold up the watch.
import { spawn } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";

/** The longest body a notification gets: a glance, not the record (`approvals list` has it all). */
export const NOTIFY_BODY_MAX = 160;

export interface Alerts {
  /** Rings the bell and shows a notification (each when available) for one request. */
  alert(summary: string, body: string): void;
}

/** notify-send on this PATH, or null. */
export function findNotifySend(path = process.env.PATH ?? ""): string | null {
  for (const dir of path.split(delimiter)) {
    if (!isAbsolute(dir)) continue; // a relative PATH entry would run whatever the current directory holds
    const file = join(dir, "notify-send");
    try {
      accessSync(file, constants.X_OK);
      if (statSync(file).isFile()) return file;
    } catch {
      // not here
    }
  }
  return null;
}

/** Control characters (escape sequences, newlines) out: text an asking process chose cannot move a person's cursor. */
export function printable(text: string): string {
  return text.replace(/[\x00-\x1f\x7f-\x9f]+/g, " ").trim();
}

/** Control characters out, and at most `max` characters, with an ellipsis when cut. */
export function shorten(text: string, max: number): string {
  const flat = printable(text);
  const chars = [...flat];
  return chars.length <= max ? flat : `${chars.slice(0, max - 1).join("")}…`;
}

export function alerts(out: NodeJS.WritableStream, notifySend: string | null): Alerts {
  const bell = Boolean((out as NodeJS.WriteStream).isTTY);
  return {
    alert(summary, body) {
      if (bell) out.write("\x07");
      if (notifySend) desktopNotify(notifySend, summary, body);
    },
  };
}

/** One notification; whatever happens to it (no notification server, a crash) is ignored. */
function desktopNotify(exe: string, summary: string, body: string): void {
  try {
    // `--` ends the options: a summary or body starting with "-" stays text.
    const child = spawn(exe, ["--app-name=warden", "--", shorten(summary, 80), shorten(body, NOTIFY_BODY_MAX)], { detached: true, stdio: "ignore" });
    child.on("error", () => {});
    child.unref();
  } catch {
    // spawn can throw synchronously (EAGAIN, ENOMEM): a notification is never worth failing the watch.
  }
}

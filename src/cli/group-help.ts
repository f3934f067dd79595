// `warden vault`, `warden vault --help`: a command group named without one of its commands lists
// the group's commands (clipanion alone answers "Command not found"). Like git: asked for help it
// is help (stdout, exit 0); a bare group is an incomplete command line (stderr, exit 2).
import type { Definition } from "clipanion";
import { table } from "./table.js";

const HELP = new Set(["-h", "--help"]);

/** The group named by argv when argv is `<group>` or `<group> --help`, else null. */
export function groupAsked(definitions: Definition[], _binary: string, argv: string[]): { group: string; help: boolean } | null {
  const [group, ...rest] = argv;
  if (group === undefined || rest.length > 1 || (rest.length === 1 && !HELP.has(rest[0]!))) return null;
  const paths = definitions.map((d) => d.path.split(" ").slice(1));
  if (paths.some((p) => p.length === 1 && p[0] === group)) return null; // a command of its own
  if (!paths.some((p) => p.length > 1 && p[0] === group)) return null;
  return { group, help: rest.length === 1 };
}

/** The group's commands, one per line with its description, and where to read more. */
export function groupHelp(definitions: Definition[], binary: string, group: string): string {
  const prefix = `${binary} ${group} `;
  const commands = definitions.filter((d) => d.path.startsWith(prefix)).sort((a, b) => a.path.localeCompare(b.path));
  const rows = table(commands, [
    { header: "COMMAND", cell: (d) => d.path },
    { header: "DESCRIPTION", cell: (d) => d.description ?? "" },
  ]);
  return `Usage: ${binary} ${group} <command> [options]\n\n${rows}\n\nSee \`${binary} ${group} <command> --help\` for a command's options.\n`;
}

// How the CLI shows a duration or a size to a person: "14m 57s", "8h", "2d 3h"; "512 B", "1.5 MiB".
// --json output keeps the raw numbers; these are for human lines only.

const UNITS: Array<[string, number]> = [
  ["d", 86_400_000],
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1000],
];

/** Milliseconds as at most two units, the larger first: "850ms", "4.2s", "14m 57s", "8h", "2d 3h". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return "-";
  const sign = ms < 0 ? "-" : "";
  ms = Math.abs(ms);
  if (ms < 1000) return `${sign}${Math.round(ms)}ms`;
  if (ms < 10_000) return `${sign}${(Math.floor(ms / 100) / 10).toString()}s`;
  let rest = Math.floor(ms / 1000) * 1000;
  const parts: string[] = [];
  for (const [unit, size] of UNITS) {
    if (parts.length === 0 && rest < size) continue;
    const n = Math.floor(rest / size);
    rest -= n * size;
    parts.push(n > 0 ? `${n}${unit}` : "");
    if (parts.length === 2) break;
  }
  return sign + parts.filter(Boolean).join(" ");
}

/** Seconds, as formatDuration. */
export const formatSecs = (secs: number): string => formatDuration(secs * 1000);

/** Bytes in binary units: "512 B", "10 KiB", "1.5 MiB", "148 MiB", "2.3 GiB". */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return "-";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  let v = n;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  if (i === 0) return `${n} B`;
  return `${v < 10 ? (Math.floor(v * 10) / 10).toString() : Math.floor(v).toString()} ${units[i]}`;
}

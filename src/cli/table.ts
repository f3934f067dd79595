// Human tables: a header row, then one row per item, columns padded to their widest cell and
// separated by two spaces; the last column is never padded (no trailing blanks).

export interface Column<T> {
  header: string;
  cell: (row: T) => string;
  /** Numbers read better right-aligned. */
  align?: "left" | "right";
}

export function table<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = [columns.map((c) => c.header), ...rows.map((r) => columns.map((c) => c.cell(r)))];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => [...line[i]!].length)));
  return cells
    .map((line) =>
      line
        .map((cell, i) => {
          if (i === columns.length - 1 && columns[i]!.align !== "right") return cell;
          const pad = " ".repeat(widths[i]! - [...cell].length);
          return columns[i]!.align === "right" ? pad + cell : cell + pad;
        })
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

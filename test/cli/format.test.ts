// The one formatter for durations and sizes a person reads, and the one table helper.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatBytes, formatDuration, formatSecs } from "../../src/cli/format.js";
import { table } from "../../src/cli/table.js";

describe("formatDuration", () => {
  it("shows at most two units, the larger first, dropping a zero second unit", () => {
    const cases: Array<[number, string]> = [
      [0, "0ms"],
      [850, "850ms"],
      [4200, "4.2s"],
      [59_000, "59s"],
      [60_000, "1m"],
      [897_000, "14m 57s"],
      [8 * 3_600_000, "8h"],
      [8 * 3_600_000 + 59_000, "8h"],
      [2 * 86_400_000 + 3 * 3_600_000 + 5 * 60_000, "2d 3h"],
      [86_400_000 + 30_000, "1d"],
    ];
    for (const [ms, text] of cases) assert.equal(formatDuration(ms), text, `${ms} ms`);
    assert.equal(formatSecs(897), "14m 57s");
  });
});

describe("formatBytes", () => {
  it("uses binary units", () => {
    const cases: Array<[number, string]> = [
      [0, "0 B"],
      [1023, "1023 B"],
      [1024, "1 KiB"],
      [1536, "1.5 KiB"],
      [65 * 1024, "65 KiB"],
      [1.5 * 1024 ** 2, "1.5 MiB"],
      [148 * 1024 ** 2 + 5, "148 MiB"],
      [2.25 * 1024 ** 3, "2.2 GiB"],
    ];
    for (const [n, text] of cases) assert.equal(formatBytes(n), text, `${n} bytes`);
  });
});

describe("table", () => {
  it("prints a header row and pads every column but the last to its widest cell", () => {
    const t = table(
      [
        { a: "x", n: 5, c: "last" },
        { a: "longer", n: 12345, c: "" },
      ],
      [
        { header: "NAME", cell: (r) => r.a },
        { header: "N", cell: (r) => String(r.n), align: "right" },
        { header: "NOTE", cell: (r) => r.c },
      ],
    );
    assert.deepEqual(t.split("\n"), ["NAME        N  NOTE", "x           5  last", "longer  12345"]);
  });
});

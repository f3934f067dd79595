// Doctor's projection check believes the running daemon first: while it rebuilds a damaged or
// missing projection, the file at the path is the new, still partial one (sound, so on its own it
// would look healthy). The overall state is then `rebuilding`, never `healthy`.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { ResultOf } from "../../protocol/index.js";
import type { DoctorContext } from "../../src/daemon/doctor/types.js";
import { overall } from "../../src/daemon/doctor/doctor.js";
import { checkProjection } from "../../src/daemon/doctor/projection-checks.js";
import { resolvePaths } from "../../src/platform/paths.js";
import { Projection } from "../../src/projection/projection.js";

const base = mkdtempSync(join(tmpdir(), "wd-doc-"));
after(() => rmSync(base, { recursive: true, force: true }));
const paths = resolvePaths({ WARDEN_HOME: join(base, "h"), WARDEN_HOST: "testhost" });
mkdirSync(paths.runRoot, { recursive: true });
Projection.open(paths.projection).close(); // a sound (empty) projection file, as a rebuild's swap leaves it

function ctxWith(state: "ok" | "degraded" | "rebuilding" | null): DoctorContext {
  const status = { projection: state === null ? undefined : { state, sessions: 0, events: 0, audit: 0, approvals: 0 } } as ResultOf<"status">;
  return {
    paths,
    config: null,
    configError: null,
    lock: { state: "running" } as DoctorContext["lock"],
    daemon: state === null ? { error: "not running" } : { status },
  };
}

describe("doctor on a projection being rebuilt", () => {
  it("says rebuilding (no repair to run) while the daemon rebuilds, whatever the file looks like", () => {
    const r = checkProjection(ctxWith("rebuilding"));
    assert.equal(r.check.state, "rebuilding");
    assert.deepEqual(r.actions, []);
    assert.equal(overall(["ok", r.check.state, "ok"]), "rebuilding");
  });

  it("says degraded, with the repairs, while the daemon reports it degraded", () => {
    const r = checkProjection(ctxWith("degraded"));
    assert.equal(r.check.state, "degraded");
    assert.ok(r.actions.some((a) => a.id === "daemon_rebuild"));
  });

  it("checks the file itself when the daemon says ok, or does not answer", () => {
    assert.equal(checkProjection(ctxWith("ok")).check.state, "ok");
    assert.equal(checkProjection(ctxWith(null)).check.state, "ok");
    assert.equal(overall(["ok", "ok"]), "healthy");
  });

  it("ranks failed over degraded over rebuilding over healthy", () => {
    assert.equal(overall(["rebuilding", "degraded"]), "degraded");
    assert.equal(overall(["rebuilding", "failed"]), "failed");
  });
});

// sessions.open, events.append, sessions.close, and the projection's read methods.
import { methods } from "../../../protocol/index.js";
import type { LedgerService } from "../../ledger/service.js";
import { getSession, listAudit, listSessions, readEvents } from "../../projection/read.js";
import type { ProjectionService } from "../../projection/service.js";
import { bind, type Binding } from "../../rpc/dispatcher.js";

export function ledgerBindings(ledger: LedgerService, projection: ProjectionService): Binding[] {
  return [
    bind(methods["sessions.open"], (p) => ledger.openSession(p)),
    bind(methods["events.append"], (p) => ledger.append(p)),
    bind(methods["sessions.close"], (p) => ledger.close(p.session)),
    bind(methods["sessions.list"], (p) => listSessions(projection.db, p)),
    bind(methods["sessions.get"], (p) => getSession(projection.db, p.session)),
    bind(methods["events.read"], (p) => readEvents(projection.db, p)),
    bind(methods["audit.list"], (p) => listAudit(projection.db, p)),
  ];
}

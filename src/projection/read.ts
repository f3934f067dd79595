// The no-daemon reads (the CLI opens the projection file read-only, or catches up a private copy):
// the daemon's own ProjectionReader on that database, so both give the same answers in the same shape.
import type Database from "better-sqlite3";
import type { ResultOf } from "../../protocol/index.js";
import type { AuditQuery, EventsQuery, SearchQuery, Session, SessionsQuery } from "./read-wire.js";
import { ProjectionReader } from "./reader.js";

export const listSessions = (db: Database.Database, q: SessionsQuery): ResultOf<"sessions.list"> => ProjectionReader.of(db).listSessions(q);
export const getSession = (db: Database.Database, id: string): Session => ProjectionReader.of(db).getSession(id);
export const readEvents = (db: Database.Database, q: EventsQuery, home: string): ResultOf<"events.read"> => ProjectionReader.of(db).readEvents(q, home);
export const listAudit = (db: Database.Database, q: AuditQuery): ResultOf<"audit.list"> => ProjectionReader.of(db).listAudit(q);
export const counts = (db: Database.Database): ReturnType<ProjectionReader["counts"]> => ProjectionReader.of(db).counts();
export const search = (db: Database.Database, q: SearchQuery): ResultOf<"search.query"> => ProjectionReader.of(db).search(q);

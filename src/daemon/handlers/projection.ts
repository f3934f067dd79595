// projection.verify, diff, rebuild, backup, listBackups, restore.
import { methods } from "../../../protocol/index.js";
import type { ProjectionService } from "../../projection/service.js";
import { bind, type Binding } from "../../rpc/dispatcher.js";

export function projectionBindings(projection: ProjectionService): Binding[] {
  return [
    bind(methods["projection.verify"], (p) => projection.verify(p.surface)),
    bind(methods["projection.diff"], (p) => projection.diff(p)),
    bind(methods["projection.rebuild"], (_p, ctx) => projection.rebuild((progress) => ctx.notify("projection.progress", progress))),
    bind(methods["projection.backup"], () => projection.backup()),
    bind(methods["projection.listBackups"], () => projection.listBackups()),
    bind(methods["projection.restore"], (p) => projection.restore(p.file)),
  ];
}

// projection.verify, diff, rebuild, backup, listBackups, restore.
import { methods } from "../../../protocol/index.js";
import type { ProjectionStore } from "../../projection/store.js";
import type { StoreKeeper } from "../../sync/store-keeper.js";
import { bind, type Binding } from "../../rpc/dispatcher.js";

export function projectionBindings(store: ProjectionStore, keeper: StoreKeeper): Binding[] {
  return [
    bind(methods["projection.verify"], (p) => keeper.verify(p.surface)),
    bind(methods["projection.diff"], (p) => keeper.diff(p)),
    bind(methods["projection.rebuild"], (_p, ctx) => keeper.rebuild((progress) => ctx.notify("projection.progress", progress))),
    bind(methods["projection.backup"], () => store.backup()),
    bind(methods["projection.listBackups"], () => store.listBackups()),
    bind(methods["projection.restore"], (p) => keeper.restore(p.file)),
  ];
}

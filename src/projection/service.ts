// The projection store under the name sessions/ still imports it by (until its reads go through
// projection's reader): see store.ts.
export { ProjectionStore as ProjectionService, type ProjectionState } from "./store.js";

// Examples for the rules of src/masking/families/cloud.ts (see types.ts).
import type { Examples } from "./types.js";

export const CLOUD_EXAMPLES: Examples = {};

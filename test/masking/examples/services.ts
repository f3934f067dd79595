// Examples for the rules of src/masking/families/services.ts (see types.ts).
import type { Examples } from "./types.js";

export const SERVICES_EXAMPLES: Examples = {};

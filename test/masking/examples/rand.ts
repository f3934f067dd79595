// The seeded random source of the masking property tests: a new seed every run, printed in the
// suite's name; WD_MASK_SEED=<seed> reproduces a run.
import type { Rand } from "./types.js";

export const SEED = Number(process.env.WD_MASK_SEED ?? Math.floor(Math.random() * 2 ** 31));

export function seeded(seed: number): Rand {
  let x = seed | 0;
  const next = () => {
    x = (x + 0x6d2b79f5) | 0; // mulberry32
    let t = Math.imul(x ^ (x >>> 15), 1 | x);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    int,
    chars: (n, alphabet) => Array.from({ length: n }, () => alphabet[int(0, alphabet.length - 1)]).join(""),
    pick: (xs) => xs[int(0, xs.length - 1)]!,
  };
}

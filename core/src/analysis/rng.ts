import { mulberry32 } from "../random.js";

/**
 * Seeds for the analysis. Every random draw (bootstrap resamples) comes from the project's one
 * seeded generator, core's `mulberry32`, so a figure is a pure function of its inputs and seed.
 */

/** A source of uniform numbers in [0, 1). */
export type Uniform = () => number;

/** The generator for `seed` (core's mulberry32). */
export function seededUniform(seed: number): Uniform {
  return mulberry32(seed);
}

/** One step of splitmix32 (a 32-bit SplitMix, Steele, Lea & Flood, OOPSLA 2014): a well-mixed hash of `x`. */
function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * A 32-bit seed derived from `seed` and a list of keys (FNV-1a over the keys' UTF-16 code units,
 * mixed with the seed by splitmix32). Each zone and metric gets its own stream, so a figure does
 * not change when other zones are added to an experiment, and nearby seeds give unrelated streams.
 */
export function deriveSeed(seed: number, ...keys: readonly string[]): number {
  let h = 0x811c9dc5;
  for (const key of keys) {
    for (let i = 0; i < key.length; i++) {
      h ^= key.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0x1f; // a separator, so ("ab", "c") and ("a", "bc") differ
    h = Math.imul(h, 0x01000193);
  }
  return mix32(mix32(Math.trunc(seed) | 0) ^ h);
}

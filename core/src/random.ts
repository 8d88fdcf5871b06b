/**
 * mulberry32: a tiny, fast 32-bit seeded PRNG returning floats in [0, 1). The one seeded generator
 * of the project (simulator, bootstrap, test fixtures, benchmarks), so a seed replays anything.
 * Good enough for simulation and resampling, never for secrets.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A mergeable sketch of dwell times (ms) for the median and p90 of any range, kept per zone and
 * hour/day in storage. DESIGN v1.1 allows max(1 s, 1 % of the exact value) for these quantiles:
 * values under 100 s fall in 1-second bins (a bin's middle is within 0.5 s of any value in it),
 * longer ones in geometric bins of ratio 1.01 (a bin's geometric middle is within 0.5 % of any
 * value in it). The mean is not taken from here: it stays exact (a sum and a count).
 */

const LINEAR_LIMIT_MS = 100_000;
const LINEAR_BINS = 100;
const RATIO = 1.01;
const LOG_RATIO = Math.log(RATIO);

/** The bin of a dwell time in ms (>= 0). */
export function binOf(ms: number): number {
  if (ms < LINEAR_LIMIT_MS) return Math.max(0, Math.floor(ms / 1000));
  return LINEAR_BINS + Math.floor(Math.log(ms / LINEAR_LIMIT_MS) / LOG_RATIO);
}

/** The value a bin stands for, in ms: within max(1 s, 1 %) of every value in the bin. */
export function binValue(bin: number): number {
  if (bin < LINEAR_BINS) return bin * 1000 + 500;
  return LINEAR_LIMIT_MS * Math.pow(RATIO, bin - LINEAR_BINS + 0.5);
}

/** Sparse counts per bin. */
export type DwellHistogram = Map<number, number>;

export function addToHistogram(h: DwellHistogram, ms: number, by = 1): void {
  const b = binOf(ms);
  const n = (h.get(b) ?? 0) + by;
  if (n === 0) h.delete(b);
  else h.set(b, n);
}

export function mergeHistogram(into: DwellHistogram, other: DwellHistogram, sign: 1 | -1 = 1): void {
  for (const [b, n] of other) {
    const m = (into.get(b) ?? 0) + sign * n;
    if (m === 0) into.delete(b);
    else into.set(b, m);
  }
}

/** Bytes for storage: pairs of (bin, count) as little-endian uint32 (zero counts left out). */
export function encodeHistogram(h: DwellHistogram): Buffer {
  const entries = [...h].filter(([, n]) => n !== 0);
  const buf = Buffer.alloc(entries.length * 8);
  entries.forEach(([b, n], i) => {
    buf.writeUInt32LE(b, i * 8);
    buf.writeInt32LE(n, i * 8 + 4);
  });
  return buf;
}

export function decodeHistogram(buf: Uint8Array | null | undefined, into: DwellHistogram = new Map(), sign: 1 | -1 = 1): DwellHistogram {
  if (!buf) return into;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  for (let o = 0; o + 8 <= buf.byteLength; o += 8) {
    const b = view.getUint32(o, true);
    const n = (into.get(b) ?? 0) + sign * view.getInt32(o + 4, true);
    if (n === 0) into.delete(b);
    else into.set(b, n);
  }
  return into;
}

/** The k-th smallest value (1-based) the histogram stands for, in ms. */
export function kthOfHistogram(h: DwellHistogram, k: number): number {
  const bins = [...h.keys()].sort((a, b) => a - b);
  let seen = 0;
  for (const b of bins) {
    seen += h.get(b)!;
    if (seen >= k) return binValue(b);
  }
  throw new RangeError(`k = ${k} is beyond the ${seen} values held`);
}

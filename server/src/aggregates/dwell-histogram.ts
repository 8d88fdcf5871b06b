/**
 * A mergeable sketch of dwell times (ms) for the median and p90 of any range, kept per zone and
 * hour/day in storage. Its bins and the quantile read from it are core's (dwell-quantiles.ts: the
 * one rule every screen's dwell quantile comes from); here the sparse counts and their bytes. The
 * mean is not taken from here: it stays exact (a sum and a count).
 */
import { dwellBinOf, dwellBinValue, dwellSketchKth } from "@footfall/core";

/** The bin of a dwell time in ms (>= 0): core's `dwellBinOf`. */
export const binOf = dwellBinOf;

/** The value a bin stands for, in ms: core's `dwellBinValue`. */
export const binValue = dwellBinValue;

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

/** The k-th smallest value (1-based) the histogram stands for, in ms: core's `dwellSketchKth`. */
export function kthOfHistogram(h: DwellHistogram, k: number): number {
  return dwellSketchKth(h, k);
}

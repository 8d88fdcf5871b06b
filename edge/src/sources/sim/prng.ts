import { mulberry32 } from "@footfall/core";

export { mulberry32 };

/** Distributions drawn from one seeded stream, so a seed replays a simulation exactly. */
export class Random {
  private readonly next: () => number;
  private spare: number | null = null;

  constructor(seed: number) {
    this.next = mulberry32(seed);
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.next();
  }

  /** Uniform in [min, max). */
  between(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Exponential with the given mean (waiting times of a Poisson process). */
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** Standard normal (Box-Muller, the second value kept for the next call). */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    const u = 1 - this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal with the given median and shape `sigma` (the spread of dwell times: a long right tail). */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Poisson with the given mean (Knuth; fine for small means). */
  poisson(mean: number): number {
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }

  /** One item drawn with probability proportional to its weight; null when no weight is positive. */
  weighted<T>(items: readonly T[], weight: (item: T) => number): T | null {
    const weights = items.map((item) => Math.max(0, weight(item)));
    const total = weights.reduce((a, b) => a + b, 0);
    if (total <= 0) return null;
    let r = this.next() * total;
    let last: T | null = null;
    for (let i = 0; i < items.length; i++) {
      if (weights[i]! <= 0) continue;
      last = items[i]!;
      r -= weights[i]!;
      if (r < 0) return last;
    }
    return last; // rounding left r at ~0: the last item with weight
  }

  /** `length` random base36 characters. */
  base36(length: number): string {
    let s = "";
    for (let i = 0; i < length; i++) s += this.int(36).toString(36);
    return s;
  }
}

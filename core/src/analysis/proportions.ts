import { twoSidedP, zFor } from "./normal.js";

/**
 * Intervals and a test for proportions (x successes out of n), the "share of visitors reaching a
 * zone" and "conversion" of the reports.
 */

/** Two limits, lower first. */
export type Interval = [number, number];

function check(x: number, n: number): void {
  if (!(Number.isFinite(n) && n >= 0)) throw new RangeError(`n must be a finite number >= 0, got ${n}`);
  if (!(Number.isFinite(x) && x >= 0 && x <= n)) throw new RangeError(`x must be in [0, n], got ${x} of ${n}`);
}

/**
 * Wilson's score interval for a proportion x / n (Wilson 1927; Newcombe 1998a, Statistics in
 * Medicine 17:857-872, method 3): the p whose score test does not reject, at `level`.
 *   centre = (x + z²/2) / (n + z²),  half-width = z √(x (n - x) / n + z² / 4) / (n + z²).
 * It stays in [0, 1] and behaves well at 0 and n, unlike the Wald interval. n = 0 gives [0, 1].
 */
export function wilsonInterval(x: number, n: number, level = 0.95): Interval {
  check(x, n);
  if (n === 0) return [0, 1];
  const z = zFor(level);
  const z2 = z * z;
  const centre = (x + z2 / 2) / (n + z2);
  const half = (z * Math.sqrt((x * (n - x)) / n + z2 / 4)) / (n + z2);
  return [x === 0 ? 0 : Math.max(0, centre - half), x === n ? 1 : Math.min(1, centre + half)];
}

/**
 * Newcombe's hybrid score interval for the difference p2 - p1 of two independent proportions
 * (Newcombe 1998b, Statistics in Medicine 17:873-890, method 10): with Wilson limits [l1, u1] and
 * [l2, u2] and D = p2 - p1,
 *   lower = D - √((p2 - l2)² + (u1 - p1)²),  upper = D + √((u2 - p2)² + (p1 - l1)²).
 * Its coverage is close to nominal even for small or extreme counts. When either n is 0 the
 * difference is unknown and the interval is [-1, 1].
 */
export function newcombeDiffInterval(x1: number, n1: number, x2: number, n2: number, level = 0.95): Interval {
  check(x1, n1);
  check(x2, n2);
  if (n1 === 0 || n2 === 0) return [-1, 1];
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const [l1, u1] = wilsonInterval(x1, n1, level);
  const [l2, u2] = wilsonInterval(x2, n2, level);
  const d = p2 - p1;
  return [Math.max(-1, d - Math.hypot(p2 - l2, u1 - p1)), Math.min(1, d + Math.hypot(u2 - p2, p1 - l1))];
}

/**
 * The two-sample z test of equal proportions with the pooled standard error (the score test, the
 * square root of Pearson's chi-squared for the 2x2 table without continuity correction):
 *   z = (p2 - p1) / √(p̂ (1 - p̂) (1/n1 + 1/n2)),  p̂ = (x1 + x2) / (n1 + n2),
 * and the two-sided p value. z > 0 when the second proportion is the larger. When the pooled
 * standard error is 0 (an empty group, or all or no successes in both) there is no evidence of a
 * difference: z = 0, p = 1.
 */
export function twoProportionZTest(x1: number, n1: number, x2: number, n2: number): { z: number; p: number } {
  check(x1, n1);
  check(x2, n2);
  if (n1 === 0 || n2 === 0) return { z: 0, p: 1 };
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (!(se > 0)) return { z: 0, p: 1 };
  const z = (x2 / n2 - x1 / n1) / se;
  return { z, p: twoSidedP(z) };
}

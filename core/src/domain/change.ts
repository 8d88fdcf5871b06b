/**
 * Percentages, one way on every screen, export text and digest. Three different things, one
 * formatter each, never mixed up:
 * - a share of a whole (conversion, a funnel step): `formatShare`, "23 %", "3.4 %";
 * - a change relative to before (enters, visitors, dwell): `formatRelativeChange`, "+12 %", "−3.4 %";
 * - a share's change in percentage points (conversion then and now): `formatPoints`, "+1.0 pts".
 *   45 % then 46 % is "+1.0 pts"; the relative change ("+2.2 %") reads as points and says something else.
 * One rule for all three: whole numbers from 10 up, one decimal below (after rounding: 9.96 is
 * "10"); several figures written together (a change and its interval) take the decimals of the
 * largest. A number and its unit are separated by a space ("12 %", "1.0 pts", as "45 s"). A change
 * always shows its sign: "+", "±" when it rounds to zero, and U+2212 "−" (the UI's minus: as wide as
 * "+", so columns of changes line up, and no line break after it; UTF-8 mail shows it in the plain
 * text part too). Where there is nothing before to compare with, a relative change reads "new".
 */

/** The minus sign of every signed figure (U+2212). */
export const MINUS = "\u2212";

/** What a relative change reads when there is nothing before to compare with (before missing or 0). */
export const NO_BASELINE = "new";

/** What a share reads without a figure (no sales recorded: unknown, not 0 %). */
export const NO_SHARE = "–";

// Intl rounds halves away from zero (of the number's exact binary value).
const FORMATS = [0, 1, 2].map((d) => new Intl.NumberFormat("en", { minimumFractionDigits: d, maximumFractionDigits: d }));

/** `|v|` to `decimals` with thousands separators: "1,234", "3.4". */
const magnitude = (v: number, decimals: 0 | 1 | 2): string => FORMATS[decimals]!.format(Math.abs(v));
const isZero = (text: string): boolean => /^[0.,]+$/.test(text);

/**
 * The decimals of percent-like figures written together (percent, percentage points): one below
 * 10, none from 10 up, by the largest once rounded to one decimal (9.96 is written "10").
 */
export function percentDecimals(...values: number[]): 0 | 1 {
  const largest = Math.max(0, ...values.filter(Number.isFinite).map((v) => Math.abs(v)));
  return Number(FORMATS[1]!.format(largest).replace(/,/g, "")) >= 10 ? 0 : 1;
}

/** Which way a figure goes once written with `decimals`: "flat" when it rounds to zero. */
export function signDirection(v: number, decimals: 0 | 1): "up" | "down" | "flat" {
  if (!Number.isFinite(v) || isZero(magnitude(v, decimals))) return "flat";
  return v > 0 ? "up" : "down";
}

/** `v` with its sign ("+", "−", "±" when it rounds to zero), `decimals` decimals and `unit` ("+1.0 pts", "−3 s"). */
export function formatSigned(v: number, decimals: 0 | 1 | 2, unit = ""): string {
  const text = magnitude(v, decimals);
  return `${isZero(text) ? "±" : v > 0 ? "+" : MINUS}${text}${unit}`;
}

/** A share of a whole (0.234, a fraction of 1) in percent: "23 %", "3.4 %", "0.0 %"; "–" without one. */
export function formatShare(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return NO_SHARE;
  const pct = ratio * 100;
  const text = magnitude(pct, percentDecimals(pct));
  return `${pct < 0 && !isZero(text) ? MINUS : ""}${text} %`;
}

/**
 * A change relative to before (after / before - 1, a fraction: 0.12 is +12 %), with its sign:
 * "+12 %", "−3.4 %", "±0.0 %"; "new" without one (nothing before to compare with). `decimals`: those
 * of figures written with it (an interval), by default its own.
 */
export function formatRelativeChange(change: number | null | undefined, decimals?: 0 | 1): string {
  if (change === null || change === undefined || !Number.isFinite(change)) return NO_BASELINE;
  return formatSigned(change * 100, decimals ?? percentDecimals(change * 100), " %");
}

/** Which way a relative change goes as `formatRelativeChange` writes it. */
export const relativeDirection = (change: number): "up" | "down" | "flat" => signDirection(change * 100, percentDecimals(change * 100));

/**
 * `now` against `before` as a relative change, written: "new" when before is 0 and now is not,
 * "±0.0 %" when both are 0; null without both figures.
 */
export function formatChangeFrom(now: number | null, before: number | null): string | null {
  if (now === null || before === null || !Number.isFinite(now) || !Number.isFinite(before)) return null;
  if (before === 0) return now === 0 ? formatRelativeChange(0) : NO_BASELINE;
  return formatRelativeChange(now / before - 1);
}

/** now − before of two shares (ratios 0..1), in percentage points; null without both figures. */
export function pointsChange(now: number | null, before: number | null): number | null {
  if (now === null || before === null || !Number.isFinite(now) || !Number.isFinite(before)) return null;
  return (now - before) * 100;
}

/** Which way a change in points goes once written ("flat" when it rounds to 0.0). */
export function pointsDirection(points: number): "up" | "down" | "flat" {
  return signDirection(points, percentDecimals(points));
}

/** Percentage points with their sign: "+1.0 pts", "−0.4 pts", "±0.0 pts", "+12 pts". `decimals`: as `formatRelativeChange`'s. */
export function formatPoints(points: number, decimals?: 0 | 1): string {
  return formatSigned(points, decimals ?? percentDecimals(points), " pts");
}

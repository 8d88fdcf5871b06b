/**
 * How a share (conversion) changed between two periods: in percentage points, one way on every
 * screen, export and digest. 45 % then 46 % is "+1.0 pts"; the relative change ("+2.2 %") reads as
 * points and says something else.
 */

/** now − before of two shares (ratios 0..1), in percentage points; null without both figures. */
export function pointsChange(now: number | null, before: number | null): number | null {
  if (now === null || before === null || !Number.isFinite(now) || !Number.isFinite(before)) return null;
  return (now - before) * 100;
}

/** Which way a change in points goes once written to one decimal ("flat" when it rounds to 0.0). */
export function pointsDirection(points: number): "up" | "down" | "flat" {
  const tenths = Math.round(points * 10);
  return tenths > 0 ? "up" : tenths < 0 ? "down" : "flat";
}

const ONE_DECIMAL = new Intl.NumberFormat("en", { minimumFractionDigits: 1, maximumFractionDigits: 1, useGrouping: false });

/** Percentage points to one decimal with their sign: "+1.0 pts", "−0.4 pts", "±0.0 pts". */
export function formatPoints(points: number): string {
  const dir = pointsDirection(points);
  const sign = dir === "up" ? "+" : dir === "down" ? "−" : "±";
  return `${sign}${ONE_DECIMAL.format(Math.abs(Math.round(points * 10)) / 10)} pts`;
}

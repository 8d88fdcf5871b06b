/**
 * An alert rule's threshold in the unit people think in (the Alerts view's rules table and form):
 * a share of capacity in %, people, or a time in minutes. The API keeps shares as fractions and
 * times in seconds; turning them back must not show the float's noise: 0.29 × 100 is
 * 28.999999999999996, so a rule typed as 29 % read "28.999999999999996 %" in the table, and one of
 * 20 s set over the API "0.3333333333333333 min".
 */
import { durationWords, type AlertKind } from "@footfall/core";

/** Kinds whose threshold is a number of people. */
export const countKind = (kind: AlertKind): boolean => kind === "queue-length" || kind === "forecast-arrivals";
/** Kinds whose threshold is a share of capacity (0.8 = 80 %). */
export const shareKind = (kind: AlertKind): boolean => kind === "occupancy" || kind === "forecast-occupancy";

/** A figure without binary floating-point noise: 12 significant digits, more than any threshold is typed with. */
const clean = (x: number): number => Number(x.toPrecision(12));

/** The form's figure for a stored threshold: % for shares, people, minutes for times. */
export const toForm = (kind: AlertKind, threshold: number): number => clean(shareKind(kind) ? threshold * 100 : countKind(kind) ? threshold : threshold / 60);
/** The stored threshold for the form's figure. */
export const fromForm = (kind: AlertKind, value: number): number => (shareKind(kind) ? clean(value / 100) : countKind(kind) ? value : clean(value * 60));
/** The form's unit. */
export const unit = (kind: AlertKind): string => (shareKind(kind) ? "%" : countKind(kind) ? "people" : "min");

/**
 * The threshold as the rules table says it: "29 %", "4 people", "5 min"; a time in the words of the alert's own
 * message (core durationWords): "20 s", "1 min 30 s", from an hour "1 h 30 min" (the table said "90 min" where the
 * message said "above 1 h 30 min"), never "0.3333333333333333 min".
 */
export function thresholdText(kind: AlertKind, threshold: number): string {
  if (shareKind(kind) || countKind(kind)) return `${toForm(kind, threshold)} ${unit(kind)}`;
  return durationWords(clean(threshold));
}

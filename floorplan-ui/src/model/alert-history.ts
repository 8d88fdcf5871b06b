/**
 * The Alerts history's Acknowledged and Resolved columns, in the words of its Condition since column (not-counted's
 * sinceWords, on the server's clock): an alert acknowledged on Friday reads "Ana (front-tablet) at Fri 17:34 CET" on
 * Monday, not "at 17:34 CET" as if it were that day's.
 */
import type { Alert } from "@footfall/core";
import { sinceWords } from "./not-counted.js";

type HistoryAlert = Pick<Alert, "state" | "firedAt" | "acknowledgedBy" | "acknowledgedAt" | "resolvedAt">;

/** "Ana (front-tablet) at Fri 17:34 CET" (today's: "at 17:34 CET"); "–" when nobody acknowledged it. */
export function acknowledgedText(a: HistoryAlert, now: number, timeZone: string): string {
  return a.acknowledgedBy ? `${a.acknowledgedBy} at ${sinceWords(a.acknowledgedAt ?? a.firedAt, now, timeZone)}` : "–";
}

/** "Fri 17:34 CET" (today's: "17:34 CET"); "yes" for a resolved alert without its time, "still on" for one not resolved. */
export function resolvedText(a: HistoryAlert, now: number, timeZone: string): string {
  return a.resolvedAt !== undefined ? sinceWords(a.resolvedAt, now, timeZone) : a.state === "resolved" ? "yes" : "still on";
}

/**
 * The retention horizon as the views say it (FOOTFALL_RETENTION_DAYS; `GET /stores` answers it):
 * raw events older than `rawSince` are deleted, the hourly and daily aggregates stay. Figures that
 * need raw events (experiments' per-visit statistics and their exports, ranges that do not start
 * and end on whole hours) cannot reach before it; the others (traffic, dwell, paths, funnels over
 * whole hours) are answered from the aggregates.
 */
import { cutByRetention, type KeptHistory } from "@footfall/core";
import type { RetentionInfo } from "../api/types.js";
import { formatCount, formatDate, formatDay } from "./format.js";

/** What a view needs: raw events (the server answers 400 before the horizon), or aggregates (older ranges still answer). */
export type RetentionNeed = "raw" | "aggregates";

/**
 * The sentence a view shows about the horizon, or null when it does not matter: nothing is ever
 * deleted, or the range (when given) starts after the horizon. Without a range (a view whose
 * periods the user is about to choose) it is said whenever raw events are deleted.
 */
export function retentionNote(r: RetentionInfo | undefined, need: RetentionNeed, what: string, timeZone: string, range?: { from: number }): string | null {
  if (!r || r.rawDays <= 0 || r.rawSince === null) return null;
  if (range && range.from >= r.rawSince) return null;
  const kept = `Raw events are kept ${r.rawDays} day${r.rawDays === 1 ? "" : "s"} (since ${formatDay(r.rawSince, timeZone)})`;
  return need === "raw"
    ? `${kept}. ${what} need raw events: choose ${range ? "a range" : "periods"} from then on. Older ranges show aggregates only.`
    : `${kept}: older ranges show aggregates only, so they must start and end on whole hours.${what ? ` ${what}` : ""}`;
}

/**
 * What a view with a range says when hour and day figures older than the history kept
 * (FOOTFALL_AGGREGATE_RETENTION_DAYS; `GET /stores` retention.history) are gone and its range, or
 * the previous period it compares with, starts before them: its figures are partial, not low. The
 * same words on every view; null when nothing is cut (or the history is kept for ever).
 */
export function historyNote(history: KeptHistory | undefined, timeZone: string, range: { from: number }, previous?: { from: number } | null): string | null {
  if (!history) return null;
  const now = cutByRetention(range, history);
  const before = !!previous && cutByRetention(previous, history);
  if (!now && !before) return null;
  const head = `History kept from ${formatDate(history.keptFrom, timeZone)} (${formatCount(history.keptDays)} day${history.keptDays === 1 ? "" : "s"}): figures before it are not counted`;
  if (!now) return `${head}, so the previous period is partial and changes against it overstate growth.`;
  return before ? `${head}, in this range and in the previous period.` : `${head}.`;
}

/**
 * Checkout queues on the tablet and in analytics (issue 14.1), as pure functions: each queue's tile
 * (people waiting, the estimated wait in words, whether to open another till) and the waits report
 * as a weekday x hour grid.
 */
import type { LiveQueueRow, QueueReportRow } from "../api/queues.js";
import { formatCount, formatDuration } from "./format.js";
import { nameShown } from "./names.js";

/** The simple rule until a store has its own queue alert rules: another till at 4 people waiting or a 3-minute wait. */
export const OPEN_TILL_AT = { length: 4, waitS: 180 } as const;

/** An active alert as the live push carries it (the parts a tile reads). */
export interface QueueAlert {
  kind: string;
  zone?: string | undefined;
  state: string;
  message: string;
  /** The figure its message says: the worst reached while it is on (people waiting, or the wait in seconds). */
  value?: number;
}

export interface QueueTile {
  zone: string;
  name: string;
  queueFor: string;
  length: number;
  capacity: number | null;
  waitS: number | null;
  /** "no wait", "under a minute", "about 4 min". */
  waitText: string;
  /** Tills open at the zone it queues for, as the server sees them (people at the tills), or null. */
  tillsOpen: number | null;
  /** "1 till open", "3 tills open", or null when not known. */
  tillsText: string | null;
  /** Show "Open another till". */
  openTill: boolean;
  /** Why: the alert rule's message, or the simple rule's figures. */
  reason: string | null;
  /**
   * People in the queue zone on the map left out of `length` (lost by the tracking): the server's
   * `lost` as it reads it (open visits within the visit timeout, the ones the map shows), so the
   * tile, the API and the map say the same people.
   */
  lost: number;
  /**
   * Since when nothing counts the line (every agent that counted it offline, silent or revoked: the
   * server's `offlineSince`), or null. The tile then says so, with the people waiting at that moment,
   * and gives no wait and no advice to open a till: nobody knows the line now.
   */
  offlineSince: number | null;
  /** The agents that counted it, while `offlineSince` is set. */
  offlineAgents: string[];
  state: "ok" | "busy" | "open-till" | "offline";
}

/** The estimated wait in words, rounded to what staff act on. */
export function waitText(waitS: number | null): string {
  if (waitS === null || !Number.isFinite(waitS)) return "not known yet";
  if (waitS < 5) return "no wait";
  if (waitS < 60) return "under a minute";
  return `about ${Math.round(waitS / 60)} min`;
}

/** "1 till open", "3 tills open"; null when the server does not see the tills. */
export function tillsText(tillsOpen: number | null | undefined): string | null {
  if (tillsOpen === null || tillsOpen === undefined) return null;
  return `${tillsOpen} ${tillsOpen === 1 ? "till" : "tills"} open`;
}

/**
 * A queue alert's figure now, where it reads otherwise than its message, which keeps the worst
 * reached while the alert is on ("Till queue: 8 waiting (above 4); open another till" while 2 wait
 * now): "now 2 waiting", "now about 1 min", rounded as the message rounds (people; whole minutes).
 * Null for other kinds, a figure not known, or the same one.
 */
export function queueAlertNow(alert: Pick<QueueAlert, "kind" | "value">, length: number | null, waitS: number | null): string | null {
  if (alert.value === undefined) return null;
  if (alert.kind === "queue-length") return length === null || length === Math.round(alert.value) ? null : `now ${length} waiting`;
  if (alert.kind === "queue-wait") return waitS === null || Math.round(waitS / 60) === Math.round(alert.value / 60) ? null : `now ${waitText(waitS)}`;
  return null;
}

/**
 * Whether the queue figures read (every 5 s) are behind the live push: a queue zone whose people
 * now (the occupancy message the map and the zone list show) differ from what the read accounts
 * for: its length, plus up to its `lost` (people the tracking lost, left out of the length, whom the
 * zone's occupancy counts until the visit timeout). The tile then reads them again at once, so its
 * "people waiting" does not say 1 beside a map and an alert that say 4 for up to 5 seconds; a lost
 * person on the map alone is no reason to read again (it stays there for up to half an hour).
 * False without figures on either side, and for a line nothing counts now (`offlineSince`).
 */
export function queueFiguresBehind(queues: readonly (Pick<LiveQueueRow, "zone" | "length" | "lost"> & { offlineSince?: number | null })[] | undefined, zones: readonly { zone: string; occupancy: number }[] | undefined): boolean {
  if (!queues || !zones) return false;
  return queues.some((q) => {
    // A line nothing counts keeps the figures of when counting stopped: the map's people are no news of it.
    if (q.offlineSince !== null && q.offlineSince !== undefined) return false;
    const z = zones.find((x) => x.zone === q.zone);
    return z !== undefined && (z.occupancy < q.length || z.occupancy > q.length + q.lost);
  });
}

/**
 * One tile per queue. A firing (or acknowledged) queue-length or queue-wait alert of the store's
 * rules for the queue says "open another till" with the rule's message (and its figure now, where
 * that reads otherwise: queueAlertNow); without one, the simple rule (OPEN_TILL_AT) does. Busy:
 * half way to the simple rule. The people on the map it leaves out: the server's `lost`, as read.
 */
/** The wait a tile shows for a queue's figures: "no wait" only for an empty line (someone joining behind people waits at least a moment). */
export function shownWaitS(q: Pick<LiveQueueRow, "length" | "estimatedWaitS">): number | null {
  const wait = q.estimatedWaitS;
  return q.length === 0 && wait !== null ? Math.min(wait, 4) : q.length > 0 && wait !== null ? Math.max(wait, 5) : wait;
}

/**
 * A queue alert's figure now as its queue's tile says it (people waiting without those the tracking
 * lost; the wait the tile shows): "now 2 waiting", "now about 1 min". Null for another kind, a queue
 * not in `queues` or the same figure. The alert banner and the tile's reason say the same.
 */
export function queueRowAlertNow(alert: Pick<QueueAlert, "kind" | "zone" | "value">, queues: readonly (Pick<LiveQueueRow, "zone" | "length" | "estimatedWaitS"> & { offlineSince?: number | null })[]): string | null {
  const q = queues.find((r) => r.zone === alert.zone);
  if (q && q.offlineSince !== null && q.offlineSince !== undefined) return "not counted now";
  return q ? queueAlertNow(alert, q.length, shownWaitS(q)) : null;
}

/**
 * An empty line's words when no wait is estimated (nobody came through for the server to time): "closed" while the
 * store is closed by its hours (`openNow` false), else "no wait"; a calm tile, not "not known yet". Null for a line with
 * people or a wait the server estimates (waitText says it).
 */
export function emptyLineText(q: Pick<LiveQueueRow, "length" | "estimatedWaitS">, openNow: boolean | null): string | null {
  if (q.length !== 0) return null;
  if (openNow === false) return "closed";
  return q.estimatedWaitS === null ? "no wait" : null;
}

/** `openNow`: whether the store is open by its hours (null: no hours, or not read yet), for an empty line's words (emptyLineText). */
export function queueTiles(queues: readonly LiveQueueRow[], alerts: readonly QueueAlert[] = [], openNow: boolean | null = null): QueueTile[] {
  return queues.map((q) => {
    const offlineSince = q.offlineSince ?? null;
    if (offlineSince !== null) {
      // Nothing counts the line: its figures are those of when counting stopped, so no wait, no tills and no advice.
      return { zone: q.zone, name: nameShown(q.name), queueFor: q.queueFor, length: q.length, capacity: q.capacity, waitS: null, waitText: "not known", tillsOpen: null, tillsText: null, openTill: false, reason: null, lost: 0, offlineSince, offlineAgents: q.offlineAgents ?? [], state: "offline" };
    }
    const rule = alerts.find((a) => (a.kind === "queue-length" || a.kind === "queue-wait") && a.zone === q.zone && a.state !== "resolved");
    const wait = q.estimatedWaitS;
    const simple = q.length >= OPEN_TILL_AT.length || (wait !== null && q.length > 0 && wait >= OPEN_TILL_AT.waitS);
    const openTill = rule !== undefined || simple;
    const shownWait = shownWaitS(q);
    const ruleNow = rule ? queueRowAlertNow(rule, [q]) : null;
    const reason = rule ? (ruleNow ? `${nameShown(rule.message)} · ${ruleNow}` : nameShown(rule.message)) : simple ? (q.length >= OPEN_TILL_AT.length ? `${q.length} people waiting` : `wait ${waitText(wait)}`) : null;
    const busy = q.length >= OPEN_TILL_AT.length / 2 || (wait !== null && wait >= OPEN_TILL_AT.waitS / 2);
    return {
      zone: q.zone,
      name: nameShown(q.name),
      queueFor: q.queueFor,
      length: q.length,
      capacity: q.capacity,
      waitS: wait,
      waitText: emptyLineText(q, openNow) ?? waitText(shownWait),
      tillsOpen: q.tillsOpen ?? null,
      tillsText: tillsText(q.tillsOpen),
      openTill,
      reason,
      lost: q.lost,
      offlineSince: null,
      offlineAgents: [],
      state: openTill ? "open-till" : busy ? "busy" : "ok",
    };
  });
}

export const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as const;

export interface WaitGrid {
  /** Hours of the day (0-23) that have a cell on any weekday, ascending. */
  hours: number[];
  /** ISO weekdays (1-7) that have a cell, ascending. */
  weekdays: number[];
  /** `${weekday}-${hour}` -> the cell. */
  cells: Map<string, QueueReportRow["byWeekdayHour"][number]>;
  /** The longest median wait of a cell (s), for the colour scale; 0 without any. */
  maxMedian: number;
}

/** The report of one queue as a weekday x hour grid of median waits. */
export function waitGrid(row: QueueReportRow): WaitGrid {
  const cells = new Map<string, QueueReportRow["byWeekdayHour"][number]>();
  const hours = new Set<number>();
  const weekdays = new Set<number>();
  let maxMedian = 0;
  for (const c of row.byWeekdayHour) {
    cells.set(`${c.weekday}-${c.hour}`, c);
    hours.add(c.hour);
    weekdays.add(c.weekday);
    if (c.wait_s) maxMedian = Math.max(maxMedian, c.wait_s.median);
  }
  return { hours: [...hours].sort((a, b) => a - b), weekdays: [...weekdays].sort((a, b) => a - b), cells, maxMedian };
}

/**
 * The words for outcomes, where a user reads them: the server counts served and abandoned in the hour the shopper
 * joined the line, as their joins and waits (not the hour their trip began), so an hour's columns line up with the live
 * queue and with staffing by the hour. README and queues.csv's columns say the same.
 */
export const OUTCOME_HOUR_WORDS = "by the hour they joined";

/** A cell's tooltip: its joins and waits, then its outcomes, all of the people who joined the line in that hour. */
export function queueCellTitle(c: QueueReportRow["byWeekdayHour"][number] | undefined): string {
  if (!c) return "nobody queued";
  return `${formatCount(c.joins)} joined this hour · median ${formatWait(c.wait_s?.median)} · p90 ${formatWait(c.wait_s?.p90)} · served ${formatCount(c.served)}, gave up ${formatCount(c.abandoned)}, ${OUTCOME_HOUR_WORDS}`;
}

/** A wait as every dwell is written (core's formatDuration): "45 s", "3 min 30 s"; a queue's median wait reads as its zone's median dwell. */
export function formatWait(s: number | null | undefined): string {
  return s === null || s === undefined ? "–" : formatDuration(s);
}

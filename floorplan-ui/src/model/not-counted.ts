/**
 * The words every screen uses when nothing is counted (every zone of the store's layout not counted: its agents
 * offline, silent or revoked), so that the live view, its status pill, the chain view and the analytics views
 * (heatmap, report) say the same thing: "Not counted since 17:34 CET (sim-1 offline)".
 */
import { localTime } from "@footfall/core";
import { formatTime } from "./format.js";

export interface NotCountedSpan {
  since: number;
  agents: readonly string[];
}

const DAY_MS = 86_400_000;

/**
 * Since when an outage goes on, as every screen words its start, in the store's time zone and against `now` (the
 * server's clock, model/server-clock): "17:34 CET" when it began today there, "Fri 17:34 CET" on one of the 6 days
 * before, "28 Nov 17:34 CET" a week ago or more ("28 Nov 2025 17:34 CET" in another year). A Friday's outage seen on
 * Monday so never reads as recent. Days are the store's calendar days (a DST day is one day); a start after `now`
 * (clocks a second apart) reads as today's.
 */
export function sinceWords(since: number, now: number, timeZone: string): string {
  const time = formatTime(since, timeZone);
  const s = localTime(since, timeZone);
  const n = localTime(now, timeZone);
  const days = Math.round((Date.UTC(n.year, n.month - 1, n.day) - Date.UTC(s.year, s.month - 1, s.day)) / DAY_MS);
  if (days <= 0) return time;
  const part = (opts: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat("en-GB", { timeZone, ...opts }).format(since);
  if (days < 7) return `${part({ weekday: "short" })} ${time}`;
  return `${s.day} ${part({ month: "short" })}${s.year === n.year ? "" : ` ${s.year}`} ${time}`;
}

/**
 * "Not counted since 17:34 CET (sim-1 offline)"; without agents named: "Not counted since 17:34 CET"; begun on another
 * day than `now`'s in the store's zone: "Not counted since Fri 17:34 CET" ({@link sinceWords}).
 */
export function notCountedSinceText(n: NotCountedSpan, timeZone: string, now: number): string {
  return `Not counted since ${sinceWords(n.since, now, timeZone)}${n.agents.length ? ` (${n.agents.join(", ")} offline)` : ""}`;
}

/** The live view's status pill when nothing is counted: "Nothing counted since 17:34 CET" ("since Fri 17:34 CET"), never a green "Live". */
export function nothingCountedPillText(n: NotCountedSpan, timeZone: string, now: number): string {
  return `Nothing counted since ${sinceWords(n.since, now, timeZone)}`;
}

/**
 * Nothing counted: every one of the store's `zoneCount` zones is in `zones` (those not counted, each since when and by
 * which agents); then since the first of them stopped and the agents named (each once, in order). Null while some zone
 * is counted, or without zones (no layout: nothing to say).
 */
export function nothingCounted(zones: readonly NotCountedSpan[], zoneCount: number): NotCountedSpan | null {
  if (zoneCount <= 0 || zones.length < zoneCount) return null;
  const agents: string[] = [];
  for (const z of zones) for (const a of z.agents) if (!agents.includes(a)) agents.push(a);
  return { since: Math.min(...zones.map((z) => z.since)), agents };
}

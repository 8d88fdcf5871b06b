/**
 * The words every screen uses when nothing is counted (every zone of the store's layout not counted: its agents
 * offline, silent or revoked), so that the live view, its status pill, the chain view and the analytics views
 * (heatmap, report) say the same thing: "Not counted since 17:34 CET (sim-1 offline)".
 */
import { formatTime } from "./format.js";

export interface NotCountedSpan {
  since: number;
  agents: readonly string[];
}

/** "Not counted since 17:34 CET (sim-1 offline)"; without agents named: "Not counted since 17:34 CET". */
export function notCountedSinceText(n: NotCountedSpan, timeZone: string): string {
  return `Not counted since ${formatTime(n.since, timeZone)}${n.agents.length ? ` (${n.agents.join(", ")} offline)` : ""}`;
}

/** The live view's status pill when nothing is counted: "Nothing counted since 17:34 CET", never a green "Live". */
export function nothingCountedPillText(n: NotCountedSpan, timeZone: string): string {
  return `Nothing counted since ${formatTime(n.since, timeZone)}`;
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

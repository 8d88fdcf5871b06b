/**
 * Whether anything counts a zone now: one rule for the queue tile (GET .../queues/live), the live
 * map and zone list, and the store total (GET .../occupancy and the live push). A zone is not
 * counted once every agent whose events named it is down, and its figures are then those of when
 * the last of them went down: people it saw stay in its occupancy until the visit timeout, though
 * nobody knows the zone now.
 */
import { firstOpenIn, type OpeningHours } from "../alerts/hours.js";
import { silentWarns } from "./agent-attention.js";

/** The parts of a stored agent the rule reads (the server's attentionOf gives them). */
export interface TrackingAgent {
  agent: string;
  state: string;
  revokedAt?: number | null;
  /** When its last status was sent (its own clock, as stored). */
  lastStatusTs: number | null;
  /** When the server last heard from it live (server clock); null: never. */
  lastHeardAt?: number | null;
  /** Its status interval, ms; null: not said (30 s). */
  statusEveryMs?: number | null;
}

/** An agent whose events named the zone, and when its newest one arrived (server clock). */
export interface ZoneNamer {
  agent: string;
  lastReceivedAt: number;
}

/** A zone nothing counts now: since when, and the agents that counted it. */
export interface NotCounted {
  since: number;
  agents: string[];
}

/**
 * Not counted when every agent in `named` is down: revoked (since then), offline (since its
 * offline status, or it was last heard, whichever is later) or silent (online by its last word,
 * yet unheard for 3 of its status intervals: since it was last heard). `since` is when the last of
 * them went down. Null while one of them is up, when none ever named the zone, for an agent not in
 * `agents` (removed) or one that never sent a status (nothing says it is down).
 */
export function notCountedSince(agents: readonly TrackingAgent[], named: readonly ZoneNamer[], now: number): NotCounted | null {
  if (named.length === 0) return null;
  let since = Number.NEGATIVE_INFINITY;
  for (const n of named) {
    const a = agents.find((x) => x.agent === n.agent);
    if (!a) return null;
    const heard = Math.max(a.lastHeardAt ?? Number.NEGATIVE_INFINITY, n.lastReceivedAt);
    let down: number | null = null;
    if (a.revokedAt !== null && a.revokedAt !== undefined) down = a.revokedAt;
    else if (a.state === "offline") down = Math.max(a.lastStatusTs ?? Number.NEGATIVE_INFINITY, heard);
    else if (a.state === "online" && silentWarns(a, now)) down = heard;
    if (down === null || !Number.isFinite(down)) return null;
    since = Math.max(since, down);
  }
  return { since, agents: named.map((n) => n.agent) };
}

/** Whether any agent of the store is down now (revoked, offline or silent): when none is, every zone is counted. */
export function anyAgentDown(agents: readonly TrackingAgent[], now: number): boolean {
  return agents.some((a) => (a.revokedAt !== null && a.revokedAt !== undefined) || a.state === "offline" || (a.state === "online" && silentWarns(a, now)));
}

/**
 * A zone nobody counts (`n`, {@link notCountedSince}) by the store's opening hours `hours` (in
 * `timeZone`): nobody is missed while a store is closed, so an agent that went down after the
 * store closed (an edge box switched off at night, its will 15 minutes after closing) leaves the
 * zone closed, not "not counted" (null), until the store opens; open again with the agent still
 * down, the zone is not counted since that opening. An outage that began while the store was open
 * stays not counted through the night (it is a real one). `since` is always the first open instant
 * at or after the agent went down: the live side of gapsWhileOpen (what an outage left uncounted).
 * Unchanged for a store without hours (null or undefined: open at every hour). The one rule of the
 * live map, the occupancy answer, alert rules and their webhooks, MQTT and the chain view (and, for
 * one agent, of core agentProblems given the store's hours).
 */
export function notCountedWhileOpen(n: NotCounted | null, hours: OpeningHours | null | undefined, now: number, timeZone: string): NotCounted | null {
  if (!n || !hours) return n;
  const first = firstOpenIn(hours, n.since, now, timeZone);
  return first === null ? null : { since: Math.max(first, n.since), agents: n.agents };
}

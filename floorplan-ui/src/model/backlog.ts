import { formatCount, formatLag } from "./format.js";

/** What an agent said it held at its last status (GET .../agents `backlog`). */
export interface Backlog {
  queued: number;
  oldestQueuedAgeMs: number | null;
  outboxDropped: number | null;
}

/** Held for longer than this, the backlog is worth a look (the agent cannot reach the server, or the server is behind). */
export const SLOW_BACKLOG_MS = 60_000;

/**
 * The Agents view's Backlog cell: the events an agent held, not yet settled, when it sent its last
 * status (every 30 s while connected; an offline agent's is the last it sent before the outage).
 */
export function backlogCell(b: Backlog | null | undefined): { text: string; title: string; warn: boolean } {
  const asOf = "Events the agent held, not yet settled by the server, at its last status (Last status).";
  if (!b) return { text: "–", title: "The agent has not said what it holds (no status yet, or an agent older than this server).", warn: false };
  const dropped = b.outboxDropped ? ` · ${formatCount(b.outboxDropped)} dropped` : "";
  const droppedTitle = b.outboxDropped ? ` Its full outbox dropped ${formatCount(b.outboxDropped)} of its oldest unsent events.` : "";
  if (b.queued === 0) return { text: `none${dropped}`, title: asOf + droppedTitle, warn: Boolean(b.outboxDropped) };
  const age = b.oldestQueuedAgeMs;
  const oldest = age === null ? "" : `, oldest ${formatLag(age)}`;
  return { text: `${formatCount(b.queued)}${oldest}${dropped}`, title: asOf + droppedTitle, warn: (age ?? 0) > SLOW_BACKLOG_MS || Boolean(b.outboxDropped) };
}

/** A status stamped further than this ahead of this computer's clock says the agent's clock is ahead. */
export const CLOCK_AHEAD_MS = 60_000;

/**
 * The note under an agent's Last status when that status was stamped ahead of now: "just now" would
 * hide that the agent's clock is ahead (past 5 minutes the server rejects its events as in the future).
 * Null when it is not (a clock behind cannot be told from a status: an old one looks the same).
 */
export function clockAheadNote(statusTs: number | null | undefined, now: number): { text: string; title: string } | null {
  if (statusTs === null || statusTs === undefined || !Number.isFinite(statusTs)) return null;
  const ahead = statusTs - now;
  if (ahead <= CLOCK_AHEAD_MS) return null;
  const min = Math.round(ahead / 60_000);
  return {
    text: `clock ${min < 120 ? `${min} min` : `${Math.round(min / 60)} h`} ahead`,
    title: "Its last status is stamped ahead of this computer's clock: the agent's clock is probably ahead. Events more than 5 minutes ahead of the server are rejected; set its machine's time (NTP).",
  };
}

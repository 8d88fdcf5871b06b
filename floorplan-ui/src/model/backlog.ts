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

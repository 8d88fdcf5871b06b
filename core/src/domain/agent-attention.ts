/**
 * Which agents need attention, by the rules the Agents view flags its cells with: not online
 * (offline, never seen), its newest event late (and not caught up since), its clock off, its
 * backlog old or dropping. One source of truth for the per-store view's amber cells and the
 * all-stores list's `?problems=1` (GET /api/v1/agents). A revoked agent needs none: it was shut out.
 */
import { clockOffWarns } from "../protocol/clock-offset.js";

/** Lag above this is worth a look (events reach the server late). */
export const SLOW_LAG_MS = 10_000;
/** Held for longer than this, the backlog is worth a look (the agent cannot reach the server, or the server is behind). */
export const SLOW_BACKLOG_MS = 60_000;

/** What an agent said it held at its last status (GET .../agents `backlog`). */
export interface AgentBacklog {
  queued: number;
  oldestQueuedAgeMs: number | null;
  outboxDropped: number | null;
}

/** The fields of an agent (as GET .../agents answers it) the rules read. */
export interface AgentAttentionInput {
  state: string;
  revokedAt?: number | null;
  lagMs: number | null;
  lastEventTs: number | null;
  lastStatusTs: number | null;
  backlog?: AgentBacklog | null;
  clockOffsetMs?: number | null;
}

/** Why an agent needs attention, in the order the list names them. */
export const AGENT_PROBLEMS = ["offline", "never-seen", "lagging", "clock", "backlog"] as const;
export type AgentProblem = (typeof AGENT_PROBLEMS)[number];

/** Its backlog is worth a look: the oldest held event waited over {@link SLOW_BACKLOG_MS}, or its outbox dropped some. */
export function backlogWarns(b: AgentBacklog | null | undefined): boolean {
  if (!b) return false;
  return (b.queued > 0 && (b.oldestQueuedAgeMs ?? 0) > SLOW_BACKLOG_MS) || Boolean(b.outboxDropped);
}

/**
 * A late delivery the agent has caught up with: a status sent after it (`lastStatusTs` at or after
 * `lastEventTs + lagMs`) said the agent was online and held nothing unsent. History sent late (a
 * back-fill, an outbox emptied after an outage): no delay now.
 */
export function lagCaughtUp(a: AgentAttentionInput): boolean {
  if (a.lagMs === null || !Number.isFinite(a.lagMs) || a.lastEventTs === null) return false;
  const delivered = a.lastEventTs + a.lagMs;
  return a.state === "online" && a.backlog?.queued === 0 && a.lastStatusTs !== null && a.lastStatusTs >= delivered;
}

/** Its newest event arrived over {@link SLOW_LAG_MS} late and it has not caught up since. */
export function lagWarns(a: AgentAttentionInput): boolean {
  return a.lagMs !== null && Number.isFinite(a.lagMs) && a.lagMs > SLOW_LAG_MS && !lagCaughtUp(a);
}

/** What needs attention on this agent (none: it is fine, or revoked). `clockWarnMs`: FOOTFALL_CLOCK_WARN_MS. */
export function agentProblems(a: AgentAttentionInput, clockWarnMs: number): AgentProblem[] {
  if (a.revokedAt !== null && a.revokedAt !== undefined) return [];
  const out: AgentProblem[] = [];
  if (a.state === "offline") out.push("offline");
  else if (a.state !== "online") out.push("never-seen");
  if (lagWarns(a)) out.push("lagging");
  if (clockOffWarns(a.clockOffsetMs, clockWarnMs)) out.push("clock");
  if (backlogWarns(a.backlog)) out.push("backlog");
  return out;
}

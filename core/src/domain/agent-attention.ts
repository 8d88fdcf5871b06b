/**
 * Which agents need attention, by the rules the Agents view flags its cells with: not online
 * (offline, never seen), online but silent (the server has heard nothing from it for several status
 * intervals), its newest event late (and not caught up since), its clock off, its backlog old or
 * dropping. One source of truth for the per-store view's amber cells, the all-stores list's
 * `?problems=1` (GET /api/v1/agents), the chain view's agent cell and `footfall agent list`. A
 * revoked agent needs none: it was shut out.
 */
import { clockOffWarns } from "../protocol/clock-offset.js";

/** Lag above this is worth a look (events reach the server late). */
export const SLOW_LAG_MS = 10_000;
/** Held for longer than this, the backlog is worth a look (the agent cannot reach the server, or the server is behind). */
export const SLOW_BACKLOG_MS = 60_000;

/** How often agents send their status while connected when they do not say (footfall-edge's `statusEveryS` default). */
export const DEFAULT_STATUS_EVERY_MS = 30_000;
/** An online agent is silent once nothing was heard from it for this many of its status intervals... */
export const SILENT_AFTER_STATUSES = 3;
/** ...and never sooner than this (an agent sending every few seconds is not flagged by a server a few seconds behind). */
export const SILENT_AFTER_MIN_MS = 90_000;

/**
 * How long an online agent may go unheard before it is silent: {@link SILENT_AFTER_STATUSES} of its
 * status intervals (`statusEveryMs`, as its status says; {@link DEFAULT_STATUS_EVERY_MS} when it does
 * not), at least {@link SILENT_AFTER_MIN_MS}. 90 s for an agent of the default 30 s.
 */
export function silentAfterMs(statusEveryMs?: number | null): number {
  const every = typeof statusEveryMs === "number" && Number.isFinite(statusEveryMs) && statusEveryMs > 0 ? statusEveryMs : DEFAULT_STATUS_EVERY_MS;
  return Math.max(SILENT_AFTER_STATUSES * every, SILENT_AFTER_MIN_MS);
}

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
  /**
   * When the server last heard from it live (server clock): the newest arrival of its events or of a
   * live status (not a retained copy replayed, not a last will). Null or absent: never.
   */
  lastHeardAt?: number | null;
  /** How often it sends its status (its status's `statusEveryS`, in ms); null or absent: not said (30 s). */
  statusEveryMs?: number | null;
}

/** Why an agent needs attention, in the order the list names them. */
export const AGENT_PROBLEMS = ["offline", "never-seen", "silent", "lagging", "clock", "backlog"] as const;
export type AgentProblem = (typeof AGENT_PROBLEMS)[number];

/** What each problem reads as, on every screen (the Agents view, the chain view's titles, `footfall agent list`). */
export const AGENT_PROBLEM_WORDS: Record<AgentProblem, string> = {
  offline: "offline",
  "never-seen": "never seen",
  silent: "silent",
  lagging: "events late",
  clock: "clock off",
  backlog: "backlog",
};

/**
 * Online by its last state, yet the server has heard nothing from it (no live status, no event) for
 * longer than {@link silentAfterMs}: an agent whose process hangs, whose broker lost its last will, or
 * that died while the server was down; or a server that no longer reaches the broker (then every
 * online agent is). Based on statuses, which come while a store is closed too, not on visitors.
 */
export function silentWarns(a: Pick<AgentAttentionInput, "state" | "lastHeardAt" | "statusEveryMs">, now: number): boolean {
  if (a.state !== "online") return false;
  const heard = a.lastHeardAt;
  if (heard === null || heard === undefined || !Number.isFinite(heard)) return true;
  return now - heard > silentAfterMs(a.statusEveryMs);
}

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

/**
 * What needs attention on this agent (none: it is fine, or revoked). `clockWarnMs`: FOOTFALL_CLOCK_WARN_MS;
 * `now`: the server's clock (what `lastHeardAt` was stamped with).
 */
export function agentProblems(a: AgentAttentionInput, clockWarnMs: number, now: number): AgentProblem[] {
  if (a.revokedAt !== null && a.revokedAt !== undefined) return [];
  const out: AgentProblem[] = [];
  if (a.state === "offline") out.push("offline");
  else if (a.state !== "online") out.push("never-seen");
  else if (silentWarns(a, now)) out.push("silent");
  if (lagWarns(a)) out.push("lagging");
  if (clockOffWarns(a.clockOffsetMs, clockWarnMs)) out.push("clock");
  if (backlogWarns(a.backlog)) out.push("backlog");
  return out;
}

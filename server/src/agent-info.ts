/**
 * An agent as the server shows it (GET /stores/:store/agents, GET /agents, the chain view's agent
 * cell, `footfall agent list`): its stored row read once, here, and what needs attention by core's
 * agentProblems. One place, so that every screen flags the same agents for the same reasons.
 */
import type { Static } from "@sinclair/typebox";
import { agentProblems, agentRejectsOf, expectedBackBy, clockReading, recentInputOf, decodeClockSamples, type AgentInput, type AgentProblem, type ClockSample, type StoreOpening } from "@footfall/core";
import type { AgentRow } from "./storage/types.js";
import type { AgentsBody } from "./routes/schemas.js";

export type AgentInfo = Static<typeof AgentsBody>["agents"][number];

/**
 * A non-negative integer that an answer carries exactly (at most 2^53 - 1), or null. An agent's metrics
 * are its own say: a buggy or hostile one's absurd figure (1e300 events held) reads as not said.
 */
const count = (v: unknown): number | null => (typeof v === "number" && Number.isSafeInteger(v) && v >= 0 ? v : null);

/** The metrics of an agent's last status as {@link metricsOf} parses them, once per row, for the readers below. */
export type StatusMetrics = Record<string, unknown> | null;

/** The metrics of its last status (its row's `statusMetrics`) as an object, or null (none, or not JSON). */
export function metricsOf(statusMetrics: string | null | undefined): StatusMetrics {
  if (statusMetrics === null || statusMetrics === undefined) return null;
  try {
    const m: unknown = JSON.parse(statusMetrics);
    return typeof m === "object" && m !== null && !Array.isArray(m) ? (m as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * What an agent said it held at its last status (its metrics `queued`, `oldestQueuedAgeMs`,
 * `outboxDropped`), for the Agents view's Backlog; null when the status said nothing of it.
 */
export function backlogOf(r: StatusMetrics): { queued: number; oldestQueuedAgeMs: number | null; outboxDropped: number | null } | null {
  if (!r) return null;
  const queued = count(r.queued);
  if (queued === null) return null;
  return { queued, oldestQueuedAgeMs: queued === 0 ? null : count(r.oldestQueuedAgeMs), outboxDropped: count(r.outboxDropped) };
}

/** How often the agent said it sends its status (its metric `statusEveryS`, footfall-edge's), in ms; null: it did not say. */
export function statusEveryOf(r: StatusMetrics): number | null {
  const s = r?.statusEveryS;
  // 1e308 s was Infinity ms, which no answer's integer holds: every agents list of its store was a 500.
  const ms = typeof s === "number" ? Math.round(s * 1000) : NaN;
  return Number.isSafeInteger(ms) && ms > 0 ? ms : null;
}

/** A non-negative duration in whole ms (at most 2^53 - 1), or null. */
const age = (v: unknown): number | null => (typeof v === "number" && v >= 0 ? count(Math.round(v)) : null);

/**
 * What the agent said of its source's input at its last status (footfall-edge's metrics `inputUnit`,
 * `inputAgeMs`, `sourceDownMs`, `sourceRestarts`), for core's "stalled" rule; null when it said none
 * of the first three (an agent older than the rule: never stalled).
 */
export function inputOf(r: StatusMetrics): AgentInput | null {
  if (!r) return null;
  const unit = typeof r.inputUnit === "string" && r.inputUnit.length > 0 ? r.inputUnit.slice(0, 32) : null;
  const ageMs = age(r.inputAgeMs);
  const downMs = age(r.sourceDownMs);
  if (unit === null && ageMs === null && downMs === null) return null;
  return { unit, ageMs, downMs, restarts: count(r.sourceRestarts) };
}

/**
 * When the server last heard from the agent live (server clock): the newest arrival of its events
 * (`lastReceivedAt`) or of a live online status (its newest clock sample's `at`; a retained copy
 * replayed or a last will makes none), from its decoded clock samples. Null: never.
 */
export function lastHeardOf(samples: readonly { at: number }[], lastReceivedAt: number | null): number | null {
  const times = samples.map((s) => s.at);
  if (lastReceivedAt !== null) times.push(lastReceivedAt);
  const finite = times.filter((t) => Number.isFinite(t));
  return finite.length ? Math.max(...finite) : null;
}

/**
 * What an agent's row says through its last status's two texts (`statusMetrics`, `clockSamples`),
 * decoded once: the only way {@link attentionOf} reads them, so that whoever keeps this while the
 * two texts are unchanged (the chain overview's memo) gets every figure drawn from them. Read-only.
 */
export interface StatusPart {
  readonly metrics: StatusMetrics;
  readonly samples: readonly ClockSample[];
}

/** The status part of `a` (its status metrics and clock samples, decoded). */
export function statusPartOf(a: Pick<AgentRow, "statusMetrics" | "clockSamples">): StatusPart {
  return { metrics: metricsOf(a.statusMetrics), samples: decodeClockSamples(a.clockSamples) };
}

/**
 * What the server knows of an agent's health (the fields core's agentProblems reads, and its clock's
 * reading), from its stored row: the one place its lag, newest event and clock are worked out.
 * `status`: its row's {@link statusPartOf}, decoded here unless given (one kept while the row's two
 * status texts are the same); the row's own texts are not read.
 */
export function attentionOf(a: AgentRow, status: StatusPart = statusPartOf(a)) {
  const lastEventTs = a.lastEventTs || null;
  const { metrics, samples } = status;
  const reading = clockReading(samples);
  return {
    agent: a.agent,
    state: a.state,
    revokedAt: a.revokedAt,
    lastStatusTs: a.statusTs,
    // 0: an agent whose every event was rejected, as stored before that kept null (no event is from 1970).
    lastEventTs,
    // How late the newest event arrived: receipt time minus the event's own time.
    lagMs: lastEventTs && a.lastReceivedAt !== null ? Math.max(0, a.lastReceivedAt - lastEventTs) : null,
    backlog: backlogOf(metrics),
    clockOffsetMs: reading?.offsetMs ?? null,
    clockMeasuredAt: reading?.measuredAt ?? null,
    lastHeardAt: lastHeardOf(samples, a.lastReceivedAt),
    statusEveryMs: statusEveryOf(metrics),
    kind: a.kind,
    input: inputOf(metrics),
    // What its source read and refused over its last 10 minutes (core's "refusing" rule); null: it does not say.
    recentInput: recentInputOf(metrics),
  };
}

/**
 * What needs attention on a stored agent now (`now`: the server's clock; `clockWarnMs`: FOOTFALL_CLOCK_WARN_MS; `opening`: its
 * store's hours, by which an agent down since the store closed is no problem until it opens).
 */
export function problemsOf(a: AgentRow, clockWarnMs: number, now: number, opening?: StoreOpening | null): AgentProblem[] {
  return agentProblems(attentionOf(a), clockWarnMs, now, opening);
}

/** An agent as GET /stores/:store/agents lists it (and GET /agents, with its store): the one place its row is made. `opening`: as {@link problemsOf}'s. */
export function agentInfo(a: AgentRow, rejectReasons: Record<string, number>, clockWarnMs: number, now: number, opening?: StoreOpening | null): AgentInfo {
  const status = statusPartOf(a);
  const h = attentionOf(a, status);
  return {
    agent: a.agent,
    kind: a.kind,
    state: a.state,
    version: a.version,
    lastStatusTs: h.lastStatusTs,
    lastEventTs: h.lastEventTs,
    lagMs: h.lagMs,
    events: a.events,
    duplicates: a.duplicates,
    rejects: a.rejects,
    revokedAt: a.revokedAt,
    rejectReasons,
    backlog: h.backlog,
    clockOffsetMs: h.clockOffsetMs,
    clockMeasuredAt: h.clockMeasuredAt,
    lastHeardAt: h.lastHeardAt,
    statusEveryMs: h.statusEveryMs,
    input: h.input,
    recentInput: h.recentInput,
    // What it refused itself before the server saw anything (its status's agentRejects.<reason>), beside the server's rejects.
    agentRejects: agentRejectsOf(status.metrics),
    problems: agentProblems(h, clockWarnMs, now, opening),
    // A box down at night, in its grace after the opening: by when the agent-offline rule would miss it.
    expectedBackBy: expectedBackBy(h, now, opening),
  };
}

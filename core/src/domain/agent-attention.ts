/**
 * Which agents need attention, by the rules the Agents view flags its cells with: not online
 * (offline, never seen), online but silent (the server has heard nothing from it for several status
 * intervals), online but its source stalled (no frame from its camera, its source failing and
 * restarting), its newest event late (and not caught up since), its clock off, its backlog old or
 * dropping. One source of truth for the per-store view's amber cells, the all-stores list's
 * `?problems=1` (GET /api/v1/agents), the chain view's agent cell and `footfall agent list`. A
 * revoked agent needs none: it was shut out.
 */
import { isOpen, quietFrom, type OpeningHours } from "../alerts/hours.js";
import { clockOffWarns } from "../protocol/clock-offset.js";
import { formatSpan } from "./ago.js";

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
  /** Its id in its store: an agent-offline rule naming an agent watches only that one ({@link StoreOpening.offlineRules}). */
  agent?: string;
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
  /** Its kind (camera, door, beacon, sim): how long its source may go without input. Absent: no input rule. */
  kind?: string;
  /** What its last status said of its source's input; null or absent: nothing (an agent older than this rule). */
  input?: AgentInput | null;
  /** What its last status said its source read and refused of it lately; null or absent: nothing (an agent older than this rule). */
  recentInput?: AgentRecentInput | null;
}

/**
 * What an agent's source read and refused itself over the last {@link RECENT_INPUT_WINDOW_MS} before
 * its status (footfall-edge's status metrics `recentRead`, `recentRefused`): lines from a door
 * counter, pushes, gateway records. Unlike its `agentRejects.<reason>` (counted since it started), this
 * says whether it refuses now.
 */
export interface AgentRecentInput {
  /** Input its source read (lines, pushes, sighting records), those it refused included. */
  read: number;
  /** Of it, what its source refused itself (every reason of core's AGENT_REJECTS its source counts). */
  refused: number;
}

/** The window of an agent's {@link AgentRecentInput}: its last 10 minutes. */
export const RECENT_INPUT_WINDOW_MS = 10 * 60_000;
/** An online agent refusing more than one in this many of what its source read in the window (a tenth) is "refusing input"... */
export const REFUSING_ONE_IN = 10;
/** ...once it refused at least this many there (a stray garbled line is not a problem). */
export const REFUSING_MIN = 10;

/**
 * What an agent said of its source's input at its last status (footfall-edge's status metrics
 * `inputUnit`, `inputAgeMs`, `sourceDownMs`, `sourceRestarts`). Each null when the status did not say.
 */
export interface AgentInput {
  /** What its source's input is ("frame", "tick"): the words of "no frame for 3 min". */
  unit: string | null;
  /** How long before that status its source last produced input (or, none yet, since the agent started), ms. */
  ageMs: number | null;
  /** How long its source had then been failing and restarting without a steady run or any input since, ms (0: running). */
  downMs: number | null;
  /** How often its source was restarted after a failure since the agent started. */
  restarts: number | null;
}

/**
 * How long an agent's source may go without input before it is stalled, by kind; a kind not named has
 * no input rule. A camera gives frames all the time (ffmpeg at its fps) and the simulator ticks every
 * few ms: a minute without is a stalled source. A door counter and beacon gateways are quiet while
 * nobody passes (a shop at night), so their input's age says nothing; a failing link (an unplugged
 * serial counter, a silent polled one, a gateway feed that cannot start) shows as a source
 * restarting, {@link SOURCE_DOWN_AFTER_MS}.
 */
export const INPUT_STALLED_AFTER_MS: Readonly<Record<string, number>> = { camera: 60_000, sim: 60_000 };
/** A source failing and restarting (no run steady for a minute, no input) for longer than this is stalled, whatever its kind. */
export const SOURCE_DOWN_AFTER_MS = 60_000;

/** Why an agent needs attention, in the order the list names them. */
export const AGENT_PROBLEMS = ["offline", "never-seen", "silent", "stalled", "refusing", "lagging", "clock", "backlog"] as const;
export type AgentProblem = (typeof AGENT_PROBLEMS)[number];

/** What each problem reads as, on every screen (the Agents view, the chain view's titles, `footfall agent list`). */
export const AGENT_PROBLEM_WORDS: Record<AgentProblem, string> = {
  offline: "offline",
  "never-seen": "never seen",
  silent: "silent",
  stalled: "input stalled",
  refusing: "refusing input",
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

const finite = (v: number | null | undefined): v is number => typeof v === "number" && Number.isFinite(v);

/**
 * Online by its last state, yet its source stalled at its last status: no input for longer than its
 * kind allows ({@link INPUT_STALLED_AFTER_MS}: a camera without a frame for a minute), or its source
 * failing and restarting for over {@link SOURCE_DOWN_AFTER_MS}. An agent whose status says nothing of
 * its input (older than this rule, or a source that does not report it) is never stalled.
 */
export function stalledWarns(a: Pick<AgentAttentionInput, "state" | "kind" | "input">): boolean {
  const i = a.input;
  if (a.state !== "online" || !i) return false;
  const limit = a.kind === undefined ? undefined : INPUT_STALLED_AFTER_MS[a.kind];
  if (limit !== undefined && finite(i.ageMs) && i.ageMs > limit) return true;
  return finite(i.downMs) && i.downMs > SOURCE_DOWN_AFTER_MS;
}

/**
 * What a stalled agent's source said, after "input stalled: " on every screen: `source restarting for
 * 3 min (12 restarts)` while it fails, else `no frame for 3 min` (as of its last status). Null when
 * {@link stalledWarns} does not flag it.
 */
export function stalledDetail(a: Pick<AgentAttentionInput, "state" | "kind" | "input">): string | null {
  if (!stalledWarns(a)) return null;
  const i = a.input!;
  if (finite(i.downMs) && i.downMs > SOURCE_DOWN_AFTER_MS) {
    const n = finite(i.restarts) && i.restarts > 0 ? ` (${i.restarts} restart${i.restarts === 1 ? "" : "s"})` : "";
    return `source restarting for ${formatSpan(i.downMs)}${n}`;
  }
  return `no ${i.unit ?? "input"} for ${formatSpan(i.ageMs!)}`;
}

/**
 * Online by its last state, and its source refusing a growing share of what it reads: over the last
 * {@link RECENT_INPUT_WINDOW_MS} before its status, at least {@link REFUSING_MIN} refused and more
 * than a tenth ({@link REFUSING_ONE_IN}) of what it read (a door counter whose lines no pattern fits, a sensor
 * pushing with a wrong secret, a gateway in a format the agent cannot read). Refusals that stopped
 * leave the window and the flag with them; an agent that does not say (older) is never flagged.
 */
export function refusingWarns(a: Pick<AgentAttentionInput, "state" | "recentInput">): boolean {
  const r = a.recentInput;
  if (a.state !== "online" || !r || !finite(r.refused) || !finite(r.read)) return false;
  return r.refused >= REFUSING_MIN && r.refused * REFUSING_ONE_IN > Math.max(r.read, r.refused);
}

/** After "refusing input: " on every screen: `37% of what it read in the last 10 min (120 of 324)`; null when {@link refusingWarns} does not flag it. */
export function refusingDetail(a: Pick<AgentAttentionInput, "state" | "recentInput">): string | null {
  if (!refusingWarns(a)) return null;
  const { read, refused } = a.recentInput!;
  const of = Math.max(read, refused);
  return `${Math.round((100 * refused) / of)}% of what it read in the last ${formatSpan(RECENT_INPUT_WINDOW_MS)} (${refused.toLocaleString("en-GB")} of ${of.toLocaleString("en-GB")})`;
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

/** A store's opening hours (null: none, open at every hour) in its time zone: what {@link agentProblems} reads them as. */
export interface StoreOpening {
  hours: OpeningHours | null | undefined;
  timeZone: string;
  /**
   * How long after the opening a box switched off at night (or within this long before the closing) is given to boot
   * and connect before it is "offline": the store's agent-offline rule's threshold (the smallest of its enabled ones),
   * {@link DEFAULT_OFFLINE_GRACE_MS} when it has none. The rule and the views then say the same at every instant.
   */
  offlineGraceMs?: number;
  /**
   * The store's enabled agent-offline rules, when known: each pages for a box down at night `thresholdMs` (its threshold)
   * plus `forMs` (its forSeconds: how long the condition must hold) after the store opens (core alerts' evaluateRules:
   * the box is missed once the store has been open for the threshold, and the rule fires once that has held for
   * forSeconds). A rule with `agent` watches that agent only (the server gives a zone's rule once per agent whose events
   * named the zone, as the alert evaluator reads it); one without, every agent. When given,
   * the grace an agent gets is until the first of its rules would page ({@link offlineGraces}); without, offlineGraceMs.
   */
  offlineRules?: readonly OfflineRuleGrace[];
}

/** An agent-offline rule as the grace reads it ({@link StoreOpening.offlineRules}). */
export interface OfflineRuleGrace {
  thresholdMs: number;
  forMs: number;
  agent?: string;
}

/** The grace of {@link StoreOpening.offlineGraceMs} for a store without an agent-offline rule: the rule form's default threshold, 10 min. */
export const DEFAULT_OFFLINE_GRACE_MS = 10 * 60_000;

/** The grace a store's hours give a box down at night: its offlineGraceMs, else {@link DEFAULT_OFFLINE_GRACE_MS}. */
export function offlineGraceOf(opening: StoreOpening | null | undefined): number {
  const g = opening?.offlineGraceMs;
  return typeof g === "number" && Number.isFinite(g) && g >= 0 ? g : DEFAULT_OFFLINE_GRACE_MS;
}

/**
 * The graces an agent (`agent`: its id) gets from its store's agent-offline rules ({@link StoreOpening.offlineRules}):
 * per rule that watches it, the threshold (`graceMs`: how long before a closing it counts as down at night, and how
 * long after the opening it is missed, as the rule's) and the wait after it before the rule pages (`waitMs`: its
 * forSeconds). No rule watches it (or none known): one of {@link offlineGraceOf}, no wait.
 */
export function offlineGraces(opening: StoreOpening | null | undefined, agent?: string): { graceMs: number; waitMs: number }[] {
  const ok = (x: number) => Number.isFinite(x) && x >= 0;
  const rules = (opening?.offlineRules ?? []).filter((r) => ok(r.thresholdMs) && ok(r.forMs) && (r.agent === undefined || r.agent === agent));
  return rules.length > 0 ? rules.map((r) => ({ graceMs: r.thresholdMs, waitMs: r.forMs })) : [{ graceMs: offlineGraceOf(opening), waitMs: 0 }];
}

/**
 * Per rule watching the agent ({@link offlineGraces}), when it pages for an agent down at `down`, seen at `now`: `null`
 * while the store has stayed closed since, a number (the instant after which it pages: the store open for its
 * threshold and forSeconds) for a box down at night or within the threshold before the closing, `false` for one down
 * by day (missed from when it went down: no grace).
 */
function pagesAfter(opening: StoreOpening & { hours: OpeningHours }, down: number, now: number, agent: string | undefined): (number | null | false)[] {
  return offlineGraces(opening, agent).map(({ graceMs, waitMs }) => {
    const since = quietFrom(opening.hours, down, now, opening.timeZone, graceMs);
    return since === null ? null : since > down ? since + graceMs + waitMs : false;
  });
}

/** When an agent went down: an offline agent at its offline status or when last heard, whichever is later; another when last heard; null when never. */
function downAt(a: AgentAttentionInput): number | null {
  const heard = a.lastHeardAt ?? Number.NEGATIVE_INFINITY;
  const down = a.state === "offline" ? Math.max(a.lastStatusTs ?? Number.NEGATIVE_INFINITY, heard) : heard;
  return Number.isFinite(down) ? down : null;
}

/**
 * Whether an agent down (offline or silent) is expected quiet at `now` (`opening`: its store's hours and grace): it
 * went down while its store was closed, or within the grace ({@link offlineGraceOf}) before it closed, and the store
 * has stayed closed since or has been open for no more than the grace: an edge box switched off at night, no problem
 * until the agent-offline rule would miss it (core alerts' notMissedYet, the same instants). When it went down: an
 * offline agent at its offline status or when last heard, whichever is later; a silent one when last heard.
 */
export function downWhileClosed(a: AgentAttentionInput, now: number, opening: StoreOpening | null | undefined): boolean {
  if (!opening?.hours) return false;
  const down = downAt(a);
  if (down === null) return false;
  // Until the first of its rules would page.
  return pagesAfter({ ...opening, hours: opening.hours }, down, now, a.agent).every((p) => p === null || (p !== false && now <= p));
}

/**
 * While a box down at night is in its grace after the opening ({@link downWhileClosed}, the store open now): by when it
 * is expected back, the instant after which it is "offline" (and the agent-offline rule with that threshold misses
 * it): "expected back by 08:10". Null otherwise: up, down by day, still closed, or past the grace.
 */
export function expectedBackBy(a: AgentAttentionInput, now: number, opening: StoreOpening | null | undefined): number | null {
  if (!opening?.hours || (a.revokedAt !== null && a.revokedAt !== undefined)) return null;
  if (a.state !== "offline" && !(a.state === "online" && silentWarns(a, now))) return null;
  const down = downAt(a);
  if (down === null) return null;
  const pages = pagesAfter({ ...opening, hours: opening.hours }, down, now, a.agent);
  if (pages.some((p) => p === false || (p !== null && now > p)) || !isOpen(opening.hours, now, opening.timeZone)) return null;
  const at = pages.filter((p): p is number => typeof p === "number");
  return at.length > 0 ? Math.min(...at) : null;
}

/**
 * What needs attention on this agent (none: it is fine, or revoked). `clockWarnMs`: FOOTFALL_CLOCK_WARN_MS;
 * `now`: the server's clock (what `lastHeardAt` was stamped with). With its store's `opening` (hours), an
 * agent offline or silent since its store closed (or within its grace before) is not "offline" or "silent" until the
 * store has been open for the grace ({@link downWhileClosed}, {@link expectedBackBy} meanwhile); without, or for a
 * store without hours, as ever.
 */
export function agentProblems(a: AgentAttentionInput, clockWarnMs: number, now: number, opening?: StoreOpening | null): AgentProblem[] {
  if (a.revokedAt !== null && a.revokedAt !== undefined) return [];
  const out: AgentProblem[] = [];
  if (a.state === "offline") {
    if (!downWhileClosed(a, now, opening)) out.push("offline");
  } else if (a.state !== "online") out.push("never-seen");
  else if (silentWarns(a, now) && !downWhileClosed(a, now, opening)) out.push("silent");
  if (stalledWarns(a)) out.push("stalled");
  if (refusingWarns(a)) out.push("refusing");
  if (lagWarns(a)) out.push("lagging");
  if (clockOffWarns(a.clockOffsetMs, clockWarnMs)) out.push("clock");
  if (backlogWarns(a.backlog)) out.push("backlog");
  return out;
}

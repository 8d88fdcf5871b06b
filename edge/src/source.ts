import type { AuditReport, FootfallEvent, Layout } from "@footfall/core";

/** What a source may refuse itself (core's AGENT_REJECTS; the runtime counts invalid_event and outbox_full). */
export type AgentRejectReason = "unreadable_line" | "over_limit" | "refused_push" | "bad_sighting" | "unknown_receiver";
import type { Logger } from "./log.js";

/** Zone and visitor ids as plain strings (the runtime validates them); every other field, literals included, as is. */
type Unbrand<T> = { [K in keyof T]: K extends "zone" | "visitor" ? string : T[K] };
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * An event as a source emits it: everything but `id`, which the runtime assigns.
 * Zone and visitor ids are plain strings here; the runtime validates the event with core's `parseEvent`.
 */
export type EventDraft = DistributiveOmit<Unbrand<FootfallEvent>, "id">;

/** What the runtime gives a source for one run. A restarted source gets a fresh context. */
export interface SourceContext<S = unknown> {
  /** The source's settings, validated and with defaults filled. */
  readonly settings: S;
  /** Queue one event; the runtime assigns the id, validates and batches it. Ignored once `signal` is aborted. */
  emit(event: EventDraft): void;
  /** Scoped logger. */
  readonly log: Logger;
  /** Aborted when this run ends (stop, restart or shutdown). */
  readonly signal: AbortSignal;
  /** The store's current layout from the retained layout topic, or null until one arrives. */
  layout(): Layout | null;
  /** Whether layouts can arrive at all (false in a dry run without a broker): lets a source skip waiting for one. */
  readonly layoutsExpected: boolean;
  /** Be told of every new layout; returns an unsubscribe function. */
  onLayout(listener: (layout: Layout) => void): () => void;
  /** The agent's id (for state file names and visitor id prefixes); absent in some tests. */
  readonly agent?: string | undefined;
  /** The agent's data folder (`dataDir`) for state that must survive a restart, or undefined when none is configured. */
  readonly dataDir?: string | undefined;
  /** Wall-clock time in epoch milliseconds (injectable in tests). */
  now(): number;
  /**
   * (v1.1) Send an installer's accuracy audit to the server on the agent's `audits` topic (QoS 1;
   * the server keeps one per id, so sending one again is harmless). Absent in a dry run and some tests.
   */
  reportAudit?(report: AuditReport): void;
  /**
   * Events the runtime holds that are not settled yet (the outbox: waiting to be sent, or sent and not
   * yet committed by the server). A source that can make events faster than the server takes them (a
   * back-fill of history) waits while it is high instead of filling the outbox. Absent in a dry run and some tests.
   */
  backlog?(): number;
  /**
   * Every event this run emitted with a `ts` before the instant returned is settled (committed by the
   * server): the `ts` of the oldest event the runtime holds unsettled, or `Infinity` when it holds none
   * (events leave the outbox in order, and a source emits them in `ts` order). A source that reports
   * something else about the same moments (the simulator's till transactions) sends it only once this
   * passes it, so the server never holds a sale whose visit it has not stored. Absent in a dry run and some tests.
   */
  settledBefore?(): number;
  /** Events the runtime's outbox holds at most (a full in-memory outbox refuses new ones): a back-fill keeps its backlog under half of it. */
  outboxCapacity?: number;
  /** Report a failure after `start` resolved: the runtime logs it and restarts the source with backoff. */
  fail(error: unknown): void;
  /**
   * Say that the source's input just produced something (a camera's frame, a simulator's tick): the
   * agent's status says how long ago that was (`inputAgeMs`), and the server flags a camera without a
   * frame for a minute as "input stalled". Sources that name their {@link Source.input} call it.
   * Absent in some tests.
   */
  input?(): void;
  /**
   * (this project) Count input the source refused itself (a serial line it cannot read, a push or a
   * sighting it cannot use): the agent's status says the counts since it started (`agentRejects.<reason>`,
   * core's AGENT_REJECTS), and the Agents view shows them beside the server's rejects. Logging stays the
   * source's. Absent in some tests.
   */
  reject?(reason: AgentRejectReason, n?: number): void;
  /**
   * (this project) Count input the source read (serial lines, pushes, gateway records), those it then
   * refuses with {@link reject} included: the agent's status says what it read and refused over its
   * last 10 minutes (`recentRead`, `recentRefused`), and the server flags an agent refusing over a
   * tenth of it "refusing input". Absent in some tests.
   */
  read?(n?: number): void;
}

/**
 * A driver of one kind (door, beacon, camera, sim). Sources never see MQTT topics; only the runtime does.
 * `start` resolves once the source is running (it rejects when it cannot start);
 * `stop` releases everything and resolves when no more events will be emitted.
 */
export interface Source<S = unknown> {
  /**
   * What this source's input is, when it says so with `ctx.input()` ("frame", "tick"): its status then
   * carries `inputUnit` and `inputAgeMs`. Absent: it does not report its input (a door counter or
   * beacon gateways, quiet while nobody passes).
   */
  readonly input?: string;
  start(ctx: SourceContext<S>): Promise<void>;
  /**
   * (this project) A graceful stop's last word, called when the agent stops (not when the source
   * failed and is restarted) while its context still takes events, before `stop`: what it emits
   * here is sent, and settled within the agent's `shutdownTimeoutMs`, like any event. The simulator
   * lets the people still in its store walk out. Optional.
   */
  closing?(): Promise<void>;
  stop(): Promise<void>;
}

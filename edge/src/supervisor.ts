import { RECENT_INPUT_WINDOW_MS, type AuditReport, type Layout } from "@footfall/core";
import type { LayoutHub } from "./layout.js";
import { errorMessage, type Logger } from "./log.js";
import type { EventDraft, Source, SourceContext } from "./source.js";

/** Restart delays of a failing source. */
export interface RestartBackoff {
  /** First delay, doubled after each failure (default 1 s). */
  minMs: number;
  /** Longest delay (default 60 s). */
  maxMs: number;
  /** A run that lasted this long resets the delay to `minMs` (default 60 s). */
  resetAfterMs: number;
}

/** What a {@link SourceSupervisor} needs. */
export interface SupervisorOptions<S> {
  source: Source<S>;
  settings: S;
  /** Receives every event the source emits while its run is current. */
  emit: (event: EventDraft) => void;
  layouts: LayoutHub;
  /** Whether layouts can arrive (false in a dry run). */
  layoutsExpected: boolean;
  log: Logger;
  now: () => number;
  /**
   * A clock that never jumps (performance.now), for how long a run has lasted: `now` is the wall clock, which NTP sets
   * at a box's boot (a Raspberry Pi has no RTC: it starts at its last shutdown's time). Absent: `now` (a test's clock).
   */
  monotonic?: (() => number) | undefined;
  backoff: RestartBackoff;
  /** Handed to the source's context. */
  agent?: string | undefined;
  dataDir?: string | undefined;
  /** Handed to the source's context: sends an accuracy audit to the server. */
  reportAudit?: ((report: AuditReport) => void) | undefined;
  /** Handed to the source's context: events held and not yet settled (the outbox). */
  backlog?: (() => number) | undefined;
  /** Handed to the source's context: the `ts` before which every event emitted is settled. */
  settledBefore?: (() => number) | undefined;
  /** Handed to the source's context: the most events the outbox holds. */
  outboxCapacity?: number | undefined;
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A source that reports its input and had none for longer was not counting (core INPUT_STALLED_AFTER_MS's minute): its `countingSince` begins again after it. */
export const COUNTING_INPUT_GAP_MS = 60_000;

/** Slots of the recent-input window: counts move out of it a slot (a minute) at a time. */
const RECENT_SLOTS = 10;

/**
 * What a source read and refused over the last {@link RECENT_INPUT_WINDOW_MS} (within a slot of it), in
 * {@link RECENT_SLOTS} slots: a door counter that refuses every line now, not three days ago.
 */
export class RecentInput {
  private slots: Array<{ slot: number; read: number; refused: number }> = [];
  private readonly slotMs = RECENT_INPUT_WINDOW_MS / RECENT_SLOTS;

  private at(now: number): { slot: number; read: number; refused: number } {
    const slot = Math.floor(now / this.slotMs);
    this.slots = this.slots.filter((x) => x.slot > slot - RECENT_SLOTS && x.slot <= slot);
    let cur = this.slots.find((x) => x.slot === slot);
    if (!cur) this.slots.push((cur = { slot, read: 0, refused: 0 }));
    return cur;
  }

  add(now: number, read: number, refused: number): void {
    const cur = this.at(now);
    cur.read += read;
    cur.refused += refused;
  }

  /** Read and refused over the window ending at `now`. */
  counts(now: number): { read: number; refused: number } {
    this.at(now);
    return this.slots.reduce((a, x) => ({ read: a.read + x.read, refused: a.refused + x.refused }), { read: 0, refused: 0 });
  }
}

/**
 * Runs one source: starts it with a fresh context, and when it fails (its `start` rejects or it
 * calls `ctx.fail`) logs why, stops it and starts it again after an exponential backoff.
 * It never lets a source take the process down, and it logs every restart with the next delay.
 */
export class SourceSupervisor<S> {
  private stopping = false;
  private readonly stopRequested = deferred<"stop">();
  private loop: Promise<void> | null = null;
  private restartCount = 0;
  /** When the first run was started (the age of an input never seen counts from here). */
  private startedAt: number | null = null;
  /** When the source last said its input produced something. */
  private lastInputAt: number | null = null;
  /** The first failure of the source's current streak of failures; null: it runs (a run steady for `resetAfterMs`, or input since). */
  private downSince: number | null = null;
  /** When the current run's start resolved; null between runs. */
  private runningSince: number | null = null;

  constructor(private readonly opts: SupervisorOptions<S>) {}

  /** What its source's input is (the source's `input`), or null: it does not say. */
  get inputUnit(): string | null {
    return this.opts.source.input ?? null;
  }

  /**
   * How long ago its source last produced input (`ctx.input()`), ms; since the first start when none
   * yet; null when the source does not report its input or has not been started.
   */
  inputAgeMs(): number | null {
    if (this.inputUnit === null || this.startedAt === null) return null;
    return Math.max(0, this.opts.now() - (this.lastInputAt ?? this.startedAt));
  }

  /**
   * How long the source has been failing: since the first failure with no run steady for
   * `backoff.resetAfterMs` and no input since, ms; 0 when it runs. It only reads: the streak ends
   * (`downSince` cleared) where the run loop sees a run end after it was steady, or at input.
   */
  downMs(): number {
    if (this.downSince === null) return 0;
    const now = this.opts.now();
    if (this.steadyAt(now)) return 0;
    return Math.max(0, now - this.downSince);
  }

  /**
   * Since when its source has counted without a break: the current run's start (when it resolved); null
   * between runs (failed, restarting, stopped). A source that reports its input (a camera's frames)
   * counts only while its input comes: null while none came for {@link COUNTING_INPUT_GAP_MS}, and
   * from the input that ended the last such gap. Its status's `countingSince`: an agent off the broker
   * that ran on tells the server, at its return, that the hours since were counted, crossings or none.
   */
  countingSince(at: number = this.opts.now()): number | null {
    if (this.runningSinceMono === null) return null;
    // On the monotonic clock, told as an instant of the wall clock `at` (the status's ts): a clock set since the run
    // began (NTP at boot, forward or back) moves it along, so it is never before the boot nor after the status.
    const mono = this.monotonic();
    const wall = (m: number) => Math.min(at, Math.floor(at - (mono - m)));
    if (this.inputUnit === null) return wall(this.runningSinceMono);
    if (mono - (this.lastInputMono ?? this.startedMono ?? mono) > COUNTING_INPUT_GAP_MS) return null;
    return wall(Math.max(this.runningSinceMono, this.inputResumedMono ?? Number.NEGATIVE_INFINITY));
  }
  private monotonic(): number {
    return (this.opts.monotonic ?? this.opts.now)();
  }
  /** The current run's start, the first start, the last input, the input that ended the last gap of over {@link COUNTING_INPUT_GAP_MS} without any (the first after the start, late), on the monotonic clock. */
  private runningSinceMono: number | null = null;
  private startedMono: number | null = null;
  private lastInputMono: number | null = null;
  private inputResumedMono: number | null = null;
  /** Whether the current run has lasted `backoff.resetAfterMs` since its start resolved, at `now`. */
  private steadyAt(now: number): boolean {
    return this.runningSince !== null && now - this.runningSince >= this.opts.backoff.resetAfterMs;
  }

  /** Input its source refused itself, by reason, over every run since the agent started (`ctx.reject`). */
  private readonly rejectCounts: Record<string, number> = {};

  /** What its source read and refused lately (`ctx.read`, `ctx.reject`). */
  private readonly recentInput = new RecentInput();

  /** What its source read and refused over the last 10 minutes (its status's `recentRead`, `recentRefused`). */
  recent(): { read: number; refused: number } {
    return this.recentInput.counts(this.opts.now());
  }

  /** What its source refused itself since the agent started, by reason (core's AGENT_REJECTS). */
  get rejects(): Readonly<Record<string, number>> {
    return this.rejectCounts;
  }

  /** Times the source was restarted after a failure. */
  get restarts(): number {
    return this.restartCount;
  }

  /** Start the first run (returns at once; runs go on until `stop`). */
  start(): void {
    this.startedAt ??= this.opts.now();
    this.startedMono ??= this.monotonic();
    this.loop ??= this.run();
  }

  /** Stop the current run and resolve when the source has stopped. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.stopRequested.resolve("stop");
    await this.loop;
  }

  private async run(): Promise<void> {
    const { source, log, now, backoff } = this.opts;
    let attempt = 0;
    while (!this.stopping) {
      const controller = new AbortController();
      const failed = deferred<{ error: unknown }>();
      const ctx = this.context(controller, (error) => failed.resolve({ error }));
      let outcome: "stop" | { error: unknown };
      try {
        const started = Promise.resolve().then(() => source.start(ctx));
        const first = await Promise.race([started.then(() => "started" as const), failed.promise, this.stopRequested.promise]);
        if (first === "started") {
          this.runningSince = now();
          this.runningSinceMono = this.monotonic();
          log.info({ restarts: this.restartCount }, "source started");
          outcome = await Promise.race([failed.promise, this.stopRequested.promise]);
        } else {
          outcome = first;
          started.catch(() => {}); // a start that fails after stop/fail is irrelevant now
        }
      } catch (error) {
        outcome = { error };
      }
      // A run that was steady ends the streak of failures (downMs has said 0 since it became steady) and starts the
      // backoff afresh. Steady counts from when the start resolved: a start that hangs past resetAfterMs, then fails,
      // is one more failure of the streak (a camera that never opens backs off to maxMs, not back to minMs each time).
      const steady = this.steadyAt(now());
      if (steady) this.downSince = null;
      this.runningSince = null;
      this.runningSinceMono = null;
      // A graceful stop: the source's last events, while its context still takes them.
      if (outcome === "stop" && source.closing) {
        try {
          await source.closing();
        } catch (err) {
          log.warn({ error: errorMessage(err) }, "source did not close cleanly");
        }
      }
      controller.abort();
      try {
        await source.stop();
      } catch (err) {
        log.warn({ error: errorMessage(err) }, "source did not stop cleanly");
      }
      if (outcome === "stop" || this.stopping) break;
      if (steady) attempt = 0;
      const delay = Math.min(backoff.maxMs, backoff.minMs * 2 ** attempt++);
      this.restartCount++;
      this.downSince ??= now();
      log.error(
        {
          attempt,
        },
        `source failed: ${errorMessage(outcome.error)}; restarting in ${delay} ms (${diskFull(outcome.error) ? "it goes on once the disk has room" : "fix the source settings or the device if this repeats"})`,
      );
      const timer = deferred<"restart">();
      const handle = setTimeout(() => timer.resolve("restart"), delay);
      await Promise.race([timer.promise, this.stopRequested.promise]);
      clearTimeout(handle);
    }
  }

  private context(controller: AbortController, fail: (error: unknown) => void): SourceContext<S> {
    const { settings, emit, layouts, layoutsExpected, log, now, agent, dataDir, reportAudit, backlog, settledBefore, outboxCapacity } = this.opts;
    const signal = controller.signal;
    return {
      settings,
      agent,
      dataDir,
      ...(reportAudit ? { reportAudit } : {}),
      ...(backlog ? { backlog } : {}),
      ...(settledBefore ? { settledBefore } : {}),
      ...(outboxCapacity !== undefined ? { outboxCapacity } : {}),
      layoutsExpected,
      log,
      signal,
      now,
      emit: (event) => {
        if (!signal.aborted) emit(event);
      },
      layout: (): Layout | null => layouts.current(),
      onLayout: (listener) => {
        const unsubscribe = layouts.subscribe((layout) => {
          if (signal.aborted) return;
          try {
            listener(layout);
          } catch (err) {
            fail(err);
          }
        });
        signal.addEventListener("abort", unsubscribe, { once: true });
        return unsubscribe;
      },
      fail: (error) => {
        if (!signal.aborted) fail(error);
      },
      reject: (reason, n = 1) => {
        if (!Number.isSafeInteger(n) || n <= 0) return;
        this.rejectCounts[reason] = (this.rejectCounts[reason] ?? 0) + n;
        this.recentInput.add(now(), 0, n);
      },
      read: (n = 1) => {
        if (Number.isSafeInteger(n) && n > 0) this.recentInput.add(now(), n, 0);
      },
      input: () => {
        if (signal.aborted) return;
        const m = this.monotonic();
        if (m - (this.lastInputMono ?? this.startedMono ?? m) > COUNTING_INPUT_GAP_MS) this.inputResumedMono = m;
        this.lastInputMono = m;
        this.lastInputAt = now();
        this.downSince = null;
      },
    };
  }
}

/** The agent's own disk is full (its outbox, SQLite's SQLITE_FULL, or a file's ENOSPC), as the error or a cause of it says: nothing of the source to fix. */
function diskFull(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === "object" && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === "SQLITE_FULL" || code === "ENOSPC") return true;
  }
  return false;
}

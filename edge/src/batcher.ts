import type { FootfallEvent } from "@footfall/core";
import { encodeBatch, type BatchLimits } from "./batch.js";
import type { Logger } from "./log.js";
import type { Outbox } from "./outbox.js";

/** Where batches go: the MQTT connection in production, a fake in tests. */
export interface BatchTransport {
  /** Whether a batch can be handed over now (connected). */
  ready(): boolean;
  /**
   * Hand one payload over. `done()` once it is acknowledged (the PUBACK of a QoS 1 publish),
   * `done(error)` when the transport lost it: the batcher then sends every unsettled event again.
   */
  send(payload: string, done: (error?: Error | null) => void): void;
}

/**
 * What removes an event from the outbox: the server's receipt (v1.1: the event is committed, a
 * known duplicate or rejected for good), or the broker's PUBACK (the broker holds it; what an older
 * server offers, and what a broker crash can lose).
 */
export type Settlement = "receipts" | "puback";

/** Tuning of a {@link Batcher}. */
export interface BatcherOptions {
  /** Agent id, written in every batch. */
  agent: string;
  /** Send as soon as this many events are waiting (default 100). */
  flushAtEvents: number;
  /** Send whatever is waiting at least this often, in ms (default 250). */
  flushEveryMs: number;
  /** Bounds of one message (clamped to the protocol's limits by the caller). */
  limits: BatchLimits;
  /** Batches handed over and not yet acknowledged by the broker, at most (flow control). */
  maxInflightBatches: number;
  log: Logger;
  /** How events are settled at first (default "puback"); {@link Batcher.setSettlement} changes it. */
  settlement?: Settlement;
  /** Receipts: with events unsettled and no receipt progress this long while connected, send them all again (default 30 s). */
  receiptTimeoutMs?: number;
  /**
   * Receipts: the timeout doubles after each resend up to this (default 5 min); progress sets it
   * back to what the receipts' delay asks for (never under `receiptTimeoutMs`).
   */
  receiptTimeoutMaxMs?: number;
  /**
   * Events sent and not yet settled, at most (default 20,000, never less than one message): while
   * receipts lag, new events wait in the outbox instead of piling up in the broker.
   */
  maxUnsettled?: number;
  /** Called when settling empties the outbox (the agent then tells the server its backlog is gone). */
  onDrained?: () => void;
}

/** Counters of a {@link Batcher}, for status and logs. */
export interface BatcherStats {
  /** Events settled and removed from the outbox (by receipt, or by PUBACK when settling that way). */
  sentEvents: number;
  /** Batches acknowledged by the broker (PUBACK). */
  sentBatches: number;
  /** Batches sent again (their events were unsettled when a resend started). */
  resentBatches: number;
  /** Times every unsettled event was sent again: after a reconnection, a receipt timeout or a lost batch. */
  resends: number;
  /** Event ids settled by receipts (an id settled twice counts once). */
  settledByReceipt: number;
  /** Events refused because the outbox was full. */
  refused: number;
  /** Events dropped because one alone exceeded the batch byte limit. */
  oversized: number;
}

/**
 * Moves events from the outbox to the transport in order: a batch leaves when `flushAtEvents` are
 * waiting or `flushEveryMs` after the first waiting event, never over the message limits, with at
 * most `maxInflightBatches` waiting for their PUBACK and `maxUnsettled` events waiting to be settled.
 *
 * Events are settled by id (receipts may come late, twice or out of order), but removed from the
 * outbox only as a settled prefix, so the outbox always holds a suffix of what was produced and
 * never loses an unsettled event. Every unsettled event is sent again, in order, when the transport
 * loses a batch and after each reconnection (receipts: a crashed broker may have lost what it
 * acknowledged). A receipt timeout (it follows the receipts' delay, with backoff) first sends only
 * the oldest unsettled batch again, a probe; everything goes again at the next timeout unless a
 * receipt settles an event sent before the probe meanwhile (the server is working through them: it
 * is slow, nothing was lost). The server drops the copies by id.
 */
export class Batcher {
  /** Ids of the outbox's first events that were handed over at least once (`window[windowHead..]`). */
  private window: string[] = [];
  private windowHead = 0;
  /** How often each id is in the window (ids are unique in practice; copies are settled together). */
  private readonly inWindow = new Map<string, number>();
  /** Ids in the window settled but not yet at the head, so still in the outbox. */
  private readonly settledIds = new Set<string>();
  /** Next window position (from the head) to send again in the current resend round; the window's length when none is due. */
  private resendPos = 0;
  /**
   * The probe of the last receipt timeout: when it went (ms), the ids it sent again, and whether it
   * is still to be sent (the next resend round sends one batch). Cleared by a receipt for an event
   * sent before it and not in it, by a resend of everything, and when nothing is unsettled.
   */
  private probe: { at: number; ids: Set<string>; due: boolean } | null = null;
  /** Batches handed over in this generation whose PUBACK has not come. */
  private pending = 0;
  private generation = 0;
  private settlement: Settlement;
  private receiptTimeoutMs: number;
  /**
   * When each event handed over once was sent (ms; receipts only): a receipt for it is a sample of
   * the receipts' delay. An event sent again leaves it (its receipt may answer either copy: Karn).
   */
  private readonly sentOnceAt = new Map<string, number>();
  /** The receipts' delay, smoothed, and its mean deviation (ms; Jacobson's estimator, as TCP's), once sampled. */
  private receiptDelay: { mean: number; dev: number } | null = null;
  private receiptTimer: ReturnType<typeof setTimeout> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  /** Sends that came back with an error (counted, so that one refused at once ends the flush that made it). */
  private refused = 0;
  private drainWaiters: Array<() => void> = [];
  private readonly counters: BatcherStats = { sentEvents: 0, sentBatches: 0, resentBatches: 0, resends: 0, settledByReceipt: 0, refused: 0, oversized: 0 };

  constructor(
    private readonly outbox: Outbox,
    private readonly transport: BatchTransport,
    private readonly opts: BatcherOptions,
  ) {
    this.settlement = opts.settlement ?? "puback";
    this.receiptTimeoutMs = this.baseTimeout();
  }

  /** Queue validated events (with ids); returns how many the outbox accepted. */
  add(events: readonly FootfallEvent[]): number {
    if (events.length === 0) return 0;
    const accepted = this.outbox.push(events);
    if (accepted < events.length) {
      const before = this.counters.refused;
      this.counters.refused += events.length - accepted;
      // Once, then every 10,000 refused events: a full outbox refuses every event the source makes.
      if (before === 0 || Math.floor(before / 10_000) !== Math.floor(this.counters.refused / 10_000)) {
        this.opts.log.warn(
          {
            refused: this.counters.refused,
            queued: this.outbox.size(),
          },
          "outbox full: new events are refused until the queued ones are settled; raise outbox.maxEvents or fix the connection",
        );
      }
    }
    if (this.waiting() >= this.opts.flushAtEvents) this.flush();
    else this.schedule();
    return accepted;
  }

  /** Events in the outbox never handed to the transport (since this process started). */
  waiting(): number {
    return this.outbox.size() - this.windowLength();
  }

  /** Events in the outbox, handed over or not (what a status reports as queued). */
  queued(): number {
    return this.outbox.size();
  }

  /** Events handed over and not settled yet. */
  unsettled(): number {
    return this.windowLength() - this.settledIds.size;
  }

  /** Batches handed over and not yet acknowledged by the broker. */
  inflightBatches(): number {
    return this.pending;
  }

  /** How events are settled now. */
  settlementMode(): Settlement {
    return this.settlement;
  }

  /** A copy of the counters. */
  stats(): BatcherStats {
    return { ...this.counters };
  }

  /**
   * Settle events by id (a receipt's `settled` list): ids of events not handed over, or already
   * removed, are ignored. Removes the settled prefix of the outbox. Returns how many were newly settled.
   */
  settle(ids: readonly string[]): number {
    let progress = 0;
    let delay = -1;
    const now = Date.now();
    const probe = this.probe && !this.probe.due ? this.probe : null;
    for (const id of ids) {
      if (this.inWindow.has(id) && !this.settledIds.has(id)) {
        this.settledIds.add(id);
        progress++;
        const at = this.sentOnceAt.get(id);
        if (at !== undefined) {
          this.sentOnceAt.delete(id);
          delay = Math.max(delay, now - at);
        }
        // An event sent before the probe, and not one of its copies: the server is getting through what came before it.
        if (probe && (at === undefined || at < probe.at) && !probe.ids.has(id)) this.probe = null;
      }
    }
    this.counters.settledByReceipt += progress;
    if (delay >= 0) this.sampleReceiptDelay(delay);
    if (progress > 0) {
      // Progress: the receipt timeout starts again from what the receipts' delay asks for.
      this.receiptTimeoutMs = this.progressTimeout();
      this.clearReceiptTimer();
      this.removeSettledPrefix();
    }
    return progress;
  }

  /**
   * Switch what settles events. To PUBACK (a server without receipts): everything unsettled is sent
   * again, so that its PUBACKs settle it. To receipts: unsettled events wait for their receipt.
   */
  setSettlement(mode: Settlement): void {
    if (mode === this.settlement) return;
    this.settlement = mode;
    this.sentOnceAt.clear();
    this.receiptTimeoutMs = this.progressTimeout();
    this.clearReceiptTimer();
    // Batches whose PUBACK may never come (sent before a broker crash) no longer hold the window.
    if (mode === "puback") this.resendAll();
    this.flush();
  }

  /**
   * The transport (re)connected. Settling by receipts, every unsettled event goes again at once:
   * the broker may have crashed and lost what it acknowledged, even with a resumed session.
   * (Settling by PUBACK, the MQTT client resends its own unacknowledged publishes.)
   */
  connected(): void {
    if (this.settlement === "receipts") this.resendAll();
    this.flush();
  }

  /** The transport went away: no receipt timeout runs while disconnected. */
  disconnected(): void {
    this.clearReceiptTimer();
  }

  /** Send every unsettled event again, in order (e.g. the transport lost what was in flight). */
  resendUnacknowledged(): void {
    this.resendAll();
  }

  /** Send as much as the transport, the in-flight window and the unsettled bound allow, now. */
  flush(): void {
    this.clearTimer();
    if (this.closed) return;
    const maxUnsettled = Math.max(this.opts.maxUnsettled ?? 20_000, this.opts.limits.maxEvents);
    // A send refused at once (its callback called inside send: e.g. an MQTT client that is disconnecting) ends this
    // flush: its events go again at the next one (a timer), never in a loop here that would keep the process busy for ever.
    const refusedBefore = this.refused;
    while (this.transport.ready() && this.pending < this.opts.maxInflightBatches && this.refused === refusedBefore) {
      const length = this.windowLength();
      if (this.resendPos < length) {
        if (!this.sendAgain(length)) break;
      } else if (this.waiting() > 0 && length < maxUnsettled) {
        if (!this.sendNew(length, maxUnsettled)) break;
      } else break;
    }
    this.schedule();
    this.armReceiptTimer();
  }

  /** Flush and wait until the outbox is empty (everything settled); false when `timeoutMs` passes first. */
  drain(timeoutMs: number): Promise<boolean> {
    this.flush();
    if (this.outbox.size() === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.drainWaiters = this.drainWaiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      this.drainWaiters.push(done);
    });
  }

  /** Stop timers; events stay in the outbox. */
  close(): void {
    this.closed = true;
    this.clearTimer();
    this.clearReceiptTimer();
  }

  /** One batch of window events from `resendPos`, leaving out those settled meanwhile; false when nothing could go. */
  private sendAgain(length: number): boolean {
    const events = this.outbox.peek(Math.min(this.opts.limits.maxEvents, length - this.resendPos), this.resendPos);
    if (events.length === 0) {
      this.resendPos = length;
      return true;
    }
    const unsettled: FootfallEvent[] = [];
    const positions: number[] = [];
    events.forEach((e, i) => {
      if (!this.settledIds.has(e.id)) {
        unsettled.push(e);
        positions.push(i);
      }
    });
    if (unsettled.length === 0) {
      this.resendPos += events.length;
      return true;
    }
    const batch = encodeBatch(this.opts.agent, unsettled, this.opts.limits);
    if (batch.count === 0) {
      // Cannot happen (it went once, alone it fits); skip it rather than loop.
      this.resendPos += positions[0]! + 1;
      return true;
    }
    this.resendPos += batch.count === unsettled.length ? events.length : positions[batch.count]!;
    this.counters.resentBatches++;
    const copies = unsettled.slice(0, batch.count);
    for (const e of copies) this.sentOnceAt.delete(e.id);
    if (this.probe?.due) {
      // A probe is one batch: the resend round ends with it.
      for (const e of copies) this.probe.ids.add(e.id);
      this.probe.due = false;
      this.resendPos = this.windowLength();
    }
    this.send(batch.payload, copies);
    return true;
  }

  /** One batch of events never sent, appended to the window; false when it must wait. */
  private sendNew(length: number, maxUnsettled: number): boolean {
    const events = this.outbox.peek(Math.min(this.opts.limits.maxEvents, maxUnsettled - length), length);
    if (events.length === 0) return false;
    const batch = encodeBatch(this.opts.agent, events, this.opts.limits);
    if (batch.count === 0) {
      if (length > 0) return false; // it can only be dropped once it is at the head
      this.outbox.ack(1);
      this.counters.oversized++;
      this.opts.log.error({ id: events[0]?.id, maxBytes: this.opts.limits.maxBytes }, "event dropped: alone it exceeds the batch byte limit");
      return true;
    }
    const sent = events.slice(0, batch.count);
    const now = this.settlement === "receipts" ? Date.now() : -1;
    for (const e of sent) {
      this.window.push(e.id);
      this.inWindow.set(e.id, (this.inWindow.get(e.id) ?? 0) + 1);
      if (now >= 0) this.sentOnceAt.set(e.id, now);
    }
    this.resendPos = this.windowLength();
    this.send(batch.payload, sent);
    return true;
  }

  private send(payload: string, events: readonly FootfallEvent[]): void {
    const generation = this.generation;
    const ids = events.map((e) => e.id);
    this.pending++;
    this.transport.send(payload, (error) => this.acknowledged(generation, ids, error));
  }

  private acknowledged(generation: number, ids: readonly string[], error: Error | null | undefined): void {
    const current = generation === this.generation;
    if (current) this.pending--;
    if (error) {
      this.refused++;
      if (current) {
        this.opts.log.warn({ error: error.message, events: ids.length }, "batch not acknowledged; every unsettled event will be sent again");
        this.resendAll();
        this.schedule();
      }
      return;
    }
    this.counters.sentBatches++;
    // A PUBACK of an earlier generation still says the broker holds those events.
    if (this.settlement === "puback") {
      for (const id of ids) if (this.inWindow.has(id)) this.settledIds.add(id);
      this.removeSettledPrefix();
      return;
    }
    if (this.waiting() >= this.opts.flushAtEvents || this.resendPos < this.windowLength()) this.flush();
    else this.schedule();
  }

  /** Remove the settled events at the head of the outbox (only a prefix: the outbox stays a suffix). */
  private removeSettledPrefix(): void {
    let k = 0;
    while (this.windowHead < this.window.length && this.settledIds.has(this.window[this.windowHead]!)) {
      const id = this.window[this.windowHead++]!;
      k++;
      const copies = (this.inWindow.get(id) ?? 1) - 1;
      if (copies > 0) this.inWindow.set(id, copies);
      else {
        this.inWindow.delete(id);
        this.settledIds.delete(id);
      }
    }
    if (this.windowHead > 1024 && this.windowHead * 2 > this.window.length) {
      this.window = this.window.slice(this.windowHead);
      this.windowHead = 0;
    }
    if (k > 0) {
      this.outbox.ack(k);
      this.counters.sentEvents += k;
      this.resendPos = Math.max(0, this.resendPos - k);
    }
    if (this.probe && !this.probe.due && this.unsettled() === 0) this.probe = null;
    if (this.outbox.size() === 0) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const w of waiters) w();
      if (k > 0) this.opts.onDrained?.();
    }
    if (this.waiting() >= this.opts.flushAtEvents || this.resendPos < this.windowLength()) this.flush();
    else {
      this.schedule();
      this.armReceiptTimer();
    }
  }

  private resendAll(): void {
    this.probe = null;
    this.generation++;
    this.pending = 0;
    if (this.unsettled() > 0) this.counters.resends++;
    this.resendPos = 0;
  }

  private windowLength(): number {
    return this.window.length - this.windowHead;
  }

  private baseTimeout(): number {
    return this.opts.receiptTimeoutMs ?? 30_000;
  }

  private maxTimeout(): number {
    return Math.max(this.baseTimeout(), this.opts.receiptTimeoutMaxMs ?? 300_000);
  }

  /**
   * The receipt timeout after progress: the receipts' smoothed delay plus four deviations, within
   * [receiptTimeoutMs, receiptTimeoutMaxMs]; the base until a delay was sampled. A server that
   * commits 50 s behind (a backlog) had every agent send everything again each 30 s, and the copies
   * were most of its work (17.4 M copies dropped by id against 6.8 M events stored in a 10-minute
   * bench:chain); a server that stops sending receipts is still noticed within the timeout.
   */
  private progressTimeout(): number {
    const d = this.receiptDelay;
    if (!d) return this.baseTimeout();
    return Math.min(this.maxTimeout(), Math.max(this.baseTimeout(), Math.ceil(d.mean + 4 * d.dev)));
  }

  private sampleReceiptDelay(ms: number): void {
    const d = this.receiptDelay;
    if (!d) this.receiptDelay = { mean: ms, dev: ms / 2 };
    else {
      d.dev = 0.75 * d.dev + 0.25 * Math.abs(d.mean - ms);
      d.mean = 0.875 * d.mean + 0.125 * ms;
    }
  }

  /** The receipts' smoothed delay (ms), once sampled, and the receipt timeout now. */
  receiptTiming(): { delayMs: number | null; timeoutMs: number } {
    return { delayMs: this.receiptDelay ? Math.round(this.receiptDelay.mean) : null, timeoutMs: this.receiptTimeoutMs };
  }

  /** While settling by receipts, connected, with events unsettled: a probe, then everything, if no receipt makes progress in time. */
  private armReceiptTimer(): void {
    if (this.settlement !== "receipts" || this.closed || !this.transport.ready() || this.unsettled() === 0) {
      this.clearReceiptTimer();
      return;
    }
    if (this.receiptTimer) return;
    this.receiptTimer = setTimeout(() => {
      this.receiptTimer = null;
      if (this.closed || this.settlement !== "receipts" || !this.transport.ready() || this.unsettled() === 0) return;
      const never = this.counters.settledByReceipt === 0;
      // First a probe: a server far behind (a backlog, a takeover) gets one batch of copies, not every agent's whole window.
      const probing = this.probe === null;
      this.opts.log.warn(
        { unsettled: this.unsettled(), afterMs: this.receiptTimeoutMs },
        `${never ? "no receipt from the server yet" : "no receipt from the server in time"}; ${
          probing
            ? "sending the oldest unsettled batch again (and every unsettled event at the next timeout, unless a receipt shows the server getting through the events before it)"
            : "sending every unsettled event again"
        }${never ? " (is the server down? With Mosquitto, the ACL must let this agent read its receipts topic: run `footfall broker-config` again)" : ""}`,
      );
      this.receiptTimeoutMs = Math.min(this.receiptTimeoutMs * 2, this.maxTimeout());
      if (probing) {
        this.probe = { at: Date.now(), ids: new Set(), due: true };
        this.resendPos = 0;
      } else this.resendAll();
      this.flush();
    }, this.receiptTimeoutMs);
  }

  private clearReceiptTimer(): void {
    if (this.receiptTimer) clearTimeout(this.receiptTimer);
    this.receiptTimer = null;
  }

  private schedule(): void {
    if (this.timer || this.closed || (this.waiting() === 0 && this.resendPos >= this.windowLength())) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, this.opts.flushEveryMs);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

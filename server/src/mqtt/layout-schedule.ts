import { layoutAt, nextLayoutChange, type Layout } from "@footfall/core";
import type { LayoutCache } from "../ingest/layouts.js";
import type { Logger } from "../log.js";

/** setTimeout's longest delay (2^31 - 1 ms, 24.8 days): a longer one fires at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** How long to wait from `now` for a change at `at`: at most {@link MAX_TIMER_MS} (the timer then looks again). */
export function timerDelay(at: number, now: number): number {
  return Math.min(MAX_TIMER_MS, Math.max(0, at - now));
}

/** The longest one send of a store's layout holds back the next (its publish hangs: a broker gone for good). */
export const SEND_TURN_MS = 30_000;

export interface LayoutScheduleOptions {
  layouts: LayoutCache;
  now: () => number;
  log: Logger;
  /**
   * Publish `layout`, now in force, to the store's agents (and whatever follows the layout in force).
   * Called at {@link LayoutSchedule.publish} and when a scheduled version takes effect.
   */
  publish(layout: Layout): Promise<void>;
  /** A scheduled version took effect (sent to the agents already): what else follows the layout in force. */
  tookEffect?(layout: Layout): void;
  /**
   * Look again at least this often even with no change scheduled (a chain's server: a version saved on
   * another server whose notice was lost is in its layouts after their periodic reload, not scheduled).
   */
  recheckMs?: number;
}

/**
 * (a chain's server saving a store whose shard another holds; a split's front) Send the store's agents its
 * layout in force now, then, once the broker has it (the publish resolved: QoS 1's PUBACK), look again, and
 * send the version in force then if it is another (up to `rounds` sends). The publisher of the store (the
 * holder) sends a version at its validFrom; this server, stalled between its look and its message reaching the
 * broker across that validFrom, would otherwise overwrite the new version with the old one, for good (the
 * holder thinks it sent the new one). Its look after the PUBACK comes after its old message: if the new
 * version is in force then, this server sends it after; if not, the holder's send at the validFrom comes
 * later still. (Up to the servers' clock skew: each reads the validFrom by its own clock.)
 */
export async function sendInForce(
  store: string,
  o: { layouts: LayoutCache; now: () => number; publish(layout: Layout): Promise<void> },
  rounds = 10,
): Promise<void> {
  let sent: number | null = null;
  for (let i = 0; i < rounds; i++) {
    const inForce = layoutAt(await o.layouts.load(store), o.now());
    if (!inForce || inForce.version === sent) return;
    await o.publish(inForce);
    sent = inForce.version;
  }
}

/**
 * The layout a store's agents zone their events by is the version in force now (core's layoutAt, as
 * GET .../layout): published at start, at a save, at a takeover, and again when a version saved
 * for later takes effect. One timer per server, for the nearest change among the stores it publishes.
 * A store's sends take turns (one in flight per store: a chain of promises), and each decides the
 * version in force when its turn comes, not when it was asked: a save just before a validFrom (its
 * send waiting on the database: the store's name in force) and the timer's send at that validFrom
 * cannot reach the broker new then old, so the last layout published is the version in force then.
 */
export class LayoutSchedule {
  /** Stores published by this server -> the version last published (in force then). */
  private readonly published = new Map<string, number>();
  /** Stores with a send in flight -> the end of their chain of sends (never rejects). */
  private readonly turns = new Map<string, Promise<void>>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** The change the timer is set for (null: a recheck, or none). */
  private dueAt: number | null = null;
  private armPending = false;
  private closed = false;

  constructor(private readonly o: LayoutScheduleOptions) {}

  /** Publish the store's layout in force now and follow its scheduled versions. */
  async publish(store: string): Promise<void> {
    await this.inTurn(store, async () => {
      const { layout } = await this.inForce(store);
      if (layout) await this.o.publish(layout);
    });
  }

  /**
   * Follow the store's scheduled versions without publishing now (its layout in force was published
   * elsewhere: a chain's server that saved it); answers that layout in force (null: none, or closed).
   * Unless a version took effect since this server last published the store: the saver sent the version
   * in force at its save, and this server's look comes later (the notice of the save, the read of its
   * versions): on a busy server, after the validFrom of the version saved, which nobody would send then.
   */
  async follow(store: string): Promise<Layout | null> {
    return this.inTurn(store, async () => {
      const { layout, before } = await this.inForce(store);
      if (layout && before !== undefined && before !== layout.version)
        await this.send(layout, "a layout version took effect before this server followed its save: publishing it to the store's agents");
      return layout;
    });
  }

  /**
   * Run `fn` (which decides what to send and sends it) once the store's sends asked before it are done, or
   * have each held the store {@link SEND_TURN_MS}: a publish that never settles must not stop the store's layouts.
   */
  private inTurn<T>(store: string, fn: () => Promise<T>): Promise<T> {
    const before = this.turns.get(store) ?? Promise.resolve();
    const run = before.then(fn);
    const end = before.then(
      () =>
        new Promise<void>((resolve) => {
          const slow = setTimeout(() => {
            this.o.log.warn({ store }, `a layout send of this store has not finished in ${SEND_TURN_MS / 1000} s: the next one goes on`);
            resolve();
          }, SEND_TURN_MS);
          slow.unref?.();
          const done = () => {
            clearTimeout(slow);
            resolve();
          };
          run.then(done, done);
        }),
    );
    this.turns.set(store, end);
    void end.then(() => {
      if (this.turns.get(store) === end) this.turns.delete(store);
    });
    return run;
  }

  /** The store's layout in force now, marked as published here (the version marked before: undefined, none), the timer re-armed. */
  private async inForce(store: string): Promise<{ layout: Layout | null; before?: number }> {
    if (this.closed) return { layout: null };
    const layout = layoutAt(await this.o.layouts.load(store), this.o.now());
    if (!layout || this.closed) return { layout: null };
    const before = this.published.get(store);
    this.published.set(store, layout.version);
    this.arm();
    return { layout, ...(before !== undefined ? { before } : {}) };
  }

  /** Publish `layout`, a version that took effect (or whose taking effect was not sent), and tell what follows it. */
  private async send(layout: Layout, msg: string): Promise<void> {
    this.o.log.info({ store: layout.store, version: layout.version, validFrom: layout.validFrom }, msg);
    await this.o
      .publish(layout)
      .catch((err: Error) => this.o.log.error({ store: layout.store, err: err.message }, "could not publish the layout that took effect"));
    this.o.tookEffect?.(layout);
  }

  /** Stores this server no longer publishes (a chain's shard given away). */
  forget(stores: Iterable<string>): void {
    for (const s of stores) this.published.delete(s);
    this.arm();
  }

  /**
   * The nearest change among the stores followed (null: none); for tests and logs. A change whose time has
   * come and that was not sent (the store's version in force is not the one published) is due now: the timer
   * for it fired a moment early by the wall clock, or a look at the stores came between its time and the
   * timer (a busy event loop), and the next change after now is a later one.
   */
  nextChange(): number | null {
    const now = this.o.now();
    let next: number | null = null;
    for (const [store, version] of this.published) {
      if (!this.o.layouts.isLoaded(store)) continue;
      const ls = this.o.layouts.all(store);
      const inForce = layoutAt(ls, now);
      if (inForce && inForce.version !== version) return now;
      const at = nextLayoutChange(ls, now);
      if (at !== null && (next === null || at < next)) next = at;
    }
    return next;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** (Re)arm the one timer for the nearest change; coalesced (a takeover follows hundreds of stores at once). */
  private arm(): void {
    if (this.armPending || this.closed) return;
    this.armPending = true;
    queueMicrotask(() => void this.rearm());
  }

  private async rearm(): Promise<void> {
    // Stores being reloaded (a save, another server's save) are read again first: their changes count.
    const unloaded = [...this.published.keys()].filter((s) => !this.o.layouts.isLoaded(s));
    if (unloaded.length)
      await this.o.layouts
        .loadMany(unloaded)
        .catch((err: Error) => this.o.log.warn({ err: err.message }, "could not read layouts to schedule their next version"));
    this.armPending = false;
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const next = this.nextChange();
    const recheck = this.o.recheckMs !== undefined && this.published.size > 0 ? this.o.recheckMs : null;
    if (next === null && recheck === null) {
      this.dueAt = null;
      return;
    }
    const toNext = next === null ? MAX_TIMER_MS : timerDelay(next, this.o.now());
    const delay = Math.min(toNext, recheck ?? MAX_TIMER_MS);
    // The instant the timer is for (a change's validFrom; not a recheck, nor the look again of a timer's longest delay).
    this.dueAt = next !== null && delay === toNext && toNext < MAX_TIMER_MS ? next : null;
    this.timer = setTimeout(() => void this.due(), delay);
    this.timer.unref?.();
  }

  /** The timer fired: publish each store whose layout in force is not the one published (each in its turn, deciding then). */
  private async due(): Promise<void> {
    this.timer = null;
    if (this.closed) return;
    // Timers and the wall clock differ by a millisecond or so: a timer for a validFrom may fire just before it by
    // now(). The look waits for the instant itself, so that it sees the version that takes effect then.
    const early = this.dueAt === null ? 0 : this.dueAt - this.o.now();
    if (early > 0) {
      this.timer = setTimeout(() => void this.due(), early);
      this.timer.unref?.();
      return;
    }
    for (const store of [...this.published.keys()]) {
      await this.inTurn(store, () => this.check(store)).catch((err: Error) =>
        this.o.log.error({ store, err: err.message }, "could not look at the store's layout in force"),
      );
    }
    this.arm();
  }

  /** Send the store's layout in force now if it is not the one published (a version took effect). */
  private async check(store: string): Promise<void> {
    const version = this.published.get(store);
    if (this.closed || version === undefined) return;
    const now = this.o.now();
    let layout = await this.o.layouts.load(store).then(
      (ls) => layoutAt(ls, now),
      () => undefined,
    );
    if (layout && layout.version !== version) {
      // Read the store's versions again before sending: a correction or a cancel of the version due,
      // saved on another server just now, may not have reached this one's layouts yet (its notice on the way).
      layout = await this.o.layouts.reload(store).then(
        (ls) => layoutAt(ls, now),
        () => layout,
      );
    }
    if (!layout || this.closed || !this.published.has(store) || layout.version === this.published.get(store)) return;
    this.published.set(store, layout.version);
    this.arm();
    await this.send(layout, "a layout version saved for later takes effect: publishing it to the store's agents");
  }
}

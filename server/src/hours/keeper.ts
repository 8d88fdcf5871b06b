/**
 * Opening hours at work on the server (issue 14.2): a cache of each store's hours (read in the
 * background, so the live occupancy can ask synchronously), the door count's start (the last
 * closing instead of local midnight when a store has hours), and once a store has closed, the drift
 * that reset corrected: the day's net door count (in minus out) from the previous reset to the
 * closing, recorded per local date (GET /stores/:store/occupancy-drift).
 */
import { compactHours, doorCountStart, hoursAt, lastClosing, localDate, type HoursHistory, type OpeningHours, type StoreHours } from "@footfall/core";
import { spansOf } from "../aggregates/spans.js";
import type { Logger } from "../log.js";
import type { Storage } from "../storage/types.js";

interface Entry {
  /** Every version of the hours (migration 26), as last read. */
  history: HoursHistory;
  at: number;
  loading: Promise<void> | null;
  timeZone: string | null;
}

export interface HoursKeeperOptions {
  storage: Storage;
  log: Logger;
  now(): number;
  /** Whether this server records a store's drift (a chain's server: the stores it ingests). Default: all. */
  recordsHere?(store: string): boolean;
  /** Hours are read again this often (another server may have changed them). Default 60 s. */
  refreshMs?: number;
}

/**
 * The store's closings of the week up to `now`, oldest first (each found by lastClosing, stepping back): of a
 * history, each day's by the hours in force that day, not by today's.
 */
function closingsOfWeek(hours: StoreHours, now: number, timeZone: string): number[] {
  const closings: number[] = [];
  for (let c = lastClosing(hours, now, timeZone); c !== null && c > now - 7 * 86_400_000; c = lastClosing(hours, c - 1, timeZone)) closings.unshift(c);
  return closings;
}

export class HoursKeeper {
  private readonly entries = new Map<string, Entry>();
  /** Closings whose drift is recorded (store/closing instant). */
  private readonly recorded = new Set<string>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly o: HoursKeeperOptions) {}

  start(everyMs = 30_000): void {
    this.timer = setInterval(() => {
      this.running ??= this.recordDrifts().finally(() => (this.running = null));
    }, everyMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** A store's hours changed through the API here: read them again now. */
  async changed(store: string): Promise<void> {
    const e = this.entries.get(store);
    if (e) e.at = -Infinity;
    await this.load(store);
  }

  /**
   * The hours in force now by the history as last read (undefined until read: a read starts): hours
   * scheduled ahead take over at their instant, with no read then.
   */
  hoursOf(store: string): OpeningHours | null | undefined {
    const e = this.entries.get(store);
    const now = this.o.now();
    if (!e || now - e.at >= (this.o.refreshMs ?? 60_000)) void this.load(store).catch(() => {});
    if (!e) return undefined;
    return e.history.length > 0 ? hoursAt(e.history, now) : null;
  }

  /** The hours now, read first when not yet read here (null: none, always open). */
  async hoursNow(store: string): Promise<OpeningHours | null> {
    if (this.hoursOf(store) === undefined) await this.load(store);
    return this.hoursOf(store) ?? null;
  }

  /**
   * The hours through time, for reading the past (a past day is judged by the hours in force that
   * day): core compactHours of the store's history, read first when not yet read here; null when it
   * never had hours (always open).
   */
  async historyNow(store: string): Promise<StoreHours | null> {
    if (this.hoursOf(store) === undefined) await this.load(store);
    return compactHours(this.entries.get(store)?.history ?? []);
  }

  /**
   * Since when the store's door count is summed at `now` (what the live occupancy uses): the last closing by
   * the hours in force at it (yesterday's 20:00 closing, though today's hours, saved this morning, close at 22:00).
   */
  doorCountSince(store: string, now: number, timeZone: string, midnight: number): number {
    const e = this.entries.get(store);
    if (e) e.timeZone = timeZone;
    if (this.hoursOf(store) === undefined) return midnight;
    return doorCountStart(compactHours(this.entries.get(store)?.history ?? []), now, timeZone, midnight);
  }

  async load(store: string): Promise<void> {
    let e = this.entries.get(store);
    if (!e) {
      e = { history: [], at: -Infinity, loading: null, timeZone: null };
      this.entries.set(store, e);
    }
    const entry = e;
    entry.loading ??= this.o.storage.hours
      .history(store)
      .then((history) => {
        entry.history = history;
        entry.at = this.o.now();
      })
      .catch((err: Error) => void (this.o.storage.connectionLost?.(err) || this.o.log.error({ err: err.message, store }, "could not read the store's opening hours; trying again")))
      .finally(() => (entry.loading = null));
    await entry.loading;
  }

  /**
   * For every store whose hours are known here: record the drift of each closing of the last week
   * once. The last closing is recorded again by a server that starts (late events may have come
   * since); an earlier one only when its day has no drift recorded after it (this server was down at
   * that closing; a day with a break closes twice and its last closing's drift is the day's). Each day's
   * closing, and the reset before it, by the hours in force that day: a store whose hours changed on
   * Wednesday keeps Monday's and Tuesday's closings, and one that had none before records no day it was
   * open round the clock.
   */
  async recordDrifts(): Promise<void> {
    const now = this.o.now();
    for (const [store, e] of this.entries) {
      const hours = compactHours(e.history);
      if (!hours || !e.timeZone || (this.o.recordsHere && !this.o.recordsHere(store))) continue;
      const timeZone = e.timeZone;
      const closings = closingsOfWeek(hours, now, timeZone).filter((c) => !this.recorded.has(`${store}/${c}`));
      if (closings.length === 0) continue;
      try {
        const dayOf = (closing: number) => localDate(closing - 1, timeZone);
        const last = closings[closings.length - 1]!;
        const recordedAt = new Map((await this.o.storage.hours.drift(store, dayOf(closings[0]!), dayOf(last))).map((d) => [d.date, d.at]));
        for (const closing of closings) {
          if (closing === last || (recordedAt.get(dayOf(closing)) ?? -Infinity) < closing) {
            const since = doorCountStart(hours, closing - 1, timeZone, closing - 86_400_000);
            const s = await this.doorSum(store, since, closing);
            if (s.in + s.out > 0) await this.o.storage.hours.recordDrift(store, dayOf(closing), s.in - s.out, now);
          }
          this.recorded.add(`${store}/${closing}`);
        }
      } catch (err) {
        if (!this.o.storage.connectionLost?.(err)) this.o.log.error({ err: (err as Error).message, store }, "could not record the door count's drift at closing; trying again");
      }
    }
  }

  /** Door counters' crossings with ts in [from, to), all doors together (from the aggregates). */
  private async doorSum(store: string, from: number, to: number): Promise<{ in: number; out: number }> {
    const { aggregates } = this.o.storage;
    const spans = spansOf(from, to);
    const s = { in: 0, out: 0 };
    for (const t of (await aggregates.doorTotals(store, spans)).values()) {
      s.in += t.in;
      s.out += t.out;
    }
    for (const [a, b] of spans.partials) {
      for (const c of await aggregates.countsIn(store, a, b)) {
        s.in += c.nIn;
        s.out += c.nOut;
      }
    }
    return s;
  }
}

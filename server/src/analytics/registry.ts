import type { OpenVisitRow, Storage } from "../storage/types.js";
import { StoreAnalytics, type StoreAnalyticsOptions } from "./store-analytics.js";
import { StoredFigures, type StoreFigures } from "./stored-figures.js";
import type { Logger } from "../log.js";

export interface AnalyticsOptions {
  visitTimeoutMs: number;
  now(): number;
  /** Raw rows older than this may be gone (retention); -Infinity when nothing is deleted. */
  rawSince?(): number;
  maxCachedVisitors?: number;
  /**
   * A budget of cached visitors for all the stores this process holds together (a chain's server
   * holds hundreds of stores: a per-store bound would not bound it); each store may keep its share,
   * at least 20. Instead of `maxCachedVisitors`.
   */
  maxCachedVisitorsTotal?: number;
  /**
   * Several servers on one database: whether this server ingests `store` now (holds its shard).
   * A store ingested elsewhere is read from storage: its analytics are opened again when older than
   * `readTtlMs` or invalidated (a change announced by the ingesting server), never kept stale.
   * Default: every store is this server's.
   */
  ingestsHere?(store: string): boolean;
  /** How long the analytics of a store ingested elsewhere are reused (default 2 s). */
  readTtlMs?: number;
  /** Since when a store's door count makes its occupancy at `now` (opening hours: the last closing); default local midnight. */
  doorCountSince?(store: string, now: number, timeZone: string, midnight: number): number;
}

/** A store's part of `openMany`'s answer (nothing stored: empty lists). */
const known = (r: { known: { visits: string[]; doors: string[] }; open: OpenVisitRow[] } | undefined) =>
  [r?.known ?? { visits: [], doors: [] }, r?.open ?? []] as const;

/**
 * Each store's analytics, opened the first time the store is needed. Opening reads only the
 * store's known zones and open visits: every figure lives in storage, so a start costs the same
 * whatever the history.
 */
export class AnalyticsRegistry {
  private readonly stores = new Map<string, StoreAnalytics>();
  private readonly opening = new Map<string, Promise<StoreAnalytics>>();
  /** Bumped by invalidate(): an opening that began before it is not kept. */
  private readonly generation = new Map<string, number>();
  /** When each held analytics was opened, and whether it was opened to ingest (kept) or to read (expires). */
  private readonly openedAt = new Map<string, { at: number; ingest: boolean }>();
  constructor(
    private readonly storage: Storage,
    readonly opts: AnalyticsOptions,
    private readonly log: Logger,
  ) {}

  /** The store's analytics, opened on first use (callers asking meanwhile share the one opening). */
  get(store: string): Promise<StoreAnalytics> {
    const a = this.stores.get(store);
    if (a && this.fresh(store)) return Promise.resolve(a);
    return this.opening.get(store) ?? this.track(store, () => StoreAnalytics.open(this.optionsOf(store)));
  }

  /**
   * Opens `stores` (those not open or opening) ahead of their first use: a server taking shards over
   * opens hundreds at once. With storage that reads them together (PostgreSQL's `openMany`) that is
   * two statements for all of them; one by one, a takeover of 500 stores in bench:chain spent 19 s
   * opening them while the taken shards' first commits waited. Resolves when all are open.
   */
  async openMany(stores: readonly string[]): Promise<void> {
    const todo = stores.filter((s) => !(this.stores.has(s) && this.fresh(s)) && !this.opening.has(s));
    const many = this.storage.aggregates.openMany;
    if (!many) {
      await Promise.all(todo.map((s) => this.get(s)));
      return;
    }
    if (todo.length === 0) return;
    const read = many.call(this.storage.aggregates, todo, this.opts.now() - this.opts.visitTimeoutMs);
    await Promise.all(todo.map((s) => this.track(s, async () => StoreAnalytics.of(this.optionsOf(s), ...known((await read).get(s))))));
  }

  /** Registers the opening of `store` by `open`: shared by callers meanwhile, kept unless invalidated while it ran. */
  private track(store: string, open: () => Promise<StoreAnalytics>): Promise<StoreAnalytics> {
    const started = performance.now();
    const gen = this.generation.get(store) ?? 0;
    const ingest = this.opts.ingestsHere?.(store) ?? true;
    const opening: Promise<StoreAnalytics> = open().then(
      (opened) => {
        if (this.opening.get(store) === opening) this.opening.delete(store);
        // Invalidated while it opened: answer this caller, keep nothing.
        if ((this.generation.get(store) ?? 0) !== gen) return opened;
        this.stores.set(store, opened);
        this.openedAt.set(store, { at: performance.now(), ingest });
        this.log.debug({ store, ms: Math.round(performance.now() - started) }, "store analytics opened");
        return opened;
      },
      (err: unknown) => {
        if (this.opening.get(store) === opening) this.opening.delete(store);
        throw err;
      },
    );
    this.opening.set(store, opening);
    return opening;
  }

  /**
   * What answers dwell, paths and traffic of `store`: its figures read from storage without opening
   * it (no open visits, no visitor cache: these figures never use them), each query in one statement,
   * when the storage reads them so (PostgreSQL; ./stored-figures.ts) or when another server ingests
   * the store; else (SQLite) its analytics, opened once and kept. On PostgreSQL an opened store's
   * reads took two or three rounds of statements, and a chain server re-opened a store ingested
   * elsewhere at nearly every query (issue 12). A StoredFigures holds nothing but the store's options,
   * so one is made per query (this call, its await included, ~0.15 µs; each query builds a StoreAnalytics
   * of the known zones anyway): none is kept, nothing to invalidate when the store's shard moves.
   */
  figures(store: string): Promise<StoreFigures> {
    if (!this.storage.aggregates.dwellReads && (this.opts.ingestsHere?.(store) ?? true)) return this.get(store);
    return Promise.resolve(new StoredFigures(this.optionsOf(store)));
  }

  private optionsOf(store: string): StoreAnalyticsOptions {
    return {
      store,
      storage: this.storage,
      visitTimeoutMs: this.opts.visitTimeoutMs,
      ...(this.opts.doorCountSince ? { doorCountSince: (now: number, tz: string, midnight: number) => this.opts.doorCountSince!(store, now, tz, midnight) } : {}),
      now: this.opts.now,
      ...(this.opts.rawSince ? { rawSince: this.opts.rawSince } : {}),
      ...(this.opts.maxCachedVisitorsTotal
        ? { maxCachedVisitors: () => Math.max(20, Math.floor(this.opts.maxCachedVisitorsTotal! / Math.max(1, this.stores.size))) }
        : this.opts.maxCachedVisitors
          ? { maxCachedVisitors: this.opts.maxCachedVisitors }
          : {}),
    };
  }

  /** Whether the held analytics of `store` may answer: opened to ingest and still ingested here, or read recently. */
  private fresh(store: string): boolean {
    if (!this.opts.ingestsHere) return true;
    const o = this.openedAt.get(store);
    if (!o) return false;
    if (this.opts.ingestsHere(store)) return o.ingest;
    return !o.ingest && performance.now() - o.at < (this.opts.readTtlMs ?? 2000);
  }

  /**
   * Forget the store's analytics (the next use opens them from storage again): its shard was taken
   * or handed over, or the server that ingests it announced a change.
   */
  invalidate(store: string): void {
    this.generation.set(store, (this.generation.get(store) ?? 0) + 1);
    this.stores.delete(store);
    this.opening.delete(store);
    this.openedAt.delete(store);
  }

  /** The store's analytics when already open, else undefined. */
  peek(store: string): StoreAnalytics | undefined {
    return this.stores.get(store);
  }

  loaded(): IterableIterator<[string, StoreAnalytics]> {
    return this.stores.entries();
  }
}

import type { Storage } from "../storage/types.js";
import { StoreAnalytics } from "./store-analytics.js";
import type { Logger } from "../log.js";

export interface AnalyticsOptions {
  visitTimeoutMs: number;
  now(): number;
  /** Raw rows older than this may be gone (retention); -Infinity when nothing is deleted. */
  rawSince?(): number;
  maxCachedVisitors?: number;
}

/**
 * Each store's analytics, opened the first time the store is needed. Opening reads only the
 * store's known zones and open visits: every figure lives in storage, so a start costs the same
 * whatever the history.
 */
export class AnalyticsRegistry {
  private readonly stores = new Map<string, StoreAnalytics>();
  private readonly opening = new Map<string, Promise<StoreAnalytics>>();
  constructor(
    private readonly storage: Storage,
    private readonly opts: AnalyticsOptions,
    private readonly log: Logger,
  ) {}

  /** The store's analytics, opened on first use (callers asking meanwhile share the one opening). */
  get(store: string): Promise<StoreAnalytics> {
    const a = this.stores.get(store);
    if (a) return Promise.resolve(a);
    let opening = this.opening.get(store);
    if (!opening) {
      const started = performance.now();
      opening = StoreAnalytics.open({
        store,
        storage: this.storage,
        visitTimeoutMs: this.opts.visitTimeoutMs,
        now: this.opts.now,
        ...(this.opts.rawSince ? { rawSince: this.opts.rawSince } : {}),
        ...(this.opts.maxCachedVisitors ? { maxCachedVisitors: this.opts.maxCachedVisitors } : {}),
      }).then(
        (opened) => {
          this.opening.delete(store);
          this.stores.set(store, opened);
          this.log.debug({ store, ms: Math.round(performance.now() - started) }, "store analytics opened");
          return opened;
        },
        (err: unknown) => {
          this.opening.delete(store);
          throw err;
        },
      );
      this.opening.set(store, opening);
    }
    return opening;
  }

  /** The store's analytics when already open, else undefined. */
  peek(store: string): StoreAnalytics | undefined {
    return this.stores.get(store);
  }

  loaded(): IterableIterator<[string, StoreAnalytics]> {
    return this.stores.entries();
  }
}

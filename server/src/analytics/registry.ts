import type { Storage } from "../storage.js";
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
 * store's open visits: every figure lives in storage, so a start costs the same whatever the history.
 */
export class AnalyticsRegistry {
  private readonly stores = new Map<string, StoreAnalytics>();
  constructor(
    private readonly storage: Storage,
    private readonly opts: AnalyticsOptions,
    private readonly log: Logger,
  ) {}

  get(store: string): StoreAnalytics {
    let a = this.stores.get(store);
    if (!a) {
      const started = performance.now();
      a = new StoreAnalytics({
        store,
        aggregates: this.storage.aggregates,
        visitTimeoutMs: this.opts.visitTimeoutMs,
        now: this.opts.now,
        ...(this.opts.rawSince ? { rawSince: this.opts.rawSince } : {}),
        ...(this.opts.maxCachedVisitors ? { maxCachedVisitors: this.opts.maxCachedVisitors } : {}),
        loadVisitorEvents: (visitors, known) => this.storage.events.visitorsEvents(store, visitors, known),
      });
      this.stores.set(store, a);
      this.log.debug({ store, ms: Math.round(performance.now() - started) }, "store analytics opened");
    }
    return a;
  }

  loaded(): IterableIterator<[string, StoreAnalytics]> {
    return this.stores.entries();
  }
}

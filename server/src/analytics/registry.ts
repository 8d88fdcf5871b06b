import type { Storage } from "../storage.js";
import { StoreAnalytics } from "./store-analytics.js";
import type { Logger } from "../log.js";

export interface AnalyticsOptions {
  visitTimeoutMs: number;
  now(): number;
}

/** Each store's analytics, built from storage the first time the store is needed. */
export class AnalyticsRegistry {
  private readonly stores = new Map<string, StoreAnalytics>();
  constructor(private readonly storage: Storage, private readonly opts: AnalyticsOptions, private readonly log: Logger) {}

  get(store: string): StoreAnalytics {
    let a = this.stores.get(store);
    if (!a) {
      a = this.build(store);
      this.stores.set(store, a);
    }
    return a;
  }
  loaded(): IterableIterator<[string, StoreAnalytics]> {
    return this.stores.entries();
  }

  private build(store: string): StoreAnalytics {
    const started = performance.now();
    const { events } = this.storage;
    const a = new StoreAnalytics({
      visitTimeoutMs: this.opts.visitTimeoutMs,
      loadVisitorEvents: (visitor) => events.visitorEvents(store, visitor),
    });
    let n = 0;
    for (const c of events.iterateCounts(store)) {
      a.addCount(c);
      n++;
    }
    // Visitor events arrive grouped by visitor; keep in memory only visitors that may still be active.
    const recent = this.opts.now() - 2 * this.opts.visitTimeoutMs;
    let visitor: string | null = null;
    let batch: Parameters<StoreAnalytics["loadVisitor"]>[1] = [];
    const flush = () => {
      if (visitor !== null && batch.length) a.loadVisitor(visitor, batch, batch[batch.length - 1]!.ts >= recent);
    };
    for (const e of events.iterateVisitorEvents(store)) {
      n++;
      const v = e.visitor;
      if (v !== visitor) {
        flush();
        visitor = v;
        batch = [];
      }
      batch.push(e);
      if (n % 1_000_000 === 0) this.log.info({ store, events: n }, "loading store analytics");
    }
    flush();
    const ms = Math.round(performance.now() - started);
    if (n > 0) this.log.info({ store, events: n, ms }, "store analytics loaded");
    return a;
  }
}

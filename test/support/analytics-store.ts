import type { FootfallEvent } from "@footfall/core";
import { AnalyticsRegistry, type AnalyticsOptions } from "../../server/src/analytics/registry.js";
import type { StoreAnalytics } from "../../server/src/analytics/store-analytics.js";
import { createLogger } from "../../server/src/log.js";
import { openStorage, type Storage } from "../../server/src/storage.js";
import { tempDir } from "./wait.js";

/**
 * A real SQLite storage in a temporary folder with the store's analytics on it, fed the way the
 * ingest pipeline feeds them: each batch's new events inserted and staged in one transaction.
 */
export class AnalyticsStore {
  readonly storage: Storage;
  private readonly dir = tempDir("footfall-analytics-");
  private registry: AnalyticsRegistry;

  constructor(
    private readonly opts: AnalyticsOptions,
    readonly store = "s",
  ) {
    this.storage = openStorage(this.dir.path);
    // The store exists, as after its first layout (retention and listings go by the stores table).
    this.storage.stores.saveLayout(store, { validFrom: 0, timezone: "UTC", floor: { width: 10, height: 10 }, zones: [] }, 0);
    this.registry = new AnalyticsRegistry(this.storage, opts, createLogger("silent"));
  }

  get analytics(): StoreAnalytics {
    return this.registry.get(this.store);
  }

  /** Insert a batch (duplicates dropped by id) and fold the new events into the aggregates, in one transaction. */
  ingest(batch: readonly FootfallEvent[]): FootfallEvent[] {
    const a = this.analytics;
    let fresh: FootfallEvent[] = [];
    const staged = this.storage.transaction(() => {
      fresh = batch.filter((e) => this.storage.events.insert(this.store, "a", e, 0));
      return a.stage(fresh);
    });
    staged.commit();
    return fresh;
  }

  /** Insert events only, as a data directory written before aggregates lived in storage holds them. */
  insertOnly(batch: readonly FootfallEvent[]): void {
    this.storage.transaction(() => {
      for (const e of batch) this.storage.events.insert(this.store, "a", e, 0);
    });
  }

  /** A new process on the same storage: nothing in memory but what the registry opens. */
  restart(opts: Partial<AnalyticsOptions> = {}): StoreAnalytics {
    this.registry = new AnalyticsRegistry(this.storage, { ...this.opts, ...opts }, createLogger("silent"));
    return this.analytics;
  }

  close(): void {
    this.storage.close();
    this.dir.remove();
  }
}

/** Run `fn` with a fresh {@link AnalyticsStore}, closed afterwards (after the promise settles when `fn` is async). */
export function withAnalyticsStore<T>(opts: AnalyticsOptions, fn: (s: AnalyticsStore) => T): T {
  const s = new AnalyticsStore(opts);
  let result: T;
  try {
    result = fn(s);
  } catch (err) {
    s.close();
    throw err;
  }
  if (result instanceof Promise) return result.finally(() => s.close()) as T;
  s.close();
  return result;
}

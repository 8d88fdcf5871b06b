import type { FootfallEvent } from "@footfall/core";
import { AnalyticsRegistry, type AnalyticsOptions } from "../../server/src/analytics/registry.js";
import type { StoreAnalytics } from "../../server/src/analytics/store-analytics.js";
import { createLogger } from "../../server/src/log.js";
import { openSqliteStorage } from "../../server/src/storage/sqlite.js";
import type { Storage } from "../../server/src/storage/types.js";
import { tempDir } from "./wait.js";

/**
 * A real SQLite storage in a temporary folder with the store's analytics on it, fed the way the
 * ingest pipeline feeds them: each batch's new events inserted and staged in one transaction.
 */
export class AnalyticsStore {
  readonly storage: Storage;
  private readonly dir = tempDir("footfall-analytics-");
  private registry: AnalyticsRegistry;

  private constructor(
    private readonly opts: AnalyticsOptions,
    readonly store: string,
  ) {
    this.storage = openSqliteStorage(this.dir.path);
    this.registry = new AnalyticsRegistry(this.storage, opts, createLogger("silent"));
  }

  static async open(opts: AnalyticsOptions, store = "s"): Promise<AnalyticsStore> {
    const s = new AnalyticsStore(opts, store);
    // The store exists, as after its first layout (retention and listings go by the stores table).
    await s.storage.stores.saveLayout(store, { validFrom: 0, timezone: "UTC", floor: { width: 10, height: 10 }, zones: [] }, 0);
    return s;
  }

  /** The store's analytics (opened on first use, as the server does). */
  get analytics(): Promise<StoreAnalytics> {
    return this.registry.get(this.store);
  }

  /** Insert a batch (duplicates dropped by id) and fold the new events into the aggregates, in one transaction. */
  async ingest(batch: readonly FootfallEvent[]): Promise<FootfallEvent[]> {
    const a = await this.analytics;
    let fresh: FootfallEvent[] = [];
    const staged = await this.storage.transaction(async (tx) => {
      const isNew = await tx.events.insertMany(this.store, "a", batch, 0);
      fresh = batch.filter((_, i) => isNew[i]);
      return a.stage(tx, fresh);
    });
    staged.commit();
    return fresh;
  }

  /** Insert events only, as a data directory written before aggregates lived in storage holds them. */
  async insertOnly(batch: readonly FootfallEvent[]): Promise<void> {
    await this.storage.transaction((tx) => tx.events.insertMany(this.store, "a", batch, 0));
  }

  /** A new process on the same storage: nothing in memory but what the registry opens. */
  restart(opts: Partial<AnalyticsOptions> = {}): Promise<StoreAnalytics> {
    this.registry = new AnalyticsRegistry(this.storage, { ...this.opts, ...opts }, createLogger("silent"));
    return this.analytics;
  }

  async close(): Promise<void> {
    await this.storage.close();
    this.dir.remove();
  }
}

/** Run `fn` with a fresh {@link AnalyticsStore}, closed afterwards. */
export async function withAnalyticsStore<T>(opts: AnalyticsOptions, fn: (s: AnalyticsStore) => Promise<T>): Promise<T> {
  const s = await AnalyticsStore.open(opts);
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

import { layoutAt, type Layout } from "@footfall/core";
import type { Storage } from "../storage/types.js";

/** A version's entrance zones, as one comparable key. */
const entrancesOf = (l: Layout): string =>
  l.zones
    .filter((z) => z.kind === "entrance")
    .map((z) => z.id)
    .sort()
    .join("\n");

interface Entry {
  layouts: Layout[];
  zoneSets: Map<number, Set<string>>;
}

/**
 * Layout versions per store: `await load(store)` reads a store's versions from storage once; the
 * accessors after it are synchronous (the ingest checks every event against them). A layout saved
 * through this process is taken in with `reload(store)`.
 */
export class LayoutCache {
  private readonly cache = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<Entry>>();
  constructor(private readonly storage: Storage) {}

  /** Read the store's layouts unless held already (callers asking meanwhile share the one read). */
  async load(store: string): Promise<readonly Layout[]> {
    const held = this.cache.get(store);
    if (held) return held.layouts;
    return (await this.read(store)).layouts;
  }

  /**
   * Loads the layouts of `stores` not held or loading, in one read where the storage has one
   * (`stores.layoutsOf`): a server taking shards over loads hundreds of stores' layouts at once.
   */
  async loadMany(stores: readonly string[]): Promise<void> {
    const todo = [...new Set(stores)].filter((s) => !this.cache.has(s) && !this.loading.has(s));
    const many = this.storage.stores.layoutsOf;
    if (!many) {
      await Promise.all(todo.map((s) => this.read(s)));
      return;
    }
    if (todo.length === 0) return;
    const all = many.call(this.storage.stores, todo);
    await Promise.all(todo.map((s) => this.read(s, async () => (await all).get(s) ?? [])));
  }

  /** Read the store's layouts again (after a layout was saved). */
  async reload(store: string): Promise<readonly Layout[]> {
    this.invalidate(store);
    return (await this.read(store)).layouts;
  }

  private read(store: string, fetch: () => Promise<Layout[]> = () => this.storage.stores.layouts(store)): Promise<Entry> {
    let p = this.loading.get(store);
    if (!p) {
      p = fetch().then(
        (layouts) => {
          const e: Entry = { layouts, zoneSets: new Map(layouts.map((l) => [l.version, new Set(l.zones.map((z) => z.id))])) };
          // A reload asked while this read ran supersedes it.
          if (this.loading.get(store) === p) {
            this.loading.delete(store);
            this.cache.set(store, e);
          }
          return e;
        },
        (err: unknown) => {
          if (this.loading.get(store) === p) this.loading.delete(store);
          throw err;
        },
      );
      this.loading.set(store, p);
    }
    return p;
  }

  /** Whether the store's layouts are held (so the accessors below may be called). */
  isLoaded(store: string): boolean {
    return this.cache.has(store);
  }

  private entry(store: string): Entry {
    const e = this.cache.get(store);
    if (!e) throw new Error(`the layouts of store "${store}" are not loaded: await layouts.load(store) first`);
    return e;
  }
  invalidate(store: string): void {
    this.cache.delete(store);
    this.loading.delete(store);
  }
  all(store: string): readonly Layout[] {
    return this.entry(store).layouts;
  }
  current(store: string, now: number): Layout | undefined {
    return layoutAt(this.entry(store).layouts, now);
  }
  at(store: string, ts: number): Layout | undefined {
    return layoutAt(this.entry(store).layouts, ts);
  }
  /** Whether `zone` exists in the layout in force at `ts`; undefined when the store has no layout. */
  hasZone(store: string, zone: string, ts: number): boolean | undefined {
    const e = this.entry(store);
    const l = layoutAt(e.layouts, ts);
    return l ? e.zoneSets.get(l.version)!.has(zone) : undefined;
  }
  /** The kind of `zone` in the layout in force at `ts` (undefined when it has no such zone). */
  zoneKindAt(store: string, zone: string, ts: number): string | undefined {
    return this.at(store, ts)?.zones.find((z) => z.id === zone)?.kind;
  }
  /**
   * When the store's entrances changed, ascending: the validFrom of each layout version after the first whose entrance
   * zones are not those of the version before it. Store enters (traffic, counts, conversion, the overview, digests,
   * forecasts) count a zone's enters as the store's by its kind in the version in force, so they are cut at these
   * instants and at no other: a version that moves, adds or renames other zones changes no store enter. Cut at every
   * version, a layout saved at 10:37 split its hour into parts only raw events answer, and once retention
   * (FOOTFALL_RETENTION_DAYS) deleted them every range over it was refused (400), days and months alike.
   */
  changes(store: string): number[] {
    const { layouts } = this.entry(store);
    return layouts.slice(1).flatMap((l, i) => (entrancesOf(l) === entrancesOf(layouts[i]!) ? [] : [l.validFrom]));
  }
}

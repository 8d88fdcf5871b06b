import type { Layout } from "@footfall/core";
import type { Storage } from "../storage.js";

/** Layout versions per store, read from storage once and refreshed when this process saves one. */
export class LayoutCache {
  private readonly cache = new Map<string, { layouts: Layout[]; zoneSets: Map<number, Set<string>> }>();
  constructor(private readonly storage: Storage) {}

  private entry(store: string) {
    let e = this.cache.get(store);
    if (!e) {
      const layouts = this.storage.stores.layouts(store);
      e = { layouts, zoneSets: new Map(layouts.map((l) => [l.version, new Set(l.zones.map((z) => z.id))])) };
      this.cache.set(store, e);
    }
    return e;
  }
  invalidate(store: string): void {
    this.cache.delete(store);
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
  /** When each layout version after the first took effect, ascending. */
  changes(store: string): number[] {
    return this.entry(store).layouts.slice(1).map((l) => l.validFrom);
  }
}

/**
 * The layout in force at `ts`: the latest version (by validFrom, then version) with validFrom <= ts;
 * before the first version, the first one. `layouts` must be ordered as `stores.layouts` returns them.
 */
export function layoutAt(layouts: readonly Layout[], ts: number): Layout | undefined {
  let found: Layout | undefined = layouts[0];
  for (const l of layouts) {
    if (l.validFrom <= ts) found = l;
    else break;
  }
  return found;
}

import type { Layout } from "@footfall/core";
import { layoutAt } from "../db/repos/stores.js";
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
  /** The kind of `zone` in any version of the layout (the latest that has it). */
  zoneKind(store: string, zone: string): string | undefined {
    const layouts = this.entry(store).layouts;
    for (let i = layouts.length - 1; i >= 0; i--) {
      const z = layouts[i]!.zones.find((x) => x.id === zone);
      if (z) return z.kind;
    }
    return undefined;
  }
}

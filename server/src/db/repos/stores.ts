import { layoutValidator, type Layout, type LayoutInput, type StoreId } from "@footfall/core";
import type { LayoutVersion, StoreRow } from "../../storage/types.js";
import type { Db } from "../database.js";

export type { LayoutVersion, StoreRow };

/** Stores and their versioned layouts. */
export class StoresRepo {
  private readonly q;
  constructor(private readonly db: Db) {
    this.q = {
      list: db.prepare<[], StoreRow>("SELECT id, name FROM stores ORDER BY id"),
      get: db.prepare<[string], StoreRow>("SELECT id, name FROM stores WHERE id = ?"),
      insert: db.prepare("INSERT INTO stores (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT(id) DO NOTHING"),
      rename: db.prepare("UPDATE stores SET name = ? WHERE id = ?"),
      maxVersion: db.prepare<[string], { v: number | null }>("SELECT max(version) AS v FROM layouts WHERE store = ?"),
      insertLayout: db.prepare("INSERT INTO layouts (store, version, valid_from, saved_at, body) VALUES (?, ?, ?, ?, ?)"),
      layouts: db.prepare<[string], { body: string }>("SELECT body FROM layouts WHERE store = ? ORDER BY valid_from, version"),
      versions: db.prepare<[string], LayoutVersion>("SELECT version, valid_from AS validFrom FROM layouts WHERE store = ? ORDER BY version"),
    };
  }

  list(): StoreRow[] {
    return this.q.list.all();
  }
  get(id: string): StoreRow | undefined {
    return this.q.get.get(id);
  }
  ensure(id: string, name: string, now: number): void {
    this.q.insert.run(id, name, now);
  }

  /** Every layout version of a store, ordered by validFrom then version. */
  layouts(store: string): Layout[] {
    return this.q.layouts.all(store).map((r) => JSON.parse(r.body) as Layout);
  }
  versions(store: string): LayoutVersion[] {
    return this.q.versions.all(store);
  }

  /** Save a new layout version (creating the store when it is new); returns the stored layout. */
  saveLayout(store: StoreId, input: LayoutInput, now: number): Layout {
    return this.db.transaction(() => {
      const name = input.name ?? this.get(store)?.name ?? store;
      this.ensure(store, name, now);
      if (input.name) this.q.rename.run(input.name, store);
      const version = (this.q.maxVersion.get(store)?.v ?? 0) + 1;
      const layout: Layout = {
        store,
        name,
        version,
        validFrom: input.validFrom,
        timezone: input.timezone,
        ...(input.currency ? { currency: input.currency } : {}),
        floor: input.floor,
        zones: input.zones,
      };
      if (!layoutValidator.check(layout)) throw new Error(`layout: ${layoutValidator.problems(layout).join("; ")}`);
      this.q.insertLayout.run(store, version, input.validFrom, now, JSON.stringify(layout));
      return layout;
    }).immediate();
  }
}

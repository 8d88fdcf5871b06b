import type { StoreGroup } from "../../storage/types.js";
import type { Db } from "../database.js";

interface GroupRow {
  id: string;
  name: string;
  kind: string | null;
}

/**
 * Store groups (regions, formats): a name, a kind and member stores. A store may be in any number
 * of groups; deleting a group deletes its memberships (tokens scoped to it then see no store).
 */
export class GroupsRepo {
  private readonly q;
  constructor(private readonly db: Db) {
    this.q = {
      list: db.prepare<[], GroupRow>("SELECT id, name, kind FROM store_groups ORDER BY id"),
      get: db.prepare<[string], GroupRow>("SELECT id, name, kind FROM store_groups WHERE id = ?"),
      members: db.prepare<[], { group_id: string; store: string }>("SELECT group_id, store FROM store_group_members ORDER BY group_id, store"),
      storesOf: db.prepare<[string], { store: string }>("SELECT store FROM store_group_members WHERE group_id = ? ORDER BY store"),
      groupsOf: db.prepare<[string], { group_id: string }>("SELECT group_id FROM store_group_members WHERE store = ? ORDER BY group_id"),
      insert: db.prepare("INSERT INTO store_groups (id, name, kind, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING"),
      update: db.prepare("UPDATE store_groups SET name = ?, kind = ? WHERE id = ?"),
      remove: db.prepare("DELETE FROM store_groups WHERE id = ?"),
      clearGroup: db.prepare("DELETE FROM store_group_members WHERE group_id = ?"),
      clearStore: db.prepare("DELETE FROM store_group_members WHERE store = ?"),
      add: db.prepare("INSERT INTO store_group_members (group_id, store) VALUES (?, ?) ON CONFLICT DO NOTHING"),
    };
  }

  list(): StoreGroup[] {
    const members = new Map<string, string[]>();
    for (const m of this.q.members.all()) {
      let l = members.get(m.group_id);
      if (!l) members.set(m.group_id, (l = []));
      l.push(m.store);
    }
    return this.q.list.all().map((g) => ({ ...g, stores: members.get(g.id) ?? [] }));
  }

  get(id: string): StoreGroup | undefined {
    const g = this.q.get.get(id);
    return g && { ...g, stores: this.storesOf(id) };
  }

  create(id: string, name: string, kind: string | null, now: number): boolean {
    return this.q.insert.run(id, name, kind, now).changes === 1;
  }

  update(id: string, patch: { name?: string; kind?: string | null }): boolean {
    const g = this.q.get.get(id);
    if (!g) return false;
    this.q.update.run(patch.name ?? g.name, patch.kind === undefined ? g.kind : patch.kind, id);
    return true;
  }

  remove(id: string): boolean {
    return this.db
      .transaction(() => {
        this.q.clearGroup.run(id);
        return this.q.remove.run(id).changes === 1;
      })
      .immediate();
  }

  setStores(id: string, stores: readonly string[]): boolean {
    if (!this.q.get.get(id)) return false;
    this.db
      .transaction(() => {
        this.q.clearGroup.run(id);
        for (const s of stores) this.q.add.run(id, s);
      })
      .immediate();
    return true;
  }

  setGroupsOf(store: string, groups: readonly string[]): string[] {
    const unknown = [...new Set(groups)].filter((g) => !this.q.get.get(g));
    if (unknown.length) return unknown.sort();
    this.db
      .transaction(() => {
        this.q.clearStore.run(store);
        for (const g of groups) this.q.add.run(g, store);
      })
      .immediate();
    return [];
  }

  storesOf(id: string): string[] {
    return this.q.storesOf.all(id).map((r) => r.store);
  }

  groupsOf(store: string): string[] {
    return this.q.groupsOf.all(store).map((r) => r.group_id);
  }
}

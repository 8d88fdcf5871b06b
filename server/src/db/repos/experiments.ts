import type { Db } from "../database.js";

/** Experiment definitions, stored whole as JSON (their shape belongs to the route that validates them). */
export class ExperimentsRepo {
  private readonly q;
  constructor(private readonly db: Db) {
    this.q = {
      insert: db.prepare("INSERT INTO experiments (id, body, created_at) VALUES (?, ?, ?)"),
      hasLayout: db.prepare<[string, number], { one: number }>("SELECT 1 AS one FROM layouts WHERE store = ? AND version = ?"),
      get: db.prepare<[string], { body: string }>("SELECT body FROM experiments WHERE id = ?"),
      list: db.prepare<[], { body: string }>("SELECT body FROM experiments ORDER BY created_at DESC, id"),
      remove: db.prepare<[string]>("DELETE FROM experiments WHERE id = ?"),
    };
  }
  /** With `layoutOf`: only while that layout version is stored (one transaction with the check: stores.cancelLayout's counterpart); false when not. */
  insert<T extends { id: string }>(experiment: T, now: number, layoutOf?: { store: string; version: number }): boolean {
    return this.db
      .transaction(() => {
        if (layoutOf && !this.q.hasLayout.get(layoutOf.store, layoutOf.version)) return false;
        this.q.insert.run(experiment.id, JSON.stringify(experiment), now);
        return true;
      })
      .immediate();
  }
  get<T>(id: string): T | undefined {
    const r = this.q.get.get(id);
    return r ? (JSON.parse(r.body) as T) : undefined;
  }
  /** Newest first. */
  list<T>(): T[] {
    return this.q.list.all().map((r) => JSON.parse(r.body) as T);
  }
  /** False when there was no such experiment. */
  remove(id: string): boolean {
    return this.q.remove.run(id).changes > 0;
  }
}

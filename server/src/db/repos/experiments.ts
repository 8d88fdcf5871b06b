import type { Db } from "../database.js";

/** Experiment definitions, stored whole as JSON (their shape belongs to the route that validates them). */
export class ExperimentsRepo {
  private readonly q;
  constructor(db: Db) {
    this.q = {
      insert: db.prepare("INSERT INTO experiments (id, body, created_at) VALUES (?, ?, ?)"),
      get: db.prepare<[string], { body: string }>("SELECT body FROM experiments WHERE id = ?"),
      list: db.prepare<[], { body: string }>("SELECT body FROM experiments ORDER BY created_at DESC, id"),
      remove: db.prepare<[string]>("DELETE FROM experiments WHERE id = ?"),
    };
  }
  insert<T extends { id: string }>(experiment: T, now: number): void {
    this.q.insert.run(experiment.id, JSON.stringify(experiment), now);
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

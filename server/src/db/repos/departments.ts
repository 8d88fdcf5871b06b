import type { Departments } from "../../storage/types.js";
import type { Db } from "../database.js";

export type { Departments };

/**
 * Each store's departments: named groups of zones. They place sales that name a department, and
 * they are the path alias rules (a zone stands for its department in aliased paths and funnels).
 * A zone belongs to at most one department (the primary key says so).
 */
export class DepartmentsRepo {
  private readonly q;
  constructor(private readonly db: Db) {
    this.q = {
      list: db.prepare<[string], { department: string; zone: string }>("SELECT department, zone FROM departments WHERE store = ? ORDER BY position"),
      clear: db.prepare("DELETE FROM departments WHERE store = ?"),
      insert: db.prepare("INSERT INTO departments (store, department, zone, position) VALUES (?, ?, ?, ?)"),
    };
  }

  get(store: string): Departments {
    const out: Departments = {};
    for (const r of this.q.list.all(store)) (out[r.department] ??= []).push(r.zone);
    return out;
  }

  /** Replace the store's departments with `departments` (a department without zones is not kept). */
  replace(store: string, departments: Departments): void {
    this.db
      .transaction(() => {
        this.q.clear.run(store);
        let position = 0;
        for (const [name, zones] of Object.entries(departments)) for (const zone of zones) this.q.insert.run(store, name, zone, position++);
      })
      .immediate();
  }

  /** zone -> department, the path alias rules. */
  aliases(store: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const r of this.q.list.all(store)) out[r.zone] = r.department;
    return out;
  }
}

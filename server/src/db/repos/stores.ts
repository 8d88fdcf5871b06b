import { layoutAt, layoutCancel, storedLayout, type Layout, type LayoutInput, type StoreId } from "@footfall/core";
import type { LayoutCancelResult, LayoutNewer, LayoutReplaceResult, LayoutSaveResult, LayoutVersion, StoreRow } from "../../storage/types.js";
import { pastVersionRefusal, scheduledAtRefusal } from "../../storage/layout-past.js";
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
      // The last number given (a cancelled version's too), or the highest stored: a number is never given twice.
      lastVersion: db.prepare<[string, string], { v: number | null }>(
        "SELECT max(coalesce((SELECT layout_versions FROM stores WHERE id = ?), 0), coalesce((SELECT max(version) FROM layouts WHERE store = ?), 0)) AS v",
      ),
      setLastVersion: db.prepare("UPDATE stores SET layout_versions = ? WHERE id = ?"),
      timeline: db.prepare<[string], { version: number; validFrom: number }>("SELECT version, valid_from AS validFrom FROM layouts WHERE store = ? ORDER BY valid_from, version"),
      deleteLayout: db.prepare("DELETE FROM layouts WHERE store = ? AND version = ?"),
      // The experiment whose change is this version (experiments.insert's layoutOf): the oldest, when several.
      referencing: db.prepare<[string, number], { id: string; name: string }>(
        "SELECT id, json_extract(body, '$.name') AS name FROM experiments WHERE json_extract(body, '$.testStores[0]') = ? AND json_extract(body, '$.layoutVersion') = ? ORDER BY created_at, id LIMIT 1",
      ),
      insertLayout: db.prepare("INSERT INTO layouts (store, version, valid_from, saved_at, body) VALUES (?, ?, ?, ?, ?)"),
      layouts: db.prepare<[string], { body: string }>("SELECT body FROM layouts WHERE store = ? ORDER BY valid_from, version"),
      versions: db.prepare<[string], LayoutVersion>("SELECT version, valid_from AS validFrom FROM layouts WHERE store = ? ORDER BY version"),
      newer: db.prepare<[string, number], LayoutVersion>("SELECT version, valid_from AS validFrom FROM layouts WHERE store = ? AND version > ? ORDER BY version"),
      names: db.prepare<[string], { validFrom: number; name: string }>(
        "SELECT valid_from AS validFrom, json_extract(body, '$.name') AS name FROM layouts WHERE store = ? ORDER BY valid_from, version",
      ),
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
    return this.db.transaction(() => this.saveIn(store, input, now)).immediate();
  }

  /**
   * saveLayout when no version after `seen` is stored and no past version (pastVersionRefusal) nor version saved for later
   * (scheduledAtRefusal) takes effect at `input.validFrom`, the checks and the save one transaction (BEGIN IMMEDIATE: no
   * version is saved between them); else why not.
   */
  saveLayoutSeen(store: StoreId, input: LayoutInput, now: number, seen: number | undefined): LayoutSaveResult {
    return this.db
      .transaction(
        (): LayoutSaveResult => {
          const newer = this.newerThan(store, seen);
          if (newer) return newer;
          const versions = this.q.versions.all(store);
          return pastVersionRefusal(versions, input.validFrom, now) ?? scheduledAtRefusal(versions, input.validFrom, now) ?? { outcome: "saved", layout: this.saveIn(store, input, now) };
        },
      )
      .immediate();
  }

  /** The versions stored after `seen` (none: undefined), in the caller's transaction. */
  private newerThan(store: string, seen: number | undefined): LayoutNewer | undefined {
    if (seen === undefined) return undefined;
    const newer = this.q.newer.all(store, seen);
    return newer.length ? { outcome: "newer", newer } : undefined;
  }

  /** saveLayout's statements, in the caller's transaction. */
  private saveIn(store: StoreId, input: LayoutInput, now: number): Layout {
    const name = input.name ?? this.get(store)?.name ?? store;
    this.ensure(store, name, now);
    const version = (this.q.lastVersion.get(store, store)?.v ?? 0) + 1;
    this.q.setLastVersion.run(version, store);
    const layout = storedLayout(store, name, version, input);
    this.q.insertLayout.run(store, version, input.validFrom, now, JSON.stringify(layout));
    // A version saved for later renames the store when it takes effect (nameInForce then), not now.
    this.nameInForce(store, now);
    return layout;
  }

  /**
   * Cancel a version saved for later before it takes effect (core layoutCancel) and no experiment's change; its number is
   * not given again. The check and the delete are one transaction (BEGIN IMMEDIATE: no experiment is inserted between them).
   */
  cancelLayout(store: string, version: number, now: number): LayoutCancelResult {
    return this.db.transaction(() => this.cancelIn(store, version, now)).immediate();
  }

  /** Replace a version saved for later by `input` (cancelLayout then saveLayout, one transaction); the new one has a new number. */
  replaceLayout(store: StoreId, version: number, input: LayoutInput, now: number, seen?: number): LayoutReplaceResult {
    return this.db
      .transaction((): LayoutReplaceResult => {
        const newer = this.newerThan(store, seen);
        if (newer) return newer;
        // Another version saved for later at the new instant (saved since the route looked): left never in force, refused
        // (the replaced version gone meanwhile: "unknown", as the cancel says).
        const versions = this.q.versions.all(store);
        const other = versions.some((v) => v.version === version) ? scheduledAtRefusal(versions.filter((v) => v.version !== version), input.validFrom, now) : undefined;
        if (other) return other;
        const cancelled = this.cancelIn(store, version, now);
        if (cancelled.outcome !== "cancelled") return cancelled;
        return { outcome: "replaced", validFrom: cancelled.validFrom, layout: this.saveIn(store, input, now) };
      })
      .immediate();
  }

  /** cancelLayout's check and delete, in the caller's transaction. */
  private cancelIn(store: string, version: number, now: number): LayoutCancelResult {
    const timeline = this.q.timeline.all(store);
    const v = timeline.find((l) => l.version === version);
    if (!v) return { outcome: "unknown" };
    const check = layoutCancel(timeline, version, now);
    if (check !== "cancellable") return { outcome: check === "unknown" ? "past" : check, validFrom: v.validFrom };
    const experiment = this.q.referencing.get(store, version);
    if (experiment) return { outcome: "referenced", validFrom: v.validFrom, experiment: { id: experiment.id, name: experiment.name } };
    // The store's last number stays at least this one (a row from before migration 21 counted from the stored rows).
    const last = this.q.lastVersion.get(store, store)?.v ?? 0;
    this.q.setLastVersion.run(last, store);
    this.q.deleteLayout.run(store, version);
    return { outcome: "cancelled", validFrom: v.validFrom };
  }

  /** Give the store the name of its layout version in force at `now` (core layoutAt); answers that name when it changed, else null. */
  nameInForce(store: string, now: number): string | null {
    const name = layoutAt(this.q.names.all(store), now)?.name;
    if (name === undefined || name === this.get(store)?.name) return null;
    this.q.rename.run(name, store);
    return name;
  }
}

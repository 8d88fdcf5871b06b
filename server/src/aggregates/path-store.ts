import { compareIds, compareZoneSequences, type PathReport, type ZoneId } from "@footfall/core";
import type { Db } from "../db/database.js";
import type { PathTally } from "../storage/types.js";
import { PATH_SEP } from "../analytics/visitor-derivation.js";
import type { Spans } from "./spans.js";

/** A bounded map that forgets the least recently used entries first. */
class Lru<K, V> {
  private readonly map = new Map<K, V>();
  constructor(
    private readonly capacity: number,
    private readonly weight: (v: V) => number = () => 1,
  ) {}
  private total = 0;
  get(k: K): V | undefined {
    const v = this.map.get(k);
    if (v !== undefined) {
      this.map.delete(k);
      this.map.set(k, v);
    }
    return v;
  }
  set(k: K, v: V): void {
    const old = this.map.get(k);
    if (old !== undefined) this.total -= this.weight(old);
    this.map.delete(k);
    this.map.set(k, v);
    this.total += this.weight(v);
    for (const [key, value] of this.map) {
      if (this.total <= this.capacity) break;
      this.map.delete(key);
      this.total -= this.weight(value);
    }
  }
  delete(k: K): void {
    const old = this.map.get(k);
    if (old !== undefined) this.total -= this.weight(old);
    this.map.delete(k);
  }
  clear(): void {
    this.map.clear();
    this.total = 0;
  }
}

export type { PathTally };

/**
 * Paths in storage: ids for zone sequences (a bounded cache in front of the `paths` table), trip
 * counts of any range from the day and hour rollups (each day's and hour's counts cached as a
 * typed array until a commit changes them), and the top paths in the contract's order without reading
 * every path's zones: the `paths_by_zones` index lists paths lexically, so ties at the cut are
 * settled by each path's place in it (walked once per store and kept).
 */
export class PathStore {
  private readonly ids = new Lru<string, number>(200_000);
  private readonly days = new Lru<string, Int32Array>(4 * 1024 * 1024, (a) => a.length);
  private readonly hours = new Lru<string, Int32Array>(2 * 1024 * 1024, (a) => a.length);
  private readonly nextId = new Map<string, number>();
  /** Per store, each path id's place in the `paths_by_zones` order, read once (-1: not there then). */
  private readonly ranks = new Lru<string, Int32Array>(8 * 1024 * 1024, (a) => a.length);
  private readonly q;

  constructor(private readonly db: Db) {
    this.q = {
      idOf: db.prepare<[string, string], { id: number }>("SELECT id FROM paths WHERE store = ? AND zones = ?"),
      maxId: db.prepare<[string], { id: number | null }>("SELECT MAX(id) AS id FROM paths WHERE store = ?"),
      insert: db.prepare("INSERT INTO paths (store, id, zones) VALUES (?, ?, ?)"),
      zonesOf: db.prepare<[string, number], { zones: string }>("SELECT zones FROM paths WHERE store = ? AND id = ?"),
      lexical: db.prepare<[string], { id: number }>("SELECT id FROM paths INDEXED BY paths_by_zones WHERE store = ? ORDER BY zones"),
      allZones: db.prepare<[string], { id: number; zones: string }>("SELECT id, zones FROM paths WHERE store = ?"),
      day: db.prepare<[string, number], [number, number]>("SELECT path, n FROM path_rollups WHERE store = ? AND grain = 1 AND t = ? AND n != 0"),
      hour: db.prepare<[string, number], [number, number]>("SELECT path, n FROM path_rollups WHERE store = ? AND grain = 0 AND t = ? AND n != 0"),
      trips: db.prepare<[string, number, number], [number]>("SELECT path FROM trips WHERE store = ? AND start_ts >= ? AND start_ts < ?"),
      transitions: db.prepare<[string, number, number, number], { from: string; to: string; n: number }>(
        "SELECT from_zone AS \"from\", to_zone AS \"to\", SUM(n) AS n FROM transition_rollups WHERE store = ? AND grain = ? AND t >= ? AND t < ? GROUP BY from_zone, to_zone",
      ),
      transitionAdd: db.prepare(
        "INSERT INTO transition_rollups (store, grain, t, from_zone, to_zone, n) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET n = n + excluded.n",
      ),
    };
    this.q.day.raw(true);
    this.q.hour.raw(true);
    this.q.trips.raw(true);
  }

  /** The id of a zone sequence key (zones joined by PATH_SEP), created when new. Inside the caller's transaction. */
  idOf(store: string, key: string): number {
    const cacheKey = `${store}\u0000${key}`;
    let id = this.ids.get(cacheKey);
    if (id !== undefined) return id;
    id = this.q.idOf.get(store, key)?.id;
    if (id === undefined) {
      id = this.nextId.get(store) ?? (this.q.maxId.get(store)?.id ?? -1) + 1;
      this.q.insert.run(store, id, key);
      this.nextId.set(store, id + 1);
    }
    this.ids.set(cacheKey, id);
    return id;
  }

  /** Add signed transition counts (inside the caller's transaction). */
  addTransition(store: string, grain: number, t: number, from: string, to: string, n: number): void {
    this.q.transitionAdd.run(store, grain, t, from, to, n);
  }

  /** A commit changed this day's rollups: its cached counts go. */
  touchedDay(store: string, day: number): void {
    this.days.delete(`${store}\u0000${day}`);
  }

  /** A commit changed this hour's rollups: its cached counts go. */
  touchedHour(store: string, hour: number): void {
    this.hours.delete(`${store}\u0000${hour}`);
  }

  /** Rollups were deleted (aggregate retention): every cached count goes. */
  dropCachedCounts(): void {
    this.days.clear();
    this.hours.clear();
  }

  /** After a rolled-back transaction: ids it created do not exist. */
  forget(): void {
    this.ids.clear();
    this.days.clear();
    this.hours.clear();
    this.nextId.clear();
    this.ranks.clear();
  }

  /**
   * Each path id's rank in the lexical order of the store's paths, walked once and kept: ids never
   * change their zones and are never reused, so ranks read earlier stay right; paths made since
   * are not ranked, and the caller orders those by their zones.
   */
  private lexicalRanks(store: string): Int32Array {
    let ranks = this.ranks.get(store);
    if (!ranks) {
      const ordered: number[] = [];
      let max = -1;
      for (const { id } of this.q.lexical.iterate(store)) {
        ordered.push(id);
        if (id > max) max = id;
      }
      ranks = new Int32Array(max + 1).fill(-1);
      for (let i = 0; i < ordered.length; i++) ranks[ordered[i]!] = i;
      this.ranks.set(store, ranks);
    }
    return ranks;
  }

  /** A day's (grain 1) or an hour's (grain 0) trips per path as [id, n, id, n, ...], cached until a commit changes them. */
  private rollupCounts(store: string, grain: 0 | 1, t: number): Int32Array {
    const cache = grain === 1 ? this.days : this.hours;
    const key = `${store}\u0000${t}`;
    let a = cache.get(key);
    if (!a) {
      const rows = (grain === 1 ? this.q.day : this.q.hour).all(store, t);
      a = new Int32Array(rows.length * 2);
      rows.forEach(([path, n], i) => {
        a![2 * i] = path;
        a![2 * i + 1] = n;
      });
      cache.set(key, a);
    }
    return a;
  }

  /**
   * Trips per path that started in the range of `spans`, summed in an array indexed by path id
   * (ids are dense per store): a month of a busy store is a pass over typed arrays, not a map.
   */
  private denseTally(store: string, spans: Spans): { counts: Int32Array; ids: number[]; trips: number } {
    let counts = new Int32Array((this.q.maxId.get(store)?.id ?? -1) + 1);
    const add = (id: number, n: number) => {
      if (id >= counts.length) {
        const grown = new Int32Array(id + 1 + (id >> 2)); // ids made since the size was read
        grown.set(counts);
        counts = grown;
      }
      counts[id] = counts[id]! + n;
    };
    const addAll = (a: Int32Array) => {
      for (let i = 0; i < a.length; i += 2) add(a[i]!, a[i + 1]!);
    };
    if (spans.days) for (let d = spans.days[0]; d < spans.days[1]; d++) addAll(this.rollupCounts(store, 1, d));
    for (const [a, b] of spans.hours) for (let h = a; h < b; h++) addAll(this.rollupCounts(store, 0, h));
    for (const [a, b] of spans.partials) for (const [id] of this.q.trips.iterate(store, a, b)) add(id, 1);
    let trips = 0;
    const ids: number[] = [];
    for (let id = 0; id < counts.length; id++) {
      const n = counts[id]!;
      if (n === 0) continue;
      ids.push(id);
      trips += n;
    }
    return { counts, ids, trips };
  }

  /** Trips per path that started in the range of `spans`. */
  tally(store: string, spans: Spans): PathTally {
    const t = this.denseTally(store, spans);
    return { ids: t.ids, counts: new Map(t.ids.map((id) => [id, t.counts[id]!])), trips: t.trips };
  }

  private zonesOf(store: string, id: number): string[] {
    const row = this.q.zonesOf.get(store, id);
    return row ? row.zones.split(PATH_SEP) : [];
  }

  /**
   * The paths report of a range, ordered as the domain's: the `limit` most frequent paths (count
   * desc, then zone by zone), every transition (count desc, then from, then to), every trip.
   */
  report(store: string, spans: Spans, limit: number): PathReport {
    const t = this.denseTally(store, spans);
    const byRank = (a: { zones: string[]; count: number }, b: { zones: string[]; count: number }) => b.count - a.count || compareZoneSequences(a.zones, b.zones);
    let paths: { zones: string[]; count: number }[];
    if (t.ids.length <= limit) {
      paths = t.ids.map((id) => ({ zones: this.zonesOf(store, id), count: t.counts[id]! })).sort(byRank);
    } else {
      // The count at the cut, the paths above it (fewer than `limit`), then the lexically first
      // paths at the cut, by walking the zones index (its order is the contract's).
      const sorted = Int32Array.from(t.ids, (id) => t.counts[id]!).sort(); // ascending, natively
      const threshold = sorted[sorted.length - limit]!;
      paths = t.ids
        .filter((id) => t.counts[id]! > threshold)
        .map((id) => ({ zones: this.zonesOf(store, id), count: t.counts[id]! }))
        .sort(byRank);
      const need = limit - paths.length;
      if (need > 0) {
        // Ranked ties in the index's order; paths made since the ranks were read sorted in by zones.
        const ranks = this.lexicalRanks(store);
        const ranked: number[] = [];
        const unranked: number[] = [];
        for (const id of t.ids) if (t.counts[id] === threshold) (id < ranks.length && ranks[id]! >= 0 ? ranked : unranked).push(id);
        ranked.sort((a, b) => ranks[a]! - ranks[b]!);
        let ties = ranked.slice(0, need).map((id) => ({ zones: this.zonesOf(store, id), count: threshold }));
        if (unranked.length > 0) ties = [...ties, ...unranked.map((id) => ({ zones: this.zonesOf(store, id), count: threshold }))].sort(byRank).slice(0, need);
        paths.push(...ties);
      }
    }
    return {
      paths: paths.slice(0, Math.max(0, limit)).map((p) => ({ zones: p.zones as ZoneId[], count: p.count })),
      transitions: this.transitions(store, spans),
      trips: t.trips,
    };
  }

  /** Every path with its trips in the range (zones included; for funnels and alias rules). */
  counts(store: string, spans: Spans): { zones: readonly string[]; count: number }[] {
    const t = this.denseTally(store, spans);
    if (t.ids.length === 0) return [];
    const out: { zones: readonly string[]; count: number }[] = [];
    if (t.ids.length < 500) for (const id of t.ids) out.push({ zones: this.zonesOf(store, id), count: t.counts[id]! });
    else for (const r of this.q.allZones.iterate(store)) if (t.counts[r.id]) out.push({ zones: r.zones.split(PATH_SEP), count: t.counts[r.id]! });
    return out;
  }

  private transitions(store: string, spans: Spans): PathReport["transitions"] {
    const sums = new Map<string, { from: string; to: string; count: number }>();
    const add = (from: string, to: string, n: number) => {
      const key = `${from}\u0000${to}`;
      const s = sums.get(key);
      if (s) s.count += n;
      else sums.set(key, { from, to, count: n });
    };
    if (spans.days) for (const r of this.q.transitions.iterate(store, 1, spans.days[0], spans.days[1])) add(r.from, r.to, r.n);
    for (const [a, b] of spans.hours) for (const r of this.q.transitions.iterate(store, 0, a, b)) add(r.from, r.to, r.n);
    for (const [a, b] of spans.partials) {
      for (const [id] of this.q.trips.all(store, a, b)) {
        const zones = this.zonesOf(store, id);
        for (let i = 1; i < zones.length; i++) add(zones[i - 1]!, zones[i]!, 1);
      }
    }
    return [...sums.values()]
      .filter((s) => s.count !== 0)
      .sort((a, b) => b.count - a.count || compareIds(a.from, b.from) || compareIds(a.to, b.to))
      .map((s) => ({ from: s.from as ZoneId, to: s.to as ZoneId, count: s.count }));
  }
}

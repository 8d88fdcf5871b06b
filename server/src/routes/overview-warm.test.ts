import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { presetRange } from "../../../floorplan-ui/src/model/range.js";
import { EventFactory, smallLayout, type FootfallEvent } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";
import { firstFiguresOf } from "../analytics/first-figures.js";
import { chainFigures, openFrom, piecesOf, SketchMemo } from "../chain/figures.js";
import { spansOf, type Spans } from "../aggregates/spans.js";
import { comparedPeriods, presetRequest, STANDARD_PRESETS, standardPeriods, subjectsOf, type Range } from "./overview-warm.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Wednesday 2 Dec 2026, 15:30 UTC. */
const NOW = Date.UTC(2026, 11, 2, 15, 30);
const STORES = { paris: "Europe/Paris", ny: "America/New_York", tokyo: "Asia/Tokyo" } as const;
const ZONES = ["Europe/Paris", "America/New_York", "Asia/Tokyo", "Asia/Kolkata", "Australia/Adelaide", "UTC", "Pacific/Chatham"];

describe("the chain view's periods", () => {
  it("are the ones floorplan-ui's chain view asks for, in whole hours, at any instant and in any zone", () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }), fc.constantFrom(...ZONES), fc.constantFrom(...STANDARD_PRESETS), (now, tz, preset) => {
        // floorplan-ui/src/views/Chain.tsx: the preset's range at the minute, from floored and to ceiled to the hour.
        const r = presetRange(preset, Math.floor(now / 60_000) * 60_000, tz);
        expect(presetRequest(preset, now, tz)).toEqual({ from: Math.floor(r.from / HOUR) * HOUR, to: Math.ceil(r.to / HOUR) * HOUR });
      }),
      { numRuns: 300 },
    );
  });

  it("match the chain view's on days that skip midnight (the day starts at 01:00) and after a southern DST end", () => {
    for (const [tz, at] of [
      ["America/Santiago", "2024-09-08T15:00:00Z"],
      ["America/Havana", "2026-03-08T15:00:00Z"],
      ["Australia/Adelaide", "2029-04-02T14:29:00Z"],
    ] as const) {
      const now = Date.parse(at);
      for (const preset of STANDARD_PRESETS) {
        const r = presetRange(preset, now, tz);
        expect(presetRequest(preset, now, tz), `${tz} ${preset}`).toEqual({ from: Math.floor(r.from / HOUR) * HOUR, to: Math.ceil(r.to / HOUR) * HOUR });
      }
    }
  });

  it("read ahead cover the memo's part of every period compared, for every zone", () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }), fc.subarray(ZONES, { minLength: 1 }), (now, zones) => {
        const keys = new Set(standardPeriods(now, zones).map((p) => SketchMemo.key(p.from, p.to)));
        for (const tz of zones)
          for (const preset of STANDARD_PRESETS) {
            const c = comparedPeriods(presetRequest(preset, now, tz), now);
            for (const p of [c.range, c.previous, c.lastYear]) {
              // What chainFigures keeps: [from, cut) with cut = the start of the hour before the current one, within the period.
              const cut = Math.min(p.to, Math.max(p.from, openFrom(now)));
              if (cut > p.from) expect(keys.has(SketchMemo.key(p.from, cut)), `${tz} ${preset}`).toBe(true);
            }
          }
      }),
      { numRuns: 200 },
    );
  });
});

describe("the memo of periods", () => {
  it("keeps pinned periods however many others are asked, and the last ones asked besides", () => {
    const memo = new SketchMemo(3);
    memo.pin([{ from: 0, to: HOUR }]);
    memo.period(0, HOUR).set("s", { aside: "", stamp: 1, rows: 1, visits: 1, firsts: 1, hist: new Float64Array(1) });
    for (let i = 1; i <= 20; i++) memo.period(i * HOUR, (i + 1) * HOUR).set("s", { aside: "", stamp: 1, rows: 1, visits: 1, firsts: 1, hist: new Float64Array(1) });
    expect(memo.stores(0, HOUR)).toBe(1);
    expect([18, 19, 20].map((i) => memo.stores(i * HOUR, (i + 1) * HOUR))).toEqual([1, 1, 1]);
    expect(memo.stores(17 * HOUR, 18 * HOUR)).toBe(0);
    // Pinned no more: the period is then the oldest asked, and goes first.
    memo.pin([]);
    expect(memo.stores(0, HOUR)).toBe(0);
  });

  it("splits a period of whole hours into pieces both memos keep: in time order, end to end, each a whole UTC day or a run of hours, no UTC day in two", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2000 * 24 }), fc.integer({ min: 1, max: 30 * 24 }), (a, n) => {
        const pieces = piecesOf(spansOf(a * HOUR, (a + n) * HOUR));
        const runs = pieces.map((p) => p.spans.whole!);
        expect(runs[0]![0]).toBe(a);
        expect(runs.at(-1)![1]).toBe(a + n);
        for (let i = 0; i + 1 < runs.length; i++) expect(runs[i]![1]).toBe(runs[i + 1]![0]);
        const days = pieces.map((p) => {
          const [x, y] = p.spans.whole!;
          if (p.key.startsWith("d")) expect([p.key, x % 24, y - x]).toEqual([`d${x / 24}`, 0, 24]);
          else expect(p.key).toBe(`h${x}-${y}`);
          return [Math.floor(x / 24), Math.floor((y - 1) / 24)] as const;
        });
        for (let i = 0; i + 1 < days.length; i++) expect(days[i]![1]).toBeLessThan(days[i + 1]![0]);
      }),
    );
  });

  it("keeps the days of pinned periods, and of the others at most so many store-days, the least recently used going first", () => {
    const memo = new SketchMemo(3, undefined, 4);
    const entry = { aside: "", stamp: 1, rows: 1, visits: 1, firsts: 1, hist: new Uint16Array(1) };
    // A pinned period of two whole days: its pieces are those days.
    memo.pin([{ from: 0, to: 2 * DAY }]);
    expect(piecesOf(spansOf(0, 2 * DAY)).map((p) => p.key)).toEqual(["d0", "d1"]);
    expect(piecesOf(spansOf(DAY - 2 * HOUR, 2 * DAY + 3 * HOUR)).map((p) => p.key)).toEqual(["h22-24", "d1", "h48-51"]);
    for (const s of ["a", "b", "c"]) memo.pieces.set("d0", s, entry);
    for (let d = 5; d < 9; d++) for (const s of ["a", "b"]) memo.pieces.set(`d${d}`, s, entry);
    memo.pieces.piece("d6"); // used again: d5 and d7 are the least recently used
    memo.pieces.evict();
    expect(memo.pieces.size()).toBe(3 + 4);
    expect(["d0", "d5", "d6", "d7", "d8"].map((k) => memo.pieces.piece(k).size)).toEqual([3, 0, 2, 0, 2]);
  });
});

describe("standard periods read ahead", () => {
  const t = useTestServer({ now: () => NOW, maxAgeMs: 450 * DAY });
  const api = (url: string) => t.get(`/api/v1${url}`);

  beforeAll(async () => {
    for (const [store, timezone] of Object.entries(STORES)) await t.putLayout(store, smallLayout({ name: store, timezone }));
    for (const [si, store] of Object.keys(STORES).entries()) {
      const f = new EventFactory("cam-1");
      const events: FootfallEvent[] = [];
      // Every day of the last 62 days and of the same days a year before (364 days), and today up to now: the current hour and the one before included.
      const days = [...Array.from({ length: 62 }, (_, d) => NOW - (d + 1) * DAY), ...Array.from({ length: 62 }, (_, d) => NOW - 364 * DAY - (d - 2) * DAY)];
      for (const [d, dayTs] of days.entries()) {
        const start = Math.floor(dayTs / DAY) * DAY;
        for (let i = 0; i < 3 + ((d + si) % 4); i++) {
          const v = `${store}-${d}-${i}`;
          const t0 = start + (6 + ((i * 5 + d) % 14)) * HOUR + i * 60_000;
          events.push(...f.visit(v, "entrance", t0, 8_000), ...f.visit(v, "fruit", t0 + 10_000, (40 + ((i * 53 + d * 7) % 300)) * 1000));
        }
      }
      const today = Math.floor(NOW / DAY) * DAY;
      for (const [i, at] of [today + 2 * HOUR, today + 9 * HOUR, NOW - 80 * 60_000, NOW - 40 * 60_000, NOW - 20 * 60_000].entries()) {
        const v = `${store}-today-${i}`;
        events.push(...f.visit(v, "entrance", at, 5_000), ...f.visit(v, "bakery", at + 6_000, (60 + i * 90) * 1000));
      }
      for (let i = 0; i < events.length; i += 900) await t.ingest(store, "cam-1", events.slice(i, i + 900));
    }
  }, 120_000);

  /** Every (store, spans) the sketches were read for while `fn` ran. */
  async function sketchReads<T>(fn: () => Promise<T>): Promise<{ result: T; reads: { call: string; spans: Spans; stores: number }[] }> {
    const chain = t.server.services.storage.chain;
    const reads: { call: string; spans: Spans; stores: number }[] = [];
    const saved = { storeSketches: chain.storeSketches, zoneSketches: chain.zoneSketches, sketches: chain.sketches };
    chain.storeSketches = (stores, spans) => (reads.push({ call: "storeSketches", spans, stores: stores.length }), saved.storeSketches.call(chain, stores, spans));
    chain.zoneSketches = (zones, spans) => (reads.push({ call: "zoneSketches", spans, stores: zones.length }), saved.zoneSketches.call(chain, zones, spans));
    chain.sketches = (stores, spans, include) => (reads.push({ call: "sketches", spans, stores: stores.length }), saved.sketches.call(chain, stores, spans, include));
    try {
      return { result: await fn(), reads: reads.filter((r) => r.stores > 0) };
    } finally {
      Object.assign(chain, saved);
    }
  }

  /** The figures of every store for a period, read whole from storage (no memo, no cut), with when its figures and till feed begin, as the route reads them. */
  async function direct(p: Range) {
    const { services } = t.server;
    const subjects = subjectsOf(services, await services.storage.stores.list(), NOW);
    const [starts, sold] = await Promise.all([firstFiguresOf(t.server.app, subjects), services.storage.chain.firstSales(subjects.map((s) => s.id))]);
    const firsts = new Map(subjects.map((s) => [s.id, { first: starts.get(s.id) ?? null, timeZone: s.timezone, firstSale: sold.get(s.id) ?? null }]));
    const m = await chainFigures(services.storage, subjects, p, () => Promise.reject(new Error("no layout changes here")), undefined, undefined, firsts);
    return Object.fromEntries([...m].map(([id, f]) => [id, { ...f.figures, closed: undefined }]));
  }

  it("answers each preset of each store's zone from memory, reading fresh only the current hour and the one before", async () => {
    const overview = t.server.services.overview!;
    const first = await overview.warm(); // may be the read begun at listen, before the stores existed
    const result = first.stores === 3 ? first : await overview.warm();
    expect(result.stores).toBe(3);
    expect(result.periods).toBeGreaterThan(12);
    expect(result.read).toBeGreaterThan(0);
    // Read again at once: everything is held (no store read).
    expect((await overview.warm()).read).toBe(0);
    const memo = overview.memo;
    const open = openFrom(NOW);
    for (const tz of Object.values(STORES))
      for (const preset of STANDARD_PRESETS) {
        const asked = presetRequest(preset, NOW, tz);
        const before = { hits: memo.hits, misses: memo.misses };
        const { result: res, reads } = await sketchReads(() => api(`/overview?from=${asked.from}&to=${asked.to}`));
        expect(res.status, res.text).toBe(200);
        // No store read for the memo's part; the sketches read are those of the open hours only.
        expect(memo.misses - before.misses, `${tz} ${preset}`).toBe(0);
        expect(memo.hits - before.hits, `${tz} ${preset}`).toBeGreaterThan(0);
        for (const r of reads) expect(r.spans.whole?.[0], `${tz} ${preset} ${r.call}`).toBeGreaterThanOrEqual(open / HOUR);
        // A period over before the open hours (yesterday, except in Tokyo whose yesterday ends at 15:00 UTC) reads no sketch at all.
        if (asked.to <= open) expect(reads, `${tz} ${preset}`).toEqual([]);
        if (preset === "yesterday" && tz !== "Asia/Tokyo") expect(asked.to).toBeLessThanOrEqual(open);
        // And the figures are those read whole.
        const c = comparedPeriods(asked, NOW);
        for (const [key, p] of [["figures", c.range], ["previous", c.previous], ["lastYear", c.lastYear]] as const) {
          const expected = await direct(p);
          for (const row of res.body.stores as { id: string; figures: object; previous: object; lastYear: object }[]) expect(row[key], `${tz} ${preset} ${key} ${row.id}`).toEqual({ ...expected[row.id], closed: undefined });
        }
      }
    const utcToday = presetRequest("today", NOW, "UTC");
    const today = (await api(`/overview?from=${utcToday.from}&to=${utcToday.to}`)).body;
    expect(today.stores.every((r: { figures: { enters: number } }) => r.figures.enters === 5)).toBe(true);
    const hits = await t.server.services.metrics.overviewMemo.get();
    expect(hits.values.find((v) => v.labels.answer === "hit")?.value).toBeGreaterThan(0);
    expect(hits.values.find((v) => v.labels.answer === "warmed")?.value).toBeGreaterThan(0);
  });

  it("takes events of the open hours into a live period without reading its memoised part again", async () => {
    const overview = t.server.services.overview!;
    await overview.warm();
    const asked = presetRequest("last7", NOW, "Europe/Paris");
    const before = (await api(`/overview?from=${asked.from}&to=${asked.to}`)).body.stores as { id: string; figures: { enters: number } }[];
    const f = new EventFactory("cam-2");
    await t.ingest("paris", "cam-2", [...f.visit("late-now", "entrance", NOW - 10 * 60_000, 4_000), ...f.visit("late-now", "fruit", NOW - 9 * 60_000, 300_000)]);
    const missesBefore = overview.memo.misses;
    const { result: res, reads } = await sketchReads(() => api(`/overview?from=${asked.from}&to=${asked.to}`));
    expect(overview.memo.misses).toBe(missesBefore);
    for (const r of reads) expect(r.spans.whole?.[0]).toBeGreaterThanOrEqual(openFrom(NOW) / HOUR);
    const after = res.body.stores as { id: string; figures: { enters: number } }[];
    expect(after.find((r) => r.id === "paris")!.figures.enters).toBe(before.find((r) => r.id === "paris")!.figures.enters + 1);
    const c = comparedPeriods(asked, NOW);
    const expected = await direct(c.range);
    for (const row of after) expect(row.figures).toEqual({ ...expected[row.id], closed: undefined });
  });
});

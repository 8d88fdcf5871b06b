import { beforeAll, describe, expect, it } from "vitest";
import { EventFactory, smallLayout, type FootfallEvent } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";
import { SalesMemo } from "../chain/figures.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Wednesday 2 Dec 2026, 15:30 UTC. */
const NOW = Date.UTC(2026, 11, 2, 15, 30);
/** The last 7 whole UTC days. */
const TO = Date.UTC(2026, 11, 2);
const FROM = TO - 7 * DAY;
const RANGE = `from=${FROM}&to=${TO}`;
const STORES = { lille: "Europe/Paris", nyc: "America/New_York", lyon: "Europe/Paris" } as const;
type StoreId = keyof typeof STORES;

const t = useTestServer({ now: () => NOW, maxAgeMs: 400 * DAY });
/** Every closed dwell (ms) counting in a store's dwell (core's: outside entrances, checkouts and queues), by store and day start. */
const dwells = new Map<string, { ts: number; ms: number }[]>();

/** A day of a store: `n` visitors through the entrance, most on to the fruit, some to the till. */
function day(f: EventFactory, store: StoreId, start: number, n: number): FootfallEvent[] {
  const out: FootfallEvent[] = [];
  for (let i = 0; i < n; i++) {
    const v = `${store}-d${Math.round(start / DAY) % 1000}-v${i}`;
    const t0 = start + 9 * HOUR + i * 7 * 60_000;
    out.push(...f.visit(v, "entrance", t0, 10_000));
    if (i % 4 !== 3) {
      const ms = (30 + ((i * 37) % 200)) * 1000;
      out.push(...f.visit(v, "fruit", t0 + 20_000, ms));
      (dwells.get(store) ?? dwells.set(store, []).get(store)!).push({ ts: t0 + 20_000, ms });
    }
    // A till visit: paying, not a stay (no part of the store's median dwell).
    if (i % 3 === 0) out.push(...f.visit(v, "checkout", t0 + 300_000, 60_000));
  }
  // A second visit of the first visitor: a visit more, no visitor more.
  if (n > 0) out.push(...f.visit(`${store}-d${Math.round(start / DAY) % 1000}-v0`, "entrance", start + 20 * HOUR, 5000));
  return out;
}

const api = (url: string, token: string | null = t.admin) => t.get(`/api/v1${url}`, token);

beforeAll(async () => {
  for (const [store, timezone] of Object.entries(STORES)) await t.putLayout(store, smallLayout({ name: store.toUpperCase(), timezone }));
  const size: Record<StoreId, number> = { lille: 12, nyc: 5, lyon: 8 };
  for (const store of Object.keys(STORES) as StoreId[]) {
    const f = new EventFactory("cam-1");
    const events: FootfallEvent[] = [];
    // This week, the week before, and the same weeks a year (364 days) before.
    for (const base of [FROM, FROM - 7 * DAY, FROM - 364 * DAY, FROM - 371 * DAY]) {
      for (let d = 0; d < 7; d++) events.push(...day(f, store, base + d * DAY, size[store] + d + (base === FROM ? 0 : base === FROM - 7 * DAY ? -2 : -4)));
    }
    // Today so far: two people still inside (occupancy now), in Lille.
    if (store === "lille") events.push(f.enter("now-1", "fruit", NOW - 60_000), f.enter("now-2", "entrance", NOW - 120_000));
    for (let i = 0; i < events.length; i += 900) await t.ingest(store, "cam-1", events.slice(i, i + 900));
  }
  // Lyon has a door counter too: 9 in and 4 out today (its occupancy comes from the door), 3 in last week.
  const door = new EventFactory("door-1");
  await t.ingest("lyon", "door-1", [door.count("entrance", Date.UTC(2026, 11, 2, 9), 9, 4), door.count("entrance", FROM + 2 * DAY + 10 * HOUR, 3, 3)]);
  // Tills: a few sales in Lille and Lyon this week.
  for (const [store, n] of [["lille", 6], ["lyon", 3]] as const) {
    const sales = Array.from({ length: n }, (_, i) => ({ ts: FROM + i * DAY + 12 * HOUR, zone: "checkout", amount: 10 + i, transaction: `${store}-${i}` }));
    const res = await t.server.app.inject({ method: "POST", url: `/api/v1/stores/${store}/sales`, headers: { authorization: `Bearer ${t.admin}` }, payload: { sales } });
    expect(res.statusCode).toBe(200);
  }
  const { storage } = t.server.services;
  await storage.agents.add("lille", "cam-1", "camera", NOW);
  await storage.agents.add("lille", "cam-2", "camera", NOW);
  // A live status (received at NOW): heard from, so not silent.
  await storage.agents.recordStatus("lille", "cam-1", { state: "online", ts: NOW, kind: "camera", version: "1.0.0" }, NOW);
  await storage.groups.create("north", "North", "region", NOW);
  await storage.groups.setStores("north", ["lille", "nyc"]);
}, 120_000);

/** The per-store views' figures for a range. */
async function perStore(store: string, from: number, to: number) {
  const q = `from=${from}&to=${to}`;
  const traffic = (await api(`/stores/${store}/traffic?${q}&bucket=day`)).body.buckets as { enters: number }[];
  const dwell = (await api(`/stores/${store}/dwell?${q}`)).body.zones as { zone: string; visitors: number }[];
  const conversion = (await api(`/stores/${store}/conversion?${q}`)).body.store;
  // No till feed before the range's end (no sale stored before it, GET /sales/days' rule): no sales data, not 0.
  const fed = (await t.server.services.storage.sales.totals(store, 0, to)).transactions > 0;
  return {
    enters: traffic.reduce((n, b) => n + b.enters, 0),
    visitors: dwell.find((z) => z.zone === "entrance")!.visitors,
    transactions: fed ? conversion.transactions : null,
    sales: fed ? conversion.sales : null,
    conversion: conversion.conversion,
    averageBasket: conversion.averageBasket,
  };
}

/** The exact median (s) of the closed visits outside entrances entered in [from, to). */
function exactMedian(store: string, from: number, to: number): number | null {
  const xs = (dwells.get(store) ?? []).filter((d) => d.ts >= from && d.ts < to).map((d) => d.ms).sort((a, b) => a - b);
  if (!xs.length) return null;
  const n = xs.length;
  return (n % 2 ? xs[(n - 1) / 2]! : (xs[n / 2 - 1]! + xs[n / 2]!) / 2) / 1000;
}

interface Figures {
  enters: number | null;
  visitors: number | null;
  transactions: number | null;
  sales: number | null;
  conversion: number | null;
  averageBasket: number | null;
  dwellMedianS: number | null;
}
interface Row {
  id: string;
  name: string;
  groups: string[];
  figures: Figures;
  previous: Figures;
  lastYear: Figures;
  occupancy: number;
  occupancyFrom: string;
  agents: { agents: number; online: number; health: string; problems: number };
}

describe("GET /api/v1/overview", () => {
  it("gives each store the per-store views' figures, for the range, the previous period and the same weekdays a year before", async () => {
    const res = await api(`/overview?${RANGE}`);
    expect(res.status).toBe(200);
    expect(res.body.range).toEqual({ from: FROM, to: TO });
    expect(res.body.previous).toEqual({ from: FROM - 7 * DAY, to: FROM });
    expect(res.body.lastYear).toEqual({ from: FROM - 364 * DAY, to: TO - 364 * DAY });
    const rows = res.body.stores as Row[];
    expect(rows.map((r) => r.id)).toEqual(["lille", "lyon", "nyc"]);
    for (const r of rows) {
      for (const [key, from, to] of [
        ["figures", FROM, TO],
        ["previous", FROM - 7 * DAY, FROM],
        ["lastYear", FROM - 364 * DAY, TO - 364 * DAY],
      ] as const) {
        const expected = await perStore(r.id, from, to);
        expect({ ...r[key], dwellMedianS: undefined }, `${r.id} ${key}`).toEqual({ ...expected, dwellMedianS: undefined });
        const median = exactMedian(r.id, from, to)!;
        expect(Math.abs(r[key].dwellMedianS! - median), `${r.id} ${key} median`).toBeLessThanOrEqual(Math.max(1, median * 0.01));
      }
    }
    const lyon = rows.find((r) => r.id === "lyon")!;
    expect(lyon.figures.enters).toBeGreaterThan(lyon.figures.visitors!);
    expect(rows.find((r) => r.id === "lille")!.figures.conversion).toBeGreaterThan(0);
    // NYC has enters and no sale ever stored (no till feed): no transactions, sales or conversion (null, no data), not 0.
    expect(rows.find((r) => r.id === "nyc")!.figures).toMatchObject({ transactions: null, sales: null, conversion: null });
    expect(rows.find((r) => r.id === "nyc")!.figures.enters).toBeGreaterThan(0);
  });

  it("gives occupancy now as the live view does, and agent health", async () => {
    const rows = (await api(`/overview?${RANGE}`)).body.stores as Row[];
    for (const r of rows) {
      const live = (await api(`/stores/${r.id}/occupancy`)).body;
      expect(r.occupancy, r.id).toBe(live.total);
      expect(r.occupancyFrom, r.id).toBe(live.totalFrom);
    }
    const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
    expect(byId.lille!.occupancy).toBe(2);
    expect(byId.lyon).toMatchObject({ occupancy: 5, occupancyFrom: "door" });
    // cam-2 never seen needs attention (the Agents view's rule); cam-1, online and heard from, does not.
    expect(byId.lille!.agents).toEqual({ agents: 2, online: 1, health: "degraded", lastEventTs: null, problems: 1 });
    expect(byId.nyc!.agents.health).toBe("none");
    // An agent online by its last word but not heard from for 2 min (its statuses come every 30 s): all online, yet it needs attention (silent).
    await t.server.services.storage.agents.add("nyc", "door-1", "door", NOW - DAY);
    await t.server.services.storage.agents.recordStatus("nyc", "door-1", { state: "online", ts: NOW - 120_000, kind: "door", version: "1.0.0" }, NOW - 120_000);
    const nyc = ((await api(`/overview?${RANGE}`)).body.stores as Row[]).find((r) => r.id === "nyc")!;
    expect(nyc.agents).toEqual({ agents: 1, online: 1, health: "ok", lastEventTs: null, problems: 1 });
  });

  it("counts a store's door occupancy from its last closing when it has opening hours, as the live view does", async () => {
    const put = (hours: object | null) =>
      t.server.app.inject({ method: "PUT", url: "/api/v1/stores/lyon/hours", headers: { authorization: `Bearer ${t.admin}` }, payload: { hours } });
    // Open 10:00-12:00 on Wednesdays (Paris): the 9 in and 4 out at 10:00 were before today's closing at 12:00.
    const weekly = { mon: [], tue: [], wed: [{ open: "10:00", close: "12:00" }], thu: [], fri: [], sat: [], sun: [] };
    expect((await put({ weekly, exceptions: [] })).statusCode).toBe(200);
    try {
      const lyon = ((await api(`/overview?${RANGE}`)).body.stores as Row[]).find((r) => r.id === "lyon")!;
      const live = (await api("/stores/lyon/occupancy")).body;
      expect(lyon.occupancy).toBe(live.total);
      expect(lyon.occupancy).toBe(0);
    } finally {
      expect((await put(null)).statusCode).toBe(200);
    }
  });

  it("totals every store listed, and each group over its stores", async () => {
    const body = (await api(`/overview?${RANGE}`)).body;
    const rows = body.stores as Row[];
    const sum = (k: "enters" | "visitors" | "transactions", rs: Row[]) => rs.reduce((n, r) => n + r.figures[k]!, 0);
    expect(body.totals).toMatchObject({ id: null, stores: 3, occupancy: rows.reduce((n, r) => n + r.occupancy, 0) });
    expect(body.totals.figures.enters).toBe(sum("enters", rows));
    expect(body.totals.figures.transactions).toBe(sum("transactions", rows));
    // Conversion over the stores with a sale recorded: NYC's sales are not imported, its enters are left out.
    const sold = rows.filter((r) => r.figures.transactions! > 0);
    expect(sold.map((r) => r.id)).toEqual(["lille", "lyon"]);
    expect(body.totals.figures.conversion).toBeCloseTo(sum("transactions", rows) / sum("enters", sold), 6);
    const north = rows.filter((r) => r.groups.includes("north"));
    expect(north.map((r) => r.id)).toEqual(["lille", "nyc"]);
    expect(body.groups).toHaveLength(1);
    expect(body.groups[0]).toMatchObject({ id: "north", name: "North", stores: 2 });
    expect(body.groups[0].figures.enters).toBe(sum("enters", north));
    expect(body.groups[0].previous.visitors).toBe(north.reduce((n, r) => n + r.previous.visitors!, 0));
  });

  it("lists only a group's stores with ?group=, totalled under the group's name", async () => {
    const body = (await api(`/overview?${RANGE}&group=north`)).body;
    expect(body.stores.map((r: Row) => r.id)).toEqual(["lille", "nyc"]);
    expect(body.totals).toMatchObject({ name: "North", stores: 2 });
    expect((await api(`/overview?${RANGE}&group=nope`)).status).toBe(404);
  });

  it("sorts by a figure, descending by default, ties and nulls last by name", async () => {
    const ids = async (q: string) => ((await api(`/overview?${RANGE}&${q}`)).body.stores as Row[]).map((r) => r.id);
    const rows = (await api(`/overview?${RANGE}`)).body.stores as Row[];
    const byEnters = [...rows].sort((a, b) => b.figures.enters! - a.figures.enters!).map((r) => r.id);
    expect(await ids("sort=enters")).toEqual(byEnters);
    const byEntersAsc = [...rows].sort((a, b) => a.figures.enters! - b.figures.enters! || (a.name < b.name ? -1 : 1)).map((r) => r.id);
    expect(await ids("sort=enters&order=asc")).toEqual(byEntersAsc);
    expect(await ids("sort=name&order=desc")).toEqual(["nyc", "lyon", "lille"]);
    // nyc has no sales: its average basket is null and comes last either way.
    expect((await ids("sort=averageBasket")).at(-1)).toBe("nyc");
    expect((await ids("sort=averageBasket&order=asc")).at(-1)).toBe("nyc");
    expect(await ids("sort=occupancy")).toEqual(["lyon", "lille", "nyc"]);
  });

  it("cuts a range that ends in the future at the current hour, and compares periods as long", async () => {
    const today = Date.UTC(2026, 11, 2);
    const body = (await api(`/overview?from=${today}&to=${today + DAY}`)).body;
    expect(body.range).toEqual({ from: today, to: Date.UTC(2026, 11, 2, 16) });
    // Still running: the same stretch of the day before (overview-previous.test.ts), not the 16 hours before midnight.
    expect(body.previous).toEqual({ from: today - DAY, to: today - DAY + 16 * HOUR });
  });

  it("answers the 24 hours up to the end of the current hour when asked without a range", async () => {
    for (const query of ["", "?sort=enters"]) {
      const res = await api(`/overview${query}`);
      expect(res.status, query).toBe(200);
      expect(res.body.range, query).toEqual({ from: Date.UTC(2026, 11, 1, 16), to: Date.UTC(2026, 11, 2, 16) });
    }
    const to = Date.UTC(2026, 11, 2, 10);
    expect((await api(`/overview?to=${to}`)).body.range).toEqual({ from: to - DAY, to });
  });

  it("refuses a range that does not fall on whole hours, saying why", async () => {
    const res = await api(`/overview?from=${FROM + 60_000}&to=${TO}`);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/whole hours/);
  });

  it("gives a custom range (whole hours, not whole days) the per-store views' figures, and puts an overlapping one together from the days already read", async () => {
    const chain = t.server.services.storage.chain;
    /** The sketch reads (their spans) while `fn` runs. */
    const reads = async <T>(fn: () => Promise<T>) => {
      const seen: { days: [number, number] | null; hours: [number, number][] }[] = [];
      const saved = { storeSketches: chain.storeSketches, zoneSketches: chain.zoneSketches };
      chain.storeSketches = (stores, spans) => (stores.length && seen.push(spans), saved.storeSketches.call(chain, stores, spans));
      chain.zoneSketches = (zones, spans) => (zones.length && seen.push(spans), saved.zoneSketches.call(chain, zones, spans));
      try {
        return { result: await fn(), seen };
      } finally {
        Object.assign(chain, saved);
      }
    };
    const check = async (from: number, to: number) => {
      const { result: res, seen } = await reads(() => api(`/overview?from=${from}&to=${to}`));
      expect(res.status).toBe(200);
      const body = res.body as { range: { from: number; to: number }; previous: { from: number; to: number }; lastYear: { from: number; to: number }; stores: Row[] };
      expect(body.range).toEqual({ from, to });
      for (const r of body.stores)
        for (const key of ["figures", "previous", "lastYear"] as const) {
          const p = key === "figures" ? body.range : body[key];
          const expected = await perStore(r.id, p.from, p.to);
          expect({ ...r[key], dwellMedianS: undefined }, `${r.id} ${key}`).toEqual({ ...expected, dwellMedianS: undefined });
          const median = exactMedian(r.id, p.from, p.to);
          if (median === null) expect(r[key].dwellMedianS, `${r.id} ${key} median`).toBeNull();
          else expect(Math.abs(r[key].dwellMedianS! - median), `${r.id} ${key} median`).toBeLessThanOrEqual(Math.max(1, median * 0.01));
        }
      return { body, seen };
    };
    // Four days and 14 hours from 05:00 UTC (New York's midnight): its previous period reaches into the week before.
    const from = FROM + DAY + 5 * HOUR;
    await check(from, from + 4 * DAY + 14 * HOUR);
    // One day longer at the end: its days were read for the first (or for the weeks asked before), only the hours at the edges are read.
    const second = await check(from, from + 5 * DAY + 14 * HOUR);
    for (const s of second.seen) expect(s.days, JSON.stringify(s)).toBeNull();
    // And asked again: nothing read at all, the same answer.
    const again = await check(from, from + 5 * DAY + 14 * HOUR);
    expect(again.seen).toEqual([]);
    expect(again.body.stores).toEqual(second.body.stores);
  });

  it("keeps sales sums while no sale of the store in the period is stored, and reads that store's sum again after an import", async () => {
    const sales = t.server.services.overview!.memo.sales;
    const first = (await api(`/overview?${RANGE}`)).body.stores as Row[];
    const before = { hits: sales.hits, misses: sales.misses };
    expect((await api(`/overview?${RANGE}`)).body.stores).toEqual(first);
    expect(sales.misses).toBe(before.misses);
    // Three stores, three periods of seven UTC days each: every store-day from memory.
    expect(sales.hits - before.hits).toBe(3 * 3 * 7);
    // A till transaction of Lyon, in the range: only Lyon's sum of the range is read again.
    const sale = { ts: FROM + 4 * DAY + 15 * HOUR, zone: "checkout", amount: 12.25, transaction: "lyon-late" };
    const res = await t.server.app.inject({ method: "POST", url: "/api/v1/stores/lyon/sales", headers: { authorization: `Bearer ${t.admin}` }, payload: { sales: [sale] } });
    expect(res.statusCode).toBe(200);
    const misses = sales.misses;
    const after = (await api(`/overview?${RANGE}`)).body.stores as Row[];
    // Only the day of the sale, of Lyon, is read again.
    expect(sales.misses - misses).toBe(1);
    const lyon = after.find((r) => r.id === "lyon")!;
    expect(lyon.figures.transactions).toBe(first.find((r) => r.id === "lyon")!.figures.transactions! + 1);
    const expected = await perStore("lyon", FROM, TO);
    expect({ ...lyon.figures, dwellMedianS: undefined }).toEqual({ ...expected, dwellMedianS: undefined });
    expect(after.filter((r) => r.id !== "lyon")).toEqual(first.filter((r) => r.id !== "lyon"));
    expect({ ...lyon, figures: null }).toEqual({ ...first.find((r) => r.id === "lyon")!, figures: null });
  });

  it("sums amounts that are not whole to the same last bit as the conversion view, for ranges cut anywhere in a day", async () => {
    // Amounts whose sum depends on the order of the additions, at every hour of Lille's week and the week before.
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const sales = Array.from({ length: 400 }, (_, i) => ({ ts: FROM - 7 * DAY + Math.floor(rand() * 14 * DAY), zone: "checkout", amount: Math.round(rand() * 1e9) / 1e7 + 0.1, transaction: `lille-odd-${i}` }));
    const res = await t.server.app.inject({ method: "POST", url: "/api/v1/stores/lille/sales", headers: { authorization: `Bearer ${t.admin}` }, payload: { sales } });
    expect(res.statusCode).toBe(200);
    // Unrounded: the memo's sums (read, then from memory) against the conversion view's storage totals, over ranges of whole hours anywhere.
    const { storage } = t.server.services;
    const memo = t.server.services.overview!.memo.sales;
    for (let i = 0; i < 60; i++) {
      const a = FROM - 7 * DAY + Math.floor(rand() * 13 * 24) * HOUR;
      const b = a + (1 + Math.floor(rand() * 5 * 24)) * HOUR;
      for (let ask = 0; ask < 2; ask++) expect((await memo.of(storage, ["lille"], a, b))[0], `${a}-${b} unrounded`).toEqual({ store: "lille", ...(await storage.sales.totals("lille", a, b)) });
    }
    for (const [from, to] of [
      [FROM, TO],
      [FROM + 5 * HOUR, TO - DAY + 3 * HOUR],
      [FROM + 2 * DAY + 11 * HOUR, FROM + 2 * DAY + 17 * HOUR],
      [FROM - 3 * DAY + 23 * HOUR, FROM + 4 * DAY + HOUR],
    ] as const) {
      for (let ask = 0; ask < 2; ask++) {
        const body = (await api(`/overview?from=${from}&to=${to}`)).body;
        const lille = (body.stores as Row[]).find((r) => r.id === "lille")!;
        for (const key of ["figures", "previous"] as const) {
          const p = key === "figures" ? body.range : body.previous;
          const conversion = (await api(`/stores/lille/conversion?from=${p.from}&to=${p.to}`)).body.store;
          expect({ transactions: lille[key].transactions, sales: lille[key].sales, averageBasket: lille[key].averageBasket }, `${from}-${to} ${key} ask ${ask}`).toEqual({
            transactions: conversion.transactions,
            sales: conversion.sales,
            averageBasket: conversion.averageBasket,
          });
        }
      }
    }
  });

  it("reads the sales pieces a period misses in one read, cold or partly held, with the storage's totals", async () => {
    const { storage } = t.server.services;
    const memo = new SalesMemo();
    const ids = ["lille", "lyon", "none"];
    let calls = 0;
    const saved = storage.chain.salesByDay;
    storage.chain.salesByDay = (stores, from, to) => (calls++, saved.call(storage.chain, stores, from, to));
    try {
      const expectTotals = async (from: number, to: number, reads: number) => {
        calls = 0;
        const got = await memo.of(storage, ids, from, to);
        expect(calls, `${from}-${to} reads`).toBe(reads);
        for (const store of ids) expect(got.find((g) => g.store === store), `${store} ${from}-${to}`).toEqual({ store, ...(await storage.sales.totals(store, from, to)) });
      };
      // Cold: hours before the days, six whole days, hours after: one read, not eight.
      await expectTotals(FROM + 5 * HOUR, TO - 3 * HOUR, 1);
      // Partly held: the days already read, the new edge hours and the day before them read together once.
      await expectTotals(FROM - DAY + 20 * HOUR, TO + 7 * HOUR, 1);
      // All held: no read.
      await expectTotals(FROM + DAY, TO - DAY, 0);
    } finally {
      storage.chain.salesByDay = saved;
    }
  });

  it("answers a period asked again from memory, and reads a store again once late events changed one of its days", async () => {
    const first = (await api(`/overview?${RANGE}`)).body.stores as Row[];
    const again = (await api(`/overview?${RANGE}`)).body.stores as Row[];
    expect(again).toEqual(first);
    // Late events for NYC, three days into the (ended) week: two more visitors, each with five long stays (enough to move a median over repeated values).
    const f = new EventFactory("cam-late");
    const t0 = FROM + 3 * DAY + 11 * HOUR;
    const late: FootfallEvent[] = [];
    for (const [i, ms] of [900_000, 1_200_000].entries()) {
      late.push(...f.visit(`nyc-late-${i}`, "entrance", t0 + i * 60_000, 10_000));
      for (let k = 0; k < 5; k++) {
        const ts = t0 + i * 60_000 + 20_000 + k * 1_500_000;
        late.push(...f.visit(`nyc-late-${i}`, k % 2 ? "bakery" : "fruit", ts, ms));
        dwells.get("nyc")!.push({ ts, ms });
      }
    }
    await t.ingest("nyc", "cam-late", late);
    const after = (await api(`/overview?${RANGE}`)).body.stores as Row[];
    const nyc = after.find((r) => r.id === "nyc")!;
    expect(nyc.figures.enters).toBe(first.find((r) => r.id === "nyc")!.figures.enters! + 2);
    const expected = await perStore("nyc", FROM, TO);
    expect({ ...nyc.figures, dwellMedianS: undefined }).toEqual({ ...expected, dwellMedianS: undefined });
    const median = exactMedian("nyc", FROM, TO)!;
    expect(Math.abs(nyc.figures.dwellMedianS! - median)).toBeLessThanOrEqual(Math.max(1, median * 0.01));
    expect(nyc.figures.dwellMedianS).not.toBe(first.find((r) => r.id === "nyc")!.figures.dwellMedianS);
    // The other stores and the other periods are as before.
    expect(after.filter((r) => r.id !== "nyc")).toEqual(first.filter((r) => r.id !== "nyc"));
    expect({ ...nyc, figures: null }).toEqual({ ...first.find((r) => r.id === "nyc")!, figures: null });
  });
});

describe("who sees what in the overview", () => {
  it.each(["viewer", "merchandiser", "admin"] as const)("a %s of every store sees every store", async (role) => {
    const res = await api(`/overview?${RANGE}`, await t.token(role));
    expect(res.status).toBe(200);
    expect(res.body.stores).toHaveLength(3);
  });

  it("staff (live occupancy only) may not", async () => {
    expect((await api(`/overview?${RANGE}`, await t.token("staff"))).status).toBe(403);
  });

  it("a token limited to a group sees only its group's stores, totals and group", async () => {
    const tok = (await t.server.services.storage.tokens.create("viewer", null, NOW, { group: "north" })).token;
    const body = (await api(`/overview?${RANGE}`, tok)).body;
    expect(body.stores.map((r: Row) => r.id)).toEqual(["lille", "nyc"]);
    expect(body.totals.stores).toBe(2);
    expect(body.groups.map((g: { id: string }) => g.id)).toEqual(["north"]);
  });

  it("a token limited to a store sees that store only", async () => {
    const body = (await api(`/overview?${RANGE}`, await t.token("viewer", "lyon"))).body;
    expect(body.stores.map((r: Row) => r.id)).toEqual(["lyon"]);
    expect(body.groups).toEqual([]);
  });
});

// Last in the file: it adds stores the tests above do not expect.
describe("GET /api/v1/overview: a store whose entrances only door counters count", () => {
  it("gives its visitors as null (nobody can count them), not 0, also across a layout change, and totals the stores that count them", async () => {
    // Rennes: a door counter on the entrance and nobody followed, this week and the week before.
    // Brest: the same, with a new layout version in the middle of this week (its own analytics count it).
    await t.putLayout("rennes", smallLayout({ name: "Rennes" }));
    await t.putLayout("brest", smallLayout({ name: "Brest" }));
    await t.putLayout("brest", smallLayout({ name: "Brest", validFrom: FROM + 3 * DAY }));
    for (const store of ["rennes", "brest"]) {
      const door = new EventFactory("door-1");
      await t.ingest(store, "door-1", [door.count("entrance", FROM + DAY + 10 * HOUR, 40, 38), door.count("entrance", FROM + 5 * DAY + 10 * HOUR, 25, 25), door.count("entrance", FROM - 3 * DAY, 7, 7)]);
    }
    const body = (await api(`/overview?${RANGE}`)).body;
    const rows = body.stores as Row[];
    const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
    for (const store of ["rennes", "brest"]) {
      expect(byId[store]!.figures, store).toMatchObject({ enters: 65, visitors: null });
      expect(byId[store]!.previous, store).toMatchObject({ enters: 7, visitors: null });
      // No count at all a year before (its figures begin 3 days before the range): no data, so no enters or visitors (null), not 0.
      expect(byId[store]!.lastYear, store).toMatchObject({ enters: null, visitors: null });
    }
    // A store whose cameras follow people keeps its visitors.
    expect(byId.lille!.figures.visitors).toBeGreaterThan(0);
    // Totals: enters of every store, visitors of the stores that count them.
    const counted = rows.filter((r) => r.figures.visitors !== null);
    expect(counted.map((r) => r.id)).toEqual(["lille", "lyon", "nyc"]);
    expect(body.totals.figures.enters).toBe(rows.reduce((n, r) => n + r.figures.enters!, 0));
    expect(body.totals.figures.visitors).toBe(counted.reduce((n, r) => n + r.figures.visitors!, 0));
    // ... and they say how many stores that sum leaves out: the two whose visitors nobody can count.
    expect(body.totals.visitorsLeftOut).toBe(2);
    // Sorted by visitors, the stores without a count come last either way.
    for (const order of ["desc", "asc"]) {
      const ids = ((await api(`/overview?${RANGE}&sort=visitors&order=${order}`)).body.stores as Row[]).map((r) => r.id);
      expect(ids.slice(-2), order).toEqual(["brest", "rennes"]);
    }
    // A token limited to one such store: its totals have no visitors either.
    const only = (await api(`/overview?${RANGE}`, await t.token("viewer", "rennes"))).body;
    expect(only.totals.figures).toMatchObject({ enters: 65, visitors: null });
    // Nothing is left out of a sum that is not there: the null says it.
    expect(only.totals.visitorsLeftOut).toBe(0);
    // Stores that all count their visitors leave none out.
    expect((await api(`/overview?${RANGE}`, await t.token("viewer", "lille"))).body.totals.visitorsLeftOut).toBe(0);
  });
});

describe("GET /api/v1/overview: stores that sell in different currencies", () => {
  it("adds amounts up within one currency only: totals over several have no sales or average basket and name the currencies; sorting by basket goes currency by currency", async () => {
    await t.putLayout("london", { ...smallLayout({ name: "London", timezone: "Europe/London" }), currency: "GBP" });
    await t.putLayout("paris", { ...smallLayout({ name: "Paris" }), currency: "EUR" });
    await t.putLayout("nice", { ...smallLayout({ name: "Nice" }), currency: "EUR" });
    const sold: Record<string, number[]> = { london: [25, 35], paris: [8, 12], nice: [20] };
    for (const [store, amounts] of Object.entries(sold)) {
      const f = new EventFactory("cam-1");
      await t.ingest(store, "cam-1", Array.from({ length: 4 }, (_, i) => f.visit(`${store}-${i}`, "entrance", FROM + DAY + 10 * HOUR + i * 60_000, 10_000)).flat());
      const sales = amounts.map((amount, i) => ({ ts: FROM + DAY + 12 * HOUR, zone: "checkout", amount, transaction: `${store}-${i}` }));
      expect((await t.server.app.inject({ method: "POST", url: `/api/v1/stores/${store}/sales`, headers: { authorization: `Bearer ${t.admin}` }, payload: { sales } })).statusCode).toBe(200);
    }
    const { storage } = t.server.services;
    await storage.groups.create("riviera", "Riviera", "region", NOW);
    await storage.groups.setStores("riviera", ["paris", "nice"]);
    await storage.groups.create("channel", "Channel", "region", NOW);
    await storage.groups.setStores("channel", ["london", "paris"]);

    const body = (await api(`/overview?${RANGE}`)).body;
    const byId = Object.fromEntries((body.stores as (Row & { currency: string | null })[]).map((r) => [r.id, r]));
    expect(byId.london).toMatchObject({ currency: "GBP", figures: { transactions: 2, sales: 60, averageBasket: 30 } });
    expect(byId.lille!.currency).toBeNull();
    // Every store: pounds, euros, and stores without a currency set (taken to sell in the others').
    expect(body.totals).toMatchObject({ currency: null, currencies: ["EUR", "GBP"], figures: { sales: null, averageBasket: null } });
    expect(body.totals.figures.transactions).toBe((body.stores as Row[]).reduce((n, r) => n + (r.figures.transactions ?? 0), 0));
    expect(body.totals.figures.conversion).not.toBeNull();
    const group = (id: string) => (body.groups as { id: string }[]).find((g) => g.id === id);
    expect(group("riviera")).toMatchObject({ currency: "EUR", currencies: ["EUR"], figures: { transactions: 3, sales: 40, averageBasket: 13.333333 } });
    expect(group("channel")).toMatchObject({ currency: null, currencies: ["EUR", "GBP"], figures: { transactions: 4, sales: null, averageBasket: null } });
    // A group's page of one currency has its sums again.
    expect((await api(`/overview?${RANGE}&group=riviera`)).body.totals).toMatchObject({ currency: "EUR", figures: { sales: 40 } });
    // By average basket: the stores without a currency, then euros, then pounds, each by amount; no basket last.
    const withBasket = (ids: string[]) => ids.filter((id) => byId[id]!.figures.averageBasket !== null);
    for (const [order, expected] of [
      ["desc", ["lille", "lyon", "nice", "paris", "london"]],
      ["asc", ["lyon", "lille", "paris", "nice", "london"]],
    ] as const) {
      const ids = ((await api(`/overview?${RANGE}&sort=averageBasket&order=${order}`)).body.stores as Row[]).map((r) => r.id);
      expect(withBasket(ids), order).toEqual(expected);
      expect(ids.slice(withBasket(ids).length).every((id) => byId[id]!.figures.averageBasket === null), order).toBe(true);
    }
  });
});

describe("GET /api/v1/overview: a period before a store's figures begin", () => {
  it("gives its visitors as null (no data), not 0, in each period it was not counted in; totals add up the stores counted then", async () => {
    // Caen: followed by a camera from the range's second day on; nothing before (no data the week before, nor a year before).
    await t.putLayout("caen", smallLayout({ name: "Caen" }));
    const f = new EventFactory("cam-1");
    await t.ingest("caen", "cam-1", Array.from({ length: 4 }, (_, i) => f.visit(`caen-${i}`, "entrance", FROM + DAY + 10 * HOUR + i * 60_000, 10_000)).flat());
    const body = (await api(`/overview?${RANGE}`)).body;
    const rows = body.stores as Row[];
    const caen = rows.find((r) => r.id === "caen")!;
    expect(caen.figures).toMatchObject({ enters: 4, visitors: 4 });
    expect(caen.previous).toMatchObject({ enters: null, visitors: null });
    expect(caen.lastYear).toMatchObject({ enters: null, visitors: null });
    // Lille was counted a year before: its visitors then are a count.
    expect(rows.find((r) => r.id === "lille")!.lastYear.visitors).toBeGreaterThan(0);
    // The totals' last year: the visitors of the stores counted then.
    const counted = rows.filter((r) => r.lastYear.visitors !== null);
    expect(counted.map((r) => r.id)).toContain("lille");
    expect(body.totals.lastYear.visitors).toBe(counted.reduce((n, r) => n + r.lastYear.visitors!, 0));
    // A token limited to Caen: its totals a year before have no visitors either, and the response validates (null where the schema allows it).
    const only = (await api(`/overview?${RANGE}`, await t.token("viewer", "caen"))).body;
    expect(only.totals.lastYear).toMatchObject({ enters: null, visitors: null });
    expect(only.totals.figures).toMatchObject({ enters: 4, visitors: 4 });
  });
});

describe("GET /api/v1/overview: a period before a store's till feed begins", () => {
  it("gives its transactions and sales as null (no data), not 0, and so no conversion or basket; 0 once an older sale shows the feed began; totals sum the stores with sales data", async () => {
    // Metz: counted by a camera this week, the week before and a year before; its first sale is stored this week (the range's third day).
    await t.putLayout("metz", smallLayout({ name: "Metz" }));
    const f = new EventFactory("cam-1");
    const visits = [FROM + DAY, FROM - 5 * DAY, FROM - 363 * DAY].flatMap((base, k) => Array.from({ length: 4 }, (_, i) => f.visit(`metz-${k}-${i}`, "entrance", base + 10 * HOUR + i * 60_000, 10_000)).flat());
    await t.ingest("metz", "cam-1", visits);
    const postSales = async (sales: { ts: number; amount: number; transaction: string }[]) =>
      expect((await t.server.app.inject({ method: "POST", url: "/api/v1/stores/metz/sales", headers: { authorization: `Bearer ${t.admin}` }, payload: { sales: sales.map((x) => ({ ...x, zone: "checkout" })) } })).statusCode).toBe(200);
    await postSales([{ ts: FROM + 2 * DAY + 12 * HOUR, amount: 30, transaction: "metz-1" }]);

    const body = (await api(`/overview?${RANGE}`)).body;
    const rows = body.stores as Row[];
    const metz = rows.find((r) => r.id === "metz")!;
    expect(metz.figures).toMatchObject({ enters: 4, transactions: 1, sales: 30, conversion: 0.25, averageBasket: 30 });
    // The week before and a year before: counted (4 enters), but no till feed yet: no data, not "0 sales".
    for (const key of ["previous", "lastYear"] as const) expect(metz[key], key).toMatchObject({ enters: 4, transactions: null, sales: null, conversion: null, averageBasket: null });
    // NYC never had a sale stored: no sales data in any period.
    const nyc = rows.find((r) => r.id === "nyc")!;
    for (const key of ["figures", "previous", "lastYear"] as const) expect(nyc[key], key).toMatchObject({ transactions: null, sales: null, conversion: null, averageBasket: null });
    // Totals: the transactions of the stores with sales data then; none a year before: null, not 0; enters are still a count.
    for (const key of ["figures", "previous"] as const) {
      const fed = rows.filter((r) => r[key].transactions !== null);
      expect(fed.length, key).toBeGreaterThan(0);
      expect(body.totals[key].transactions, key).toBe(fed.reduce((n, r) => n + r[key].transactions!, 0));
    }
    expect(rows.every((r) => r.lastYear.transactions === null)).toBe(true);
    expect(body.totals.lastYear).toMatchObject({ transactions: null, sales: null, conversion: null, averageBasket: null });
    expect(body.totals.lastYear.enters).toBeGreaterThan(0);
    // A token limited to Metz: its totals the week before have enters and no sales data; the response validates (null where the schema allows it).
    const only = (await api(`/overview?${RANGE}`, await t.token("viewer", "metz"))).body;
    expect(only.totals.previous).toMatchObject({ enters: 4, transactions: null, sales: null, conversion: null, averageBasket: null });
    expect(only.totals.figures).toMatchObject({ enters: 4, transactions: 1, sales: 30 });

    // An older sale (a month before the range) shows the till feed began then: the week before is a till that sold nothing, 0; a year before still no data.
    await postSales([{ ts: FROM - 30 * DAY, amount: 5, transaction: "metz-0" }]);
    const after = ((await api(`/overview?${RANGE}`, await t.token("viewer", "metz"))).body.stores as Row[])[0]!;
    expect(after.previous).toMatchObject({ enters: 4, transactions: 0, sales: 0, conversion: null, averageBasket: null });
    expect(after.lastYear).toMatchObject({ enters: 4, transactions: null, sales: null });
  });
});

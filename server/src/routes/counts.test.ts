import { beforeAll, describe, expect, it } from "vitest";
import { compile } from "@footfall/core";
import { EventFactory, smallLayout, type FootfallEvent } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";
import { CountsAnswerSchema } from "./counts.js";

const HOUR = 3_600_000;
const MIN = 60_000;
const DAY = 24 * HOUR;
/** Sunday 25 Oct 2026 is a 25-hour day in Paris (clocks go back at 03:00 CEST). */
const DST_DAY = { from: Date.UTC(2026, 9, 24, 22), to: Date.UTC(2026, 9, 25, 23) };
const NOW = Date.UTC(2026, 9, 27, 12);
let clock = NOW;

const door = new EventFactory("door-1");
const cam = new EventFactory("cam-1");

/** Visits every 10 minutes from Saturday to Monday in Paris, and door counts every 20 minutes. */
function history(): { cam: FootfallEvent[]; door: FootfallEvent[] } {
  const out = { cam: [] as FootfallEvent[], door: [] as FootfallEvent[] };
  let i = 0;
  for (let ts = DST_DAY.from - DAY; ts < DST_DAY.to + DAY; ts += 10 * MIN, i++) {
    const v = `p${i}`;
    out.cam.push(...cam.visit(v, "entrance", ts + (i % 7) * 1000, 20_000));
    if (i % 2) out.cam.push(...cam.visit(v, "fruit", ts + 60_000, 90_000 + (i % 5) * 1000));
    if (i % 2 === 0) out.door.push(door.count("entrance", ts + 5 * MIN, 1 + (i % 3), i % 2));
  }
  return out;
}

const get = (url: string, token: string | null = t.admin, headers: Record<string, string> = {}) =>
  t.server.app.inject({ method: "GET", url: `/api/v1${url}`, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });

interface Row {
  store: string;
  zone: string;
  kind: string;
  start: string;
  end: string;
  in: number;
  out: number | null;
}

const t = useTestServer({ now: () => clock, maxAgeMs: 30 * DAY });
beforeAll(async () => {
  await t.putLayout("paris", smallLayout({ name: "Paris" }));
  await t.putLayout("nyc", smallLayout({ name: "NYC", timezone: "America/New_York" }));
  const { storage } = t.server.services;
  for (const store of ["paris", "nyc"]) {
    await storage.agents.add(store, "cam-1", "camera", NOW);
    await storage.agents.add(store, "door-1", "door", NOW);
  }
  const h = history();
  for (const store of ["paris", "nyc"]) {
    for (let i = 0; i < h.cam.length; i += 800) await t.ingest(store, "cam-1", h.cam.slice(i, i + 800));
    await t.ingest(store, "door-1", h.door);
  }
  await storage.groups.create("europe", "Europe", "region", NOW);
  await storage.groups.setStores("europe", ["paris", "nyc"]);
}, 120_000);

const rowsOf = (url: string, token?: string) => get(url, token).then((r) => (r.json() as { rows: Row[] }).rows);
/** Sum of `in` per zone and per start. */
const byZoneStart = (rows: Row[]) => new Map(rows.map((r) => [`${r.zone} ${r.start}`, r.in]));

function parseCsv(text: string): Row[] {
  const [head, ...lines] = text.trim().split("\r\n");
  expect(head).toBe("store,zone,kind,start,end,in,out");
  return lines.map((l) => {
    const [store, zone, kind, start, end, n, out] = l.split(",");
    return { store: store!, zone: zone!, kind: kind!, start: start!, end: end!, in: Number(n), out: out === "" ? null : Number(out) };
  });
}

describe("GET /api/v1/stores/:store/counts", () => {
  it("gives hourly rows of the 25-hour DST day in local time, each zone's `in` equal to traffic's", async () => {
    const q = `from=${DST_DAY.from}&to=${DST_DAY.to}`;
    const rows = await rowsOf(`/stores/paris/counts?${q}&interval=1h`);
    const starts = [...new Set(rows.map((r) => r.start))];
    expect(starts).toHaveLength(25);
    expect(starts.slice(2, 5)).toEqual(["2026-10-25T02:00:00+02:00", "2026-10-25T02:00:00+01:00", "2026-10-25T03:00:00+01:00"]);
    expect(new Set(rows.map((r) => r.zone))).toEqual(new Set(["bakery", "checkout", "entrance", "fruit"]));
    const traffic = (await get(`/stores/paris/traffic?${q}&bucket=hour`)).json().buckets as { start: string; enters: number; zones: Record<string, number> }[];
    expect(traffic).toHaveLength(25);
    const counts = byZoneStart(rows);
    for (const b of traffic) for (const zone of ["entrance", "fruit", "bakery"]) expect(counts.get(`${zone} ${b.start}`), `${zone} ${b.start}`).toBe(b.zones[zone] ?? 0);
    const entrance = rows.filter((r) => r.zone === "entrance");
    expect(entrance.reduce((n, r) => n + r.in, 0)).toBe(traffic.reduce((n, b) => n + b.enters, 0));
    expect(entrance.every((r) => r.kind === "entrance" && r.out !== null)).toBe(true);
    expect(rows.filter((r) => r.zone === "fruit").every((r) => r.out === null)).toBe(true);
  });

  it("gives daily rows equal to traffic by day, the DST day one row of 25 hours", async () => {
    const q = `from=${DST_DAY.from - DAY}&to=${DST_DAY.to + DAY}`;
    const rows = await rowsOf(`/stores/paris/counts?${q}&interval=1d`);
    const traffic = (await get(`/stores/paris/traffic?${q}&bucket=day`)).json().buckets as { start: string; zones: Record<string, number> }[];
    expect(traffic.map((b) => b.start)).toEqual(["2026-10-24T00:00:00+02:00", "2026-10-25T00:00:00+02:00", "2026-10-26T00:00:00+01:00"]);
    const counts = byZoneStart(rows);
    for (const b of traffic) for (const zone of ["entrance", "fruit"]) expect(counts.get(`${zone} ${b.start}`)).toBe(b.zones[zone]);
    const dst = rows.find((r) => r.zone === "entrance" && r.start === "2026-10-25T00:00:00+02:00")!;
    expect(dst.end).toBe("2026-10-26T00:00:00+01:00");
  });

  it("gives 15-minute rows from raw events whose four quarters make each hour's row, door outs included", async () => {
    const q = `from=${DST_DAY.from}&to=${DST_DAY.to}`;
    const [quarters, hours] = await Promise.all([rowsOf(`/stores/paris/counts?${q}&interval=15m`), rowsOf(`/stores/paris/counts?${q}&interval=1h`)]);
    expect(new Set(quarters.map((r) => r.start)).size).toBe(100);
    const sum = new Map<string, { in: number; out: number | null }>();
    const hourOf = new Map(hours.map((h) => [h.start, h]));
    for (const r of quarters) {
      // The hour a quarter belongs to: the last hourly start at or before it (same offset spelling).
      const hour = hours.filter((h) => h.zone === r.zone && Date.parse(h.start) <= Date.parse(r.start)).at(-1)!;
      const s = sum.get(`${r.zone} ${hour.start}`) ?? { in: 0, out: r.out === null ? null : 0 };
      s.in += r.in;
      if (r.out !== null) s.out = (s.out ?? 0) + r.out;
      sum.set(`${r.zone} ${hour.start}`, s);
    }
    expect(hourOf.size).toBe(25);
    for (const h of hours) expect(sum.get(`${h.zone} ${h.start}`), `${h.zone} ${h.start}`).toEqual({ in: h.in, out: h.out });
  });

  it("answers the same figures in CSV, by format=csv or by Accept: text/csv", async () => {
    const q = `from=${DST_DAY.from}&to=${DST_DAY.to}&interval=1h`;
    const json = (await rowsOf(`/stores/paris/counts?${q}`)).map((r) => ({ ...r }));
    const byFormat = await get(`/stores/paris/counts?${q}&format=csv`);
    expect(byFormat.headers["content-type"]).toMatch(/^text\/csv/);
    expect(parseCsv(byFormat.body)).toEqual(json);
    const byAccept = await get(`/stores/paris/counts?${q}`, t.admin, { accept: "text/csv" });
    expect(parseCsv(byAccept.body)).toEqual(json);
  });

  it("answers 304 to If-None-Match until the store ingests again, with Last-Modified", async () => {
    const url = `/stores/paris/counts?from=${DST_DAY.from}&to=${DST_DAY.to}&interval=1d`;
    const first = await get(url);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^W\/"/);
    expect(first.headers["last-modified"]).toBeDefined();
    const again = await get(url, t.admin, { "if-none-match": etag });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe("");
    expect((await get(`/stores/paris/counts?from=${DST_DAY.from}&to=${DST_DAY.to}&interval=1h`, t.admin, { "if-none-match": etag })).statusCode).toBe(200);
    clock = NOW + MIN;
    await t.ingest("paris", "cam-1", cam.visit("late", "entrance", DST_DAY.from + HOUR, 1000));
    const changed = await get(url, t.admin, { "if-none-match": etag });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    clock = NOW;
  });

  it("refuses 15-minute counts before the retention horizon, naming it", async () => {
    const res = await get(`/stores/paris/counts?from=${NOW - 120 * DAY}&to=${NOW - 119 * DAY}&interval=15m`);
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/15-minute counts needs raw events, and those before 20\d\d-\d\d-\d\dT.* are no longer kept/);
  });

  it("is for readers: a staff token is refused, a token limited to another store too", async () => {
    expect((await get(`/stores/paris/counts`, await t.token("viewer"))).statusCode).toBe(200);
    expect((await get(`/stores/paris/counts`, await t.token("merchandiser", "paris"))).statusCode).toBe(200);
    expect((await get(`/stores/paris/counts`, await t.token("staff"))).statusCode).toBe(403);
    expect((await get(`/stores/paris/counts`, await t.token("viewer", "nyc"))).statusCode).toBe(403);
  });
});

describe("GET /api/v1/groups/:group/counts", () => {
  it("gives every store's rows, each in its own time zone, equal to the store's own", async () => {
    const q = `from=${DST_DAY.from}&to=${DST_DAY.to}&interval=1h`;
    const rows = await rowsOf(`/groups/europe/counts?${q}`);
    expect(new Set(rows.map((r) => r.store))).toEqual(new Set(["paris", "nyc"]));
    expect(rows.filter((r) => r.store === "paris")).toEqual(await rowsOf(`/stores/paris/counts?${q}`));
    expect(rows.find((r) => r.store === "nyc")!.start).toMatch(/-04:00$/);
    const csv = parseCsv((await get(`/groups/europe/counts?${q}&format=csv`)).body);
    expect(csv).toEqual(rows);
  });

  it("lets a token limited to the group in, and no other limited token", async () => {
    const { storage } = t.server.services;
    const mine = (await storage.tokens.create("viewer", null, NOW, { group: "europe" })).token;
    expect((await get(`/groups/europe/counts`, mine)).statusCode).toBe(200);
    await storage.groups.create("other", "Other", null, NOW);
    const theirs = (await storage.tokens.create("viewer", null, NOW, { group: "other" })).token;
    expect((await get(`/groups/europe/counts`, theirs)).statusCode).toBe(403);
    expect((await get(`/groups/europe/counts`, await t.token("viewer", "paris"))).statusCode).toBe(403);
    expect((await get(`/groups/nope/counts`)).statusCode).toBe(404);
  });
});

describe("the counts in the OpenAPI description (/api/docs) a BI tool's connector is built from", () => {
  const answerFor = async (path: string) => {
    const doc = (await t.server.app.inject({ method: "GET", url: "/api/docs/json" })).json() as {
      paths: Record<string, { get: { responses: Record<string, { content?: Record<string, { schema: unknown }> }> } }>;
    };
    return doc.paths[path]!.get.responses;
  };

  it.each(["/api/v1/stores/{store}/counts", "/api/v1/groups/{group}/counts"])("%s documents its 200 as JSON and CSV, and its 304", async (path) => {
    const responses = await answerFor(path);
    expect(Object.keys(responses)).toEqual(expect.arrayContaining(["200", "304"]));
    expect(Object.keys(responses["200"]!.content ?? {}).sort()).toEqual(["application/json", "text/csv"]);
  });

  it("describes the JSON the store's and the group's counts answer: every field of the answer and of its rows, with their types", async () => {
    const q = `from=${DST_DAY.from}&to=${DST_DAY.to}&interval=1h`;
    for (const [path, url] of [
      ["/api/v1/stores/{store}/counts", `/stores/paris/counts?${q}`],
      ["/api/v1/groups/{group}/counts", `/groups/europe/counts?${q}`],
    ] as const) {
      const schema = (await answerFor(path))["200"]!.content!["application/json"]!.schema as { properties: Record<string, { items?: { properties: Record<string, unknown> } }> };
      const answer = (await get(url)).json() as Record<string, unknown> & { rows: Row[] };
      expect(answer.rows.length).toBeGreaterThan(0);
      expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(Object.keys(answer)));
      expect(Object.keys(schema.properties.rows!.items!.properties).sort()).toEqual(Object.keys(answer.rows[0]!).sort());
      expect(compile(CountsAnswerSchema).problems(answer), url).toEqual([]);
    }
  });
});

/**
 * The PostgreSQL round trips of a chain query (issue 12): `dwell`, `paths` and `traffic` of a store
 * that another server ingests. Every statement waits for a busy event loop once under ingest, so
 * their number is what the query p95 of bench:chain pays; this counts them per query and checks
 * that the answers are the ones the ingesting server gives (and core's reference).
 */
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import type { FootfallEvent, ZoneDwell } from "@footfall/core";
import { usePostgres } from "../../../test/support/postgres.js";
import { EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { reference, visitedZones } from "../../../test/support/reference.js";
import type { AnalyticsOptions } from "../analytics/registry.js";
import { EXACT_QUANTILES_UP_TO, StoreAnalytics } from "../analytics/store-analytics.js";
import { buildApp, type FootfallApp } from "../app.js";
import { createLogger } from "../log.js";
import { servicesWithoutServer } from "../services-without-server.js";
import { openPgStorage, type PgStorage } from "../storage-pg/adapter.js";

const server = usePostgres();
const HOUR = 3_600_000;
const MIN = 60_000;
/** Now: not on a whole hour, so the last 24 hours begin and end in partial hours (as bench:chain asks). */
const NOW = Date.UTC(2026, 10, 20, 15, 37, 12);
const VISIT_TIMEOUT = 30 * MIN;
const KINDS = { entrance: "entrance", fruit: "zone", bakery: "zone", checkout: "checkout" } as const;

/** Statements sent by clients whose application_name starts with `prefix`, and the rounds they came in (a round: from none in flight to the next none). */
function countStatements(prefix: string) {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  const c = { statements: 0, rounds: 0, inFlight: 0, texts: [] as string[] };
  proto.query = function (this: pg.Client & { connectionParameters?: { application_name?: string } }, ...args: unknown[]) {
    if (!(this.connectionParameters?.application_name ?? "").startsWith(prefix)) return original.apply(this, args);
    c.statements++;
    if (c.inFlight++ === 0) c.rounds++;
    const first = args[0];
    c.texts.push(typeof first === "string" ? first : ((first as { text?: string }).text ?? "?"));
    const done = () => void c.inFlight--;
    const cb = args.findIndex((a) => typeof a === "function");
    if (cb >= 0) {
      const f = args[cb] as (...r: unknown[]) => unknown;
      args[cb] = (...r: unknown[]) => (done(), f(...r));
      return original.apply(this, args);
    }
    const out = original.apply(this, args) as Promise<unknown>;
    void out.then(done, done);
    return out;
  };
  return { counts: c, stop: () => void (proto.query = original) };
}

/** An app over `storage` whose analytics registry says where the store is ingested. */
async function appOf(storage: PgStorage, analytics: Partial<AnalyticsOptions>): Promise<FootfallApp> {
  const services = servicesWithoutServer(storage, { log: createLogger("silent"), now: () => NOW, analytics: { visitTimeoutMs: VISIT_TIMEOUT, ...analytics } });
  const app = await buildApp({ services, uiDir: null, version: "test" });
  server.onClose(() => app.close());
  return app;
}

/** A day of a store: visits in every zone, revisits, a door count, people still inside now, and one zone past the exact-quantile bound. */
function dayOfEvents(): FootfallEvent[] {
  const f = new EventFactory("cam-1");
  const events: FootfallEvent[] = [];
  const start = NOW - 24 * HOUR - 20 * MIN;
  for (let v = 0; v < 60; v++) {
    let ts = start + v * 24 * MIN + (v % 7) * 3 * MIN;
    const zones = ["entrance", v % 2 ? "fruit" : "bakery", ...(v % 4 === 0 ? ["fruit"] : []), "checkout"];
    for (const zone of zones) {
      const dwell = 30_000 + ((v * 7919) % 600) * 1000;
      if (ts > NOW) break;
      if (v % 9 === 8 && zone === "checkout") events.push(f.enter(`v${v}`, zone, ts));
      else events.push(...f.visit(`v${v}`, zone, ts, dwell));
      ts += dwell + 20_000;
    }
    if (v % 5 === 0) events.push(f.count("entrance", start + v * 24 * MIN, 2, 1));
  }
  // The fruit zone between 10:00 and 11:00: 520 short visits (more closed visits than the exact bound: the sketch answers).
  for (let i = 0; i < 520; i++) events.push(...f.visit(`q${i}`, "fruit", NOW - 5 * HOUR + i * 6_000, 5_000 + (i % 50) * 1000));
  // Still inside now.
  events.push(f.enter("late", "fruit", NOW - 2 * MIN), f.enter("later", "entrance", NOW - MIN));
  return events.filter((e) => e.ts < NOW);
}

let writer: PgStorage;
let reader: PgStorage;
let elsewhere: FootfallApp;
let here: FootfallApp;
/** The same two, with raw rows kept only for the last two hours (retention). */
let elsewhereRetained: FootfallApp;
let hereRetained: FootfallApp;
let token: string;
const events = dayOfEvents();
/** Two stores: Paris (whole-hour offset: partial hours at the range's edges only) and Kolkata (UTC+5:30: no hour bucket
 * holds a whole UTC hour, each is read from raw rows), whose layout changed 7 h ago (buckets cut there). */
const STORES = { shop: "Europe/Paris", chai: "Asia/Kolkata" } as const;
const RAW_SINCE = NOW - 2 * HOUR;

beforeAll(async () => {
  const url = server.database();
  // The server that ingests the store.
  writer = await openPgStorage(url, { tokenCacheMs: 0, applicationName: "writer", now: () => NOW });
  server.onClose(() => writer.close());
  for (const [store, timezone] of Object.entries(STORES)) {
    await writer.stores.saveLayout(store, smallLayout({ validFrom: 0, timezone }), NOW - 30 * 86_400_000);
    if (store === "chai") await writer.stores.saveLayout(store, smallLayout({ validFrom: NOW - 7 * HOUR - 10 * MIN, timezone }), NOW - 30 * 86_400_000);
    const analytics = await StoreAnalytics.open({ store, storage: writer, visitTimeoutMs: VISIT_TIMEOUT, now: () => NOW });
    for (let i = 0; i < events.length; i += 50) {
      const batch = events.slice(i, i + 50);
      const staged = await writer.transaction(async (tx) => {
        const fresh = await tx.events.insertMany(store, "cam-1", batch, NOW);
        return analytics.stage(
          tx,
          batch.filter((_, j) => fresh[j]),
        );
      });
      staged.commit();
    }
  }
  token = await writer.tokens.add("viewer", null, NOW);
  // The server that answers the query: it does not ingest the store (its HTTP thread holds no shard).
  reader = await openPgStorage(url, { applicationName: "reader", now: () => NOW });
  server.onClose(() => reader.close());
  elsewhere = await appOf(reader, { ingestsHere: () => false });
  // The reference: the ingesting server's opened StoreAnalytics, read table by table (a storage without the one-statement reads).
  const tableByTable: PgStorage = { ...writer, aggregates: { ...writer.aggregates, dwellReads: undefined, trafficReads: undefined } };
  here = await appOf(tableByTable, {});
  elsewhereRetained = await appOf(reader, { ingestsHere: () => false, rawSince: () => RAW_SINCE });
  hereRetained = await appOf(tableByTable, { rawSince: () => RAW_SINCE });
}, 120_000);

const RANGES = {
  "the last 24 hours": { from: NOW - 24 * HOUR, to: NOW },
  "whole hours": { from: NOW - 24 * HOUR - 37 * MIN - 12_000, to: NOW - 37 * MIN - 12_000 },
  "inside one hour": { from: NOW - 30 * MIN, to: NOW - 5 * MIN },
  "across one hour boundary": { from: NOW - 50 * MIN, to: NOW - 20 * MIN },
  "three days, from a whole day": { from: Date.UTC(2026, 10, 18), to: NOW },
};
type Range = { from: number; to: number };
const QUERIES = {
  dwell: (r: Range, store = "shop") => `/api/v1/stores/${store}/dwell?from=${r.from}&to=${r.to}`,
  paths: (r: Range, store = "shop") => `/api/v1/stores/${store}/paths?from=${r.from}&to=${r.to}`,
  "paths by department": (r: Range, store = "shop") => `/api/v1/stores/${store}/paths?from=${r.from}&to=${r.to}&alias=1`,
  traffic: (r: Range, store = "shop") => `/api/v1/stores/${store}/traffic?from=${r.from}&to=${r.to}&bucket=hour`,
  "traffic by day": (r: Range, store = "shop") => `/api/v1/stores/${store}/traffic?from=${r.from}&to=${r.to}&bucket=day`,
};

const answer = async (app: FootfallApp, url: string) => {
  const res = await app.inject({ method: "GET", url, headers: { authorization: `Bearer ${token}` } });
  return { status: res.statusCode, body: res.json() as unknown };
};
const get = async (app: FootfallApp, url: string) => {
  const res = await answer(app, url);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};

describe("a query of a store ingested by another server (PostgreSQL)", () => {
  it("answers what the ingesting server answers, and core's reference", async () => {
    for (const [name, range] of Object.entries(RANGES)) {
      for (const store of Object.keys(STORES)) {
        for (const [kind, url] of Object.entries(QUERIES)) {
          expect(await get(elsewhere, url(range, store)), `${kind} of ${store}, ${name}`).toEqual(await get(here, url(range, store)));
          // Raw rows gone before the range: whole hours from the rollups (quantiles from the sketch), partial hours refused alike.
          expect(await answer(elsewhereRetained, url(range, store)), `${kind} of ${store}, ${name}, retention`).toEqual(await answer(hereRetained, url(range, store)));
        }
      }
      // Past the exact bound, quantiles come from the histogram sketch (within its bins): the reference's mean only.
      const sketched = (zones: ZoneDwell[]) =>
        zones.map((z) => (z.dwell_s && z.visits > EXACT_QUANTILES_UP_TO ? { ...z, dwell_s: { ...z.dwell_s, median: 0, p90: 0 } } : z));
      const dwell = (await get(elsewhere, QUERIES.dwell(range))) as { zones: ZoneDwell[] };
      expect(sketched(visitedZones(dwell.zones)), name).toEqual(sketched(reference.dwell(events, range, VISIT_TIMEOUT)));
      // Paths' outages (the open hours a zone was counted by no agent) are not the domain's: no agent went offline here.
      expect(await get(elsewhere, QUERIES.paths(range)), name).toEqual({ ...reference.paths(events, range, VISIT_TIMEOUT, 20), outages: null });
      for (const [store, timezone] of Object.entries(STORES)) {
        expect(((await get(elsewhere, QUERIES.traffic(range, store))) as { buckets: unknown }).buckets, `${store}, ${name}`).toEqual(
          reference.traffic(events, range, "hour", timezone, KINDS, VISIT_TIMEOUT),
        );
      }
    }
  });

  it("takes few PostgreSQL round trips per query", async () => {
    const range = RANGES["the last 24 hours"];
    // Warm: the token cache listens, the layouts are held (as on a running server).
    // The same server when it ingests the store (its analytics held): on PostgreSQL its queries take the one statement too.
    const ingesting = await appOf(reader, { ingestsHere: () => true });
    for (const store of Object.keys(STORES)) {
      await ingesting.analytics.get(store);
      for (const url of Object.values(QUERIES)) for (const app of [elsewhere, ingesting]) await get(app, url(range, store));
    }
    const seen: Record<string, { statements: number; rounds: number }> = {};
    for (const [where, app] of Object.entries({ elsewhere, here: ingesting })) {
      for (const store of Object.keys(STORES)) {
        for (const [kind, url] of Object.entries(QUERIES)) {
          // The ingesting server announced a change (as it does all the time under load).
          if (where === "elsewhere") app.analytics.invalidate(store);
          const c = countStatements("reader");
          try {
            await get(app, url(range, store));
          } finally {
            c.stop();
          }
          seen[`${kind} of ${store}, ingested ${where}`] = { statements: c.counts.statements, rounds: c.counts.rounds };
        }
      }
    }
    // Before (a store's analytics opened again, then two or three rounds of reads): dwell 9 statements in 3 rounds,
    // paths 4 in 2, traffic 8 in 4 (Paris), paths by department 4 in 3. The token came from the token cache and the
    // layouts from the layout cache. Now one statement a query; the departments beside the paths, at once; and
    // beside the figures (traffic's buckets, dwell's zones, the paths), the store's offline spans (its outages: none
    // here, so nothing more is read).
    const expected = (kind: string) => (kind.startsWith("paths by department") ? { statements: 3, rounds: 1 } : { statements: 2, rounds: 1 });
    expect(seen).toEqual(Object.fromEntries(Object.keys(seen).map((k) => [k, expected(k)])));
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FootfallEvent } from "@footfall/core";
import { chunks, EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { startTestServer, type TestServer } from "../../../test/support/in-process.js";
import { syntheticTraffic } from "../../../test/support/traffic.js";
import { waitFor } from "../../../test/support/wait.js";
import { ConfigError } from "../config.js";
import { ForecastService, forecastConfig } from "./forecast.js";

const DAY = 86_400_000;
/** Monday 16 November 2026, 14:20 in Paris (UTC+1). */
const NOW = Date.parse("2026-11-16T13:20:00Z");
/** Twelve weeks of hourly door counts, from Monday 24 August 2026 00:00 in Paris, up to the current hour. */
const FROM = Date.parse("2026-08-23T22:00:00Z");

interface Bucket {
  start: string;
  expected: number | null;
  low: number | null;
  high: number | null;
  method: string;
}
interface Forecast {
  method: string;
  bucket: string;
  generatedAt: string;
  model: { state: string; notes: string[]; trainMs: number | null; trainedAt: string | null };
  buckets: Bucket[];
}

let t: TestServer;
let clock = NOW;
async function ingestCounts(store: string, zone: string, from: number, days: number, seed: number): Promise<void> {
  const s = syntheticTraffic({ seed, from, days, timeZone: "Europe/Paris", peak: 40 });
  const f = new EventFactory(`door-${zone}`);
  const events = s.starts.flatMap((ts, i) => (ts + 1000 < NOW - (NOW % 3_600_000) && s.values[i]! > 0 ? [f.count(zone, ts + 1000, s.values[i]!, 0)] : []));
  for (const batch of chunks(events, 1000)) await t.ingest(store, `door-${zone}`, batch);
}

beforeAll(async () => {
  t = await startTestServer({ now: () => clock, maxAgeMs: 200 * DAY });
  for (const store of ["shop", "young", "empty", "hours"]) await t.putLayout(store, smallLayout({ validFrom: 0 }));
  await ingestCounts("shop", "entrance", FROM, 12 * 7 + 1, 1);
  await ingestCounts("shop", "fruit", FROM, 12 * 7 + 1, 2);
  await ingestCounts("young", "entrance", NOW - 20 * DAY, 21, 3); // three weeks of history
  await ingestCounts("hours", "entrance", NOW - 20 * DAY, 21, 4);
}, 120_000);
afterAll(() => t?.close());

const get = (url: string) => t.get<Forecast>(url);

describe("GET /api/v1/stores/:store/forecast", () => {
  it("answers at once with a seasonal baseline while the model trains, for the 24 hours from the current one", async () => {
    const res = await get("/api/v1/stores/shop/forecast");
    expect(res.status).toBe(200);
    expect(res.body.method).toBe("seasonal-mean");
    expect(res.body.model.state).toBe("training");
    expect(res.body.model.notes).toContain("the model is training: a baseline answers meanwhile");
    expect(res.body.bucket).toBe("hour");
    expect(res.body.generatedAt).toBe("2026-11-16T14:00:00+01:00");
    expect(res.body.buckets).toHaveLength(24);
    expect(res.body.buckets[0]!.start).toBe("2026-11-16T14:00:00+01:00");
    expect(res.body.buckets[23]!.start).toBe("2026-11-17T13:00:00+01:00");
    for (const b of res.body.buckets) expect(b.low! <= b.expected! && b.expected! <= b.high!).toBe(true);
  });

  it("answers with the trained model once it is ready, and says how long training took", async () => {
    const ready = await waitFor("the store's forecast model", async () => {
      const r = await get("/api/v1/stores/shop/forecast");
      return r.body.model.state === "ready" ? r.body : undefined;
    }, { timeoutMs: 240_000, intervalMs: 250 });
    expect(ready.method).toBe("mlp");
    expect(ready.model.trainMs).toBeGreaterThan(0);
    expect(ready.buckets.every((b) => b.method === "mlp")).toBe(true);
    // the synthetic store opens 8:00-21:00 and peaks mid-afternoon: the night is quieter than the afternoon
    const at = (hh: string) => ready.buckets.find((b) => b.start.slice(11, 13) === hh)!.expected!;
    expect(at("03")).toBeLessThan(at("15"));
  }, 250_000);

  it("forecasts the next 14 local days with the daily model", async () => {
    const res = await get("/api/v1/stores/shop/forecast?horizon=14d");
    expect(res.status).toBe(200);
    expect(res.body.bucket).toBe("day");
    expect(res.body.method).toBe("mlp");
    expect(res.body.buckets.map((b) => b.start.slice(0, 10))).toEqual(Array.from({ length: 14 }, (_, d) => new Date(Date.UTC(2026, 10, 16 + d)).toISOString().slice(0, 10)));
    expect(res.body.buckets[0]!.start).toBe("2026-11-16T00:00:00+01:00");
  });

  it("forecasts one zone, training its own model", async () => {
    const res = await get("/api/v1/stores/shop/forecast?zone=fruit");
    expect(res.status).toBe(200);
    expect(res.body.buckets).toHaveLength(24);
    expect(["seasonal-mean", "mlp"]).toContain(res.body.method);
  });

  it("falls back to the seasonal mean, and says why, with three weeks of history", async () => {
    const res = await waitFor("the young store's training to end", async () => {
      const r = await get("/api/v1/stores/young/forecast");
      return r.body.model.state === "ready" ? r.body : undefined;
    }, { timeoutMs: 120_000, intervalMs: 250 });
    expect(res.method).toBe("seasonal-mean");
    expect(res.model.notes.join(" ")).toMatch(/hourly: 2\.\d weeks of known history, the model needs 6/);
  }, 130_000);

  it("says nothing it cannot know: a store without any count gets null values and method none", async () => {
    const res = await get("/api/v1/stores/empty/forecast");
    expect(res.status).toBe(200);
    expect(res.body.method).toBe("none");
    expect(res.body.buckets.every((b) => b.expected === null && b.method === "none")).toBe(true);
  });

  it("refuses an unknown zone, a bad horizon and a request without a viewer token", async () => {
    const zone = await t.get("/api/v1/stores/shop/forecast?zone=nope");
    expect(zone.status).toBe(404);
    expect(zone.body.message).toMatch(/zone "nope" is in no layout of store "shop"/);
    expect((await t.get("/api/v1/stores/shop/forecast?horizon=7d")).status).toBe(400);
    expect((await t.get("/api/v1/stores/shop/forecast", null)).status).toBe(401);
    expect((await t.get("/api/v1/stores/shop/forecast", await t.token("viewer", "young"))).status).toBe(403);
    expect((await t.get("/api/v1/stores/shop/forecast", await t.token("staff", "shop"))).status).toBe(200); // the live tablet
    expect((await t.get("/api/v1/stores/nowhere/forecast")).status).toBe(404);
  });
});

describe("forecasts and opening hours", () => {
  const weekday = [{ open: "08:00", close: "21:00" }];
  const hours = {
    weekly: { mon: weekday, tue: weekday, wed: weekday, thu: weekday, fri: weekday, sat: weekday, sun: [] },
    exceptions: [
      { date: "2026-11-17", intervals: [], note: "stocktaking" },
      { date: "2026-11-25", intervals: [], note: "closed for works" },
      { date: "2026-11-27", intervals: [{ open: "10:00", close: "14:00" }], note: "short day" },
    ],
  };
  beforeAll(async () => {
    const res = await t.server.app.inject({ method: "PUT", url: "/api/v1/stores/hours/hours", headers: { authorization: `Bearer ${t.admin}` }, payload: { hours } });
    expect(res.statusCode).toBe(200);
  });
  const closed = (b: Bucket & { closed?: boolean }) => b.expected === 0 && b.low === 0 && b.high === 0 && b.closed === true;

  it("forecasts 0 with a zero-width band for the hours the store is closed, a closed date included", async () => {
    const res = await get("/api/v1/stores/hours/forecast");
    expect(res.status).toBe(200);
    const byHour = new Map(res.body.buckets.map((b) => [b.start.slice(0, 13), b as Bucket & { closed?: boolean }]));
    // Monday 14:00-20:00 open (the synthetic store has visitors then); from 21:00 closed, and all of Tuesday 17th (an exception)
    for (const hh of ["14", "15", "16", "17", "18", "19", "20"]) {
      const b = byHour.get(`2026-11-16T${hh}`)!;
      expect(b.closed).toBeUndefined();
      expect(b.expected!).toBeGreaterThan(0);
    }
    for (const hh of ["21", "22", "23"]) expect(closed(byHour.get(`2026-11-16T${hh}`)!)).toBe(true);
    for (let h = 0; h < 14; h++) expect(closed(byHour.get(`2026-11-17T${String(h).padStart(2, "0")}`)!)).toBe(true);
  });

  it("forecasts 0 for the days the store is closed: Sundays and closed dates; a short day is not closed", async () => {
    const res = await get("/api/v1/stores/hours/forecast?horizon=14d");
    expect(res.status).toBe(200);
    const zero = res.body.buckets.filter((b) => closed(b)).map((b) => b.start.slice(0, 10));
    expect(zero).toEqual(["2026-11-17", "2026-11-22", "2026-11-25", "2026-11-29"]);
    for (const b of res.body.buckets) if (!zero.includes(b.start.slice(0, 10))) expect(b.expected!).toBeGreaterThan(0);
  });

  it("a forecast-arrivals alert rule fires ahead of a busy hour, naming the hour and the expected arrivals", async () => {
    const post = (body: object) =>
      t.server.app.inject({ method: "POST", url: "/api/v1/stores/hours/alert-rules", headers: { authorization: `Bearer ${t.admin}` }, payload: { forSeconds: 0, cooldownSeconds: 0, enabled: true, ...body } });
    const store = await post({ id: "busy", kind: "forecast-arrivals", threshold: 1 });
    expect(store.statusCode).toBe(201);
    expect((await post({ id: "busy-fruit", kind: "forecast-arrivals", zone: "fruit", threshold: 1e6 })).statusCode).toBe(201);
    const next = (await get("/api/v1/stores/hours/forecast")).body.buckets[1]!; // 15:00, the next local hour
    expect(next.start).toBe("2026-11-16T15:00:00+01:00");
    type Alerts = { alerts: { ruleId: string; kind: string; value: number; message: string; state: string }[] };
    const alerts = await waitFor("the forecast alert", async () => {
      const r = await t.get<Alerts>("/api/v1/stores/hours/alerts");
      return r.body.alerts.length > 0 ? r.body.alerts : undefined;
    }, { timeoutMs: 20_000, intervalMs: 200 });
    expect(alerts.map((a) => [a.ruleId, a.kind, a.state])).toEqual([["busy", "forecast-arrivals", "firing"]]); // the fruit zone's rule is far above its forecast
    expect(alerts[0]!.value).toBeGreaterThan(1);
    expect(alerts[0]!.message).toBe(`Store: busy from 15:00, expected ${Math.round(alerts[0]!.value)} arrivals (above 1)`);
    for (const id of ["busy", "busy-fruit"]) await t.server.app.inject({ method: "DELETE", url: `/api/v1/stores/hours/alert-rules/${id}`, headers: { authorization: `Bearer ${t.admin}` } });
  }, 30_000);

  it("a store without opening hours has no closed buckets", async () => {
    const res = await get("/api/v1/stores/young/forecast?horizon=14d");
    expect(res.body.buckets.some((b) => (b as Bucket & { closed?: boolean }).closed)).toBe(false);
  });
});

describe("occupancy forecast (GET /forecast/occupancy) and forecast-occupancy alerts", () => {
  interface OccBucket {
    start: string;
    expected: number | null;
    low: number | null;
    high: number | null;
    share: number | null;
    closed?: boolean;
  }
  interface Occ {
    current: number;
    capacity: number | null;
    dwell: { meanMin: number | null; medianMin: number | null; source: string };
    overCapacityAt: string | null;
    notes: string[];
    buckets: OccBucket[];
  }
  const DWELL_MS = 20 * 60_000;
  let bakeryVisits = 0;
  let enters = 0;
  beforeAll(async () => {
    await t.putLayout("dwell", smallLayout({ validFrom: 0 }));
    const from = NOW - 20 * DAY;
    const s = syntheticTraffic({ seed: 7, from, days: 21, timeZone: "Europe/Paris", peak: 40 });
    const door = new EventFactory("door-dwell");
    const cam = new EventFactory("cam-dwell");
    const hourStart = NOW - (NOW % 3_600_000);
    const events: FootfallEvent[] = [];
    const visits: FootfallEvent[] = [];
    s.starts.forEach((ts, i) => {
      const n = s.values[i]!;
      if (!(n > 0) || ts + DWELL_MS + 3_600_000 > hourStart) return;
      events.push(door.count("entrance", ts + 1000, n, 0));
      enters += n;
      // a quarter of the visitors go to the bakery, each for 20 minutes
      for (let k = 0; k < Math.floor(n / 4); k++) visits.push(...cam.visit(`v${i}-${k}`, "bakery", ts + 2000 + k * 30_000, DWELL_MS));
      bakeryVisits += Math.floor(n / 4);
    });
    // four people in the bakery now
    for (let k = 0; k < 4; k++) visits.push(cam.enter(`now-${k}`, "bakery", NOW - 5 * 60_000));
    for (const batch of chunks(events, 1000)) await t.ingest("dwell", "door-dwell", batch);
    for (const batch of chunks(visits, 1000)) await t.ingest("dwell", "cam-dwell", batch);
  }, 120_000);

  it("forecasts a zone's people from its arrivals and its visits' dwell, starting from the people inside now", async () => {
    const res = await t.get<Occ>("/api/v1/stores/dwell/forecast/occupancy?zone=bakery");
    expect(res.status).toBe(200);
    const f = res.body;
    expect(f.current).toBe(4);
    expect(f.dwell.meanMin).toBeCloseTo(20, 1);
    expect(f.dwell.source).toMatch(/zone visits of the last 28 days/);
    expect(f.capacity).toBeNull(); // the bakery has none: no share, never over capacity
    expect(f.overCapacityAt).toBeNull();
    expect(f.buckets).toHaveLength(24);
    expect(f.buckets[0]!.start).toBe("2026-11-16T14:00:00+01:00");
    // the four inside now are there at the start of the forecast
    expect(f.buckets[0]!.expected!).toBeGreaterThanOrEqual(4);
    for (const b of f.buckets) {
      expect(b.low! <= b.expected! && b.expected! <= b.high!).toBe(true);
      expect(b.share).toBeNull();
    }
  });

  it("forecasts the store's people against its capacity, the dwell from Little's law over its zones' visits", async () => {
    const res = await t.get<Occ>("/api/v1/stores/dwell/forecast/occupancy");
    expect(res.status).toBe(200);
    const f = res.body;
    expect(f.capacity).toBe(18); // entrance 10 + fruit 5 + checkout 3
    expect(f.dwell.source).toMatch(/Little's law/);
    expect(f.dwell.meanMin).toBeCloseTo((bakeryVisits * 20) / enters, 1);
    for (const b of f.buckets) expect(b.share).toBeCloseTo(b.expected! / 18, 3);
  });

  it("says why a zone without visits has no occupancy forecast; refuses an unknown zone", async () => {
    const fruit = await t.get<Occ>("/api/v1/stores/dwell/forecast/occupancy?zone=fruit");
    expect(fruit.status).toBe(200);
    expect(fruit.body.buckets.every((b) => b.expected === null)).toBe(true);
    expect(fruit.body.notes).toEqual(['no occupancy forecast: no closed visits of zone "fruit" in the last 28 days']);
    expect((await t.get("/api/v1/stores/dwell/forecast/occupancy?zone=nope")).status).toBe(404);
  });

  it("a forecast-occupancy rule fires when the store is expected above its share of capacity in the next hours, naming the hour", async () => {
    const post = (body: object) =>
      t.server.app.inject({ method: "POST", url: "/api/v1/stores/dwell/alert-rules", headers: { authorization: `Bearer ${t.admin}` }, payload: { forSeconds: 0, cooldownSeconds: 0, enabled: true, ...body } });
    expect((await post({ id: "full-soon", kind: "forecast-occupancy", threshold: 0.01 })).statusCode).toBe(201);
    expect((await post({ id: "fruit-full", kind: "forecast-occupancy", zone: "fruit", threshold: 0.01 })).statusCode).toBe(201); // no forecast there: never fires
    expect((await post({ id: "bad", kind: "forecast-occupancy", threshold: 80 })).statusCode).toBe(400); // a share, not a percentage
    const f = (await t.get<Occ>("/api/v1/stores/dwell/forecast/occupancy")).body;
    const peak = f.buckets.slice(0, 3).reduce((a, b) => (b.share! > a.share! ? b : a));
    type Alerts = { alerts: { ruleId: string; kind: string; value: number; message: string; state: string }[] };
    const alerts = await waitFor("the forecast-occupancy alert", async () => {
      const r = await t.get<Alerts>("/api/v1/stores/dwell/alerts");
      return r.body.alerts.length > 0 ? r.body.alerts : undefined;
    }, { timeoutMs: 20_000, intervalMs: 200 });
    expect(alerts.map((a) => [a.ruleId, a.kind, a.state])).toEqual([["full-soon", "forecast-occupancy", "firing"]]);
    expect(alerts[0]!.value).toBeCloseTo(peak.share!, 3);
    const pct = `${Math.round(peak.share! * 100)} %`;
    expect(alerts[0]!.message).toBe(`Store: expected ${peak.share! > 1 ? "over capacity" : `at ${pct} of capacity`} at ${peak.start.slice(11, 16)} (${pct}, above 1 %)`);
    for (const id of ["full-soon", "fruit-full"]) await t.server.app.inject({ method: "DELETE", url: `/api/v1/stores/dwell/alert-rules/${id}`, headers: { authorization: `Bearer ${t.admin}` } });
  }, 30_000);
});

describe("ForecastService history", () => {
  it("extended hour by hour, it gives the same forecasts as a full read", async () => {
    const deps = { analytics: t.server.services.analytics, layouts: t.server.services.layouts, services: t.server.services };
    const config = { training: "off" as const, retrainHour: 3, historyWeeks: 13 };
    const extended = new ForecastService(deps, config);
    try {
      const before = await extended.answer("shop", null, "24h", "Europe/Paris");
      expect(before.model.state).toBe("off");
      // three hours later, with the door's counts of those hours
      clock = NOW + 3 * 3_600_000;
      const f = new EventFactory("door-later");
      const hour = Date.parse("2026-11-16T13:00:00Z");
      await t.ingest("shop", "door-later", [f.count("entrance", hour + 60_000, 17, 0), f.count("entrance", hour + 3_600_000 + 5, 23, 0), f.count("entrance", hour + 2 * 3_600_000 + 5, 9, 0)]);
      const traffic = await t.get<{ buckets: { enters: number }[] }>(`/api/v1/stores/shop/traffic?from=${hour + 2 * 3_600_000}&to=${hour + 3 * 3_600_000}`);
      expect(traffic.body.buckets[0]!.enters).toBeGreaterThanOrEqual(9); // the counts were taken
      const after = await extended.answer("shop", null, "24h", "Europe/Paris");
      expect(after.generatedAt).toBe("2026-11-16T17:00:00+01:00");
      const fresh = new ForecastService(deps, config);
      type Readable = { history(store: string, tz: string, now: number): Promise<{ starts: number[]; enters: number[]; zones: Map<string, number[]> }> };
      const read = async (svc: ForecastService) => {
        const h = await (svc as unknown as Readable).history("shop", "Europe/Paris", clock);
        return { starts: h.starts, enters: h.enters, zones: Object.fromEntries(h.zones) };
      };
      try {
        expect(after).toEqual(await fresh.answer("shop", null, "24h", "Europe/Paris"));
        const [a, b] = [await read(extended), await read(fresh)];
        expect(a.enters.slice(-3)).toEqual([17, 23, 9]);
        expect(a).toEqual(b);
      } finally {
        await fresh.close();
      }
    } finally {
      clock = NOW;
      await extended.close();
    }
  });
});

describe("ForecastService memory", () => {
  it("forgets the histories, models and answers nobody asked for in a week", async () => {
    const deps = { analytics: t.server.services.analytics, layouts: t.server.services.layouts, services: t.server.services };
    const svc = new ForecastService(deps, { training: "off", retrainHour: 3, historyWeeks: 13 });
    type Inside = { histories: Map<string, unknown>; models: Map<string, unknown>; answers: Map<string, unknown>; retrainDue(): void };
    const inside = svc as unknown as Inside;
    try {
      await svc.answer("shop", null, "24h", "Europe/Paris");
      await svc.answer("shop", "fruit", "14d", "Europe/Paris");
      expect([inside.histories.size, inside.models.size, inside.answers.size]).toEqual([1, 2, 2]);
      clock = NOW + 3 * DAY;
      inside.retrainDue();
      expect([inside.histories.size, inside.models.size, inside.answers.size]).toEqual([0, 2, 2]);
      clock = NOW + 8 * DAY;
      inside.retrainDue();
      expect([inside.histories.size, inside.models.size, inside.answers.size]).toEqual([0, 0, 0]);
    } finally {
      clock = NOW;
      await svc.close();
    }
  });
});

describe("nightly retraining", () => {
  it("retrains a model after the store's retrain hour (03:00) of the next night, the old model answering meanwhile", async () => {
    const before = await get("/api/v1/stores/shop/forecast");
    expect(before.body.model.state).toBe("ready");
    const trainedAt = before.body.model.trainedAt;
    clock = Date.parse("2026-11-17T02:40:00Z"); // 03:40 in Paris, the next night
    try {
      const during = await get("/api/v1/stores/shop/forecast");
      expect(during.body.method).toBe("mlp"); // the old model still answers
      const after = await waitFor("the nightly retraining", async () => {
        const r = await get("/api/v1/stores/shop/forecast");
        return r.body.model.trainedAt !== trainedAt ? r.body : undefined;
      }, { timeoutMs: 240_000, intervalMs: 250 });
      expect(after.model.trainedAt).toBe(new Date(clock).toISOString());
      expect(after.model.state).toBe("ready");
    } finally {
      clock = NOW;
    }
  }, 250_000);
});

describe("forecastConfig", () => {
  it("has working defaults and names a bad setting", () => {
    expect(forecastConfig({})).toEqual({ training: "worker", retrainHour: 3, historyWeeks: 57 });
    expect(() => forecastConfig({ FOOTFALL_FORECAST_RETRAIN_HOUR: "25" })).toThrow(/FOOTFALL_FORECAST_RETRAIN_HOUR="25" must be an integer between 0 and 23/);
    expect(() => forecastConfig({ FOOTFALL_FORECAST_TRAINING: "gpu" })).toThrow(/"worker" or "off"/);
    // Settings to fix (the CLI's exit 2, which the systemd unit does not restart), not failures a restart mends.
    expect(() => forecastConfig({ FOOTFALL_FORECAST_TRAINING: "gpu" })).toThrow(ConfigError);
    expect(() => forecastConfig({ FOOTFALL_FORECAST_HISTORY_WEEKS: "0" })).toThrow(ConfigError);
  });
});

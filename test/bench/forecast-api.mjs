#!/usr/bin/env node
/**
 * The forecast API of a 20-zone store with a year of history, on the built server (server/dist):
 * - training: every zone's and the store's models, trained one after the other in the server's
 *   worker thread (one core), from the first request until all are ready; time per model;
 * - request latency over HTTP: the first request of each store, zone and horizon (a baseline
 *   answers while models train), warm requests (answers cached per hour), and the first requests
 *   after the hour turns (the history is read again and the forecasts recomputed).
 *
 * The history is real: zone k replays Leeds city-centre camera k mod 8 (../shared/datasets,
 * Leeds City Council; read in place), a further k div 8 weeks back, scaled to a store (1/10),
 * shifted by whole weeks to end at the bench's clock. The store runs in UTC (the data's wall clock).
 *
 * Usage: node test/bench/forecast-api.mjs [--zones 20] [--weeks 52] [--requests 1000] [--json]
 */
import "./help.mjs"; // --help: this file's leading comment
import { parseArgs } from "node:util";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir, cpus } from "node:os";
import path from "node:path";
import { URLSearchParams } from "node:url";
import { leeds } from "./forecast-data.mjs";
import { loadBuilt } from "./built.mjs";

const [{ startServer }, { createLogger }] = await loadBuilt("server/dist/server.js", "server/dist/log.js", "models/dist/index.js");

const { values: a } = parseArgs({
  options: {
    zones: { type: "string", default: "20" },
    weeks: { type: "string", default: "52" },
    requests: { type: "string", default: "1000" },
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (a.help) {
  console.log("node test/bench/forecast-api.mjs [--zones 20] [--weeks 52] [--requests 1000] [--json]\nTraining time and request latency of GET /stores/:store/forecast on a store replaying Leeds footfall.");
  process.exit(0);
}
const ZONES = Number(a.zones);
const WEEKS = Number(a.weeks);
const H = 3_600_000;
const WEEK = 7 * 24 * H;
let clock = Date.UTC(2026, 10, 16, 14, 20); // Monday 16 November 2026, 14:20 UTC
const hourStart = (t) => Math.floor(t / H) * H;

const dir = mkdtempSync(path.join(tmpdir(), "footfall-forecast-bench-"));
const server = await startServer(
  { httpPort: 0, httpHost: "127.0.0.1", mqttPort: 0, mqttHost: "127.0.0.1", mqttUrl: null, dataDir: dir, visitTimeoutMs: 30 * 60_000, maxAgeMs: (WEEKS + 10) * WEEK, metrics: null },
  { log: createLogger("silent"), uiDir: null, now: () => clock },
);
const { storage } = server.services;
const admin = await storage.tokens.add("admin", null, clock);
const auth = { authorization: `Bearer ${admin}` };

const zoneIds = Array.from({ length: ZONES }, (_, k) => (k === 0 ? "entrance" : `zone-${String(k).padStart(2, "0")}`));
const layout = {
  name: "Forecast bench store",
  validFrom: 0,
  timezone: "UTC",
  floor: { width: 10 * ZONES, height: 10 },
  zones: zoneIds.map((id, k) => ({ id, name: id, kind: k === 0 ? "entrance" : "zone", polygon: [[10 * k, 0], [10 * k + 10, 0], [10 * k + 10, 10], [10 * k, 10]] })),
};
const put = await server.app.inject({ method: "PUT", url: "/api/v1/stores/bench/layout", headers: auth, payload: layout });
if (put.statusCode !== 200) throw new Error(`PUT layout: ${put.statusCode} ${put.body}`);

// History: the last WEEKS weeks before the current hour, replayed from Leeds.
const cameras = leeds();
const nowHour = hourStart(clock);
const ingested = { events: 0, ms: 0 };
const t0 = performance.now();
for (const [k, zone] of zoneIds.entries()) {
  const cam = cameras[k % cameras.length];
  const byTs = new Map(cam.points.map((p) => [p.ts, p.value]));
  const last = Math.max(...cam.points.map((p) => p.ts)) - Math.floor(k / cameras.length) * WEEK;
  const shift = Math.ceil((nowHour - (last + H)) / WEEK) * WEEK;
  const events = [];
  let seq = 0;
  for (let ts = nowHour - WEEKS * WEEK; ts < nowHour; ts += H) {
    const v = byTs.get(ts - shift);
    if (v === undefined) continue;
    const n = Math.round(v / 10);
    if (n > 0) events.push({ type: "count", id: `door-${k}:${String(seq++).padStart(9, "0")}`, ts: ts + 1000, zone, in: n, out: 0 });
  }
  for (let i = 0; i < events.length; i += 1000) {
    const payload = Buffer.from(JSON.stringify({ agent: `door-${k}`, events: events.slice(i, i + 1000) }));
    await new Promise((resolve, reject) => server.ingest.submit({ store: "bench", agent: `door-${k}`, payload, done: (err) => (err ? reject(err) : resolve()) }));
  }
  ingested.events += events.length;
}
ingested.ms = performance.now() - t0;

async function get(zone, horizon) {
  const q = new URLSearchParams({ horizon, ...(zone ? { zone } : {}) });
  const started = performance.now();
  const res = await fetch(`${server.httpUrl}/api/v1/stores/bench/forecast?${q}`, { headers: auth });
  const body = await res.json();
  const ms = performance.now() - started;
  if (res.status !== 200) throw new Error(`forecast ${zone ?? "store"} ${horizon}: ${res.status} ${JSON.stringify(body)}`);
  return { ms, body };
}
const pct = (xs, p) => {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
};
const keys = [null, ...zoneIds];

// First requests: a baseline answers; every model starts training (one after the other).
const trainStart = performance.now();
const cold = [];
for (const z of keys) for (const h of ["24h", "14d"]) cold.push((await get(z, h)).ms);
const trainMs = new Map();
for (;;) {
  for (const z of keys) {
    if (trainMs.has(z)) continue;
    const { body } = await get(z, "24h");
    if (body.model.state === "ready" || body.model.state === "failed") trainMs.set(z, { ms: body.model.trainMs, state: body.model.state, method: body.method });
  }
  if (trainMs.size === keys.length) break;
  await new Promise((r) => setTimeout(r, 500));
}
const allTrained = performance.now() - trainStart;

// Warm requests.
const warm = [];
for (let i = 0; i < Number(a.requests); i++) warm.push((await get(keys[i % keys.length], i % 3 === 0 ? "14d" : "24h")).ms);

// The hour turns: the first requests read the history again.
clock += H;
const rollover = [];
for (const z of keys) for (const h of ["24h", "14d"]) rollover.push((await get(z, h)).ms);

await server.close();
rmSync(dir, { recursive: true, force: true });

const perModel = [...trainMs.values()].map((m) => m.ms ?? 0);
const result = {
  machine: `${cpus().length} cores (${cpus()[0]?.model ?? "?"}), Node ${process.version}`,
  zones: ZONES,
  weeks: WEEKS,
  events: ingested.events,
  models: keys.length,
  methods: Object.fromEntries([...trainMs].map(([z, m]) => [z ?? "store", m.method])),
  trainMsPerModel: { mean: perModel.reduce((x, y) => x + y, 0) / perModel.length, max: Math.max(...perModel) },
  allTrainedS: allTrained / 1000,
  latencyMs: {
    first: { p50: pct(cold, 0.5), p95: pct(cold, 0.95), max: Math.max(...cold) },
    warm: { p50: pct(warm, 0.5), p95: pct(warm, 0.95), p99: pct(warm, 0.99) },
    afterHourTurns: { p50: pct(rollover, 0.5), p95: pct(rollover, 0.95), max: Math.max(...rollover) },
  },
};
if (a.json) console.log(JSON.stringify(result, null, 2));
else {
  const f = (x) => x.toFixed(1);
  console.log(`\n## forecast API: ${ZONES}-zone store, ${WEEKS} weeks of hourly history (${result.events} door-count events, Leeds replayed)`);
  console.log(`${result.machine}\n`);
  console.log("| figure | value |\n|---|---|");
  console.log(`| models (store + zones) | ${result.models}, answering: ${[...new Set(Object.values(result.methods))].join(", ")} |`);
  console.log(`| training time per model (hourly + daily, 3 seeds each), mean / max | ${f(result.trainMsPerModel.mean / 1000)} s / ${f(result.trainMsPerModel.max / 1000)} s |`);
  console.log(`| all models trained, one worker thread (one core) | ${f(result.allTrainedS)} s |`);
  console.log(`| first request per store/zone/horizon (baseline while training), p50 / p95 / max | ${f(result.latencyMs.first.p50)} / ${f(result.latencyMs.first.p95)} / ${f(result.latencyMs.first.max)} ms |`);
  console.log(`| warm requests (${warm.length}), p50 / p95 / p99 | ${f(result.latencyMs.warm.p50)} / ${f(result.latencyMs.warm.p95)} / ${f(result.latencyMs.warm.p99)} ms |`);
  console.log(`| first requests after the hour turns, p50 / p95 / max | ${f(result.latencyMs.afterHourTurns.p50)} / ${f(result.latencyMs.afterHourTurns.p95)} / ${f(result.latencyMs.afterHourTurns.max)} ms |`);
}

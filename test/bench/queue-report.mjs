// `npm run bench:queue-report`: the Queues report's time on a large store's history, by join hour (raw trips, 112430a)
// against the old way (hourly path counts, one read per hour of the range), each as a ratio to the traffic report
// (by hour, the heatmap's read) on the same data in the same run. The history: test/bench/generate-store.mjs's
// 20-zone store (QR_EVENTS events, default 9,000,000, over QR_DAYS days, default 94, through the ingest path's own
// aggregate code, so every trip has its step times); zone-18 is read as a queue for the checkout (about 1 trip in 6
// holds it). Ranges: the last 1, 7 and 93 days, each run QR_RUNS times (default 5; median and min printed), with
// the storage and analytics held open as a server holds them. Also prints SQLite's plan of the raw trip read.
// Asserts that both ways agree on the totals of joins served + abandoned + pending (the hour they are counted in
// differs by design). Run under the bench lock on a shared machine:
//   flock /tmp/footfall-bench.lock sh -c 'uptime; npm run bench:queue-report; uptime'
// Env: QR_EVENTS (9000000), QR_DAYS (94), QR_RUNS (5), QR_OLD (1; 0: not the old way, ~100 s a run at 93 days), QR_DIR (a data dir generated into once and kept; default:
// a temporary dir, removed at the end). Needs `npx tsc -b`.
import "./help.mjs"; // --help: this file's leading comment
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = join(here, "..", "..");
const dist = (p) => import(join(ROOT, "server/dist", p));
const { openStorage } = await dist("storage.js");
const { AnalyticsRegistry } = await dist("analytics/registry.js");
const { createLogger } = await dist("log.js");
const { queueReport, queueSource } = await dist("analytics/queues.js");
const { bucketStarts, localTime, queueOutcomes, queuesOf } = await import("@footfall/core");

const EVENTS = Number(process.env.QR_EVENTS ?? 9_000_000);
const DAYS = Number(process.env.QR_DAYS ?? 94);
const RUNS = Number(process.env.QR_RUNS ?? 5);
const OLD = process.env.QR_OLD !== "0";
const DAY = 86_400_000;
const HOUR = 3_600_000;
const log = (s) => process.stderr.write(s + "\n");
const load = () => `load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`;
const fmt = (n) => Math.round(n).toLocaleString("en-US");

const keep = !!process.env.QR_DIR;
const dataDir = process.env.QR_DIR ?? mkdtempSync(join(tmpdir(), "footfall-bench-queue-report-"));
const fixture = join(dataDir, "fixture.json");
let gen;
if (existsSync(fixture)) {
  gen = JSON.parse(readFileSync(fixture, "utf8"));
  log(`reusing ${dataDir}: ${fmt(gen.events)} events`);
} else {
  log(`generating ${fmt(EVENTS)} events over ${DAYS} days (generate-store.mjs)...`);
  const out = execFileSync(process.execPath, [join(here, "generate-store.mjs"), dataDir, String(EVENTS), String(DAYS), "1", "11"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  gen = JSON.parse(out.trim().split("\n").pop());
  writeFileSync(fixture, JSON.stringify(gen));
}
const store = gen.store ?? "bench";

const storage = await openStorage(dataDir);
const registry = new AnalyticsRegistry(storage, { visitTimeoutMs: 30 * 60_000, now: () => gen.end }, createLogger("silent"));
const analytics = await registry.get(store);
const base = (await storage.stores.layouts(store)).at(-1);
// The generator's layout with zone-18 a queue for the checkout.
const layout = { ...base, zones: base.zones.map((z) => (z.id === "zone-18" ? { ...z, kind: "queue", queueFor: "checkout" } : z)) };
if (queuesOf(layout.zones).length !== 1) throw new Error("no queue in the bench layout");
const tz = layout.timezone;
const kinds = new Map(layout.zones.map((z) => [z.id, z.kind]));
const kindAt = (zone) => kinds.get(zone);
const pendingMs = 30 * 60_000 + HOUR;
const services = { storage, retention: undefined };

/** The report as 112430a reads it (raw trips holding a queue, 12 h before the range too). */
const byJoin = (range) => queueReport(queueSource(services, store), [layout], range, tz, gen.end, pendingMs);

/** The report's outcomes as before 112430a: the path counts of each local hour of the range (24 reads at once). */
async function byTripStart(range) {
  const queues = queuesOf(layout.zones);
  const starts = bucketStarts(range, "hour", tz);
  const totals = new Map(queues.map((q) => [q.zone, { served: 0, abandoned: 0, pending: 0 }]));
  for (let i = 0; i < starts.length; i += 24) {
    const batch = starts.slice(i, i + 24);
    const read = await Promise.all(
      batch.map(async (s, k) => {
        const a = Math.max(s, range.from);
        const b = Math.min(starts[i + k + 1] ?? range.to, range.to);
        const paths = b > a ? await analytics.pathCounts({ from: a, to: b }) : [];
        const ongoing = b > gen.end - pendingMs;
        localTime(s, tz);
        return queueOutcomes(paths.map((p) => ({ zones: p.zones, count: p.count, ongoing })), queues);
      }),
    );
    for (const o of read) for (const [zone, t] of totals) for (const k of ["served", "abandoned", "pending"]) t[k] += o.get(zone)[k];
  }
  // The waits were read the same way before and after: the raw visits of the queue zone.
  await Promise.all(queues.map((q) => storage.aggregates.visitsIn(store, q.zone, range.from, range.to)));
  return totals;
}

const traffic = (range) => analytics.traffic(range, "hour", tz, kindAt, []);

async function time(fn) {
  const ms = [];
  let out;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    out = await fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { median: ms[Math.floor(ms.length / 2)], min: ms[0], out };
}

// SQLite's plan of the raw trip read (aggregates-repo.ts tripStepsIn), when the storage is SQLite.
const { default: Database } = await import("better-sqlite3");
if (existsSync(join(dataDir, "footfall.db"))) {
  const db = new Database(join(dataDir, "footfall.db"), { readonly: true });
  const plan = db
    .prepare(
      "EXPLAIN QUERY PLAN SELECT t.start_ts AS startTs, p.zones AS zones, t.step_ts AS steps FROM trips t JOIN paths p ON p.store = t.store AND p.id = t.path WHERE t.store = ? AND t.start_ts >= ? AND t.start_ts < ? AND t.path IN (SELECT id FROM paths WHERE store = ? AND ((',' || zones || ',') LIKE ? ESCAPE '\\'))",
    )
    .all(store, 0, 1, store, "%,zone-18,%");
  log(`SQLite plan of the raw trip read: ${plan.map((r) => r.detail).join(" | ")}`);
  const n = db.prepare("SELECT count(*) AS n FROM trips WHERE store = ?").get(store).n;
  log(`trips stored: ${fmt(n)}`);
  db.close();
}

const rows = [];
for (const days of [1, 7, 93]) {
  const range = { from: gen.end - days * DAY, to: gen.end };
  const tr = await time(() => traffic(range));
  const now = await time(() => byJoin(range));
  const old = OLD ? await time(() => byTripStart(range)) : { median: NaN, min: NaN, out: null };
  const r = now.out[0];
  const o = old.out?.get("zone-18") ?? r;
  const sum = (x) => x.served + x.abandoned + x.pending;
  // Trips begun before the range that joined in it count now and did not before (and the other way at the end): close, not equal.
  const trips = await storage.aggregates.tripStepsIn(store, ["zone-18"], range.from - 12 * HOUR, range.to);
  const row = {
    days,
    trafficMs: +tr.median.toFixed(1),
    byJoinMs: +now.median.toFixed(1),
    byTripStartMs: +old.median.toFixed(1),
    byJoinRatio: +(now.median / tr.median).toFixed(2),
    byTripStartRatio: +(old.median / tr.median).toFixed(2),
    tripsRead: trips.length,
    outcomes: { byJoin: sum(r), byTripStart: sum(o) },
  };
  rows.push(row);
  log(
    `${String(days).padStart(2)} days: traffic ${tr.median.toFixed(1)} ms (min ${tr.min.toFixed(1)}); queue report by join ${now.median.toFixed(1)} ms (min ${now.min.toFixed(1)}) = ${row.byJoinRatio} x traffic; ` +
      `old by trip start ${old.median.toFixed(1)} ms (min ${old.min.toFixed(1)}) = ${row.byTripStartRatio} x traffic; ${fmt(trips.length)} trips read; outcomes ${sum(r)} by join, ${sum(o)} by trip start (${load()})`,
  );
}
await storage.close();
const machine = `${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
process.stdout.write(JSON.stringify({ machine, date: new Date().toISOString(), events: gen.events, days: DAYS, runs: RUNS, load: load(), rows }, null, 2) + "\n");
if (!keep) rmSync(dataDir, { recursive: true, force: true });
for (const r of rows) if (Math.abs(r.outcomes.byJoin - r.outcomes.byTripStart) > 0.02 * r.outcomes.byTripStart + 5) process.exit(1);

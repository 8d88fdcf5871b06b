// In-process latency of dwell, paths and traffic of a store ingested by another server (issue 12), on an
// otherwise idle PostgreSQL: the read path alone, without bench:chain's ingest. Two servers' storages on one
// database: one ingests STORES stores (a day of visitors each), the other answers their queries.
//   before: its analytics opened again (the other server announced a change, as under load), then read;
//   held:   its analytics held (as the ingesting server had them), read table by table (before, ingested here);
//   after:  AnalyticsRegistry.figures (one statement a query, ingested here or not);
//   http:   the whole request (token from the token cache, layouts held, the route), after.
// Prints median / p95 per query and mode over QUERIES queries each (alternating modes, random stores, the
// last 24 hours not on whole hours, as bench:chain asks). Run under the bench lock:
//   flock /tmp/footfall-bench.lock sh -c 'uptime; node test/bench/chain-queries.mjs; uptime'
// (needs `npx tsc -b`; Debian's PostgreSQL as the postgres user when run as root).
import "./help.mjs"; // --help: this file's leading comment
import { execFileSync } from "node:child_process";
import { chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
const dist = (p) => import(join(ROOT, "server/dist", p));
const { openPgStorage } = await dist("storage-pg/adapter.js");
const { AnalyticsRegistry } = await dist("analytics/registry.js");
const { StoreAnalytics } = await dist("analytics/store-analytics.js");
const { LayoutCache } = await dist("ingest/layouts.js");
const { buildApp } = await dist("app.js");
const { createLogger } = await dist("log.js");
const { createMetrics } = await dist("metrics.js");
const { AlertBus } = await dist("alerts/bus.js");

const STORES = Number(process.env.STORES ?? 20);
const QUERIES = Number(process.env.QUERIES ?? 300);
const HOUR = 3_600_000;
const MIN = 60_000;
const NOW = Math.floor(Date.now() / HOUR) * HOUR + 37 * MIN + 12_000;
const VISIT_TIMEOUT = 30 * MIN;

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

// ---- PostgreSQL: Debian's, in a temp folder, as the postgres user when we are root (as bench:chain starts it) ----
const dir = mkdtempSync(join(tmpdir(), "footfall-chain-queries-"));
const majors = readdirSync("/usr/lib/postgresql").filter((d) => /^\d+$/.test(d)).sort((a, b) => b - a);
const PGBIN = join("/usr/lib/postgresql", majors[0], "bin");
const asRoot = process.getuid?.() === 0;
const pgUser = asRoot ? readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.startsWith("postgres:")).split(":") : null;
const PGDATA = join(dir, "pg");
const pgExec = (prog, args) =>
  execFileSync(asRoot ? "runuser" : join(PGBIN, prog), asRoot ? ["-u", "postgres", "--", join(PGBIN, prog), ...args] : args, { encoding: "utf8", cwd: dir, env: { ...process.env, LC_ALL: "C.UTF-8" } });
const pgPort = await freePort();
mkdirSync(PGDATA, { mode: 0o700 });
if (asRoot) {
  chownSync(dir, Number(pgUser[2]), Number(pgUser[3]));
  chownSync(PGDATA, Number(pgUser[2]), Number(pgUser[3]));
}
pgExec("initdb", ["-D", PGDATA, "-U", "footfall", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-instructions"]);
pgExec("pg_ctl", ["-D", PGDATA, "-l", join(dir, "pg.log"), "-o", `-p ${pgPort} -c listen_addresses=127.0.0.1 -k ${dir} -c timezone=UTC`, "-w", "start"]);
const url = `postgres://footfall@127.0.0.1:${pgPort}/postgres`;

const layout = (timezone) => ({
  name: "Bench store",
  validFrom: 0,
  timezone,
  floor: { width: 20, height: 10 },
  zones: ["entrance", "fruit", "bakery", "dairy", "checkout"].map((id, i) => ({
    id,
    name: id,
    kind: id === "entrance" ? "entrance" : id === "checkout" ? "checkout" : "zone",
    polygon: [
      [i * 4, 0],
      [i * 4 + 4, 0],
      [i * 4 + 4, 10],
      [i * 4, 10],
    ],
  })),
});

/** A day of a store: `n` visitors through the entrance, one or two zones and the checkout, and door counts. */
function dayOfEvents(store, n) {
  const events = [];
  let seq = 0;
  const id = () => `cam-1:${String(seq++).padStart(9, "0")}`;
  for (let v = 0; v < n; v++) {
    let ts = NOW - 24 * HOUR - 10 * MIN + Math.floor((v / n) * 24 * HOUR);
    for (const zone of ["entrance", ["fruit", "bakery", "dairy"][v % 3], ...(v % 4 === 0 ? ["fruit"] : []), "checkout"]) {
      const dwell = 20_000 + ((v * 7919 + zone.length) % 400) * 1000;
      if (ts + dwell >= NOW) break;
      events.push({ type: "enter", id: id(), ts, zone, visitor: `${store}-v${v}` }, { type: "exit", id: id(), ts: ts + dwell, zone, visitor: `${store}-v${v}` });
      ts += dwell + 15_000;
    }
    if (v % 10 === 0) events.push({ type: "count", id: id(), ts: NOW - 24 * HOUR + Math.floor((v / n) * 24 * HOUR), zone: "entrance", in: 3, out: 2 });
  }
  return events;
}

const log = createLogger("silent");
const now = () => NOW;
const writer = await openPgStorage(url, { applicationName: "writer", now, tokenCacheMs: 0 });
const stores = Array.from({ length: STORES }, (_, i) => `store-${String(i).padStart(3, "0")}`);
const t0 = performance.now();
for (const store of stores) {
  await writer.stores.saveLayout(store, layout(["Europe/Paris", "America/New_York", "Asia/Kolkata"][stores.indexOf(store) % 3]), NOW - 30 * 86_400_000);
  const a = await StoreAnalytics.open({ store, storage: writer, visitTimeoutMs: VISIT_TIMEOUT, now });
  const events = dayOfEvents(store, 400);
  for (let i = 0; i < events.length; i += 200) {
    const batch = events.slice(i, i + 200);
    const staged = await writer.transaction(async (tx) => {
      const fresh = await tx.events.insertMany(store, "cam-1", batch, NOW);
      return a.stage(
        tx,
        batch.filter((_, j) => fresh[j]),
      );
    });
    staged.commit();
  }
}
const token = await writer.tokens.add("viewer", null, NOW);
console.log(`${STORES} stores ingested (${Math.round(performance.now() - t0)} ms), PostgreSQL ${majors[0]}`);

const reader = await openPgStorage(url + (process.env.READER_URL_PARAMS ?? ""), { applicationName: "reader", now });
const layouts = new LayoutCache(reader);
const analytics = new AnalyticsRegistry(reader, { visitTimeoutMs: VISIT_TIMEOUT, now, ingestsHere: () => false }, log);
// The same stores as if this server ingested them: their analytics opened once and kept.
const ingesting = new AnalyticsRegistry(reader, { visitTimeoutMs: VISIT_TIMEOUT, now, ingestsHere: () => true }, log);
const app = await buildApp({
  services: { storage: reader, layouts, analytics, metrics: createMetrics(), log, now, mqtt: null, alerts: new AlertBus(log), onLayoutSaved: async () => {} },
  uiDir: null,
  version: "bench",
});
for (const s of stores) await layouts.load(s);

const range = { from: NOW - 24 * HOUR, to: NOW };
const zonesOf = (store) => layouts.current(store, NOW).zones.map((z) => z.id);
const kindAt = (store) => (zone, ts) => layouts.zoneKindAt(store, zone, ts);
const ask = {
  dwell: (f, store) => f.dwell(range, zonesOf(store)),
  paths: (f) => f.pathReport(range, 20),
  traffic: (f, store) => f.traffic(range, "hour", layouts.current(store, NOW).timezone, kindAt(store), layouts.changes(store)),
};
const modes = {
  before: async (kind, store) => {
    analytics.invalidate(store);
    return ask[kind](await analytics.get(store), store);
  },
  held: async (kind, store) => ask[kind](await ingesting.get(store), store),
  after: async (kind, store) => ask[kind](await analytics.figures(store), store),
  http: async (kind, store) => {
    const res = await app.inject({
      method: "GET",
      url: `/api/v1/stores/${store}/${kind}?from=${range.from}&to=${range.to}${kind === "traffic" ? "&bucket=hour" : ""}`,
      headers: { authorization: `Bearer ${token}` },
    });
    if (res.statusCode !== 200) throw new Error(`${kind}: ${res.statusCode} ${res.body}`);
    return res.json();
  },
};
// Same answers both ways, then warm (prepared statements, the token cache listening).
for (const store of stores) {
  for (const kind of Object.keys(ask)) {
    const [a, b, c] = [await modes.before(kind, store), await modes.after(kind, store), await modes.held(kind, store)];
    if (JSON.stringify(a) !== JSON.stringify(b) || JSON.stringify(a) !== JSON.stringify(c)) throw new Error(`${kind} of ${store}: the answers differ before and after`);
    await modes.http(kind, store);
  }
}
if (process.env.EXPLAIN) {
  // The plan of each query's statements on this data (EXPLAIN=1): the statements of one `after` query, captured.
  const { default: pg } = await import("pg");
  const proto = pg.Client.prototype;
  const original = proto.query;
  const seen = [];
  proto.query = function (...args) {
    if (this.connectionParameters?.application_name?.startsWith("reader") && typeof args[0] === "object" && args[0].text) seen.push(args[0]);
    return original.apply(this, args);
  };
  for (const kind of Object.keys(ask)) await modes.after(kind, stores[0]);
  proto.query = original;
  const side = new pg.Client({ connectionString: url });
  await side.connect();
  for (const q of seen) {
    const { rows } = await side.query(`EXPLAIN (ANALYZE, BUFFERS) ${q.text}`, q.values);
    console.log(rows.map((r) => r["QUERY PLAN"]).join("\n"), "\n");
  }
  await side.end();
}
const times = {};
for (let i = 0; i < QUERIES; i++) {
  for (const kind of Object.keys(ask)) {
    for (const mode of Object.keys(modes)) {
      const store = stores[Math.floor(Math.random() * stores.length)];
      const t = performance.now();
      await modes[mode](kind, store);
      (times[`${mode} ${kind}`] ??= []).push(performance.now() - t);
    }
  }
}
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
for (const mode of Object.keys(modes)) {
  console.log(`${mode.padEnd(6)} ${Object.keys(ask).map((k) => `${k} p50 ${pct(times[`${mode} ${k}`], 0.5).toFixed(1)} p95 ${pct(times[`${mode} ${k}`], 0.95).toFixed(1)} ms`).join(" | ")}`);
}
await app.close();
await reader.close();
await writer.close();
pgExec("pg_ctl", ["-D", PGDATA, "-m", "immediate", "stop"]);
rmSync(dir, { recursive: true, force: true });

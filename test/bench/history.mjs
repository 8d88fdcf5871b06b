// `npm run bench:history`: a server's start, memory and query times as history grows (issue 11).
// Generates STORES stores with EVENTS events in all over 30 days straight into storage (through the
// ingest path's aggregates), then: time from start to /api/v1/health ok, RSS after 200 mixed
// queries, dwell/paths/traffic p95 over random stores and ranges, a kill -9 and restart with every
// figure compared, and bytes on disk per event. Prints figures; asserts nothing but equality.
// Env: HISTORY_EVENTS (5000000), HISTORY_STORES (1), HISTORY_PER_VISITOR (11; 3 = one visit a visitor),
// HISTORY_DIR (reuse a generated data dir: generated once, kept).
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createServer } from "node:net";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const cli = join(root, "server", "dist", "cli.js");
const EVENTS = Number(process.env.HISTORY_EVENTS ?? 5_000_000);
const STORES = Number(process.env.HISTORY_STORES ?? 1);
const PER_VISITOR = Number(process.env.HISTORY_PER_VISITOR ?? 11);
const log = (s) => process.stderr.write(s + "\n");
const fmt = (n) => Math.round(n).toLocaleString("en-US");
const pct = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
const freePort = () => new Promise((resolve) => { const s = createServer(); s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => resolve(p)); }); });
const rssMiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]) / 1024;

const keep = !!process.env.HISTORY_DIR;
const dataDir = process.env.HISTORY_DIR ?? mkdtempSync(join(tmpdir(), "footfall-bench-history-"));
const fixture = join(dataDir, "fixture.json");
let gen;
if (existsSync(fixture)) {
  gen = JSON.parse(readFileSync(fixture, "utf8"));
  log(`reusing ${dataDir}: ${fmt(gen.events)} events in ${gen.stores} stores`);
} else {
  log(`generating ${fmt(EVENTS)} events in ${STORES} store(s), ${PER_VISITOR} events a visitor, over 30 days...`);
  const out = execFileSync(process.execPath, [join(here, "generate-store.mjs"), dataDir, String(EVENTS), "30", String(STORES), String(PER_VISITOR)], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 1 << 20 });
  gen = JSON.parse(out.trim().split("\n").pop());
  execFileSync("sh", ["-c", `cat > '${fixture}'`], { input: JSON.stringify(gen) });
  log(`  generated in ${gen.seconds.toFixed(0)} s (${fmt(gen.events / gen.seconds)} events/s with their aggregates)`);
}
const stores = gen.stores === 1 ? [gen.store] : Array.from({ length: gen.stores }, (_, i) => `bench-${String(i).padStart(3, "0")}`);
const dbBytes = ["footfall.db", "footfall.db-wal"].reduce((n, f) => n + (existsSync(join(dataDir, f)) ? statSync(join(dataDir, f)).size : 0), 0);

const http = await freePort();
const env = { ...process.env, FOOTFALL_DATA_DIR: dataDir, FOOTFALL_HTTP_PORT: String(http), FOOTFALL_MQTT_PORT: String(await freePort()), FOOTFALL_METRICS_PORT: "off", FOOTFALL_LOG_LEVEL: "warn", FOOTFALL_RETENTION_DAYS: "0" };
const base = `http://127.0.0.1:${http}`;
async function start() {
  const t0 = performance.now();
  const p = spawn(process.execPath, [cli, "serve"], { env, stdio: ["ignore", "ignore", "inherit"] });
  for (;;) {
    if (p.exitCode !== null) throw new Error("server exited");
    const ok = await fetch(`${base}/api/v1/health`).then((r) => r.ok, () => false);
    if (ok) return { proc: p, ms: performance.now() - t0 };
    await new Promise((r) => setTimeout(r, 10));
  }
}
const admin = JSON.parse(execFileSync(process.execPath, [cli, "token", "add", "--role", "admin"], { env, encoding: "utf8" })).token;
const headers = { authorization: `Bearer ${admin}` };

let server = await start();
const firstStartMs = server.ms;
log(`start to /api/v1/health ok: ${fmt(server.ms)} ms (${fmt(gen.events)} events stored)`);
let seed = 7;
const rand = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 4294967296);
const day = 86_400_000;
const queries = [];
for (let i = 0; i < 200; i++) {
  const route = ["dwell", "paths", "traffic"][i % 3];
  const span = [30 * day, 7 * day, day][Math.floor(i / 3) % 3];
  const from = Math.floor(gen.start + rand() * (gen.end - gen.start - span + 1));
  const store = stores[Math.floor(rand() * stores.length)];
  queries.push({ route, url: `/api/v1/stores/${store}/${route}?from=${from}&to=${from + span}${route === "traffic" ? `&bucket=${i % 2 ? "day" : "hour"}` : ""}` });
}
const times = { dwell: [], paths: [], traffic: [] };
const answers = [];
for (const q of queries) {
  const t0 = performance.now();
  const res = await fetch(base + q.url, { headers });
  const body = await res.text();
  times[q.route].push(performance.now() - t0);
  if (!res.ok) throw new Error(`${q.url}: ${res.status} ${body}`);
  answers.push(body);
}
const rss = rssMiB(server.proc.pid);

// The sketch's error on this store: the API's 30-day dwell median and p90 per zone (from the
// histogram, as a month of a busy zone is) against the exact values from the stored visit rows.
const { default: Database } = await import("better-sqlite3");
const errors = [];
{
  const store = stores[0];
  const from = gen.start;
  const to = gen.end;
  const api = await (await fetch(`${base}/api/v1/stores/${store}/dwell?from=${from}&to=${to}`, { headers })).json();
  const db = new Database(join(dataDir, "footfall.db"), { readonly: true });
  for (const z of api.zones) {
    if (!z.dwell_s) continue;
    const d = db.prepare("SELECT dwell_ms AS d FROM visits WHERE store = ? AND zone = ? AND enter_ts >= ? AND enter_ts < ? AND dwell_ms IS NOT NULL ORDER BY dwell_ms").all(store, z.zone, from, to).map((r) => r.d / 1000);
    const n = d.length;
    const median = n % 2 ? d[(n - 1) / 2] : (d[n / 2 - 1] + d[n / 2]) / 2;
    const p90 = d[Math.ceil(0.9 * n) - 1];
    errors.push({ zone: z.zone, n, median: [z.dwell_s.median, median], p90: [z.dwell_s.p90, p90] });
  }
  db.close();
}
const worst = (q) => errors.reduce((m, e) => Math.max(m, Math.abs(e[q][0] - e[q][1]) / Math.max(1, 0.01 * e[q][1])), 0);
const relErr = (q) => errors.reduce((m, e) => Math.max(m, Math.abs(e[q][0] - e[q][1]) / e[q][1]), 0);
log(`dwell sketch vs exact over 30 days (${errors.length} zones, ${fmt(errors.reduce((n, e) => n + e.n, 0))} closed visits): median max error ${(100 * relErr("median")).toFixed(2)} %, p90 ${(100 * relErr("p90")).toFixed(2)} %; worst as a share of the allowed max(1 s, 1 %): ${worst("median").toFixed(2)} / ${worst("p90").toFixed(2)}`);
for (const r of Object.keys(times)) {
  times[r].sort((a, b) => a - b);
  log(`${r.padEnd(8)} p50 ${pct(times[r], 0.5).toFixed(1)} ms, p95 ${pct(times[r], 0.95).toFixed(1)} ms`);
}
log(`RSS after startup and 200 mixed queries: ${fmt(rss)} MiB`);

server.proc.kill("SIGKILL");
await new Promise((r) => server.proc.once("exit", r));
server = await start();
log(`restart after kill -9 to /api/v1/health ok: ${fmt(server.ms)} ms`);
let same = 0;
for (let i = 0; i < queries.length; i++) if ((await (await fetch(base + queries[i].url, { headers })).text()) === answers[i]) same++;
log(`figures identical after the restart: ${same} of ${queries.length}`);
server.proc.kill("SIGTERM");
await new Promise((r) => server.proc.once("exit", r));
log(`bytes on disk per stored event (events + aggregates): ${(dbBytes / gen.events).toFixed(0)}`);

const machine = `${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const summary = {
  machine,
  date: new Date().toISOString(),
  events: gen.events,
  stores: gen.stores,
  perVisitor: PER_VISITOR,
  startMs: Math.round(firstStartMs),
  restartAfterKill9Ms: Math.round(server.ms),
  rssMiB: Math.round(rss),
  p95: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, +pct(v, 0.95).toFixed(1)])),
  identicalAfterRestart: `${same}/${queries.length}`,
  bytesPerEvent: Math.round(dbBytes / gen.events),
  dwellSketchMaxRelError: { median: +relErr("median").toFixed(4), p90: +relErr("p90").toFixed(4) },
};
process.stdout.write(JSON.stringify(summary, null, 2) + "\n");
if (!keep) rmSync(dataDir, { recursive: true, force: true });
if (same !== queries.length) process.exit(1);

// `npm run bench:history`: a server's start, memory and query times as history grows (issue 11).
// `node test/bench/history.mjs --help` for the environment variables.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createServer } from "node:net";
import { cpuSeconds, rssMiB } from "./proc.mjs";

const HELP = `Usage: [env] node test/bench/history.mjs   (or npm run bench:history, which builds first)

Generates STORES stores with EVENTS events in all over 30 days straight into storage
(test/bench/generate-store.mjs: the ingest path's own aggregate code, no MQTT), then measures:
time from start to /api/v1/health ok (and the server's CPU time by then), RSS after 200 mixed
queries, dwell/paths/traffic p50/p95 over random stores and ranges (30 days, 7 days, a day), the
dwell sketch's error against exact values, a kill -9 and restart with all 200 answers compared,
and bytes on disk per event. Prints every figure with the load average; asserts only equality
(exit 1 when an answer differs after the restart). Run timed measurements under
flock /tmp/footfall-bench.lock on a shared machine.

Environment:
  HISTORY_EVENTS       events in all (default 5000000)
  HISTORY_STORES       stores (default 1; 100 for the issue's 50 M-event run)
  HISTORY_PER_VISITOR  events a visitor: 11 = five zones and a door count (default),
                       3 = one visit a visitor and a door count (the shape that ran out of memory)
  HISTORY_DIR          a data dir to generate into once and keep, reused when it holds
                       fixture.json (default: a temporary dir, removed at the end)
  HISTORY_GEN_JOBS     generator processes (default 1; see generate-store.mjs --help)

Examples:
  HISTORY_STORES=100 HISTORY_EVENTS=50000000 HISTORY_DIR=/tmp/h50m npm run bench:history
  HISTORY_EVENTS=8800000 HISTORY_PER_VISITOR=3 HISTORY_DIR=/tmp/h8m npm run bench:history`;
if (process.argv.includes("--help")) {
  process.stdout.write(HELP + "\n");
  process.exit(0);
}
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const cli = join(root, "server", "dist", "cli.js");
const EVENTS = Number(process.env.HISTORY_EVENTS ?? 5_000_000);
const STORES = Number(process.env.HISTORY_STORES ?? 1);
const PER_VISITOR = Number(process.env.HISTORY_PER_VISITOR ?? 11);
const log = (s) => process.stderr.write(s + "\n");
const load = () => `load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`;
// The server's CPU time (user + system) so far: under load wall time is mostly waiting for a core.
const cpuMs = (pid) => cpuSeconds(pid) * 1000;
const fmt = (n) => Math.round(n).toLocaleString("en-US");
const pct = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
const freePort = () => new Promise((resolve) => { const s = createServer(); s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => resolve(p)); }); });

const keep = !!process.env.HISTORY_DIR;
const dataDir = process.env.HISTORY_DIR ?? mkdtempSync(join(tmpdir(), "footfall-bench-history-"));
const fixture = join(dataDir, "fixture.json");
let gen;
if (existsSync(fixture)) {
  gen = JSON.parse(readFileSync(fixture, "utf8"));
  log(`reusing ${dataDir}: ${fmt(gen.events)} events in ${gen.stores} stores`);
} else {
  log(`generating ${fmt(EVENTS)} events in ${STORES} store(s), ${PER_VISITOR} events a visitor, over 30 days...`);
  const out = execFileSync(process.execPath, [join(here, "generate-store.mjs"), dataDir, String(EVENTS), "30", String(STORES), String(PER_VISITOR), "--jobs", process.env.HISTORY_GEN_JOBS ?? "1"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 1 << 20 });
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
    if (ok) return { proc: p, ms: performance.now() - t0, cpuMs: cpuMs(p.pid) };
    await new Promise((r) => setTimeout(r, 10));
  }
}
const admin = JSON.parse(execFileSync(process.execPath, [cli, "token", "add", "--role", "admin"], { env, encoding: "utf8" })).token;
const headers = { authorization: `Bearer ${admin}` };

let server = await start();
const firstStartMs = server.ms;
const firstStartCpuMs = server.cpuMs;
log(`start to /api/v1/health ok: ${fmt(server.ms)} ms, ${fmt(server.cpuMs)} ms of server CPU (${fmt(gen.events)} events stored in ${gen.stores} stores; ${load()})`);
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
// Other figure routes, compared after the restart but not timed: funnels, door counts, occupancy.
const extra = [];
for (const store of stores.slice(0, 5)) {
  for (const [from, to] of [[gen.start, gen.end], [gen.end - 7 * day, gen.end], [gen.end - 3 * day + 17 * 60_000, gen.end - day - 5 * 60_000]]) {
    extra.push(`/api/v1/stores/${store}/funnel?from=${from}&to=${to}&steps=entrance,checkout`, `/api/v1/stores/${store}/counts?from=${from}&to=${to}&interval=1h`);
  }
  extra.push(`/api/v1/stores/${store}/occupancy`);
}
// The live occupancy's answer carries the time it was asked: that alone may differ.
const answerOf = async (url) => {
  const res = await fetch(base + url, { headers });
  const body = await res.text();
  if (!res.ok) throw new Error(`${url}: ${res.status} ${body}`);
  return url.endsWith("/occupancy") ? JSON.stringify({ ...JSON.parse(body), ts: 0 }) : body;
};
const times = { dwell: [], paths: [], traffic: [] };
// The server's CPU time per query (from /proc, 10 ms ticks: only the mean over many is meaningful).
const cpu = { dwell: 0, paths: 0, traffic: 0 };
const answers = [];
for (const q of queries) {
  const c0 = cpuMs(server.proc.pid);
  const t0 = performance.now();
  const res = await fetch(base + q.url, { headers });
  const body = await res.text();
  times[q.route].push(performance.now() - t0);
  cpu[q.route] += cpuMs(server.proc.pid) - c0;
  if (!res.ok) throw new Error(`${q.url}: ${res.status} ${body}`);
  answers.push(body);
}
const rss = rssMiB(server.proc.pid);
const extraAnswers = [];
for (const url of extra) extraAnswers.push(await answerOf(url));
const queryLoad = load();

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
  log(`${r.padEnd(8)} p50 ${pct(times[r], 0.5).toFixed(1)} ms, p95 ${pct(times[r], 0.95).toFixed(1)} ms, max ${times[r].at(-1).toFixed(1)} ms; server CPU ${(cpu[r] / times[r].length).toFixed(1)} ms a query on average (${times[r].length} queries; ${queryLoad})`);
}
log(`RSS after startup and 200 mixed queries: ${fmt(rss)} MiB (${load()})`);

server.proc.kill("SIGKILL");
await new Promise((r) => server.proc.once("exit", r));
server = await start();
log(`restart after kill -9 to /api/v1/health ok: ${fmt(server.ms)} ms, ${fmt(server.cpuMs)} ms of server CPU (${load()})`);
let same = 0;
for (let i = 0; i < queries.length; i++) if ((await (await fetch(base + queries[i].url, { headers })).text()) === answers[i]) same++;
let sameExtra = 0;
for (let i = 0; i < extra.length; i++) if ((await answerOf(extra[i])) === extraAnswers[i]) sameExtra++;
log(`figures identical after the restart: ${same} of ${queries.length} timed queries, ${sameExtra} of ${extra.length} funnel, door count and occupancy answers`);
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
  load: load(),
  startMs: Math.round(firstStartMs),
  startCpuMs: Math.round(firstStartCpuMs),
  restartAfterKill9Ms: Math.round(server.ms),
  restartCpuMs: Math.round(server.cpuMs),
  rssMiB: Math.round(rss),
  p95: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, +pct(v, 0.95).toFixed(1)])),
  cpuMsPerQuery: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, +(v / times[k].length).toFixed(1)])),
  identicalAfterRestart: `${same}/${queries.length}`,
  otherRoutesIdenticalAfterRestart: `${sameExtra}/${extra.length}`,
  bytesPerEvent: Math.round(dbBytes / gen.events),
  dwellSketchMaxRelError: { median: +relErr("median").toFixed(4), p90: +relErr("p90").toFixed(4) },
};
process.stdout.write(JSON.stringify(summary, null, 2) + "\n");
if (!keep) rmSync(dataDir, { recursive: true, force: true });
if (same !== queries.length || sameExtra !== extra.length) process.exit(1);

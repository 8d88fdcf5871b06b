// `npm run bench`: ingest throughput (end to end vs the broker's own ceiling) and query latency over
// 30 days of a 20-zone store with 5 million events. Prints figures and ratios; asserts nothing.
// Options (env): BENCH_EVENTS_BATCHED (200000), BENCH_EVENTS_SINGLE (60000), BENCH_QUERY_EVENTS (5000000),
// BENCH_ONLY (ingest or query: only that part).
import "./help.mjs"; // --help: this file's leading comment
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir, cpus, totalmem } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createServer } from "node:net";
import { cpuSeconds } from "./proc.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const cli = join(root, "server", "dist", "cli.js");
const BATCHED = Number(process.env.BENCH_EVENTS_BATCHED ?? 200_000);
const SINGLE = Number(process.env.BENCH_EVENTS_SINGLE ?? 60_000);
const QUERY_EVENTS = Number(process.env.BENCH_QUERY_EVENTS ?? 5_000_000);
const log = (s) => process.stderr.write(s + "\n");

const freePort = () => new Promise((resolve) => { const s = createServer(); s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => resolve(p)); }); });
const json = (cmd, args, env) => JSON.parse(execFileSync(cmd, args, { env: { ...process.env, ...env }, encoding: "utf8" }).trim().split("\n").pop());

function runPublisher(opts) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(here, "publisher.mjs"), JSON.stringify(opts)], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`publisher exited ${code}`))));
  });
}

async function startProcess(args, env, ready) {
  const p = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  p.stdout.on("data", (d) => (out += d));
  p.stderr.on("data", (d) => (out += d));
  const t0 = performance.now();
  while (!(await ready(out))) {
    if (p.exitCode !== null) throw new Error(`process exited: ${out.slice(-2000)}`);
    if (performance.now() - t0 > 600_000) throw new Error("process did not become ready");
    await new Promise((r) => setTimeout(r, 50));
  }
  return { proc: p, startupMs: performance.now() - t0, stop: () => new Promise((r) => { p.once("exit", r); p.kill("SIGTERM"); }) };
}

async function startServer(dataDir) {
  const http = await freePort();
  const mqttPort = await freePort();
  const env = { FOOTFALL_DATA_DIR: dataDir, FOOTFALL_HTTP_PORT: String(http), FOOTFALL_MQTT_PORT: String(mqttPort), FOOTFALL_METRICS_PORT: "off", FOOTFALL_LOG_LEVEL: "warn" };
  const ready = async () => { try { return (await fetch(`http://127.0.0.1:${http}/api/v1/health`)).ok; } catch { return false; } };
  // SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the server.
  const nodeArgs = (process.env.SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const s = await startProcess([...nodeArgs, cli, "serve"], env, ready);
  return { ...s, env, base: `http://127.0.0.1:${http}`, mqttUrl: `mqtt://127.0.0.1:${mqttPort}` };
}

const fmt = (n) => Math.round(n).toLocaleString("en-US");
/** Group commits the server has made so far (its /metrics). */
const commitCount = async (base, token) => {
  const text = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
  return Number(/^footfall_ingest_commit_seconds_count(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1] ?? NaN);
};
const pct = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];

async function ingestBench() {
  const results = {};
  // The ceiling: a bare Aedes broker acknowledging QoS 1 publishes, measured in this same run.
  const bare = await (async () => { let port; const s = await startProcess([join(here, "plain-aedes.mjs")], {}, async (out) => { const m = /"port":(\d+)/.exec(out); if (m) port = Number(m[1]); return !!m; }); return { ...s, port }; })();
  for (const [label, events, perMessage] of [["batched", BATCHED, 100], ["single", SINGLE, 1]]) {
    const r = await runPublisher({ url: `mqtt://127.0.0.1:${bare.port}`, store: "bench", agent: `ceil${perMessage}`, events, perMessage });
    results[`ceiling_${label}`] = events / r.seconds;
    log(`  bare Aedes, ${perMessage}/message: ${fmt(events / r.seconds)} events/s`);
  }
  await bare.stop();

  const dataDir = mkdtempSync(join(tmpdir(), "footfall-bench-ingest-"));
  const server = await startServer(dataDir);
  const admin = json(process.execPath, [cli, "token", "add", "--role", "admin"], server.env).token;
  const zones = ["a", "b", "c", "d"];
  const layout = { validFrom: 0, timezone: "UTC", floor: { width: 40, height: 10 }, zones: zones.map((id, i) => ({ id, name: id, kind: i === 0 ? "entrance" : "zone", polygon: [[i * 10, 0], [i * 10 + 9, 0], [i * 10 + 9, 9], [i * 10, 9]] })) };
  const put = await fetch(`${server.base}/api/v1/stores/bench/layout`, { method: "PUT", headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" }, body: JSON.stringify(layout) });
  if (!put.ok) throw new Error(`layout: ${await put.text()}`);
  let expectedVisits = 0;
  for (const [label, events, perMessage] of [["batched", BATCHED, 100], ["single", SINGLE, 1]]) {
    const agent = `pub${perMessage}`;
    const creds = json(process.execPath, [cli, "agent", "add", agent, "--store", "bench", "--kind", "sim"], server.env);
    const t0 = performance.now();
    const cpu0 = cpuSeconds(server.proc.pid);
    // The main thread alone (its task id is the pid): it runs MQTT, decoding, staging and SQLite, so it is the limit.
    const main0 = cpuSeconds(server.proc.pid, { thread: server.proc.pid });
    const commits0 = await commitCount(server.base, admin);
    const pub = await runPublisher({ url: server.mqttUrl, username: creds.username, password: creds.password, store: "bench", agent, events, perMessage, zones });
    // Every PUBACK means committed; then the API must show every visit.
    expectedVisits += events / 2;
    let visits;
    for (;;) {
      const body = await (await fetch(`${server.base}/api/v1/stores/bench/dwell?from=${Date.now() - 7_200_000}&to=${Date.now() + 60_000}`, { headers: { authorization: `Bearer ${admin}` } })).json();
      visits = body.zones.reduce((s, z) => s + z.visits, 0);
      if (visits >= expectedVisits || performance.now() - t0 > 300_000) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    // From the first publish (not the publisher's start-up) to every event visible in the API.
    const seconds = (Date.now() - pub.startedAt) / 1000;
    if (visits !== expectedVisits) throw new Error(`expected ${expectedVisits} visits in the API, saw ${visits}`);
    results[`e2e_${label}`] = events / seconds;
    // The server's own CPU per event over the same stretch (publisher start-up included, ~0): what the code costs, whatever the load.
    results[`server_cpu_us_${label}`] = ((cpuSeconds(server.proc.pid) - cpu0) * 1e6) / events;
    results[`server_main_thread_us_${label}`] = ((cpuSeconds(server.proc.pid, { thread: server.proc.pid }) - main0) * 1e6) / events;
    // Group commits the stretch took (each costs a WAL write of every page it dirtied): events per commit.
    results[`events_per_commit_${label}`] = events / Math.max(1, (await commitCount(server.base, admin)) - commits0);
    log(`  footfall serve, ${perMessage}/message: ${fmt(events / seconds)} events/s committed and visible in the API`);
  }
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
  return results;
}

async function queryBench() {
  const dataDir = mkdtempSync(join(tmpdir(), "footfall-bench-query-"));
  log(`  generating ${fmt(QUERY_EVENTS)} events over 30 days in a 20-zone store...`);
  const gen = json(process.execPath, [join(here, "generate-store.mjs"), dataDir, String(QUERY_EVENTS), "30"], {});
  log(`  generated ${fmt(gen.events)} events in ${gen.seconds.toFixed(1)} s (${fmt(gen.events / gen.seconds)} rows/s); starting the server on it...`);
  const server = await startServer(dataDir);
  log(`  server ready after ${(server.startupMs / 1000).toFixed(1)} s (rollups rebuilt from SQLite)`);
  const admin = json(process.execPath, [cli, "token", "add", "--role", "admin"], server.env).token;
  const headers = { authorization: `Bearer ${admin}` };
  let seed = 7;
  const rand = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 4294967296);
  const results = { events: gen.events, startup_s: server.startupMs / 1000 };
  for (const route of ["dwell", "paths", "traffic"]) {
    const times = [];
    for (let i = 0; i < 120; i++) {
      // A third each: the whole 30 days, a random week, a random day; random (unaligned) edges.
      const span = [30 * 86_400_000, 7 * 86_400_000, 86_400_000][i % 3];
      const from = Math.floor(gen.start + rand() * (gen.end - gen.start - span + 1));
      const extra = route === "traffic" ? `&bucket=${i % 3 === 0 ? "day" : "hour"}` : "";
      const t0 = performance.now();
      const res = await fetch(`${server.base}/api/v1/stores/bench/${route}?from=${from}&to=${from + span}${extra}`, { headers });
      await res.json();
      times.push(performance.now() - t0);
      if (!res.ok) throw new Error(`${route}: ${res.status}`);
    }
    times.sort((a, b) => a - b);
    results[route] = { p50: pct(times, 0.5), p95: pct(times, 0.95), max: times[times.length - 1] };
    log(`  ${route.padEnd(8)} p50 ${results[route].p50.toFixed(1)} ms, p95 ${results[route].p95.toFixed(1)} ms`);
  }
  const metrics = await (await fetch(`${server.base}/metrics`, { headers: { authorization: `Bearer ${admin}` } })).text();
  const rss = Number(/footfall_process_process_resident_memory_bytes (\d+)/.exec(metrics)?.[1] ?? 0);
  results.rss_mb = rss / 1048576;
  log(`  server memory (RSS) with the store loaded: ${fmt(results.rss_mb)} MiB`);
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
  return results;
}

const machine = `${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
log(`Footfall benchmark on ${machine}`);
log("Ingest (QoS 1, publisher in its own process):");
// BENCH_ONLY=query skips the ingest part (to iterate on queries); BENCH_ONLY=ingest the queries.
const ingest = process.env.BENCH_ONLY === "query" ? { e2e_batched: NaN, ceiling_batched: NaN, e2e_single: NaN, ceiling_single: NaN } : await ingestBench();
if (process.env.BENCH_ONLY !== "ingest") log("Queries (HTTP, keep-alive, 120 requests per route):");
const skipped = { p50: NaN, p95: NaN, max: NaN };
const query = process.env.BENCH_ONLY === "ingest" ? { dwell: skipped, paths: skipped, traffic: skipped } : await queryBench();
const summary = {
  machine,
  date: new Date().toISOString(),
  ingest: {
    ...Object.fromEntries(Object.entries(ingest).map(([k, v]) => [k, Math.round(v)])),
    ratio_batched: +(ingest.e2e_batched / ingest.ceiling_batched).toFixed(2),
    ratio_single: +(ingest.e2e_single / ingest.ceiling_single).toFixed(2),
    server_cpu_us_batched: +(ingest.server_cpu_us_batched ?? NaN).toFixed(1),
    server_cpu_us_single: +(ingest.server_cpu_us_single ?? NaN).toFixed(1),
    server_main_thread_us_batched: +(ingest.server_main_thread_us_batched ?? NaN).toFixed(1),
    server_main_thread_us_single: +(ingest.server_main_thread_us_single ?? NaN).toFixed(1),
  },
  query,
};
log("");
log(`ingest batched: ${fmt(ingest.e2e_batched)} events/s end to end = ${summary.ingest.ratio_batched} x the bare broker's ${fmt(ingest.ceiling_batched)} (aim >= 100,000)`);
log(`ingest single:  ${fmt(ingest.e2e_single)} events/s end to end = ${summary.ingest.ratio_single} x the bare broker's ${fmt(ingest.ceiling_single)} (aim >= 20,000)`);
log(`server CPU per event: ${summary.ingest.server_cpu_us_batched} us batched, ${summary.ingest.server_cpu_us_single} us single (100,000 events/s needs < 10 us on one core); events per group commit: ${summary.ingest.events_per_commit_batched} batched, ${summary.ingest.events_per_commit_single} single`);
log(`server main thread CPU per event: ${summary.ingest.server_main_thread_us_batched} us batched, ${summary.ingest.server_main_thread_us_single} us single (the one thread that must stay < 10 us for 100,000 events/s)`);
for (const r of ["dwell", "paths", "traffic"]) log(`${r.padEnd(8)} p95 ${query[r].p95.toFixed(1)} ms (aim < 50 ms)`);
mkdirSync(join(root, "test-output"), { recursive: true });
writeFileSync(join(root, "test-output", "bench.json"), JSON.stringify(summary, null, 2));
process.stdout.write(JSON.stringify(summary, null, 2) + "\n");

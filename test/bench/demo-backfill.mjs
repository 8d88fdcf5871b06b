// `npm run bench:demo-backfill`: the chain demo's first minute as a user sees it. Starts
// `footfall demo --stores DEMO_STORES --speed 60` (48 h back-filled) on a fresh data dir and its own ports,
// and once a second asks what the chain view and a store page ask (GET /api/v1/overview for today, a
// store's /dwell for today, /api/v1/health) all three at once, as a browser would, without waiting for
// the answers of the second before. Prints each route's latency per 10 s window (p50, p95, max, and how
// many asks were still unanswered when the run ended; failed: an error status or no answer), while the back-fill runs and for DEMO_AFTER_S
// after it (the baseline: the same server with the back-fill done), and how long the back-fill took.
// The back-fill's end: the last second in which the stores' stored events (GET /api/v1/agents, summed,
// asked once a second too) grew by more than 2,000, with the CPU seconds the server and the simulator used by then; the total stored is printed too (it differs
// between runs a little: the back-filled 48 h end at the clock).
// DEMO_BASELINE_CLI: another build's server/bin/footfall.js (e.g. a copy of server/ with its dist made
// before a change, its node_modules a symlink to the repository's), run first in the same run, so
// before and after are measured on the same machine at the same load. Asserts nothing.
// Env: DEMO_CLI (the build measured: this repository's server/bin/footfall.js), DEMO_STORES (50), DEMO_AFTER_S (40), DEMO_BASELINE_CLI, DEMO_RUNS (1: each build that many times, in turn),
// DEMO_CPU_PROF=dir (the servers run with --cpu-prof into dir), DEMO_RAW=file (every ask's time and latency, as JSON).
import "./help.mjs"; // --help: this file's leading comment
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { cpuSeconds } from "./proc.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const CLI = process.env.DEMO_CLI ?? join(here, "..", "..", "server", "bin", "footfall.js");
const STORES = Number(process.env.DEMO_STORES ?? 50);
const AFTER_S = Number(process.env.DEMO_AFTER_S ?? 40);
const RUNS = Number(process.env.DEMO_RUNS ?? 1);
const log = (s) => process.stderr.write(s + "\n");
const pct = (sorted, q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : NaN);
const ms = (n) => (Number.isFinite(n) ? String(Math.round(n)) : "-");
const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
const sleep = (t) => new Promise((r) => setTimeout(r, t));

/** One demo run of the server at `cli`: the asks' latencies over time and when the back-fill ended. */
async function run(label, cli) {
  const dir = mkdtempSync(join(tmpdir(), "demo-backfill-"));
  const [http, mqtt] = [await freePort(), await freePort()];
  const args = [
    ...(process.env.DEMO_CPU_PROF ? [`--cpu-prof`, `--cpu-prof-dir=${process.env.DEMO_CPU_PROF}`] : []),
    cli,
    "demo",
    "--stores",
    String(STORES),
    "--speed",
    "60",
  ];
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      FOOTFALL_DATA_DIR: dir,
      FOOTFALL_HTTP_PORT: String(http),
      FOOTFALL_MQTT_PORT: String(mqtt),
      FOOTFALL_METRICS_PORT: "off",
      FOOTFALL_HTTP_HOST: "127.0.0.1",
      FOOTFALL_MQTT_HOST: "127.0.0.1",
      FOOTFALL_LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const started = performance.now();
  let out = "";
  const lines = [];
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) =>
    lines.push(
      ...String(d)
        .split("\n")
        .filter((l) => /connack timeout|slow group commit/.test(l)),
    ),
  );
  for (;;) {
    if (/Token\s+(\S+)/.test(out)) break;
    if (child.exitCode !== null) throw new Error(`the demo exited (${child.exitCode}):\n${out}`);
    await sleep(50);
  }
  const token = /Token\s+(\S+)/.exec(out)[1];
  const ready = performance.now();
  const base = `http://127.0.0.1:${http}/api/v1`;
  const headers = { authorization: `Bearer ${token}` };
  const day = 86_400_000;
  // Today in UTC up to the next whole hour (the overview takes whole hours).
  const now = Date.now();
  const from = now - (now % day);
  const to = now - (now % 3_600_000) + 3_600_000;
  const routes = {
    overview: `${base}/overview?from=${from}&to=${to}`,
    dwell: `${base}/stores/store-0001/dwell?from=${from}&to=${to}`,
    health: `${base}/health`,
  };
  /** Per route: [asked at (s since the banner), latency ms or null while unanswered]. */
  const asks = Object.fromEntries(Object.keys(routes).map((r) => [r, []]));
  const events = []; // [s, events stored]
  let backfillEnd = null;
  let cpu = { server: NaN, sim: NaN };
  let stopAt = Infinity;
  const t0 = ready;
  for (let tick = 0; performance.now() - t0 < stopAt * 1000 && tick < 3600; tick++) {
    const at = (performance.now() - t0) / 1000;
    for (const [name, url] of Object.entries(routes)) {
      const rec = [at, null];
      asks[name].push(rec);
      const s = performance.now();
      fetch(url, { headers })
        .then((r) => r.arrayBuffer().then(() => (rec[1] = r.ok ? performance.now() - s : -1)))
        .catch(() => (rec[1] = -1));
    }
    fetch(`${base}/agents?limit=1000`, { headers })
      .then((r) => r.json())
      .then((j) => events.push([(performance.now() - t0) / 1000, j.agents.reduce((n, a) => n + a.events, 0)]))
      .catch(() => {});
    // The back-fill's end: the last second the stored events grew by more than 2,000, once 10 s passed without.
    if (backfillEnd === null && events.length > 12) {
      const e = events.slice(-12);
      if (e.at(-1)[1] > 0 && e.every((x, i) => i === 0 || x[1] - e[i - 1][1] <= 2_000)) {
        let k = events.length - 1;
        while (k > 0 && events[k][1] - events[k - 1][1] <= 2_000) k--;
        backfillEnd = events[k][0];
        // CPU seconds so far: the server's, and the simulator's (its child), robust to the load of a shared machine.
        const own = cpuSeconds(child.pid);
        cpu = { server: own, sim: cpuSeconds(child.pid, { tree: true }) - own };
        stopAt = (performance.now() - t0) / 1000 + AFTER_S;
        log(`${label}: back-fill ended at ${backfillEnd.toFixed(1)} s (${events.at(-1)[1]} events)`);
      }
    }
    const next = t0 + (tick + 1) * 1000;
    await sleep(Math.max(0, next - performance.now()));
  }
  await sleep(3000); // the last asks' answers
  const total = await fetch(`${base}/agents?limit=1000`, { headers })
    .then((r) => r.json())
    .then((j) => j.agents.reduce((n, a) => n + a.events, 0));
  child.kill("SIGINT");
  await new Promise((r) => child.once("exit", r));
  rmSync(dir, { recursive: true, force: true });
  return { label, startMs: ready - started, asks, backfillEnd, cpu, total, notes: lines };
}

function report(r) {
  const end = r.backfillEnd ?? Infinity;
  console.log(
    `\n## ${r.label}: ${STORES} stores, server up in ${(r.startMs / 1000).toFixed(1)} s, back-fill ended ${r.backfillEnd === null ? "?" : `${r.backfillEnd.toFixed(0)} s`} after the banner, ${r.total.toLocaleString("en-US")} events`,
  );
  console.log(`CPU by the back-fill's end: server ${r.cpu.server.toFixed(1)} s, simulator ${r.cpu.sim.toFixed(1)} s`);
  console.log(
    "window        " +
      Object.keys(r.asks)
        .map((n) => `${n.padEnd(26)}`)
        .join(""),
  );
  console.log(
    "              " +
      Object.keys(r.asks)
        .map(() => "p50/p95/max ms, late".padEnd(26))
        .join(""),
  );
  const last = Math.max(...Object.values(r.asks).map((a) => a.at(-1)?.[0] ?? 0));
  for (let w = 0; w <= last; w += 10) {
    const phase = w + 10 <= end ? "fill" : w >= end ? "after" : "end";
    const cells = Object.values(r.asks).map((a) => {
      const inW = a.filter(([t]) => t >= w && t < w + 10);
      const done = inW
        .filter(([, l]) => l !== null && l >= 0)
        .map(([, l]) => l)
        .sort((x, y) => x - y);
      const failed = inW.filter(([, l]) => l !== null && l < 0).length;
      const late = inW.length - done.length - failed;
      return `${ms(pct(done, 0.5))}/${ms(pct(done, 0.95))}/${ms(done.at(-1))}${late ? ` (${late})` : ""}${failed ? ` ${failed} failed` : ""}`.padEnd(26);
    });
    console.log(`${String(w).padStart(4)}-${String(w + 10).padEnd(4)} ${phase.padEnd(5)}${cells.join("")}`);
  }
  for (const [phase, test] of [
    ["during the back-fill", (t) => t < end],
    ["after it (baseline)", (t) => t >= end + 5],
  ]) {
    const cells = Object.entries(r.asks).map(([n, a]) => {
      const done = a
        .filter(([t, l]) => test(t) && l !== null && l >= 0)
        .map(([, l]) => l)
        .sort((x, y) => x - y);
      return `${n} ${ms(pct(done, 0.5))}/${ms(pct(done, 0.95))}/${ms(done.at(-1))}`;
    });
    console.log(`${phase}: ${cells.join(", ")} (p50/p95/max ms)`);
  }
  if (r.notes.length) console.log(`server/simulator said: ${r.notes.length} lines, e.g. ${r.notes[0].slice(0, 200)}`);
}

const builds = [...(process.env.DEMO_BASELINE_CLI ? [["baseline", process.env.DEMO_BASELINE_CLI]] : []), ["this build", CLI]];
const results = [];
for (let i = 0; i < RUNS; i++) for (const [label, cli] of builds) results.push(await run(RUNS > 1 ? `${label} #${i + 1}` : label, cli));
for (const r of results) report(r);
if (process.env.DEMO_RAW) writeFileSync(process.env.DEMO_RAW, JSON.stringify(results));

// `npm run bench:overview`: the chain overview (GET /api/v1/overview) of 1,000 stores, against the
// 200 ms p95 aim of issue 15. The fixture is written straight into a data dir's SQLite file: each
// store's layout through the storage interface, then the rollups the overview reads (zone and door
// rows per hour and per day with dwell sketches, till transactions, agents, open visits) for this
// week, the week before and the same two weeks 364 days earlier, as a server's ingest would have
// left them. Then a real `footfall serve` answers: the first overview (layouts not yet cached),
// OVERVIEW_QUERIES more (p50, p95, max), and the same for one group of 100 stores. Asserts nothing.
// Env: OVERVIEW_STORES (1000), OVERVIEW_QUERIES (50), OVERVIEW_DIR (keep the generated data dir and reuse it),
// OVERVIEW_FIXTURE_ONLY=1 (write the fixture into OVERVIEW_DIR and stop).
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir, cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createServer } from "node:net";
import Database from "better-sqlite3";
import { openStorage } from "../../server/dist/storage.js";
import { encodeHistogram, binOf } from "../../server/dist/aggregates/dwell-histogram.js";

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, "..", "..", "server", "dist", "cli.js");
const STORES = Number(process.env.OVERVIEW_STORES ?? 1000);
const QUERIES = Number(process.env.OVERVIEW_QUERIES ?? 50);
const ZONES = ["entrance", "z01", "z02", "z03", "z04", "z05", "z06", "z07", "z08", "checkout"];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const log = (s) => process.stderr.write(s + "\n");
const fmt = (n) => Math.round(n).toLocaleString("en-US");
const pct = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
const freePort = () => new Promise((resolve) => { const s = createServer(); s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => resolve(p)); }); });

const keep = !!process.env.OVERVIEW_DIR;
const dataDir = process.env.OVERVIEW_DIR ?? mkdtempSync(join(tmpdir(), "footfall-bench-overview-"));
const today = Math.floor(Date.now() / DAY) * DAY;
const from = today - 7 * DAY;
const ids = Array.from({ length: STORES }, (_, i) => `s${String(i).padStart(4, "0")}`);

if (!existsSync(join(dataDir, "overview-fixture"))) {
  const t0 = performance.now();
  const storage = await openStorage(dataDir);
  const timezones = ["Europe/Paris", "Europe/London", "America/New_York", "Europe/Berlin"];
  for (const [i, store] of ids.entries()) {
    await storage.stores.saveLayout(store, {
      name: `Store ${i}`,
      validFrom: 0,
      timezone: timezones[i % timezones.length],
      floor: { width: 50, height: 20 },
      zones: ZONES.map((id, z) => ({ id, name: id, kind: z === 0 ? "entrance" : z === 9 ? "checkout" : "zone", polygon: [[z * 5, 0], [z * 5 + 4, 0], [z * 5 + 4, 10], [z * 5, 10]] })),
    }, Date.now());
  }
  for (let g = 0; g < 10; g++) {
    await storage.groups.create(`region-${g}`, `Region ${g}`, "region", Date.now());
    await storage.groups.setStores(`region-${g}`, ids.filter((_, i) => i % 10 === g));
  }
  await storage.close();
  // The rollups, straight into the file (one transaction): what ingest would have written.
  const db = new Database(join(dataDir, "footfall.db"));
  db.pragma("journal_mode = WAL");
  const zone = db.prepare("INSERT INTO zone_rollups (store, grain, t, zone, visits, firsts, closed, dwell_sum_ms, hist) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  const door = db.prepare("INSERT INTO door_rollups (store, grain, t, zone, n_in, n_out) VALUES (?, ?, ?, ?, ?, ?)");
  const sale = db.prepare("INSERT INTO sales (store, transaction_id, ts, zone, department, zones, amount, items, imported_at) VALUES (?, ?, ?, 'checkout', NULL, '[\"checkout\"]', ?, 1, 0)");
  const agent = db.prepare("INSERT INTO agents (store, agent, kind, username, password_hash, created_at, state) VALUES (?, ?, 'camera', ?, 'x', 0, ?)");
  const open = db.prepare("INSERT INTO open_visits (store, zone, visitor, last_seen_ts) VALUES (?, ?, ?, ?)");
  let seed = 11;
  const rand = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 4294967296);
  let rows = 0;
  db.transaction(() => {
    for (const [si, store] of ids.entries()) {
      for (const base of [from, from - 7 * DAY, from - 364 * DAY, from - 371 * DAY]) {
        for (let d = 0; d < 7; d++) {
          const day = base + d * DAY;
          for (const [zi, z] of ZONES.entries()) {
            const dayHist = new Map();
            let dv = 0, dc = 0, ds = 0;
            // Open 9:00 to 21:00 UTC: an hour row each, and the day row their sum.
            for (let h = 9; h < 21; h++) {
              const visits = Math.floor(5 + rand() * 40 * (zi === 0 ? 2 : 1));
              const hist = new Map();
              let sum = 0;
              for (let k = 0; k < visits; k++) {
                const ms = Math.floor(5_000 + rand() * 600_000);
                sum += ms;
                const b = binOf(ms);
                hist.set(b, (hist.get(b) ?? 0) + 1);
                dayHist.set(b, (dayHist.get(b) ?? 0) + 1);
              }
              zone.run(store, 0, (day + h * HOUR) / HOUR, z, visits, visits, visits, sum, encodeHistogram(hist));
              dv += visits; dc += visits; ds += sum;
              rows++;
              if (zi === 0 && si % 3 === 0) { door.run(store, 0, (day + h * HOUR) / HOUR, z, visits, visits - 1); rows++; }
            }
            zone.run(store, 1, day / DAY, z, dv, dv, dc, ds, encodeHistogram(dayHist));
            if (zi === 0 && si % 3 === 0) door.run(store, 1, day / DAY, z, dv, dv - 12);
            rows++;
          }
          for (let k = 0; k < 20; k++) sale.run(store, `${day}-${k}`, day + 10 * HOUR + k * 60_000, 5 + rand() * 80);
        }
      }
      agent.run(store, "cam-1", `${store}.cam-1`, "online");
      agent.run(store, "cam-2", `${store}.cam-2`, si % 7 === 0 ? "offline" : "online");
      for (let k = 0; k < 5; k++) open.run(store, ZONES[1 + k], `v${k}`, Date.now() - k * 60_000);
    }
  })();
  // As a data dir from before migration 12 (store rollups) would be: the server sums them at its start.
  db.exec("DELETE FROM store_rollups; INSERT OR IGNORE INTO store_rollups_pending (store) SELECT DISTINCT store FROM zone_rollups");
  db.close();
  execFileSync("touch", [join(dataDir, "overview-fixture")]);
  log(`generated ${STORES} stores, ${fmt(rows)} rollup rows in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

// OVERVIEW_FIXTURE_ONLY=1: write the fixture (no lock needed) and stop; measure later under the bench lock.
if (process.env.OVERVIEW_FIXTURE_ONLY === "1") process.exit(0);

const http = await freePort();
const env = { ...process.env, FOOTFALL_DATA_DIR: dataDir, FOOTFALL_HTTP_PORT: String(http), FOOTFALL_MQTT_PORT: String(await freePort()), FOOTFALL_METRICS_PORT: "off", FOOTFALL_LOG_LEVEL: "warn", FOOTFALL_RETENTION_DAYS: "0" };
const admin = JSON.parse(execFileSync(process.execPath, [cli, "token", "add", "--role", "admin"], { env, encoding: "utf8" })).token;
const pending = (() => {
  const db = new Database(join(dataDir, "footfall.db"), { readonly: true });
  try {
    return db.prepare("SELECT COUNT(*) AS n FROM store_rollups_pending").get().n;
  } catch {
    return STORES; // a data dir from before migration 12: the server's start lists every store
  } finally {
    db.close();
  }
})();
const started = performance.now();
const server = spawn(process.execPath, [cli, "serve"], { env, stdio: ["ignore", "ignore", "inherit"] });
const base = `http://127.0.0.1:${http}`;
for (;;) {
  if (server.exitCode !== null) throw new Error("server exited");
  if (await fetch(`${base}/api/v1/health`).then((r) => r.ok, () => false)) break;
  await new Promise((r) => setTimeout(r, 20));
}
log(`server up in ${fmt(performance.now() - started)} ms`);
if (pending) {
  // Migration 12's one-time build runs in the background once the server listens: wait for it (the overview reads zone rows until then).
  const db = new Database(join(dataDir, "footfall.db"), { readonly: true });
  for (;;) {
    const left = db.prepare("SELECT COUNT(*) AS n FROM store_rollups_pending").get().n;
    if (left === 0) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  db.close();
  log(`store rollups of ${pending} stores summed from their zone rollups (migration 12's one-time build, in the background) ${fmt(performance.now() - started)} ms after the start`);
}
const get = async (q) => {
  const t0 = performance.now();
  const res = await fetch(`${base}/api/v1/overview?${q}`, { headers: { authorization: `Bearer ${admin}` } });
  const body = await res.json();
  if (!res.ok) throw new Error(`${res.status}: ${body.message}`);
  return { ms: performance.now() - t0, body };
};
try {
  const week = `from=${from}&to=${today}&sort=enters`;
  // Cold: periods never asked (each query a different week, so nothing is kept in memory from an earlier answer).
  const cold = [];
  for (let i = 1; i <= Math.min(5, QUERIES); i++) cold.push((await get(`from=${from - i * DAY}&to=${today - i * DAY}`)).ms);
  cold.sort((a, b) => a - b);
  if (cold.length) log(`every store, 7 days never asked before (nothing in memory): p50 ${fmt(pct(cold, 0.5))} ms, max ${fmt(cold.at(-1))} ms over ${cold.length}`);
  const first = await get(week);
  log(`${first.body.stores.length} stores, ${first.body.groups.length} groups; first overview (layouts read): ${fmt(first.ms)} ms`);
  for (const [label, q] of [["every store, last 7 days vs previous and last year", week], ["one group (100 stores)", `${week}&group=region-3`], ["every store, yesterday", `from=${today - DAY}&to=${today}`]]) {
    const times = [];
    for (let i = 0; i < QUERIES; i++) times.push((await get(q)).ms);
    times.sort((a, b) => a - b);
    const p95 = pct(times, 0.95);
    log(`${label}: p50 ${fmt(pct(times, 0.5))} ms, p95 ${fmt(p95)} ms, max ${fmt(times.at(-1))} ms over ${QUERIES} (aim: p95 < 200 ms: ${p95 < 200 ? "met" : "NOT met"})`);
  }
  log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), load ${(await import("node:os")).loadavg().map((x) => x.toFixed(1)).join(" ")}`);
} finally {
  server.kill("SIGTERM");
  await new Promise((r) => server.once("exit", r));
  if (!keep) rmSync(dataDir, { recursive: true, force: true });
}

// `npm run bench:overview`: the chain overview (GET /api/v1/overview) of 1,000 stores, against the
// 200 ms p95 aim of issue 15. The fixture is written straight into a data dir's SQLite file: each
// store's layout through the storage interface, then the rollups the overview reads (zone and door
// rows per hour and per day with dwell sketches, till transactions, agents, open visits) for this
// week, the week before and the same two weeks 364 days earlier, as a server's ingest would have
// left them. Then a real `footfall serve` answers: the first overview (layouts not yet cached),
// OVERVIEW_QUERIES more (p50, p95, max), and the same for one group of 100 stores. Asserts nothing.
// Then the chain view's standard periods (today, yesterday, last 7 / 30 days in each store zone), read
// ahead by the server once it listens (routes/overview-warm.ts): their first asks, against periods never
// asked (cold).
// Env: OVERVIEW_STORES (1000), OVERVIEW_QUERIES (50), OVERVIEW_DIR (keep the generated data dir and reuse it),
// OVERVIEW_FIXTURE_ONLY=1 (write the fixture into OVERVIEW_DIR and stop), OVERVIEW_WARM=off (the server reads nothing ahead),
// OVERVIEW_CPU_PROF=dir (the server runs with --cpu-prof into dir), OVERVIEW_CLI (the server's cli.js: a baseline build).
// OVERVIEW_PG=1: the server on PostgreSQL (Debian's, started in OVERVIEW_PG_DIR or a temp dir, as the postgres user when root),
// loaded once from the SQLite fixture of OVERVIEW_DIR (which must have its store rollups built: run the SQLite bench on it first).
import "./help.mjs"; // --help: this file's leading comment
import { spawn, execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir, cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createServer } from "node:net";
import Database from "better-sqlite3";
import { openStorage } from "../../server/dist/storage.js";
import { encodeHistogram, binOf } from "../../server/dist/aggregates/dwell-histogram.js";
import { presetRequest, STANDARD_PRESETS } from "../../server/dist/routes/overview-warm.js";
import { rssMiB } from "./proc.mjs";

const here = dirname(fileURLToPath(import.meta.url));
// OVERVIEW_CLI: another build's cli.js (a baseline measured in the same run, e.g. a copy of server/dist made before a change).
const cli = process.env.OVERVIEW_CLI ?? join(here, "..", "..", "server", "dist", "cli.js");
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

/** Each store's layout (10 zones, one of four time zones) and 10 region groups, through the storage interface. */
async function writeStores(storage) {
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
}

if (!existsSync(join(dataDir, "overview-fixture"))) {
  const t0 = performance.now();
  const storage = await openStorage(dataDir);
  await writeStores(storage);
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
if (process.env.OVERVIEW_FIXTURE_ONLY === "1" && process.env.OVERVIEW_PG !== "1") process.exit(0);

// ---- PostgreSQL (OVERVIEW_PG=1): Debian's, as bench:chain starts it; loaded from the SQLite fixture once ----
let databaseUrl = null;
let stopPg = () => {};
if (process.env.OVERVIEW_PG === "1") {
  const pgDir = process.env.OVERVIEW_PG_DIR ?? mkdtempSync(join(tmpdir(), "footfall-bench-overview-pg-"));
  mkdirSync(pgDir, { recursive: true });
  const majors = readdirSync("/usr/lib/postgresql").filter((d) => /^\d+$/.test(d)).sort((a, b) => b - a);
  const PGBIN = join("/usr/lib/postgresql", majors[0], "bin");
  const asRoot = process.getuid?.() === 0;
  const pgUser = asRoot ? readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.startsWith("postgres:")).split(":") : null;
  const PGDATA = join(pgDir, "pg");
  const pgExec = (prog, args) => execFileSync(asRoot ? "runuser" : join(PGBIN, prog), asRoot ? ["-u", "postgres", "--", join(PGBIN, prog), ...args] : args, { encoding: "utf8", cwd: pgDir, env: { ...process.env, LC_ALL: "C.UTF-8" } });
  const fresh = !existsSync(PGDATA);
  if (fresh) {
    mkdirSync(PGDATA, { mode: 0o700 });
    if (asRoot) { chownSync(pgDir, Number(pgUser[2]), Number(pgUser[3])); chownSync(PGDATA, Number(pgUser[2]), Number(pgUser[3])); }
    pgExec("initdb", ["-D", PGDATA, "-U", "footfall", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-instructions"]);
  }
  const pgPort = await freePort();
  pgExec("pg_ctl", ["-D", PGDATA, "-l", join(pgDir, "pg.log"), "-o", `-p ${pgPort} -c listen_addresses=127.0.0.1 -k ${pgDir} -c shared_buffers=256MB -c timezone=UTC`, "-w", "start"]);
  stopPg = () => pgExec("pg_ctl", ["-D", PGDATA, "-m", "fast", "-w", "stop"]);
  databaseUrl = `postgres://footfall@127.0.0.1:${pgPort}/postgres`;
  log(`PostgreSQL ${majors[0]} on port ${pgPort} (${pgDir})`);
  if (!existsSync(join(pgDir, "overview-fixture"))) {
    const t0 = performance.now();
    const storage = await openStorage(dataDir, { databaseUrl });
    await writeStores(storage);
    await storage.close();
    const { default: pg } = await import("pg");
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const lite = new Database(join(dataDir, "footfall.db"), { readonly: true });
    if (lite.prepare("SELECT COUNT(*) AS n FROM store_rollups_pending").get().n > 0) throw new Error("the SQLite fixture's store rollups are not built yet: run the bench on it without OVERVIEW_PG first");
    // Every rollup, sale, agent and open visit of the SQLite fixture, 5,000 rows a statement.
    const tables = [
      ["zone_rollups", ["store", "grain", "t", "zone", "visits", "firsts", "closed", "dwell_sum_ms", "hist"], ["text", "int2", "int8", "text", "int8", "int8", "int8", "int8", "bytea"]],
      ["store_rollups", ["store", "grain", "t", "visits", "firsts", "closed", "dwell_sum_ms", "stamp", "hist"], ["text", "int2", "int8", "int8", "int8", "int8", "int8", "int8", "bytea"]],
      ["door_rollups", ["store", "grain", "t", "zone", "n_in", "n_out"], ["text", "int2", "int8", "text", "int8", "int8"]],
      ["sales", ["store", "transaction_id", "ts", "zone", "department", "zones", "amount", "items", "imported_at"], ["text", "text", "int8", "text", "text", "jsonb", "float8", "int4", "int8"]],
      ["agents", ["store", "agent", "kind", "username", "password_hash", "created_at", "state"], ["text", "text", "text", "text", "text", "int8", "text"]],
      ["open_visits", ["store", "zone", "visitor", "last_seen_ts"], ["text", "text", "text", "int8"]],
    ];
    for (const [table, cols, types] of tables) {
      let n = 0;
      const insert = (rows) => client.query(`INSERT INTO ${table} (${cols.join(", ")}) SELECT * FROM unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(", ")})`, cols.map((c) => rows.map((r) => r[c])));
      let batch = [];
      for (const row of lite.prepare(`SELECT ${cols.join(", ")} FROM ${table}`).iterate()) {
        batch.push(row);
        if (batch.length === 5000) { await insert(batch); n += batch.length; batch = []; }
      }
      if (batch.length) { await insert(batch); n += batch.length; }
      log(`PostgreSQL: ${table} ${fmt(n)} rows`);
    }
    lite.close();
    await client.query("VACUUM ANALYZE");
    await client.end();
    execFileSync("touch", [join(pgDir, "overview-fixture")]);
    log(`PostgreSQL loaded from the SQLite fixture in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  if (process.env.OVERVIEW_FIXTURE_ONLY === "1") { stopPg(); process.exit(0); }
}

const http = await freePort();
const env = {
  ...process.env,
  FOOTFALL_DATA_DIR: dataDir,
  FOOTFALL_HTTP_PORT: String(http),
  FOOTFALL_MQTT_PORT: String(await freePort()),
  FOOTFALL_METRICS_PORT: "off",
  FOOTFALL_LOG_LEVEL: "info",
  FOOTFALL_RETENTION_DAYS: "0",
  FOOTFALL_OVERVIEW_WARM: process.env.OVERVIEW_WARM ?? "on",
  ...(databaseUrl ? { FOOTFALL_DATABASE_URL: databaseUrl } : {}),
};
const admin = JSON.parse(execFileSync(process.execPath, [cli, "token", "add", "--role", "admin"], { env, encoding: "utf8" })).token;
const pending = databaseUrl ? 0 : (() => {
  const db = new Database(join(dataDir, "footfall.db"), { readonly: true });
  try {
    return db.prepare("SELECT COUNT(*) AS n FROM store_rollups_pending").get().n;
  } catch {
    return STORES; // a data dir from before migration 12: the server's start lists every store
  } finally {
    db.close();
  }
})();
const base = `http://127.0.0.1:${http}`;
/** Starts `footfall serve`; its info log lines of the read-ahead are kept in `warmed`. */
async function serve() {
  const t0 = performance.now();
  const prof = process.env.OVERVIEW_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.OVERVIEW_CPU_PROF}`] : [];
  const proc = spawn(process.execPath, [...prof, cli, "serve"], { env, stdio: ["ignore", "pipe", "inherit"] });
  const warmed = [];
  let rest = "";
  proc.stdout.on("data", (b) => {
    const lines = (rest + b.toString()).split("\n");
    rest = lines.pop();
    for (const l of lines) if (l.includes("standard periods read ahead")) warmed.push({ at: performance.now(), ...JSON.parse(l) });
  });
  for (;;) {
    if (proc.exitCode !== null) throw new Error("server exited");
    if (await fetch(`${base}/api/v1/health`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const upMs = performance.now() - t0;
  log(`server up in ${fmt(upMs)} ms (RSS ${fmt(rssMiB(proc.pid))} MiB)`);
  return { proc, warmed, t0, upMs };
}
const stop = async (s) => {
  s.proc.kill("SIGTERM");
  await new Promise((r) => (s.proc.exitCode !== null ? r() : s.proc.once("exit", r)));
};
let server = await serve();
const started = server.t0;
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
  // The read-ahead at listen left the stores being built out (it reads store rollups only); start again as a server of a built data dir would.
  await stop(server);
  server = await serve();
}
const get = async (q) => {
  const t0 = performance.now();
  const res = await fetch(`${base}/api/v1/overview?${q}`, { headers: { authorization: `Bearer ${admin}` } });
  const body = await res.json();
  if (!res.ok) throw new Error(`${res.status}: ${body.message}`);
  return { ms: performance.now() - t0, body };
};
try {
  // The standard periods read ahead: wait for the read begun at listen, then ask each once (their first asks), then again.
  const zones = ["Europe/Paris", "Europe/London", "America/New_York", "Europe/Berlin"];
  const now = Date.now();
  const asks = new Map();
  for (const tz of zones) for (const p of STANDARD_PRESETS) { const r = presetRequest(p, now, tz); asks.set(`from=${r.from}&to=${r.to}`, `${p} ${tz}`); }
  if (env.FOOTFALL_OVERVIEW_WARM !== "off") {
    while (!server.warmed.length) await new Promise((r) => setTimeout(r, 200));
    const w = server.warmed[0];
    log(`read ahead: ${w.periods} periods of ${w.stores} stores (${fmt(w.read)} store periods read) in ${fmt(w.ms)} ms (longest slice of 25 stores ${fmt(w.longestSliceMs)} ms), done ${fmt(w.at - server.t0)} ms after the start; RSS now ${fmt(rssMiB(server.proc.pid))} MiB`);
  }
  for (const label of ["first ask", "asked again"]) {
    const times = [];
    for (const q of asks.keys()) times.push((await get(q)).ms);
    times.sort((a, b) => a - b);
    log(`every store, the chain view's ${asks.size} standard periods (${STANDARD_PRESETS.join(", ")} in ${zones.length} zones), ${label}${env.FOOTFALL_OVERVIEW_WARM === "off" ? " (nothing read ahead)" : ""}: p50 ${fmt(pct(times, 0.5))} ms, p95 ${fmt(pct(times, 0.95))} ms, max ${fmt(times.at(-1))} ms`);
  }
  const week = `from=${from}&to=${today}&sort=enters`;
  // Cold: periods never asked (each query a different week, so nothing is kept in memory from an earlier answer).
  const cold = [];
  for (let i = 1; i <= Math.min(5, QUERIES); i++) cold.push((await get(`from=${from - i * DAY}&to=${today - i * DAY}`)).ms);
  cold.sort((a, b) => a - b);
  if (cold.length) log(`every store, 7 days never asked before (nothing in memory): p50 ${fmt(pct(cold, 0.5))} ms, max ${fmt(cold.at(-1))} ms over ${cold.length}`);
  // Custom ranges (not a standard period), each asked once: 23 local days of New York (05:00 UTC in winter) ending 1-5 days ago.
  const custom = [];
  for (let i = 1; i <= Math.min(5, QUERIES); i++) custom.push((await get(`from=${today - (23 + i) * DAY + 5 * HOUR}&to=${today - i * DAY + 5 * HOUR}`)).ms);
  custom.sort((a, b) => a - b);
  if (custom.length) log(`every store, custom ranges of 23 days (New York midnights, each asked once): p50 ${fmt(pct(custom, 0.5))} ms, max ${fmt(custom.at(-1))} ms over ${custom.length}`);
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
  const live = [...asks].find(([, l]) => l === "last7 Europe/London")[0];
  const times = [];
  for (let i = 0; i < QUERIES; i++) times.push((await get(live)).ms);
  times.sort((a, b) => a - b);
  log(`every store, last 7 days up to now (London; its last two hours read fresh each time): p50 ${fmt(pct(times, 0.5))} ms, p95 ${fmt(pct(times, 0.95))} ms, max ${fmt(times.at(-1))} ms over ${QUERIES}`);
  log(`server RSS ${fmt(rssMiB(server.proc.pid))} MiB`);
} finally {
  await stop(server);
  stopPg();
  if (!keep) rmSync(dataDir, { recursive: true, force: true });
}

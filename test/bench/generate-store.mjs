// Writes synthetic 20-zone stores straight into a data dir's SQLite file (the query and restart
// benchmarks' fixture): `events` accepted events in all over `days` days, spread over `stores`
// stores, through the server's own storage and aggregate code. Prints a JSON summary on stdout,
// progress on stderr. `--help` for the options.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const HELP = `Usage: node test/bench/generate-store.mjs <dataDir> [events=5000000] [days=30] [stores=1] [eventsPerVisitor=11] [options]

Writes synthetic 20-zone stores (named "bench", or bench-000, bench-001, ... when several) into
<dataDir>/footfall.db: visitors in time order over the last <days> days (8:00-20:00), each one
enters and leaves zones and is counted at the door. eventsPerVisitor 11 = five zones a visitor
and a door count; 3 = one visit a visitor and a door count (the shape that ran the old server
out of memory). Stores are generated from the same seed whatever the mode or jobs.

Options:
  --mode stage      each batch of events inserted and folded into the aggregates in one
                    transaction, as the ingest pipeline does (AnalyticsRegistry.stage); the
                    default: the least CPU per event (13.8 us against 16.3 for backfill on
                    400,000 events; BENCHMARKS.md, issue 11)
  --mode backfill   events inserted alone, then the aggregates built from them by the upgrade
                    migration's code (storage.buildPendingAggregates), as an upgraded data dir
                    does; the same aggregates (checked row for row on 400,000 events)
  --jobs N          N processes, each writing a slice of the stores into its own file, merged
                    into <dataDir>/footfall.db at the end (default 1: on 2 busy cores the merge
                    costs more than the second process saves)
  --batch N         events per transaction (default 50000)
  --resume          keep the stores <dataDir>/footfall.db holds whole, write the rest again (a
                    store cut short is deleted first): an interrupted run goes on where it stopped
  --help            this text

Progress (events, events/s, ETA) goes to stderr every million events. Needs the built server
(npx tsc -b). The dataDir must not hold a footfall.db yet.`;

const { values: opt, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    mode: { type: "string", default: "stage" },
    jobs: { type: "string", default: "1" },
    batch: { type: "string", default: "50000" },
    resume: { type: "boolean", default: false },
    slice: { type: "string" }, // internal: "k/n", a child's share of the stores
    help: { type: "boolean", default: false },
  },
});
if (opt.help || positionals.length === 0) {
  process.stdout.write(HELP + "\n");
  process.exit(opt.help ? 0 : 2);
}
const [dataDir, eventsArg = "5000000", daysArg = "30", storesArg = "1", perVisitorArg = "11"] = positionals;
const target = Number(eventsArg);
const days = Number(daysArg);
const storeCount = Number(storesArg);
const eventsPerVisitor = Number(perVisitorArg);
const jobs = Math.max(1, Number(opt.jobs));
const batchSize = Math.max(1000, Number(opt.batch));
if (!["stage", "backfill"].includes(opt.mode)) throw new Error(`--mode must be stage or backfill, not ${opt.mode}`);
for (const [name, v] of [["events", target], ["days", days], ["stores", storeCount], ["eventsPerVisitor", eventsPerVisitor]]) {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a whole number >= 1 (see --help)`);
}
const end = Math.floor(Date.now() / 3_600_000) * 3_600_000;
const start = end - days * 86_400_000;
const stores = Array.from({ length: storeCount }, (_, i) => (storeCount === 1 ? "bench" : `bench-${String(i).padStart(3, "0")}`));
const log = (s) => process.stderr.write(s + "\n");
const fmt = (n) => Math.round(n).toLocaleString("en-US");

if (opt.slice === undefined) {
  if (existsSync(join(dataDir, "footfall.db")) && !opt.resume) throw new Error(`${dataDir}/footfall.db exists: give an empty or new folder (or --resume)`);
  if (opt.resume && jobs > 1) throw new Error("--resume works with --jobs 1 only");
  const t0 = performance.now();
  if (jobs === 1) {
    const out = await generate(dataDir, stores, 0, 1);
    printSummary(out, t0);
  } else {
    // Children write slices of the stores into their own files (one writer per SQLite file), then
    // the slices are copied into one file in key order.
    const dirs = Array.from({ length: jobs }, (_, k) => join(dataDir, `slice-${k}`));
    const progress = new Array(jobs).fill(0);
    const results = await Promise.all(
      dirs.map(
        (dir, k) =>
          new Promise((resolve, reject) => {
            const p = spawn(process.execPath, [fileURLToPath(import.meta.url), dir, eventsArg, daysArg, storesArg, perVisitorArg, "--mode", opt.mode, "--batch", String(batchSize), "--slice", `${k}/${jobs}`], { stdio: ["ignore", "pipe", "pipe"] });
            let out = "";
            p.stdout.on("data", (d) => (out += d));
            p.stderr.on("data", (d) => {
              for (const line of String(d).split("\n")) {
                const m = /^@progress (\d+)$/.exec(line);
                if (m) {
                  progress[k] = Number(m[1]);
                  const done = progress.reduce((a, b) => a + b, 0);
                  const rate = done / ((performance.now() - t0) / 1000);
                  log(`  ${fmt(done)} of ${fmt(target)} events (${fmt(rate)}/s, ${jobs} jobs, ~${Math.round((target - done) / rate / 60)} min left before the merge)`);
                } else if (line) log(`  [job ${k}] ${line}`);
              }
            });
            p.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop())) : reject(new Error(`job ${k} exited with ${code}`))));
          }),
      ),
    );
    const tMerge = performance.now();
    log(`merging ${jobs} slices into ${dataDir}/footfall.db...`);
    const { openStorage } = await import("../../server/dist/storage.js");
    await (await openStorage(dataDir)).close(); // the schema, migrations applied
    const { default: Database } = await import("better-sqlite3");
    const db = new Database(join(dataDir, "footfall.db"));
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = OFF");
    db.pragma("cache_size = -262144");
    const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all().map((r) => r.name).filter((t) => t !== "schema_migrations");
    for (const [k, dir] of dirs.entries()) {
      db.exec(`ATTACH '${join(dir, "footfall.db")}' AS s`);
      db.transaction(() => {
        for (const t of tables) {
          const cols = db.prepare(`SELECT name FROM pragma_table_info('${t}')`).all().map((r) => `"${r.name}"`).join(", ");
          const n = db.prepare(`INSERT INTO main."${t}" (${cols}) SELECT ${cols} FROM s."${t}"`).run().changes;
          if (n > 0 && n >= 100_000) log(`  slice ${k}: ${t} ${fmt(n)} rows`);
        }
      })();
      db.exec("DETACH s");
    }
    db.pragma("wal_checkpoint(TRUNCATE)");
    db.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    log(`  merged in ${((performance.now() - tMerge) / 1000).toFixed(0)} s`);
    printSummary({ events: results.reduce((n, r) => n + r.events, 0) }, t0);
  }
} else {
  const [k, n] = opt.slice.split("/").map(Number);
  const out = await generate(dataDir, stores, k, n);
  process.stdout.write(JSON.stringify(out) + "\n");
}

function printSummary(out, t0) {
  const seconds = (performance.now() - t0) / 1000;
  const bytes = ["footfall.db", "footfall.db-wal"].reduce((s, f) => s + (existsSync(join(dataDir, f)) ? statSync(join(dataDir, f)).size : 0), 0);
  log(`  ${fmt(out.events)} events in ${seconds.toFixed(0)} s (${fmt(out.events / seconds)} events/s with their aggregates, --mode ${opt.mode}, --jobs ${jobs}); ${(bytes / 2 ** 30).toFixed(2)} GiB on disk`);
  process.stdout.write(JSON.stringify({ store: stores[0], stores: storeCount, events: out.events, days, start, end, perVisitor: eventsPerVisitor, mode: opt.mode, jobs, seconds }) + "\n");
}

/** Generates the stores of slice k of n into dir; every store's events come from its own seed, so slicing changes nothing. */
async function generate(dir, allStores, k, n) {
  mkdirSync(dir, { recursive: true });
  const { openStorage } = await import("../../server/dist/storage.js");
  const { AnalyticsRegistry } = await import("../../server/dist/analytics/registry.js");
  const { createLogger } = await import("../../server/dist/log.js");
  const zones = Array.from({ length: 20 }, (_, i) => (i === 0 ? "entrance" : i === 19 ? "checkout" : `zone-${String(i).padStart(2, "0")}`));
  let mine = allStores.filter((_, i) => i % n === k);
  const steps = Math.max(1, Math.floor((eventsPerVisitor - 1) / 2));
  const perStore = Math.floor(target / allStores.length);
  const expected = Math.floor(perStore / eventsPerVisitor) * (2 * steps + 1);
  let kept = 0;
  if (opt.resume && existsSync(join(dir, "footfall.db"))) {
    // Stores written whole stay; one cut short (its last transactions never came) is deleted first.
    const { default: Database } = await import("better-sqlite3");
    const db = new Database(join(dir, "footfall.db"));
    const tables = db.prepare("SELECT m.name FROM sqlite_schema m WHERE m.type = 'table' AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) WHERE name = 'store')").all().map((r) => r.name);
    const count = db.prepare("SELECT count(*) AS n FROM events WHERE store = ?");
    const whole = [];
    for (const store of mine) {
      const have = count.get(store).n;
      if (have === expected) whole.push(store);
      else if (have > 0) {
        log(`  ${store}: ${fmt(have)} of ${fmt(expected)} events, cut short: deleted, written again`);
        db.transaction(() => tables.forEach((t) => db.prepare(`DELETE FROM "${t}" WHERE store = ?`).run(store)))();
      }
    }
    db.close();
    kept = whole.length * expected;
    mine = mine.filter((s) => !whole.includes(s));
    log(`  resuming: ${whole.length} stores whole (${fmt(kept)} events) kept, ${mine.length} to write`);
  }
  let storage = await openStorage(dir);
  const visitTimeoutMs = 30 * 60_000;
  const registry = opt.mode === "stage" ? new AnalyticsRegistry(storage, { visitTimeoutMs, now: () => end }, createLogger("silent")) : null;
  for (const store of mine) {
    await storage.stores.saveLayout(
      store,
      {
        name: `Benchmark store ${store}`,
        validFrom: start - 86_400_000,
        timezone: "Europe/Paris",
        floor: { width: 100, height: 50 },
        zones: zones.map((id, i) => ({
          id,
          name: id,
          kind: i === 0 ? "entrance" : i === 19 ? "checkout" : "zone",
          capacity: 30,
          polygon: [[(i % 10) * 10, Math.floor(i / 10) * 25], [(i % 10) * 10 + 9, Math.floor(i / 10) * 25], [(i % 10) * 10 + 9, Math.floor(i / 10) * 25 + 24], [(i % 10) * 10, Math.floor(i / 10) * 25 + 24]],
        })),
      },
      Date.now(),
    );
  }
  const t0 = performance.now();
  let n0 = 0;
  let reported = 0;
  const report = (done) => {
    if (done - reported < 1_000_000) return;
    reported = done;
    if (opt.slice !== undefined) log(`@progress ${done}`);
    else {
      const rate = done / ((performance.now() - t0) / 1000);
      log(`  ${fmt(kept + done)} of ${fmt(target)} events (${fmt(rate)}/s, ~${Math.round((target - kept - done) / rate / 60)} min left${opt.mode === "backfill" ? " before the aggregates are built" : ""})`);
    }
  };
  const flush = async (store, batch) => {
    if (registry) {
      const analytics = await registry.get(store);
      const staged = await storage.transaction(async (tx) => {
        // Each event is stamped as received at its own time (as a live server would have).
        const fresh = [];
        for (const e of batch) if (await tx.events.insert(store, "gen", e, e.ts)) fresh.push(e);
        return analytics.stage(tx, fresh);
      });
      staged.commit();
    } else {
      await storage.transaction(async (tx) => {
        for (const e of batch) await tx.events.insert(store, "gen", e, e.ts);
      });
    }
  };
  for (const store of mine) {
    const index = allStores.indexOf(store);
    let seed = 42 + index * 7919;
    const rand = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 4294967296);
    let seq = 0;
    const id = () => `gen:${String(seq++).padStart(10, "0")}`;
    let batch = [];
    // Visitors in time order, as agents send them: the aggregates' cache sees what a live server sees.
    const visitors = Math.floor(perStore / eventsPerVisitor);
    const arrivals = new Float64Array(visitors);
    for (let v = 0; v < visitors; v++) {
      const day = Math.floor(rand() * days);
      const hour = 8 + Math.floor(rand() * 12); // busier in the day
      arrivals[v] = start + day * 86_400_000 + hour * 3_600_000 + Math.floor(rand() * 3_600_000);
    }
    arrivals.sort();
    for (let v = 0; v < visitors; v++) {
      let ts = arrivals[v];
      const visitor = `g${index.toString(36)}-${v.toString(36)}`;
      const path = steps === 1 ? [zones[Math.floor(rand() * 20)]] : ["entrance", ...Array.from({ length: steps - 2 }, () => zones[1 + Math.floor(rand() * 18)]), rand() < 0.8 ? "checkout" : zones[1 + Math.floor(rand() * 18)]];
      for (const zone of path) {
        batch.push({ type: "enter", id: id(), ts, zone, visitor });
        ts += 5_000 + Math.floor(rand() * 300_000);
        batch.push({ type: "exit", id: id(), ts, zone, visitor });
        ts += 1_000;
      }
      batch.push({ type: "count", id: id(), ts, zone: "entrance", in: 1, out: 0 });
      if (batch.length >= batchSize) {
        n0 += batch.length;
        await flush(store, batch);
        batch = [];
        report(n0);
      }
    }
    if (batch.length) {
      n0 += batch.length;
      await flush(store, batch);
    }
    // A finished store's visitor cache goes: held for 100 stores it grew past 4 GB and the
    // garbage collector took most of the time.
    registry?.invalidate(store);
  }
  if (opt.mode === "backfill") {
    // Mark the stores as an upgrade would (migration 4), then build their aggregates with its code.
    await storage.close();
    const { default: Database } = await import("better-sqlite3");
    const db = new Database(join(dir, "footfall.db"));
    const mark = db.prepare("INSERT INTO aggregate_state (store, built_at) VALUES (?, 0) ON CONFLICT (store) DO UPDATE SET built_at = 0");
    db.transaction(() => mine.forEach((s) => mark.run(s)))();
    db.close();
    storage = await openStorage(dir);
    const tb = performance.now();
    let built = 0;
    let last = 0;
    await storage.buildPendingAggregates({
      visitTimeoutMs,
      pageSize: batchSize,
      progress: (_store, done, total) => {
        if (done < total) return;
        built += total;
        if (built - last < 1_000_000 && built < n0) return;
        last = built;
        const rate = built / ((performance.now() - tb) / 1000);
        log(`  aggregates of ${fmt(built)} of ${fmt(n0)} events built (${fmt(rate)}/s, ~${Math.round((n0 - built) / rate / 60)} min left)`);
      },
    });
  }
  await storage.close();
  return { events: n0 + kept };
}

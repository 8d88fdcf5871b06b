// `npm run bench:not-counted`: what asking "which zones nobody counts now" costs the server at NC_STORES stores, on
// SQLite and on PostgreSQL (Debian's, started in a temp dir, as the postgres user when root; NC_PG=0 skips it).
// The readers ask at the rate they do in a running server, in simulated time (NC_SECONDS seconds, 100 ms ticks):
//   the MQTT state publisher once a second per store (a commit touched it), the alert evaluator twice a second per
//   store (its tick, and soon after a commit), the live hub for NC_WATCHED of the stores (a tablet on them) at
//   every 100 ms push and its 1 s sweep; every agent sends its status every 30 s (a real storage write), every store
//   commits once a second; NC_DOWN of the stores have one agent offline (their zones' agents are read too).
// baseline: each ask reads storage (zone-tracking.ts zonesNotCounted, as before the view);
// view:     the server's CountingView (analytics/counting-view.ts): one view per store, dropped by each status
//           of its agents, by a commit while one of them is down, and after 1 s.
// Both run in this process in turn, over the same database; their answers are compared for every store first.
// Prints per simulated second: asks, agents.list and zoneAgents reads, wall ms and this process's CPU ms, and
// the ratios. Env: NC_STORES (1000), NC_AGENTS (3 per store), NC_ZONES (8 per store), NC_SECONDS (10),
// NC_WATCHED (0.1), NC_DOWN (0.02), NC_PG (1), NC_PG_PORT (19150).
// Then the two other readers, with the view's readers above running all along (their views held as in a server):
//   overview: the chain overview's agents and zones nobody counts, NC_OVERVIEWS a second (1): baseline its two reads
//             of every agent (its agents' figures, then chain/not-counted.ts) and every zone's agents of a store
//             with one down, at each ask; view: one read of every agent giving the views (CountingView.listAll),
//             then chainNotCounted through them;
//   queues:   the live queue figures of zone z0 (a line) as the state publisher and the alert evaluator ask them
//             (3 a second per store): baseline the store's agents and the line's at each ask (queues.ts before),
//             view: CountingView.zonesNotCounted of the line. Only these asks are timed. NC_ONLY=others skips the first part.
import "./help.mjs"; // --help: this file's leading comment
import { execFileSync } from "node:child_process";
import { chownSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { openStorage } from "../../server/dist/storage.js";
import { zonesNotCounted } from "../../server/dist/analytics/zone-tracking.js";
import { CountingView } from "../../server/dist/analytics/counting-view.js";
import { chainNotCounted } from "../../server/dist/chain/not-counted.js";

const STORES = Number(process.env.NC_STORES ?? 1000);
const AGENTS = Number(process.env.NC_AGENTS ?? 3);
const ZONES = Number(process.env.NC_ZONES ?? 8);
const SECONDS = Number(process.env.NC_SECONDS ?? 10);
const WATCHED = Number(process.env.NC_WATCHED ?? 0.1);
const DOWN = Number(process.env.NC_DOWN ?? 0.02);
const OVERVIEWS = Number(process.env.NC_OVERVIEWS ?? 1);
const T0 = Date.UTC(2026, 11, 7, 10);
const stores = Array.from({ length: STORES }, (_, i) => `s${String(i).padStart(4, "0")}`);
const agents = Array.from({ length: AGENTS }, (_, k) => `a${k}`);
const zones = Array.from({ length: ZONES }, (_, z) => `z${z}`);
const watched = new Set(stores.filter((_, i) => i < STORES * WATCHED));
const down = new Set(stores.filter((_, i) => i % Math.round(1 / DOWN) === 1));
const log = (...a) => console.log(...a);

/** The database: every store's agents online (a live status each), their zones (agent k names zones k, k + AGENTS, ...), one agent down in `down`. */
async function fill(storage) {
  for (const s of stores) for (const a of agents) await storage.agents.add(s, a, "camera", T0 - 3_600_000);
  const tallies = stores.flatMap((s) =>
    agents.map((a, k) => ({ store: s, agent: a, events: 1, duplicates: 0, rejects: 0, lastEventTs: T0 - 60_000, receivedAt: T0 - 60_000, zones: new Map(zones.filter((_, z) => z % AGENTS === k).map((z) => [z, T0 - 60_000])) })),
  );
  for (let i = 0; i < tallies.length; i += 1000) await storage.agents.recordIngestMany(tallies.slice(i, i + 1000));
  for (const s of stores)
    for (const a of agents) await storage.agents.recordStatus(s, a, { state: down.has(s) && a === "a0" ? "offline" : "online", ts: T0 - 1000, kind: "camera", version: "1.0.0" }, T0 - 1000);
}

/**
 * One run of NC_SECONDS simulated seconds: `ask(store, now)` as the readers ask, statuses written (and `statusWritten`
 * told), commits told (`committed`). Returns the asks made, the wall and CPU ms, and the storage reads counted.
 */
async function run(storage, ask, hooks, counts) {
  const reads0 = { ...counts };
  let asks = 0;
  const t = performance.now();
  const cpu = process.cpuUsage();
  for (let sec = 0; sec < SECONDS; sec++) {
    for (let tick = 0; tick < 10; tick++) {
      const now = T0 + sec * 1000 + tick * 100;
      // Statuses: each agent every 30 s, spread over the 300 ticks (the offline one says offline again).
      const slot = (sec * 10 + tick) % 300;
      for (const [i, s] of stores.entries())
        for (const [k, a] of agents.entries()) {
          if ((i * AGENTS + k) % 300 !== slot) continue;
          await storage.agents.recordStatus(s, a, { state: down.has(s) && a === "a0" ? "offline" : "online", ts: now, kind: "camera", version: "1.0.0" }, now);
          hooks.statusWritten?.(s);
        }
      // A commit of every store once a second (at tick 0), then the readers of this tick, side by side.
      if (tick === 0) hooks.committed?.(stores);
      const jobs = [];
      for (const s of stores) {
        if (tick === 0) jobs.push(ask(s, now)); // state publisher
        if (tick === 0 || tick === 5) jobs.push(ask(s, now)); // evaluator: tick, and after the commit
        if (watched.has(s)) jobs.push(ask(s, now), ...(tick === 0 ? [ask(s, now)] : [])); // live hub: push, sweep
      }
      asks += jobs.length;
      await Promise.all(jobs);
    }
  }
  const d = process.cpuUsage(cpu);
  return { asks, wallMs: performance.now() - t, cpuMs: (d.user + d.system) / 1000, list: counts.list - reads0.list, zoneAgents: counts.zoneAgents - reads0.zoneAgents };
}

async function measure(label, storage) {
  log(`\n## ${label}: ${STORES} stores x ${AGENTS} agents, ${ZONES} zones each; ${watched.size} watched, ${down.size} with an agent down; ${SECONDS} simulated s`);
  const t = performance.now();
  await fill(storage);
  log(`filled in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  // Count the reads: both runs go through these.
  const counts = { list: 0, listAll: 0, zoneAgents: 0 };
  const { list, listAll, zoneAgents } = storage.agents;
  storage.agents.list = (s) => (counts.list++, list(s));
  storage.agents.listAll = () => (counts.listAll++, listAll());
  storage.agents.zoneAgents = (s, z) => (counts.zoneAgents++, zoneAgents(s, z));
  const view = new CountingView(storage);
  // Same answers first, for every store (a down store's zones not counted, the others' all counted).
  const now = T0 + 500;
  let same = 0;
  let notCounted = 0;
  for (const s of stores) {
    const a = await zonesNotCounted(storage, s, zones, now);
    const b = await view.zonesNotCounted(s, zones, now);
    if (JSON.stringify([...a]) === JSON.stringify([...b])) same++;
    notCounted += a.size;
  }
  log(`same answers: ${same} of ${STORES} stores (${notCounted} zones not counted)`);
  if (same !== STORES) throw new Error("the view answers otherwise than storage");
  view.changed(stores);
  const rows = [];
  for (let round = 0; round < (process.env.NC_ONLY === "others" ? 0 : 2); round++) {
    rows.push(["baseline", await run(storage, (s, n) => zonesNotCounted(storage, s, zones, n), {}, counts)]);
    rows.push(["view", await run(storage, (s, n) => view.zonesNotCounted(s, zones, n), { statusWritten: (s) => view.changed([s]), committed: (ss) => view.committed(ss) }, counts)]);
  }
  const per = (r, k) => r[k] / SECONDS;
  if (rows.length > 0) log("| run | asks/s | agents.list/s | zoneAgents/s | wall ms per s | CPU ms per s |\n|---|---|---|---|---|---|");
  for (const [name, r] of rows) log(`| ${name} | ${per(r, "asks").toFixed(0)} | ${per(r, "list").toFixed(0)} | ${per(r, "zoneAgents").toFixed(0)} | ${per(r, "wallMs").toFixed(0)} | ${per(r, "cpuMs").toFixed(0)} |`);
  const best = (name, k) => Math.min(...rows.filter(([n]) => n === name).map(([, r]) => r[k]));
  if (rows.length > 0) log(`ratio baseline/view: agents.list x${(best("baseline", "list") / best("view", "list")).toFixed(1)}, zoneAgents x${(best("baseline", "zoneAgents") / Math.max(1, best("view", "zoneAgents"))).toFixed(1)}, wall x${(best("baseline", "wallMs") / best("view", "wallMs")).toFixed(2)}, CPU x${(best("baseline", "cpuMs") / best("view", "cpuMs")).toFixed(2)} (best of 2 rounds each)`);
  await others(storage, view, counts);
  storage.agents.list = list;
  storage.agents.listAll = listAll;
  storage.agents.zoneAgents = zoneAgents;
}

/** The chain overview and the live queues, baseline against view, the view's readers running along (see the head). */
async function others(storage, view, counts) {
  const defs = stores.map((id) => ({ id, zones: zones.map((z) => ({ id: z, name: z })), occupancyFrom: "zones" }));
  const overview = {
    baseline: async (now) => (await Promise.all([storage.agents.listAll(), chainNotCounted(storage, defs, now)]))[1],
    view: async (now) => (await view.listAll(stores, now), await chainNotCounted(storage, defs, now, view)),
  };
  const queue = {
    baseline: async (s) => {
      const agents = await storage.agents.list(s);
      return [agents, await storage.agents.zoneAgents(s, "z0")];
    },
    view: (s, now) => view.zonesNotCounted(s, ["z0"], now),
  };
  // Same answers first.
  const now0 = T0 + 700;
  view.changed(stores);
  const [a, b] = [await overview.baseline(now0), await overview.view(now0)];
  const same = stores.filter((s) => JSON.stringify(a.get(s)) === JSON.stringify(b.get(s))).length;
  log(`overview: same answers for ${same} of ${STORES} stores (${[...a.values()].filter((x) => x.partial).length} partial)`);
  if (same !== STORES) throw new Error("the overview answers otherwise through the view");
  const out = [];
  for (let round = 0; round < 2; round++)
    for (const mode of ["baseline", "view"]) {
      view.changed(stores);
      const r = { overviews: 0, queueAsks: 0, overviewMs: 0, queueMs: 0, overviewCpu: 0, queueCpu: 0, listAll: 0, list: 0, zoneAgents: 0 };
      for (let sec = 0; sec < SECONDS; sec++)
        for (let tick = 0; tick < 10; tick++) {
          const now = T0 + 60_000 + sec * 1000 + tick * 100;
          const slot = (sec * 10 + tick) % 300;
          for (const [i, s] of stores.entries())
            for (const [k, ag] of agents.entries()) {
              if ((i * AGENTS + k) % 300 !== slot) continue;
              await storage.agents.recordStatus(s, ag, { state: down.has(s) && ag === "a0" ? "offline" : "online", ts: now, kind: "camera", version: "1.0.0" }, now);
              view.changed([s]);
            }
          if (tick === 0) view.committed(stores);
          // The view's other readers (hub, MQTT, evaluator), untimed: they keep the views as a server holds them.
          await Promise.all(stores.flatMap((s) => (tick === 0 || (watched.has(s) && tick % 5 === 0) ? [view.zonesNotCounted(s, zones, now)] : [])));
          const before = { ...counts };
          const timed = async (key, f) => {
            const t = performance.now();
            const c = process.cpuUsage();
            await f();
            const d = process.cpuUsage(c);
            r[`${key}Ms`] += performance.now() - t;
            r[`${key}Cpu`] += (d.user + d.system) / 1000;
          };
          if (tick % Math.max(1, Math.round(10 / OVERVIEWS)) === 0) {
            await timed("overview", () => overview[mode](now));
            r.overviews++;
          }
          if (tick === 0 || tick === 5) {
            const asks = stores.flatMap((s) => (tick === 0 ? [s, s] : [s]));
            await timed("queue", () => Promise.all(asks.map((s) => queue[mode](s, now))));
            r.queueAsks += asks.length;
          }
          for (const k of ["list", "listAll", "zoneAgents"]) r[k] += counts[k] - before[k];
        }
      out.push([mode, r]);
    }
  const per = (r, k) => (r[k] / SECONDS).toFixed(k.endsWith("Ms") || k.endsWith("Cpu") ? 0 : 1);
  log("| run | overviews/s | queue asks/s | listAll/s | agents.list/s | zoneAgents/s | overview wall ms per s | overview CPU ms per s | queues wall ms per s | queues CPU ms per s |");
  log("|---|---|---|---|---|---|---|---|---|---|");
  for (const [name, r] of out) log(`| ${name} | ${per(r, "overviews")} | ${per(r, "queueAsks")} | ${per(r, "listAll")} | ${per(r, "list")} | ${per(r, "zoneAgents")} | ${per(r, "overviewMs")} | ${per(r, "overviewCpu")} | ${per(r, "queueMs")} | ${per(r, "queueCpu")} |`);
  const best = (name, k) => Math.min(...out.filter(([n]) => n === name).map(([, r]) => r[k]));
  const x = (k) => (best("baseline", k) / Math.max(1e-9, best("view", k))).toFixed(2);
  log(`ratio baseline/view (best of 2 rounds each): overview wall x${x("overviewMs")}, CPU x${x("overviewCpu")}; queues wall x${x("queueMs")}, CPU x${x("queueCpu")}`);
}

log(`# not counted now: ${cpus().length} x ${cpus()[0]?.model}, load ${loadavg().map((x) => x.toFixed(1)).join(" ")}, node ${process.version}`);
const dir = mkdtempSync(join(tmpdir(), "footfall-bench-not-counted-"));
try {
  const lite = await openStorage(dir);
  await measure("SQLite", lite);
  await lite.close();
  if (process.env.NC_PG !== "0") {
    const pgDir = join(dir, "pg");
    mkdirSync(pgDir);
    const majors = readdirSync("/usr/lib/postgresql").filter((d) => /^\d+$/.test(d)).sort((a, b) => b - a);
    const PGBIN = join("/usr/lib/postgresql", majors[0], "bin");
    const asRoot = process.getuid?.() === 0;
    const pgUser = asRoot ? readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.startsWith("postgres:")).split(":") : null;
    const PGDATA = join(pgDir, "data");
    const pgExec = (prog, args) => execFileSync(asRoot ? "runuser" : join(PGBIN, prog), asRoot ? ["-u", "postgres", "--", join(PGBIN, prog), ...args] : args, { encoding: "utf8", cwd: pgDir, env: { ...process.env, LC_ALL: "C.UTF-8" } });
    mkdirSync(PGDATA, { mode: 0o700 });
    if (asRoot) for (const d of [dir, pgDir, PGDATA]) chownSync(d, Number(pgUser[2]), Number(pgUser[3]));
    pgExec("initdb", ["-D", PGDATA, "-U", "footfall", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-instructions", "--no-sync"]);
    const port = Number(process.env.NC_PG_PORT ?? 19150);
    pgExec("pg_ctl", ["-D", PGDATA, "-l", join(pgDir, "pg.log"), "-o", `-p ${port} -c listen_addresses=127.0.0.1 -k ${pgDir} -c timezone=UTC`, "-w", "start"]);
    try {
      const pg = await openStorage(join(dir, "pg-data"), { databaseUrl: `postgres://footfall@127.0.0.1:${port}/postgres` });
      await measure(`PostgreSQL ${majors[0]}`, pg);
      await pg.close();
    } finally {
      pgExec("pg_ctl", ["-D", PGDATA, "-m", "fast", "-w", "stop"]);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
log(`\nload after: ${loadavg().map((x) => x.toFixed(1)).join(" ")}`);

// `npm run bench:chain`: a chain on this machine. Debian's PostgreSQL and mosquitto, two
// `footfall serve` sharing them (shard leases), and the chain simulator (`footfall-edge chain`) as the
// agents of CHAIN_STORES stores for CHAIN_MINUTES. Prints: events/s sustained (and against the same
// simulator on bare mosquitto, in this run), p95 of dwell/paths/traffic for random stores while
// ingesting, each server's RSS at start and end, a kill -9 of one server mid-run (time until the
// other holds every shard, until its stores are committed again, and until a tablet on it gets the dead
// server's stores again), and the simulator's ledger against the database: events lost and doubled.
// Asserts nothing.
//
// Lost means lost: at the end the simulators pause (their stores make no more events; the agents stay
// connected and send again as usual) and wait until every event they queued is settled (the server's
// receipt: committed, a known copy, or rejected), up to CHAIN_SETTLE_SECONDS; then every live server's
// backlog must be empty before the ledger is read. An event missing from the database counts as lost only
// when its simulator had it settled; one it never had a receipt for is "unsettled", reported apart
// (stored or not).
//
// Env: CHAIN_STORES (1000), CHAIN_MINUTES (10), CHAIN_SPEED (60: simulated seconds per second),
// CHAIN_ARRIVALS (0.7: crowd multiplier; 11,590-11,760 events/s offered over 10 minutes, ~11,400 over the first 4), CHAIN_BARE_SECONDS (60), CHAIN_QPS (4 queries a second),
// CHAIN_SIMULATORS (2: simulator processes, each `--part k/n` of the stores; one process for 1,000 agents
// generates only ~9,000 events/s on one core beside the servers), CHAIN_SETTLE_SECONDS (900: how long the
// paused simulators wait for their events to be settled), CHAIN_DRAIN_MINUTES (15: then the servers'
// backlogs), CHAIN_KILL (0: no kill -9), CHAIN_LOG_DIR, CHAIN_PROFILE, CHAIN_HEAP_SNAPSHOT, CHAIN_PG_SLOW_MS, CHAIN_PG_SOCKET, CHAIN_PG_STATEMENTS (and row writes per table), CHAIN_PG_SETTINGS, CHAIN_SIM_NODE_ARGS, CHAIN_SIM_NICE (the simulators' nice value: the stores' devices yield the CPU to the chain), CHAIN_DIAG (1: per 10 s, CPU per 1,000 events of each part and each server's group commits), CHAIN_FLUSH_MS (each simulated agent's batch.flushEveryMs: 2000, as a chain's agents are advised to send; the simulator's own default is 500), SERVER_NODE_ARGS
// (SERVER_NODE_ARGS_A, SERVER_NODE_ARGS_B: one server's own), CHAIN_INGEST (worker | main: both servers'
// FOOTFALL_CHAIN_INGEST; unset: the server's default, worker), CHAIN_SERVER_ENV_A / CHAIN_SERVER_ENV_B ("NAME=value
// NAME=value": one server's own environment, e.g. an A/B of FOOTFALL_CHAIN_INGEST within one run; queries and
// accepted events are also printed per server), CHAIN_OWN_SESSIONS (1: each server, simulator and mosquitto in a
// session of its own, as separate services would be; with the kernel's autogroup scheduling, on here, processes share
// the CPU by session, each PostgreSQL backend is a session of its own, and everything else of the bench one session),
// CHAIN_CGROUPS (1: each service in a CPU group (cgroup) of its own with one share, as the compose chain profile's
// containers or systemd's units run them: PostgreSQL with all its backends, mosquitto, server a, server b, the simulators),
// CHAIN_AUTOGROUP (0 or 1: the kernel's autogroup scheduling for the run, then as it was; root), FOOTFALL_PG_INGEST_NICE (the
// servers' own setting, passed on: the commits' backends' nice value, default 0).
import "./help.mjs"; // --help: this file's leading comment
import { execFileSync, spawn } from "node:child_process";
import { appendFileSync, chownSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from "node:fs";
import { cpus, tmpdir, userInfo } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createServer } from "node:net";
import { cpuGroups, cpuSeconds, niceOf, rssMiB, withChildren } from "./proc.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const CLI = join(root, "server", "dist", "cli.js");
const EDGE = join(root, "edge", "dist", "cli.js");
const STORES = Number(process.env.CHAIN_STORES ?? 1000);
const MINUTES = Number(process.env.CHAIN_MINUTES ?? 10);
const SPEED = Number(process.env.CHAIN_SPEED ?? 60);
const ARRIVALS = Number(process.env.CHAIN_ARRIVALS ?? 0.7);
// How often each simulated agent sends (ms): a chain's agents send every 2 s (README, "How often agents send").
const FLUSH_MS = Number(process.env.CHAIN_FLUSH_MS || 2000);
const BARE_SECONDS = Number(process.env.CHAIN_BARE_SECONDS ?? 60);
const QPS = Number(process.env.CHAIN_QPS ?? 4);
const SIMULATORS = Number(process.env.CHAIN_SIMULATORS ?? 2);
const SETTLE_SECONDS = Number(process.env.CHAIN_SETTLE_SECONDS ?? 900);
const SEED = 1;
// CHAIN_DIAG=1: every 10 s, each component's CPU per 1,000 events accepted in the window, and each server's group
// commits (from its /metrics: commits/s, events and copies per commit, mean commit time with its wait for a connection);
// a process gone (the killed server) prints "-".
const DIAG = process.env.CHAIN_DIAG === "1";
const log = (s) => process.stderr.write(`[bench:chain ${new Date().toISOString().slice(11, 19)}] ${s}\n`);
const fmt = (n) => Math.round(n).toLocaleString("en-US");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const freePort = () => new Promise((resolve) => { const s = createServer(); s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => resolve(p)); }); });
const pct = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] : NaN; };
// A process's CPU seconds so far (PostgreSQL's with its backends', `tree`), 0 once it is gone (the killed server).
const cpuNow = (pid, tree = false) => cpuSeconds(pid, { tree }) || 0;

const { createPgPool } = await import(join(root, "server", "dist", "storage-pg", "pool.js"));
const { openStorage } = await import(join(root, "server", "dist", "storage.js"));
const { mosquittoFiles } = await import(join(root, "server", "dist", "broker-files.js"));
const { clusterStatus } = await import(join(root, "server", "dist", "cluster", "status.js"));
const { shardOf } = await import(join(root, "server", "dist", "cluster", "shards.js"));
const { Ledger } = await import(join(root, "edge", "dist", "chain", "ledger.js"));
const { io } = await import("socket.io-client");

const dir = mkdtempSync(join(tmpdir(), "footfall-bench-chain-"));
// CHAIN_CGROUPS=1: each service in a CPU group of its own, one share each, as the compose chain profile's containers (or
// systemd's units) run: PostgreSQL with all its backends, mosquitto, each server, the simulators.
const CGROUPS = process.env.CHAIN_CGROUPS === "1";
const groups = CGROUPS ? cpuGroups(`footfall-bench-chain-${process.pid}`) : null;
const children = [];
const cleanup = () => { for (const c of children) try { c.kill("SIGKILL"); } catch { /* exited */ } };
process.on("exit", () => { cleanup(); try { pgCtl(["-m", "immediate", "stop"]); } catch { /* not running */ } groups?.remove(); if (LOG_DIR) try { copyFileSync(join(dir, "pg.log"), join(LOG_DIR, "postgresql.log")); } catch { /* never started */ } rmSync(dir, { recursive: true, force: true }); });
process.on("SIGINT", () => process.exit(130));

// CHAIN_LOG_DIR: every process's output is also written there (server-a.log, simulator.log, ...).
const LOG_DIR = process.env.CHAIN_LOG_DIR;
if (LOG_DIR) mkdirSync(LOG_DIR, { recursive: true });
function spawnLogged(name, cmd, args, env = {}) {
  const p = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: process.env.CHAIN_OWN_SESSIONS === "1" });
  let out = "";
  // "server a" → server-a: its log file and its CPU group (the simulators share one, as one service).
  const slug = name.replace(/\s+/g, "-");
  const file = LOG_DIR ? join(LOG_DIR, `${slug}.log`) : null;
  // The simulator's events/s lines while its stores make events (before "stopping (", its drain makes none), read as they come:
  // the kept output is only the tail, and a thousand agents' warnings can fill it.
  const rates = [];
  let carry = "", stopped = false;
  const keep = (d) => {
    out += d; if (file) appendFileSync(file, d); if (out.length > 200_000) out = out.slice(-100_000);
    const lines = (carry + d).split("\n"); carry = lines.pop();
    for (const l of lines) { if (l.includes("stopping (")) stopped = true; const m = /eventsPerS=(\d+)/.exec(l); if (m && !stopped) rates.push(Number(m[1])); }
  };
  p.stdout.on("data", keep);
  p.stderr.on("data", keep);
  children.push(p);
  groups?.place(slug.startsWith("simulator") ? "simulator" : slug, [p.pid]);
  return { proc: p, name, output: () => out, rates };
}

// ---- PostgreSQL: Debian's, in the temp folder, as the postgres user when we are root ----
const majors = readdirSync("/usr/lib/postgresql").filter((d) => /^\d+$/.test(d)).sort((a, b) => b - a);
const PGBIN = join("/usr/lib/postgresql", majors[0], "bin");
const asRoot = process.getuid?.() === 0;
const pgUser = asRoot ? readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.startsWith("postgres:")).split(":") : null;
const PGDATA = join(dir, "pg");
// CHAIN_PG_STATEMENTS=1: pg_stat_statements over the run (from the simulator's start), its top statements printed at the kill (or the end).
const STATEMENTS = process.env.CHAIN_PG_STATEMENTS === "1";
// CHAIN_PG_SETTINGS="name=value name=value": PostgreSQL settings of the run beside the bench's own (e.g. max_wal_size=4GB).
const PG_SETTINGS = (process.env.CHAIN_PG_SETTINGS ?? "").split(/\s+/).filter(Boolean);
const pgExec = (prog, args) => execFileSync(asRoot ? "runuser" : join(PGBIN, prog), asRoot ? ["-u", "postgres", "--", join(PGBIN, prog), ...args] : args, { encoding: "utf8", cwd: dir, env: { ...process.env, LC_ALL: "C.UTF-8" } });
const pgCtl = (args) => pgExec("pg_ctl", ["-D", PGDATA, ...args]);
const pgPort = await freePort();
mkdirSync(PGDATA, { mode: 0o700 });
if (asRoot) { chownSync(dir, Number(pgUser[2]), Number(pgUser[3])); chownSync(PGDATA, Number(pgUser[2]), Number(pgUser[3])); }
pgExec("initdb", ["-D", PGDATA, "-U", "footfall", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-instructions"]);
// A production-like PostgreSQL: fsync and synchronous commits on (what a commit acknowledges is on disk).
pgCtl(["-l", join(dir, "pg.log"), "-o", `-p ${pgPort} -c listen_addresses=127.0.0.1 -k ${dir} -c max_connections=200 -c shared_buffers=256MB -c timezone=UTC -c log_min_duration_statement=${process.env.CHAIN_PG_SLOW_MS ?? 200} -c log_line_prefix=%a:${STATEMENTS ? " -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track_planning=on" : ""}${PG_SETTINGS.map((x) => ` -c ${x}`).join("")}`, "-w", "start"]);
const databaseUrl = `postgres://footfall@127.0.0.1:${pgPort}/postgres`;
log(`PostgreSQL ${majors[0]} on port ${pgPort}`);
const postmaster = Number(readFileSync(join(PGDATA, "postmaster.pid"), "utf8").split("\n")[0]);
// The backends it forks from now on stay in its group.
groups?.place("postgresql", withChildren(postmaster));
if (CGROUPS) log(groups ? `scheduling: CPU groups of one share each (${groups.base}): postgresql (every backend), mosquitto, server-a, server-b, simulator` : "scheduling: CHAIN_CGROUPS=1 but no cpu cgroup can be made here (root and a cpu controller are needed): the kernel's default sharing");
// Under the kernel's autogroup scheduling the CPU is shared by session: each PostgreSQL backend is a session of its own at
// nice 0, the servers, simulators and mosquitto share the bench's. A bench started from a reniced session (`echo 19 >
// /proc/self/autogroup`, as background test runs use) starves them against PostgreSQL: its figures do not compare.
const autogroup = (() => { try { return readFileSync("/proc/self/autogroup", "utf8").trim(); } catch { return null; } })();
const autogroupNice = Number(/nice (-?\d+)/.exec(autogroup ?? "")?.[1] ?? 0);
if (autogroup) log(`scheduling: the bench's session is ${autogroup}${autogroupNice !== 0 ? " (NOT 0: its processes get less CPU against PostgreSQL's backends than in other runs; echo 0 > /proc/self/autogroup in this shell first)" : ""}`);
// CHAIN_AUTOGROUP=0|1: the kernel's autogroup scheduling off (or on) for the run, as it was again at the end (root). Off, the
// CPU is shared by thread and nice value, as on a server kernel without it: then the servers' FOOTFALL_PG_INGEST_NICE (the
// commits' backends at that nice value through PostgreSQL's prioritize extension; off by default) acts; on, each backend
// is a scheduling group of its own and a nice value set inside it changes nothing against the others.
const AUTOGROUP_FILE = "/proc/sys/kernel/sched_autogroup_enabled";
const autogroupWas = (() => { try { return readFileSync(AUTOGROUP_FILE, "utf8").trim(); } catch { return null; } })();
if (process.env.CHAIN_AUTOGROUP !== undefined && autogroupWas !== null && process.env.CHAIN_AUTOGROUP !== autogroupWas) {
  try {
    writeFileSync(AUTOGROUP_FILE, process.env.CHAIN_AUTOGROUP === "0" ? "0" : "1");
    process.on("exit", () => writeFileSync(AUTOGROUP_FILE, autogroupWas));
  } catch (err) {
    log(`scheduling: CHAIN_AUTOGROUP=${process.env.CHAIN_AUTOGROUP} but ${AUTOGROUP_FILE} cannot be written (${err.code}; root is needed)`);
  }
}
const autogroupNow = (() => { try { return readFileSync(AUTOGROUP_FILE, "utf8").trim(); } catch { return null; } })();
const prioritize = readdirSync(join("/usr/share/postgresql", majors[0], "extension")).includes("prioritize.control");
log(`scheduling: the kernel's autogroup ${autogroupNow === "0" ? "off" : autogroupNow === "1" ? "on" : "unknown"}; the commits' backends at nice ${process.env.FOOTFALL_PG_INGEST_NICE || "0 (FOOTFALL_PG_INGEST_NICE unset)"}${prioritize || !Number(process.env.FOOTFALL_PG_INGEST_NICE) ? "" : ` asked, but PostgreSQL ${majors[0]}'s prioritize extension is not installed (apt-get install postgresql-${majors[0]}-prioritize): they run at 0`}`);

// ---- the chain's stores, agents, a token and mosquitto's files, straight into storage ----
const layouts = JSON.parse(execFileSync(process.execPath, [EDGE, "chain", "--stores", String(STORES), "--seed", String(SEED), "--print-layouts"], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 }));
const storage = await openStorage(dir, { databaseUrl });
const creds = [];
const t0 = performance.now();
for (const s of layouts.stores) {
  const { store: _store, version: _version, ...input } = s.layout;
  await storage.stores.saveLayout(s.store, input, Date.now());
  creds.push(await storage.agents.add(s.store, s.agent, "sim", Date.now()));
}
const admin = await storage.tokens.add("admin", null, Date.now());
const staff = await storage.tokens.add("staff", null, Date.now());
const serverUser = { username: "footfall-server", password: "bench-" + Math.random().toString(36).slice(2) };
const files = await mosquittoFiles(storage, serverUser);
await storage.close();
writeFileSync(join(dir, "passwd"), files.passwd, { mode: 0o600 });
writeFileSync(join(dir, "acl"), files.acl);
writeFileSync(join(dir, "agents.jsonl"), creds.map((c) => JSON.stringify(c)).join("\n") + "\n", { mode: 0o600 });
log(`${STORES} stores with layouts and agents in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

// ---- mosquitto: the tests' configuration (deploy/mosquitto's settings) ----
const mqttPort = await freePort();
mkdirSync(join(dir, "mosq"), { recursive: true });
writeFileSync(join(dir, "mosquitto.conf"), [
  `listener ${mqttPort} 127.0.0.1`, "allow_anonymous false", `password_file ${join(dir, "passwd")}`, `acl_file ${join(dir, "acl")}`,
  "persistence true", `persistence_location ${join(dir, "mosq")}/`, "autosave_interval 60", "set_tcp_nodelay true",
  "max_queued_messages 100000", "max_inflight_messages 0", "max_packet_size 1048576", `user ${userInfo().username}`, "log_dest stderr", "log_type error", "log_type warning", "",
].join("\n"));
const mosquitto = spawnLogged("mosquitto", "mosquitto", ["-c", join(dir, "mosquitto.conf")]);
await sleep(500);
const mqttUrl = `mqtt://127.0.0.1:${mqttPort}`;

/**
 * The chain simulator for `seconds` as SIMULATORS processes (`--part k/n`, a ledger each: `ledger` gets
 * `-k` before `.json`); each one's "chain" log lines (events/s every 10 s) are collected. `rates` are the
 * sums over the processes per 10 s, `each` every process's own.
 */
function simulator(seconds, receipts, ledger, drain = 120) {
  const parts = Array.from({ length: SIMULATORS }, (_, i) => {
    const args = [EDGE, "chain", "--stores", String(STORES), "--seed", String(SEED), "--credentials", join(dir, "agents.jsonl"), "--mqtt-url", mqttUrl,
      "--speed", String(SPEED), "--arrivals-factor", String(ARRIVALS), "--start-hour", "12", "--receipts", receipts, "--duration", String(seconds), "--drain", String(drain),
      "--flush-ms", String(FLUSH_MS), ...(SIMULATORS > 1 ? ["--part", `${i + 1}/${SIMULATORS}`] : []), ...(ledger ? ["--ledger", ledgerPart(ledger, i)] : [])];
    // CHAIN_SIM_NODE_ARGS: node flags of the simulators (e.g. "--cpu-prof --cpu-prof-dir=/tmp/x": where the load generator's CPU goes).
    const node = [process.execPath, ...(process.env.CHAIN_SIM_NODE_ARGS ?? "").split(" ").filter(Boolean), ...args];
    // CHAIN_SIM_NICE: the simulators' nice value (every thread of theirs), so that on this one machine the stores' devices
    // yield the CPU to the servers and mosquitto, which share the bench's session (and autogroup) with them.
    const nice = process.env.CHAIN_SIM_NICE ? ["nice", "-n", process.env.CHAIN_SIM_NICE] : [];
    const [cmd, ...rest] = [...nice, ...node];
    return spawnLogged(`simulator-${i + 1}`, cmd, rest, { FOOTFALL_LOG_LEVEL: "info" });
  });
  return {
    parts,
    get rates() { const n = Math.min(...parts.map((p) => p.rates.length)); return Array.from({ length: n }, (_, i) => parts.reduce((a, p) => a + p.rates[i], 0)); },
    get each() { return parts.map((p) => p.rates); },
    pids: () => parts.map((p) => p.proc.pid),
  };
}
const ledgerPart = (file, i) => (SIMULATORS > 1 ? file.replace(/\.json$/, `-${i + 1}.json`) : file);
const exitedOne = (c) => new Promise((r) => (c.proc.exitCode !== null ? r(c.proc.exitCode) : c.proc.once("exit", r)));
const exited = async (c) => (c.parts ? Math.max(...(await Promise.all(c.parts.map(exitedOne)))) : exitedOne(c));

// ---- 1. the same simulator on bare mosquitto (PUBACK settles: no server) ----
log(`bare mosquitto: the simulator alone for ${BARE_SECONDS} s`);
const bare = simulator(BARE_SECONDS, "off", null);
await exited(bare);
const bareRates = bare.rates.slice(1); // the first 10 s log in
const bareRate = bareRates.reduce((a, b) => a + b, 0) / Math.max(1, bareRates.length);
log(`bare mosquitto: ${fmt(bareRate)} events/s (${bareRates.join(", ")})${SIMULATORS > 1 ? `; each process: ${bare.each.map((r) => fmt(r.slice(1).reduce((a, b) => a + b, 0) / Math.max(1, r.length - 1))).join(", ")}` : ""}`);

// ---- 2. two servers ----
async function startServer(id) {
  const http = await freePort();
  const metricsPort = DIAG ? await freePort() : 0;
  // CHAIN_PG_SOCKET: the servers (a, b or ab) that reach PostgreSQL over its Unix socket instead of TCP on 127.0.0.1.
  const url = (process.env.CHAIN_PG_SOCKET ?? "").includes(id) ? `postgres://footfall@/postgres?host=${encodeURIComponent(dir)}&port=${pgPort}` : databaseUrl;
  const env = { FOOTFALL_DATABASE_URL: url, FOOTFALL_MQTT_URL: mqttUrl, FOOTFALL_MQTT_USERNAME: serverUser.username, FOOTFALL_MQTT_PASSWORD: serverUser.password,
    FOOTFALL_SERVER_ID: id, FOOTFALL_HTTP_PORT: String(http), FOOTFALL_HTTP_HOST: "127.0.0.1", FOOTFALL_METRICS_PORT: DIAG ? String(metricsPort) : "off", FOOTFALL_DATA_DIR: join(dir, id), FOOTFALL_LOG_LEVEL: process.env.CHAIN_SERVER_LOG_LEVEL ?? "warn",
    ...(process.env.CHAIN_INGEST ? { FOOTFALL_CHAIN_INGEST: process.env.CHAIN_INGEST } : {}),
    ...Object.fromEntries((process.env[`CHAIN_SERVER_ENV_${id.toUpperCase()}`] ?? "").split(" ").filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)])) };
  // CHAIN_PROFILE=1: a V8 CPU profile of each server in $TMPDIR/footfall-chain-prof.
  const prof = process.env.CHAIN_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${join(tmpdir(), "footfall-chain-prof")}`, "--heapsnapshot-signal=SIGUSR2", `--diagnostic-dir=${join(tmpdir(), "footfall-chain-prof")}`] : [];
  // SERVER_NODE_ARGS are passed to each server's node; by default a 384 MiB old-generation heap, as README's chain
  // deployment advises (without a limit V8 lets garbage of a backlog's decoding grow the heap towards its large default).
  // SERVER_NODE_ARGS_A / _B: one server's own (an A/B of node flags within one run, at the same load).
  const nodeArgs = (process.env[`SERVER_NODE_ARGS_${id.toUpperCase()}`] ?? process.env.SERVER_NODE_ARGS ?? "--max-old-space-size=384").split(" ").filter(Boolean);
  const s = spawnLogged(`server ${id}`, process.execPath, [...nodeArgs, ...prof, CLI, "serve"], env);
  const base = `http://127.0.0.1:${http}`;
  for (const t = performance.now(); ; ) {
    if (s.proc.exitCode !== null) throw new Error(`server ${id} exited: ${s.output().slice(-3000)}`);
    if (await fetch(`${base}/api/v1/health`).then((r) => r.ok, () => false)) break;
    if (performance.now() - t > 120_000) throw new Error(`server ${id} not ready: ${s.output().slice(-3000)}`);
    await sleep(200);
  }
  return { ...s, id, base, metricsUrl: DIAG ? `http://127.0.0.1:${metricsPort}/metrics` : null };
}
const pool = createPgPool(databaseUrl, { max: 2, applicationName: "bench" });
if (STATEMENTS) await pool.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
/** Where PostgreSQL's time went: the statements with the most execution and planning time since the reset. */
async function topStatements(n = 15) {
  const rows = (await pool.query(`SELECT calls, total_exec_time AS exec, total_plan_time AS plan, rows, left(regexp_replace(query, '\\s+', ' ', 'g'), 90) AS q
    FROM pg_stat_statements ORDER BY total_exec_time + total_plan_time DESC`)).rows;
  const all = rows.reduce((a, r) => a + r.exec + r.plan, 0);
  log(`PostgreSQL statements: ${(all / 1000).toFixed(1)} s of execution and planning in all (${rows.length} statements)`);
  for (const r of rows.slice(0, n))
    log(`  ${(100 * (r.exec + r.plan) / all).toFixed(1).padStart(5)}%  ${String(r.calls).padStart(8)} calls  exec ${(r.exec / r.calls).toFixed(2)} ms  plan ${(r.plan / r.calls).toFixed(2)} ms  rows ${(Number(r.rows) / r.calls).toFixed(1)}  ${r.q}`);
}
/** Row writes per table since the start (HOT: updated in place, no index touched) and autovacuum's visits: where PostgreSQL's writes go. */
async function tableStats() {
  const rows = (await pool.query(`SELECT relname, n_tup_ins AS ins, n_tup_upd AS upd, n_tup_hot_upd AS hot, n_tup_del AS del, n_dead_tup AS dead, autovacuum_count AS av, autoanalyze_count AS aa
    FROM pg_stat_user_tables WHERE n_tup_ins + n_tup_upd + n_tup_del > 0`)).rows;
  // Monthly partitions summed into their table (events_p202612 -> events).
  const by = new Map();
  for (const r of rows) { const k = r.relname.replace(/_p\d{6}$/, ""); const t = by.get(k) ?? { ins: 0, upd: 0, hot: 0, del: 0, dead: 0, av: 0, aa: 0 }; for (const f of Object.keys(t)) t[f] += Number(r[f]); by.set(k, t); }
  log("PostgreSQL row writes per table (inserted, updated (of which HOT), deleted, dead now, autovacuums, autoanalyzes):");
  for (const [k, t] of [...by].sort((x, y) => y[1].ins + y[1].upd + y[1].del - (x[1].ins + x[1].upd + x[1].del)).slice(0, 14))
    log(`  ${k.padEnd(22)} ins ${fmt(t.ins).padStart(11)}  upd ${fmt(t.upd).padStart(11)} (HOT ${t.upd ? ((100 * t.hot) / t.upd).toFixed(0) : "-"} %)  del ${fmt(t.del).padStart(10)}  dead ${fmt(t.dead).padStart(9)}  av ${t.av} aa ${t.aa}`);
}
const status = () => clusterStatus(pool);
const accepted = async () => Number((await pool.query("SELECT coalesce(sum(events), 0) AS n FROM agents")).rows[0].n);
const servers = [await startServer("a")];
servers.push(await startServer("b"));
for (let t = performance.now(); ; await sleep(500)) {
  const s = await status();
  if (s.servers.filter((v) => v.live).every((v) => v.shards.length === 32) && s.unowned.length === 0) break;
  if (performance.now() - t > 60_000) throw new Error("the shards did not split between the two servers");
}
const rssStart = Object.fromEntries(servers.map((s) => [s.id, rssMiB(s.proc.pid)]));
log(`servers a and b hold 32 shards each; RSS ${JSON.stringify(rssStart)} MB`);
// What the commits' backends got: their nice value, read off /proc (this machine's PostgreSQL), per connection name.
{
  const nices = {};
  for (const r of (await pool.query("SELECT pid, application_name AS app FROM pg_stat_activity WHERE application_name LIKE 'footfall%'")).rows) {
    const nice = niceOf(r.pid);
    if (Number.isNaN(nice)) continue; // gone since
    const byNice = (nices[r.app] ??= {});
    byNice[nice] = (byNice[nice] ?? 0) + 1;
  }
  log(`scheduling: PostgreSQL backends by connection name and nice value (nice: count): ${JSON.stringify(nices)}`);
}

// ---- 3. the run: the simulator with receipts, queries, a kill -9 in the middle ----
const runSeconds = MINUTES * 60;
const ledgerFile = join(dir, "ledger.json");
log(`the chain for ${MINUTES} min: ${STORES} stores, speed ${SPEED}, arrivals x${ARRIVALS}, agents send every ${FLUSH_MS} ms`);
if (STATEMENTS) await pool.query("SELECT pg_stat_statements_reset()");
const sim = simulator(runSeconds, "auto", ledgerFile, SETTLE_SECONDS);
const started = performance.now();
const cpuOf = () => ({ a: cpuNow(servers[0].proc.pid), b: cpuNow(servers[1].proc.pid), postgres: cpuNow(postmaster, true), mosquitto: cpuNow(mosquitto.proc.pid), simulator: sim.pids().reduce((a, p) => a + cpuNow(p), 0) });
const cpuStart = cpuOf();
// The whole machine (every core, /proc/stat) and this bench process: what the components above leave out (the kernel's network, the bench's queries).
const machineTicks = () => { const f = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number); return { busy: f[0] + f[1] + f[2] + f[5] + f[6] + f[7], all: f.slice(0, 8).reduce((a, b) => a + b, 0) }; };
/** Cores of the machine busy on average since `from` (a machineTicks()). */
const busyCores = (from) => { const m = machineTicks(); return ((m.busy - from.busy) / (m.all - from.all)) * cpus().length; };
const machineStart = machineTicks(), benchCpuStart = process.cpuUsage();
/** A component's share of a core from `from` (the start) to `end` (cpuOf's figures) over `seconds`, unrounded (the CPU per event is derived from it). */
const cpuShare = (end, k, seconds, from = cpuStart) => (end[k] - from[k]) / seconds;
const samples = [];
const latencies = { dwell: [], paths: [], traffic: [] };
// Per server: every store query's time (dwell, paths, traffic together) and /health's.
const byServer = { a: { store: [], health: [] }, b: { store: [], health: [] } };
// The same servers' /api/v1/health (no storage, no token) beside the queries: what any request waits for (event loop, CPU) before its own work.
const healthMs = [];
let running = true;
let failedQueries = 0;
const stores = layouts.stores.map((s) => s.store);
const queryLoop = (async () => {
  await sleep(30_000); // after the logins
  while (running) {
    const store = stores[Math.floor(Math.random() * stores.length)];
    const kind = ["dwell", "paths", "traffic"][Math.floor(Math.random() * 3)];
    const live = servers.filter((s) => s.proc.exitCode === null && s.proc.signalCode === null);
    const server = live[Math.floor(Math.random() * live.length)];
    const to = Date.now();
    const from = to - 24 * 3_600_000;
    const t = performance.now();
    const r = await fetch(`${server.base}/api/v1/stores/${store}/${kind}?from=${from}&to=${to}${kind === "traffic" ? "&bucket=hour" : ""}`, { headers: { authorization: `Bearer ${admin}` } }).catch(() => null);
    if (r?.ok) { await r.arrayBuffer(); latencies[kind].push(performance.now() - t); byServer[server.id].store.push(performance.now() - t); } else failedQueries++;
    const th = performance.now();
    if (await fetch(`${server.base}/api/v1/health`).then((x) => x.arrayBuffer(), () => null)) { healthMs.push(performance.now() - th); byServer[server.id].health.push(performance.now() - th); }
    await sleep(1000 / QPS);
  }
})();
// A server's heartbeat latency window (cluster/latency.ts): event-loop p99, the pools' most waiting callers, HTTP store requests' p95.
const latencyText = (l, ingest) => (l ? ` loop p99 ${l.loop?.p99 ?? "-"} max ${l.loop?.max ?? "-"} ms, pools waiting ${Object.entries(l.pools ?? {}).map(([k, p]) => `${k}:${p.maxWaiting}`).join("/")}, http store p95 ${l.http?.store?.p95 ?? "-"} ms` : "") +
  // FOOTFALL_CHAIN_INGEST=worker: `latency` is the HTTP thread's, `ingestLatency` the worker's loop.
  (ingest ? `; ingest thread loop p99 ${ingest.loop?.p99 ?? "-"} max ${ingest.loop?.max ?? "-"} ms` : "");
// Events accepted per server: the agents' counters of the stores in each server's shards at the start.
const startShards = Object.fromEntries((await status()).servers.map((v) => [v.id, new Set(v.shards)]));
const acceptedBy = async () => {
  const out = { a: 0, b: 0 };
  for (const r of (await pool.query("SELECT store, sum(events) AS n FROM agents GROUP BY store")).rows) for (const id of ["a", "b"]) if (startShards[id]?.has(shardOf(r.store, 64))) out[id] += Number(r.n);
  return out;
};
/** A server's group commits so far (its /metrics): how many, their seconds, the events they stored and the copies they dropped; null once it is gone. */
const commitFigures = async (server) => {
  const text = await fetch(server.metricsUrl).then((r) => r.text(), () => null);
  if (!text) return null;
  const sum = (name) => { let n = 0; for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, "gm"))) n += Number(m[1]); return n; };
  return { n: sum("footfall_ingest_commit_seconds_count"), seconds: sum("footfall_ingest_commit_seconds_sum"), accepted: sum("footfall_events_accepted_total"), copies: sum("footfall_events_duplicate_total") };
};
const sampler = setInterval(async () => {
  const s = await status().catch(() => null);
  samples.push({ t: (performance.now() - started) / 1000, accepted: await accepted().catch(() => NaN), by: await acceptedBy().catch(() => null), rss: Object.fromEntries(servers.map((x) => [x.id, rssMiB(x.proc.pid)])), backlog: s?.servers.map((v) => `${v.id}:${v.info?.ingest?.messages ?? "-"}/${v.info?.ingest?.oldestMs ?? "-"}ms held ${v.info?.held?.mb ?? "-"} MB${v.info?.held?.stopped ? ` (${v.info.held.stopped} sessions stopped)` : ""} heap ${v.info?.memory?.heapUsed ?? "-"}/${v.info?.memory?.heapTotal ?? "-"} ext ${v.info?.memory?.external ?? "-"} MB${latencyText(v.info?.latency, v.info?.ingestLatency)}${v.info?.stalled?.reconnected ? ` stall-reconnects ${v.info.stalled.reconnected}` : ""}`).join(" ") });
  const last = samples.at(-1), prev = samples.at(-2);
  if (DIAG) {
    last.cpu = cpuOf();
    last.commits = Object.fromEntries(await Promise.all(servers.map(async (x) => [x.id, await commitFigures(x)])));
    if (prev?.cpu) {
      const events = last.accepted - prev.accepted;
      const perK = Object.keys(last.cpu).map((k) => `${k} ${events > 0 && last.cpu[k] >= prev.cpu[k] ? (((last.cpu[k] - prev.cpu[k]) * 1e6) / events).toFixed(1) : "-"}`).join(", ");
      const commits = servers.map((x) => { const c = last.commits[x.id], p = prev.commits?.[x.id]; if (!c || !p || c.n === p.n) return `${x.id} -`; const n = c.n - p.n; return `${x.id} ${fmt(n / (last.t - prev.t))}/s, ${fmt((c.accepted - p.accepted) / n)} events + ${fmt((c.copies - p.copies) / n)} copies each, ${(((c.seconds - p.seconds) / n) * 1000).toFixed(1)} ms`; }).join("; ");
      log(`t=${last.t.toFixed(0)} s diag: CPU ms per 1,000 events ${perK}; commits ${commits}`);
    }
  }
  if (prev) log(`t=${last.t.toFixed(0)} s accepted ${fmt(last.accepted)} (+${fmt((last.accepted - prev.accepted) / (last.t - prev.t))}/s${last.by && prev.by ? `; a's stores +${fmt((last.by.a - prev.by.a) / (last.t - prev.t))}/s, b's +${fmt((last.by.b - prev.by.b) / (last.t - prev.t))}/s` : ""}) backlog ${last.backlog} rss ${JSON.stringify(last.rss)}`);
}, 10_000);

// A tablet on b following a store a ingests.
const shardsOfA = new Set((await status()).servers.find((v) => v.id === "a").shards);
const perServerText = () => Object.entries(byServer).map(([id, x]) => `${id}${process.env[`CHAIN_SERVER_ENV_${id.toUpperCase()}`] ? ` (${process.env[`CHAIN_SERVER_ENV_${id.toUpperCase()}`]})` : ""}: store queries p50 ${pct(x.store, 0.5).toFixed(0)} p95 ${pct(x.store, 0.95).toFixed(0)} ms (${x.store.length}), health p95 ${pct(x.health, 0.95).toFixed(0)} ms`).join("; ");
const watched = stores.find((s) => shardsOfA.has(shardOf(s, 64)));
const tablet = io(servers[1].base, { transports: ["websocket"], auth: { token: staff }, reconnection: false });
const pushes = [];
tablet.on("occupancy", () => pushes.push(performance.now()));
await new Promise((r) => tablet.once("connect", r));
await new Promise((r) => tablet.emit("join", watched, r));

// RSS along the run (the 10 s samples): a leak keeps rising, a working set (caches, the backlog held, a dead
// server's stores taken over) rises with the load and levels off.
const mb = (v) => (v == null || Number.isNaN(v) ? "-" : v.toFixed(0));
const rssAt = (id, t) => samples.filter((x) => x.rss?.[id] != null).reduce((best, x) => (best === null || Math.abs(x.t - t) < Math.abs(best.t - t) ? x : best), null)?.rss[id];
await sleep((runSeconds / 2) * 1000);
if (process.env.CHAIN_KILL === "0") {
  // No kill: the queries' figures so far, then the servers stop (and write their profiles with CHAIN_PROFILE).
  await sleep(Math.max(0, started + runSeconds * 1000 - performance.now()));
  running = false;
  await queryLoop;
  log(`no kill: dwell/paths/traffic p50 ${Object.values(latencies).map((v) => pct(v, 0.5).toFixed(0)).join(" / ")} ms, p95 ${Object.values(latencies).map((v) => pct(v, 0.95).toFixed(0)).join(" / ")} ms (${Object.values(latencies).reduce((n, v) => n + v.length, 0)} queries, ${failedQueries} failed); health p50 ${pct(healthMs, 0.5).toFixed(0)} p95 ${pct(healthMs, 0.95).toFixed(0)} ms`);
  log(`no kill, per server: ${perServerText()}`);
  const steadyNoKill = samples.filter((s) => s.t > 40);
  if (steadyNoKill.length > 1) { const f = steadyNoKill[0], l = steadyNoKill.at(-1), dt = l.t - f.t; log(`no kill: accepted t = ${f.t.toFixed(0)}-${l.t.toFixed(0)} s: ${fmt((l.accepted - f.accepted) / dt)} events/s${f.by && l.by ? ` (a's stores ${fmt((l.by.a - f.by.a) / dt)}, b's ${fmt((l.by.b - f.by.b) / dt)})` : ""}; offered ${fmt(sim.rates.slice(2).reduce((a, b) => a + b, 0) / Math.max(1, sim.rates.length - 2))}; bare ${fmt(bareRate)}`); }
  if (STATEMENTS) await topStatements();
  log(`no kill, RSS (MB) at the start, 1 min, half time, the end; per server: ${servers.map((x) => `${x.id} ${[rssStart[x.id], rssAt(x.id, 60), rssAt(x.id, runSeconds / 2), rssAt(x.id, runSeconds)].map(mb).join(" / ")}`).join("; ")}`);
  { const c = cpuOf(), el = (performance.now() - started) / 1000; log(`no kill: CPU share of a core over the run: ${Object.keys(c).map((k) => `${k} ${cpuShare(c, k, el).toFixed(2)}`).join(", ")}${process.env.CHAIN_PG_SOCKET ? ` (PostgreSQL over its Unix socket: ${process.env.CHAIN_PG_SOCKET})` : ""}`);
    const busy = busyCores(machineStart), bench = process.cpuUsage(benchCpuStart), cores = cpus().length;
    log(`no kill: the machine ${(busy / cores).toFixed(2)} busy (of ${cores} cores: ${busy.toFixed(2)} cores), this bench ${((bench.user + bench.system) / 1e6 / el).toFixed(2)} of a core`);
    // CPU per event: steadier between runs than events/s (a run's rate moves with what else had a core).
    const events = (samples.at(-1)?.accepted ?? NaN) - (samples[0]?.accepted ?? NaN), span = (samples.at(-1)?.t ?? 0) - (samples[0]?.t ?? 0);
    if (events > 0) log(`no kill: CPU ms per 1,000 events accepted (t = ${samples[0].t.toFixed(0)}-${samples.at(-1).t.toFixed(0)} s, shares over the run): ${Object.keys(c).map((k) => `${k} ${((cpuShare(c, k, el) * span * 1000) / events * 1000).toFixed(1)}`).join(", ")}`); }
  if (STATEMENTS) await tableStats();
  if (process.env.CHAIN_HEAP_SNAPSHOT) { servers[1].proc.kill("SIGUSR2"); await sleep(20_000); } await exited(sim); for (const s of servers) { s.proc.kill("SIGTERM"); await exited(s); } process.exit(0); }
log(`the tablet on b got ${pushes.length} occupancy pushes of ${watched} before the kill`);
const rssAtKill = rssMiB(servers[0].proc.pid);
const cpuAtKill = cpuOf();
const machineAtKill = machineTicks();
const killElapsed = (performance.now() - started) / 1000;
const killAt = performance.now();
const killWall = Date.now();
servers[0].proc.kill("SIGKILL");
log("kill -9 of server a");
if (STATEMENTS) await topStatements();
// When the dead server's stores are committed again: the first rise of their agents' counters after the kill
// (a killed server's open transaction is rolled back, so a rise is b's work). Polled every second for up to 5 minutes.
const committedAgain = (async () => {
  const atKill = (await acceptedBy().catch(() => null))?.a;
  for (; atKill !== undefined && performance.now() - killAt < 300_000; await sleep(1000)) {
    const now = (await acceptedBy().catch(() => null))?.a;
    if (now !== undefined && now > atKill) return performance.now() - killAt;
  }
  return NaN;
})();
let takeoverMs = NaN;
for (; performance.now() - killAt < 120_000; await sleep(200)) {
  const s = await status().catch(() => null);
  if (s?.servers.find((v) => v.id === "b")?.shards.length === 64) { takeoverMs = performance.now() - killAt; break; }
}
let tabletMs = NaN;
for (; performance.now() - killAt < 120_000; await sleep(100)) {
  if (pushes.some((p) => p > killAt + takeoverMs)) { tabletMs = pushes.find((p) => p > killAt + takeoverMs) - killAt; break; }
}
log(`the tablet's pushes after the kill (s): ${pushes.filter((p) => p > killAt).slice(0, 12).map((p) => ((p - killAt) / 1000).toFixed(1)).join(", ")}`);
log(`b holds every shard ${(takeoverMs / 1000).toFixed(1)} s after the kill; the tablet on b got ${watched} (a's) again after ${(tabletMs / 1000).toFixed(1)} s`);
const committedAgainMs = await committedAgain;
log(`a's stores committed again (by b) ${(committedAgainMs / 1000).toFixed(1)} s after the kill`);

// The simulators stop making events at runSeconds; the figures of the run (CPU, RSS, sustained rate) end
// there, then they settle what they sent (CHAIN_SETTLE_SECONDS) and exit.
await sleep(Math.max(0, started + runSeconds * 1000 - performance.now()));
const cpuEnd = { ...cpuOf(), a: cpuAtKill.a };
const productionEnd = performance.now();
// From the kill to the end of the events: one server left. Is the machine busy, or is the survivor waiting?
{ const el = (productionEnd - killAt) / 1000;
  log(`after the kill (${el.toFixed(0)} s): the machine ${busyCores(machineAtKill).toFixed(2)} of ${cpus().length} cores busy; CPU share of a core: ${["b", "postgres", "mosquitto", "simulator"].map((k) => `${k} ${cpuShare(cpuEnd, k, el, cpuAtKill).toFixed(2)}`).join(", ")}`); }
const rssEnd = { b: rssMiB(servers[1].proc.pid) };
// A phase's RSS levels off once its load has run 2 minutes: before the kill (both servers), after it (b with every store).
const rssPhases = { a2min: rssAt("a", 120), b2min: rssAt("b", 120), bAtKill: rssAt("b", killElapsed), bTakeover2min: rssAt("b", killElapsed + 120) };
log(`RSS (MB): a ${mb(rssStart.a)} at the start, ${mb(rssPhases.a2min)} at 2 min, ${mb(rssAtKill)} at the kill; b ${mb(rssStart.b)} / ${mb(rssPhases.b2min)} / ${mb(rssPhases.bAtKill)}, 2 min after the kill ${mb(rssPhases.bTakeover2min)}, at the end ${mb(rssEnd.b)} (${(((rssEnd.b - rssPhases.bTakeover2min) / rssPhases.bTakeover2min) * 100).toFixed(1)} % since 2 min after the kill); a/b each minute: ${samples.filter((x, i) => i % 6 === 0).map((x) => `${x.t.toFixed(0)} s ${Object.values(x.rss).map(mb).join("/")}`).join(", ")}`);
// The queries' figures are those while events came in.
running = false;
await queryLoop;
log(`the simulators stopped making events; they wait up to ${SETTLE_SECONDS} s for every event they queued to be settled`);
const simCode = await exited(sim);
const settledAfter = (performance.now() - productionEnd) / 1000;
rssEnd.bSettled = rssMiB(servers[1].proc.pid);
log(`the simulators exited ${settledAfter.toFixed(0)} s after they stopped making events`);
clearInterval(sampler);
tablet.close();
const runEnd = productionEnd;
// The simulator waited up to --drain for its events to be settled and exited; the broker may still
// queue messages for the shard sessions of a server that lags. Wait until every live server reports
// an empty ingest backlog (its shard sessions hold nothing unacknowledged: they read whatever the
// broker queues) in two heartbeats in a row, and the stored count stands still for 20 s (CHAIN_DRAIN_MINUTES, 15).
const drainStart = performance.now();
const DRAIN_MS = Number(process.env.CHAIN_DRAIN_MINUTES ?? 15) * 60_000;
let drainedAfter = NaN;
for (let last = -1, stillSince = performance.now(), emptyBeats = 0, lastBeat = "", lastLog = 0; ; await sleep(2000)) {
  const n = await accepted().catch(() => NaN);
  if (n !== last) { last = n; stillSince = performance.now(); }
  const s = await status().catch(() => null);
  const live = s?.servers.filter((v) => v.live) ?? [];
  const beat = live.map((v) => `${v.id}@${Math.round((Date.now() - v.heartbeatAgeMs) / 1000)}:${v.info?.ingest?.messages ?? "?"}`).join(" ");
  // Empty: nothing waits for a commit, and no shard session is stopped or disconnected (its messages would still be in the broker).
  const stalled = (v) => (v.info?.stalled?.stopped?.length ?? 0) + (v.info?.stalled?.disconnected?.length ?? 0);
  const empty = live.length > 0 && live.every((v) => v.info?.ingest?.messages === 0 && stalled(v) === 0);
  if (beat !== lastBeat) { emptyBeats = empty ? emptyBeats + 1 : 0; lastBeat = beat; }
  const still = performance.now() - stillSince;
  if (performance.now() - lastLog > 10_000) { lastLog = performance.now(); log(`draining: stored ${fmt(n)}, backlog ${live.map((v) => `${v.id}:${v.info?.ingest?.messages ?? "?"} msgs/${v.info?.ingest?.oldestMs ?? "?"} ms, sessions stopped ${JSON.stringify(v.info?.stalled?.stopped ?? [])} disconnected ${JSON.stringify(v.info?.stalled?.disconnected ?? [])}`).join(" ")}, count still for ${(still / 1000).toFixed(0)} s`); }
  if (emptyBeats >= 2 && still >= 20_000) { drainedAfter = (performance.now() - drainStart) / 1000; break; }
  if (performance.now() - drainStart > DRAIN_MS) { log(`not drained after ${DRAIN_MS / 60_000} min: the ledger is read anyway`); break; }
}
log(`drained ${(drainedAfter).toFixed(0)} s after the simulator stopped: every live server's backlog empty, no shard session stopped or disconnected, in two heartbeats, and the stored count still for 20 s`);

// ---- 4. the ledger against the database ----
// One ledger per simulator process; their stores are disjoint, so they are read one after the other.
const ledgers = Array.from({ length: SIMULATORS }, (_, i) => Ledger.load(ledgerPart(ledgerFile, i)));
const ledgerOf = new Map(ledgers.flatMap((l) => l.stores().map((store) => [store, l])));
const unsettledOf = new Map(ledgers.flatMap((l) => [...l.unsettled]));
// An id missing from the database is lost only when its simulator had it settled; unsettled ones apart.
const ledger = { stores: () => [...ledgerOf.keys()], audit: (store, ids) => ledgerOf.get(store).audit(store, ids, unsettledOf.get(store) ?? []) };
let lost = 0, doubled = 0, sent = 0, stored = 0, unsettledMissing = 0, unsettledStored = 0;
const lostRows = [];
const unsettledRows = [];
for (const store of ledger.stores()) {
  const ids = (await pool.query("SELECT id FROM events WHERE store = $1", [store])).rows.map((r) => r.id);
  const a = ledger.audit(store, ids);
  lost += a.lost; doubled += a.doubled; sent += a.sent; stored += a.stored; unsettledMissing += a.unsettled; unsettledStored += a.unsettledStored;
  if (a.lost > 0) lostRows.push({ store, shard: shardOf(store, 64), aHeldIt: shardsOfA.has(shardOf(store, 64)), lost: a.lost, ids: a.lostIds });
  if (a.unsettled > 0) unsettledRows.push({ store, unsettled: a.unsettled, ids: a.unsettledIds.slice(0, 3) });
}
const unsettledAtExit = [...unsettledOf.values()].reduce((n, ids) => n + ids.length, 0);
if (unsettledRows.length) log(`unsettled at the simulators' exit and not stored, by store (first 30 stores, 3 ids each): ${JSON.stringify(unsettledRows.slice(0, 30))}`);
// Where the lost events are: store, shard (and whether a, the server killed, held it), and when the
// neighbouring events of the same agent were received, against the kill.
for (const r of lostRows) {
  const [agent, boot, seq] = r.ids[0].split(":");
  const near = (await pool.query("SELECT id, ts, received_at FROM events WHERE store = $1 AND id = ANY($2)", [r.store, [-1, 1].map((d) => `${agent}:${boot}:${String(Number(seq) + d).padStart(9, "0")}`)])).rows;
  r.neighbours = near.map((e) => ({ id: e.id, receivedSecondsAfterKill: e.received_at == null ? null : +((Number(e.received_at) - killWall) / 1000).toFixed(1) }));
}
if (lostRows.length) log(`missing events by store (first 20 ids each): ${JSON.stringify(lostRows.slice(0, 30), null, 1)}`);
log(`the simulators exited with ${fmt(unsettledAtExit)} events unsettled (${fmt(unsettledStored)} of them stored, ${fmt(unsettledMissing)} not); lost (settled, not stored) ${fmt(lost)}`);
const dups = Number((await pool.query("SELECT coalesce(sum(duplicates), 0) AS n FROM agents")).rows[0].n);
// While the simulators made events (t = 40 s to runSeconds); the settling after it is not in it.
const steady = samples.filter((s) => s.t > 40 && s.t <= runSeconds + 5);
const sustained = steady.length > 1 ? (steady.at(-1).accepted - steady[0].accepted) / (steady.at(-1).t - steady[0].t) : NaN;
// From t = 40 s until the simulators settled (the backlog the servers caught up with after the run included).
const throughSettle = samples.filter((s) => s.t > 40);
const sustainedThroughSettle = throughSettle.length > 1 ? (throughSettle.at(-1).accepted - throughSettle[0].accepted) / (throughSettle.at(-1).t - throughSettle[0].t) : NaN;
const simRates = sim.rates.slice(2);
const offered = simRates.reduce((a, b) => a + b, 0) / Math.max(1, simRates.length);
const result = {
  stores: STORES, minutes: MINUTES, speed: SPEED, arrivals: ARRIVALS, agentsFlushMs: FLUSH_MS,
  offeredEventsPerS: Math.round(offered), simulators: SIMULATORS,
  offeredPerSimulator: sim.each.map((r) => Math.round(r.slice(2).reduce((a, b) => a + b, 0) / Math.max(1, r.length - 2))), sustainedEventsPerS: Math.round(sustained), sustainedThroughSettleEventsPerS: Math.round(sustainedThroughSettle), bareMosquittoEventsPerS: Math.round(bareRate),
  ratioToBare: +(sustained / bareRate).toFixed(2), autogroupNice,
  p95Ms: Object.fromEntries(Object.entries(latencies).map(([k, v]) => [k, +pct(v, 0.95).toFixed(1)])),
  p50Ms: Object.fromEntries(Object.entries(latencies).map(([k, v]) => [k, +pct(v, 0.5).toFixed(1)])),
  queries: Object.values(latencies).reduce((n, v) => n + v.length, 0), failedQueries,
  healthP50P95Ms: [+pct(healthMs, 0.5).toFixed(1), +pct(healthMs, 0.95).toFixed(1)],
  perServer: perServerText(),
  rssMb: { a: { start: Math.round(rssStart.a), at2min: Math.round(rssPhases.a2min), atKill: Math.round(rssAtKill) }, b: { start: Math.round(rssStart.b), at2min: Math.round(rssPhases.b2min), atKill: Math.round(rssPhases.bAtKill), takeoverPlus2min: Math.round(rssPhases.bTakeover2min), end: Math.round(rssEnd.b), settled: Math.round(rssEnd.bSettled) } },
  takeoverSeconds: +(takeoverMs / 1000).toFixed(1), committedAgainSeconds: +(committedAgainMs / 1000).toFixed(1), tabletBackSeconds: +(tabletMs / 1000).toFixed(1),
  sent, stored, lost, doubled, unsettledAtSimulatorExit: unsettledAtExit, unsettledNotStored: unsettledMissing, unsettledStored,
  simulatorsSettledSeconds: +settledAfter.toFixed(0), drainedSecondsAfterSimulator: +drainedAfter.toFixed(0), copiesDroppedById: dups, simulatorExit: simCode, runSeconds: Math.round((runEnd - started) / 1000),
  // Share of one core over the run (a: until it was killed).
  cpuCores: Object.fromEntries(Object.keys(cpuStart).map((k) => [k, +cpuShare(cpuEnd, k, k === "a" ? killElapsed : (runEnd - started) / 1000).toFixed(2)])),
};
// PostgreSQL's statements slower than CHAIN_PG_SLOW_MS (200), by application (ingest pool, read pool, cluster) and statement start.
try {
  const slow = new Map();
  for (const m of readFileSync(join(dir, "pg.log"), "utf8").matchAll(/^([\w-]*):\s*LOG:\s+duration: ([\d.]+) ms\s+(?:statement|execute [^:]*): (.{0,60})/gm)) {
    const key = `${m[1] || "?"} ${m[3].replace(/\s+/g, " ")}`;
    const e = slow.get(key) ?? { n: 0, maxMs: 0, sumMs: 0 };
    e.n++; e.sumMs += Number(m[2]); e.maxMs = Math.max(e.maxMs, Number(m[2]));
    slow.set(key, e);
  }
  result.slowStatements = [...slow].sort((a, b) => b[1].sumMs - a[1].sumMs).slice(0, 12).map(([k, e]) => `${e.n} x ${k} (max ${Math.round(e.maxMs)} ms, mean ${Math.round(e.sumMs / e.n)} ms)`);
} catch { /* no log */ }
console.log(JSON.stringify(result, null, 2));
await pool.end();
for (const s of servers) s.proc.kill("SIGTERM");
// With CHAIN_PROFILE the servers write their CPU profiles as they exit: wait for that (up to 60 s) before the exit handler kills them.
if (process.env.CHAIN_PROFILE) await Promise.race([Promise.all(servers.filter((s) => s.proc.exitCode === null && s.proc.signalCode === null).map(exitedOne)), sleep(60_000)]);
mosquitto.proc.kill("SIGTERM");
await sleep(1000);
process.exit(0);

#!/usr/bin/env node
// `npm run bench:alerts-sweep`: what viewers' idle alerts-only sockets (/alerts, the web app's header sign) cost the
// server, most of it the live hub's sweep, which checks the sockets' tokens (revoked or expired?) once a second.
// The built server (`footfall serve`, SQLite, embedded broker), one store with a layout and a rule; N = 10, 100, 1000
// sockets joined to the store, either all on ONE viewer token or each on its OWN (a chain's area managers), idle.
// For each case: the server process's CPU (user + system, /proc) over a window, per second (= per sweep), and, in
// the same run, the same with no socket at all (the baseline). On SQLite, then on PostgreSQL (Debian's, started in a
// temp dir, as the postgres user when root), with PostgreSQL's own CPU (its backends) beside. Asserts nothing.
// Env: SWEEP_WINDOW_S (10, the seconds measured per case), SWEEP_N (10,100,1000), SWEEP_PG (1; 0 skips PostgreSQL),
// SWEEP_PG_PORT (19160).
import "./help.mjs"; // --help: this file's leading comment
import { execFileSync, spawn } from "node:child_process";
import { chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer as netServer } from "node:net";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { io } from "socket.io-client";
import { cpuSeconds } from "./proc.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, "..", "..", "server", "dist", "cli.js");
const WINDOW_S = Number(process.env.SWEEP_WINDOW_S ?? 10);
const NS = (process.env.SWEEP_N ?? "10,100,1000").split(",").map(Number);
const STORE = "bench";
const log = (s) => process.stderr.write(s + "\n");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const freePort = () =>
  new Promise((resolve) => {
    const s = netServer();
    s.listen(0, "127.0.0.1", () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
async function waitFor(what, probe, ms = 30_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** The cases on a server of `storage` (extra `env`); `dbPid`: PostgreSQL's postmaster, whose backends' CPU is measured too. */
async function run(storage, extraEnv = {}, dbPid = null) {
  const dataDir = mkdtempSync(join(tmpdir(), "footfall-bench-alerts-sweep-"));
  const http = await freePort();
  const mqttPort = await freePort();
  const env = {
    ...process.env,
    ...extraEnv,
    FOOTFALL_DATA_DIR: dataDir,
    FOOTFALL_HTTP_PORT: String(http),
    FOOTFALL_MQTT_PORT: String(mqttPort),
    FOOTFALL_METRICS_PORT: "off",
    FOOTFALL_LOG_LEVEL: "warn",
    FOOTFALL_MQTT_PUBLISH: "off",
  };
  const base = `http://127.0.0.1:${http}`;
  const admin = JSON.parse(execFileSync(process.execPath, [cli, "token", "add", "--role", "admin"], { env, encoding: "utf8" })).token;
  const server = spawn(process.execPath, [cli, "serve"], { env, stdio: ["ignore", "ignore", "inherit"] });
  const cleanup = () => {
    server.kill("SIGTERM");
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitFor("the server", () =>
      fetch(`${base}/api/v1/health`).then(
        (r) => r.ok,
        () => false,
      ),
    );
    const call = async (method, url, body) => {
      const res = await fetch(base + url, {
        method,
        headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
      return res.json();
    };
    const rect = (id, kind, x, capacity) => ({
      id,
      name: id,
      kind,
      polygon: [
        [x, 0],
        [x + 4, 0],
        [x + 4, 4],
        [x, 4],
      ],
      ...(capacity ? { capacity } : {}),
    });
    await call("PUT", `/api/v1/stores/${STORE}/layout`, {
      name: "Bench",
      validFrom: 0,
      timezone: "UTC",
      floor: { width: 20, height: 10 },
      zones: [rect("entrance", "entrance", 0), rect("fruit", "zone", 5, 5)],
    });
    await call("POST", `/api/v1/stores/${STORE}/alert-rules`, {
      id: "fruit-busy",
      kind: "occupancy",
      zone: "fruit",
      threshold: 0.5,
      forSeconds: 0,
      cooldownSeconds: 0,
      enabled: true,
    });
    const maxN = Math.max(...NS);
    const tokens = [];
    for (let i = 0; i < maxN; i++) tokens.push((await call("POST", "/api/v1/tokens", { role: "viewer", label: `viewer ${i}` })).token);

    /** N sockets on /alerts joined to the store, on `tokenOf(i)`. */
    const connect = async (n, tokenOf) => {
      const sockets = [];
      for (let i = 0; i < n; i += 50) {
        await Promise.all(
          Array.from({ length: Math.min(50, n - i) }, (_, j) => {
            const s = io(`${base}/alerts`, { auth: { token: tokenOf(i + j) }, transports: ["websocket"], reconnection: false, forceNew: true });
            sockets.push(s);
            return new Promise((resolve, reject) => {
              s.once("connect_error", reject);
              s.once("connect", () => s.emit("join", STORE, (r) => (r.ok ? resolve() : reject(new Error(r.error)))));
            });
          }),
        );
      }
      return sockets;
    };
    /** The server's CPU (ms) per second over the window, after 2 s to settle. */
    const measure = async () => {
      await sleep(2000);
      const c0 = cpuSeconds(server.pid);
      const d0 = dbPid ? cpuSeconds(dbPid, { tree: true }) : 0;
      const t0 = performance.now();
      await sleep(WINDOW_S * 1000);
      const s = (performance.now() - t0) / 1000;
      return { cpu: ((cpuSeconds(server.pid) - c0) * 1000) / s, db: dbPid ? ((cpuSeconds(dbPid, { tree: true }) - d0) * 1000) / s : null };
    };

    log(
      `${storage}: ${cpus().length} CPUs, load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}; window ${WINDOW_S} s per case; the server's CPU per second (= per sweep)${dbPid ? ", PostgreSQL's beside" : ""}`,
    );
    const rows = [];
    const db = (m) => (m.db === null ? "" : `; PostgreSQL ${m.db.toFixed(1)} ms`);
    const { cpu: baseline, db: dbBaseline } = await measure();
    rows.push({ sockets: 0, tokens: 0, cpuMsPerSecond: baseline, dbMsPerSecond: dbBaseline });
    log(`  no socket (baseline)                 ${baseline.toFixed(1)} ms${db({ db: dbBaseline })}`);
    for (const n of NS) {
      for (const [name, tokenOf, distinct] of [
        ["one token", () => tokens[0], 1],
        ["a token each", (i) => tokens[i], n],
      ]) {
        const sockets = await connect(n, tokenOf);
        const m = await measure();
        rows.push({ sockets: n, tokens: distinct, cpuMsPerSecond: m.cpu, dbMsPerSecond: m.db });
        log(
          `  ${String(n).padStart(4)} sockets, ${name.padEnd(13)}       ${m.cpu.toFixed(1)} ms (+${(m.cpu - baseline).toFixed(1)} over the baseline)${db(m)}`,
        );
        for (const s of sockets) s.close();
        await sleep(1000);
      }
    }
    console.log(JSON.stringify({ storage, nproc: cpus().length, loadavg: loadavg(), windowS: WINDOW_S, rows }));
  } finally {
    cleanup();
  }
}

await run("SQLite");
if (process.env.SWEEP_PG !== "0") {
  const pgDir = mkdtempSync(join(tmpdir(), "footfall-bench-alerts-sweep-pg-"));
  const majors = readdirSync("/usr/lib/postgresql")
    .filter((d) => /^\d+$/.test(d))
    .sort((a, b) => b - a);
  const PGBIN = join("/usr/lib/postgresql", majors[0], "bin");
  const asRoot = process.getuid?.() === 0;
  const pgUser = asRoot
    ? readFileSync("/etc/passwd", "utf8")
        .split("\n")
        .find((l) => l.startsWith("postgres:"))
        .split(":")
    : null;
  const PGDATA = join(pgDir, "data");
  const pgExec = (prog, args) =>
    execFileSync(asRoot ? "runuser" : join(PGBIN, prog), asRoot ? ["-u", "postgres", "--", join(PGBIN, prog), ...args] : args, {
      encoding: "utf8",
      cwd: pgDir,
      env: { ...process.env, LC_ALL: "C.UTF-8" },
    });
  mkdirSync(PGDATA, { mode: 0o700 });
  if (asRoot) for (const d of [pgDir, PGDATA]) chownSync(d, Number(pgUser[2]), Number(pgUser[3]));
  pgExec("initdb", ["-D", PGDATA, "-U", "footfall", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-instructions", "--no-sync"]);
  const port = Number(process.env.SWEEP_PG_PORT ?? 19160);
  pgExec("pg_ctl", ["-D", PGDATA, "-l", join(pgDir, "pg.log"), "-o", `-p ${port} -c listen_addresses=127.0.0.1 -k ${pgDir} -c timezone=UTC`, "-w", "start"]);
  try {
    const postmaster = Number(readFileSync(join(PGDATA, "postmaster.pid"), "utf8").split("\n")[0]);
    await run(`PostgreSQL ${majors[0]}`, { FOOTFALL_DATABASE_URL: `postgres://footfall@127.0.0.1:${port}/postgres` }, postmaster);
  } finally {
    pgExec("pg_ctl", ["-D", PGDATA, "-m", "fast", "-w", "stop"]);
    rmSync(pgDir, { recursive: true, force: true });
  }
}

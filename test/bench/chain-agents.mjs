// `node test/bench/chain-agents.mjs`: the chain overview's agent cell (server/src/chain/live.ts chainAgents) for
// AGENTS_STORES stores of AGENTS_PER_STORE agents each, on a real SQLite storage (server/dist), every agent online
// with a live status (metrics with its input, statusEveryS, backlog) and 5 clock samples. Per ask, in CPU ms (median of
// AGENTS_ASKS asks, alternating):
//   baseline: as before the memo, in this run: storage.chain.agents + listAll, problemsOf (agent-info) on every row;
//   memo:     chainAgents as built;
// each with nothing new since the last ask, with events from every agent (its tallies change, not its status: the
// memo keeps the decoded status), with a new status from 10 % of the agents and from all of them (the memo decodes
// them again), both asked right after the change (in turn first);
// and the parts: listAll alone, problemsOf over every row alone. Checks that both give the same counts.
// Env: AGENTS_STORES (1000), AGENTS_PER_STORE (3), AGENTS_ASKS (31).
import "./help.mjs"; // --help: this file's leading comment
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { openStorage } from "../../server/dist/storage.js";
import { problemsOf } from "../../server/dist/agent-info.js";
import { chainAgents } from "../../server/dist/chain/live.js";

const STORES = Number(process.env.AGENTS_STORES ?? 1000);
const PER = Number(process.env.AGENTS_PER_STORE ?? 3);
const ASKS = Number(process.env.AGENTS_ASKS ?? 31);
const WARN = 30_000;
const KINDS = ["camera", "door", "sim"];
const ids = Array.from({ length: STORES }, (_, i) => `s${String(i).padStart(4, "0")}`);
const agentsOf = Array.from({ length: PER }, (_, k) => `a${k}`);

const dir = mkdtempSync(join(tmpdir(), "footfall-bench-chain-agents-"));
const storage = await openStorage(dir);
const db = new Database(join(dir, "footfall.db"));
const ins = db.prepare("INSERT INTO agents (store, agent, kind, username, password_hash, created_at, state) VALUES (?, ?, ?, ?, 'x', 0, 'never-seen')");
db.transaction(() => {
  for (const s of ids) agentsOf.forEach((a, k) => ins.run(s, a, KINDS[k % KINDS.length], `${s}.${a}`));
})();
db.close();

let now = Date.now();
const status = (k, inputAgeMs) => ({ state: "online", ts: now, kind: KINDS[k % KINDS.length], version: "1.5.0", queued: 0, oldestQueuedAgeMs: 0, outboxDropped: 0, statusEveryS: 30, inputUnit: "frame", inputAgeMs, sourceDownMs: 0, sourceRestarts: 0 });
for (let i = 0; i < 5; i++) {
  now += 10_000;
  for (const [n, s] of ids.entries()) for (const [k, a] of agentsOf.entries()) await storage.agents.recordStatus(s, a, status(k, n % 50 === 0 && k === 0 ? 120_000 : 40), now);
}

async function baseline() {
  const [, rows] = await Promise.all([storage.chain.agents(ids), storage.agents.listAll()]);
  const needing = new Map();
  const asked = new Set(ids);
  for (const r of rows) if (asked.has(r.store) && problemsOf(r, WARN, now).length > 0) needing.set(r.store, (needing.get(r.store) ?? 0) + 1);
  return needing;
}
const memo = () => chainAgents(storage, ids, { now, clockWarnMs: WARN });
/** A new live status from `share` of the agents (their status texts change), or events from every agent (their tallies change). */
async function touch(share, what) {
  now += 1000;
  for (const [n, s] of ids.entries())
    for (const [k, a] of agentsOf.entries()) {
      if (what === "events") await storage.agents.recordIngest(s, a, { events: 20, duplicates: 0, rejects: 0, lastEventTs: now - 1500, receivedAt: now });
      else if (((n * PER + k) * 7919) % 100 < share * 100) await storage.agents.recordStatus(s, a, status(k, n % 50 === 0 && k === 0 ? 120_000 : 40), now);
    }
}

/** CPU ms of the process for `f` (storage is better-sqlite3 in this thread): steadier than wall time on a shared machine. */
const ms = async (f) => {
  const t = process.cpuUsage();
  await f();
  const d = process.cpuUsage(t);
  return (d.user + d.system) / 1000;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const SHARES = [["nothing", 0, "status"], ["every agent's events", 1, "events"], ["10 % of agents' status", 0.1, "status"], ["every agent's status", 1, "status"]];
const cases = Object.fromEntries(SHARES.flatMap(([name]) => [[`baseline, ${name} changed`, []], [`memo, ${name} changed`, []]]));
Object.assign(cases, { "listAll alone": [], "problemsOf x rows alone": [] });
let rows = await storage.agents.listAll();

// Same answer first.
const a = await baseline();
const b = await memo();
const same = ids.every((id) => (a.get(id) ?? 0) === b.get(id).problems);
const counted = [...a.values()].reduce((x, y) => x + y, 0);

console.log(`chain-agents: ${cpus().length} x ${cpus()[0]?.model}, load ${loadavg().map((l) => l.toFixed(1)).join(" ")}; ${STORES} stores x ${PER} agents, ${ASKS} asks a case`);
for (let i = 0; i < ASKS; i++) {
  for (const [name, share, what] of SHARES) {
    await memo(); // the memo holds the rows of the last ask
    if (share > 0) await touch(share, what);
    // Both right after the change, in turn first (the first reads the pages the writes left).
    const order = i % 2 ? [["baseline", baseline], ["memo", memo]] : [["memo", memo], ["baseline", baseline]];
    for (const [kind, f] of order) cases[`${kind}, ${name} changed`].push(await ms(f));
  }
  cases["listAll alone"].push(await ms(async () => (rows = await storage.agents.listAll())));
  cases["problemsOf x rows alone"].push(await ms(() => rows.forEach((r) => problemsOf(r, WARN, now))));
}
for (const [name] of SHARES) {
  const b = median(cases[`baseline, ${name} changed`]);
  const m = median(cases[`memo, ${name} changed`]);
  console.log(`${("new since the last ask: " + name).padEnd(46)} baseline ${b.toFixed(2).padStart(7)} CPU ms   memo ${m.toFixed(2).padStart(7)} CPU ms   x${(b / m).toFixed(2)}`);
}
for (const name of ["listAll alone", "problemsOf x rows alone"]) console.log(`${name.padEnd(46)} ${median(cases[name]).toFixed(2).padStart(7)} CPU ms`);
console.log(`same counts as the baseline: ${same} (${counted} agents needing attention)`);
console.log(`load at end ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
await storage.close?.();
rmSync(dir, { recursive: true, force: true });

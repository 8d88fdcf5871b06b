/**
 * `footfall demo` stopped with Ctrl-C and started again: the next start does not say that the run
 * was "killed before" and leaves the visits of the shoppers the simulator lost track of (the demo's
 * vanishRate: an enter and no exit by design, closed by the server's visit timeout as abandoned)
 * as they are. Before, a clean stop's next start logged "the simulator's run killed before left
 * shoppers inside" and sent exits for those lost shoppers as if they had walked out. A kill -9 after
 * that is still told at the start after it. Real processes: the demo (server, embedded broker,
 * `footfall-edge sim` child), on one data folder. Ports 19824-19825.
 */
import Database from "better-sqlite3";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Child, childPidHolding, startDemo, tempDir, waitFor, type DemoProcess } from "../support/index.js";

const dir = tempDir("footfall-demo-clean-stop-");
const data = join(dir.path, "data");
const children: Child[] = [];
afterAll(() => {
  for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill("SIGKILL");
  dir.remove();
});

/** Open every hour of the week, whatever the hour the test runs at. */
const curveFile = join(dir.path, "open-all-week.json");
writeFileSync(curveFile, JSON.stringify({ weeklyCurve: Array(168).fill(1) }));

async function start(): Promise<DemoProcess> {
  const run = await startDemo(["--backfill-hours", "0", "--speed", "60", "--curve", curveFile], { dataDir: data, httpPort: 19824, mqttPort: 19825, logLevel: "info" });
  children.push(run.child);
  return run;
}

function db<T>(fn: (d: Database.Database) => T, readonly = true): T {
  const d = new Database(join(data, "footfall.db"), { readonly, fileMustExist: true });
  try {
    return fn(d);
  } finally {
    d.close();
  }
}

const simEvents = () => db((d) => (d.prepare("SELECT count(*) AS n FROM events WHERE store = 'demo' AND agent = 'sim-1'").get() as { n: number }).n);

async function running(run: DemoProcess, more: number): Promise<void> {
  const before = simEvents();
  await waitFor("the simulator's events stored", () => simEvents() > before + more, { timeoutMs: 90_000, intervalMs: 250 }).catch((e: Error) => {
    throw new Error(`${e.message}\n${run.child.output().slice(-3000)}`);
  });
}

const KILLED = "the simulator's run killed before left shoppers inside";
const WALKED_OUT = "the people a killed run of this simulator left inside walk out";

describe("footfall demo stopped with Ctrl-C and started again", () => {
  it("does not call the clean stop a kill, nor walk out the shoppers the simulator lost track of; a kill -9 after it is told", async () => {
    const first = await start();
    await running(first, 50);
    first.child.proc.kill("SIGINT");
    expect((await first.child.waitExit()).code, first.child.output().slice(-3000)).toBe(0);
    // A shopper the simulator lost track of a minute before its stop (an enter, no exit: the demo's vanishRate makes
    // such visits at random; one made here so that the test does not hang on chance), open as the server holds it.
    const lostAt = db((d) => (d.prepare("SELECT max(ts) AS ts FROM events WHERE store = 'demo' AND agent = 'sim-1'").get() as { ts: number }).ts) - 60_000;
    db((d) => {
      d.prepare("INSERT INTO events (store, id, ts, type, zone, visitor, agent, received_at) VALUES ('demo', 'sim-1:lost0000:000000000', ?, 0, 'dairy', 'v-lost', 'sim-1', ?)").run(lostAt, lostAt);
      d.prepare("INSERT INTO open_visits (store, zone, visitor, last_seen_ts) VALUES ('demo', 'dairy', 'v-lost', ?)").run(lostAt);
    }, false);

    const second = await start();
    await running(second, 50);
    const out = second.child.output();
    expect(out).not.toContain(KILLED);
    expect(out).not.toContain(WALKED_OUT);
    // The lost shopper is left to the server's visit timeout: no exit sent for it (old code: one, from the new run).
    expect(db((d) => (d.prepare("SELECT count(*) AS n FROM events WHERE store = 'demo' AND visitor = 'v-lost' AND type = 1").get() as { n: number }).n)).toBe(0);

    // kill -9 now: the next start finds what it left inside and says so.
    const sim = childPidHolding(second.child.proc.pid!, join(data, "demo-sim.json"));
    second.child.proc.kill("SIGKILL");
    await second.child.waitExit();
    if (sim !== undefined) await waitFor("the simulator to stop by itself", () => !readdirSync("/proc").includes(String(sim)), { timeoutMs: 30_000, intervalMs: 100 });
    const third = await start();
    await running(third, 10);
    expect(third.child.output()).toContain(KILLED);
    expect(third.child.output()).toContain(WALKED_OUT);
    third.child.proc.kill("SIGINT");
    expect((await third.child.waitExit()).code).toBe(0);
  }, 300_000);
});

/**
 * `footfall demo` ended from outside at any moment leaves no `footfall-edge sim` behind. Found after
 * session 49's CI: a simulator adopted by init, idle, retrying a broker that was gone, 26 min after its
 * demo. The demo had been killed while its simulator was still starting (node loading, config, outbox):
 * the simulator then took the parent it found, already init, as the one to watch, and never saw it go.
 * Real processes: the demo (server, embedded Aedes, its `footfall-edge sim` child), killed with
 * kill -9 the moment the simulator appears, while it back-fills and while it publishes live, and
 * stopped with SIGTERM then SIGKILL after the tests' 5-s grace. Ports 20910-20929.
 */
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { childPidHolding, spawnDemo, startDemo, tempDir, waitFor, type Child } from "../support/index.js";

const dir = tempDir("footfall-demo-sim-orphan-");
/** Simulators seen: any still running at the end is killed here (the old code left them). */
const sims = new Set<number>();
const demos: Child[] = [];
const alive = (pid: number) => readdirSync("/proc").includes(String(pid));
afterAll(() => {
  for (const pid of sims) if (alive(pid)) process.kill(pid, "SIGKILL");
  for (const d of demos) if (d.exit === null) d.proc.kill("SIGKILL");
  dir.remove();
});

/** Open every hour of the week, whatever the hour the test runs at: the back-fill and the live store have shoppers. */
const curveFile = join(dir.path, "open-all-week.json");
writeFileSync(curveFile, JSON.stringify({ weeklyCurve: Array(168).fill(1) }));

let port = 20910;
/** A demo on its own data folder and ports, its simulator's log lines included (info). */
function options(name: string) {
  const o = { dataDir: join(dir.path, name), httpPort: port, mqttPort: port + 1, logLevel: "info" };
  port += 2;
  return o;
}
const args = (backfillHours: number) => ["--backfill-hours", String(backfillHours), "--speed", "60", "--curve", curveFile];

/** The pid of the demo's simulator as soon as it is spawned (polled every few ms). */
async function simOf(demo: Child, dataDir: string): Promise<number> {
  const pid = await waitFor("the demo's simulator process", () => childPidHolding(demo.pid!, join(dataDir, "demo-sim.json")) ?? false, { timeoutMs: 60_000, intervalMs: 5 });
  sims.add(pid);
  return pid;
}

/** The simulator ends by itself once its demo is gone (a generous bound: the machine is shared). */
async function expectGone(sim: number, demo: Child): Promise<void> {
  await waitFor("the simulator to stop once its demo is gone", () => !alive(sim), { timeoutMs: 45_000, intervalMs: 100 }).catch((e: Error) => {
    throw new Error(`${e.message} (pid ${sim} still runs)\n${demo.output().slice(-3000)}`);
  });
}

describe("footfall demo ended from outside leaves no simulator running", () => {
  it("kill -9 the moment the demo has spawned its simulator (still starting: no signal handler, no watch yet)", async () => {
    const o = options("starting");
    const demo = await spawnDemo(args(1), o);
    demos.push(demo);
    const sim = await simOf(demo, o.dataDir);
    await demo.kill9();
    await expectGone(sim, demo);
    expect(demo.output()).toContain("is gone: stopping");
  }, 120_000);

  it("kill -9 while the simulator back-fills its history", async () => {
    const o = options("backfill");
    const { child: demo } = await startDemo(args(72), o);
    demos.push(demo);
    const sim = await simOf(demo, o.dataDir);
    await waitFor("the back-fill under way", () => /layout received/.test(demo.output()) && !/back-filled simulated history/.test(demo.output()), { timeoutMs: 60_000, intervalMs: 20 });
    await demo.kill9();
    await expectGone(sim, demo);
  }, 120_000);

  it("kill -9 while the simulator publishes the live store", async () => {
    const o = options("live");
    const { child: demo, api } = await startDemo(args(0), o);
    demos.push(demo);
    const sim = await simOf(demo, o.dataDir);
    await waitFor("people in the store", async () => (await api.occupancy("demo")).total > 0, { timeoutMs: 90_000, intervalMs: 200 });
    await demo.kill9();
    await expectGone(sim, demo);
  }, 150_000);

  it("SIGTERM, then SIGKILL after the 5-s grace, the moment the demo has spawned its simulator", async () => {
    const o = options("term-starting");
    const demo = await spawnDemo(args(1), o);
    demos.push(demo);
    const sim = await simOf(demo, o.dataDir);
    await demo.stop("SIGTERM", 5000);
    await expectGone(sim, demo);
  }, 120_000);

  it("SIGTERM, then SIGKILL after the 5-s grace, while the simulator back-fills its history", async () => {
    const o = options("term-backfill");
    const { child: demo } = await startDemo(args(72), o);
    demos.push(demo);
    const sim = await simOf(demo, o.dataDir);
    await waitFor("the back-fill under way", () => /layout received/.test(demo.output()) && !/back-filled simulated history/.test(demo.output()), { timeoutMs: 60_000, intervalMs: 20 });
    await demo.stop("SIGTERM", 5000);
    await expectGone(sim, demo);
  }, 120_000);
});

/**
 * `footfall demo` killed with kill -9 (no graceful stop: its simulator cannot walk its shoppers out)
 * and started again: the new simulator's first events are the exits of the visits the killed run
 * left open and one count out of the door's net count it left, under its own agent and ids, so the
 * store does not open at N ghosts beside the new crowd (before, they stayed in their zones for the
 * half-hour visit timeout and in the door's "in the store" until its reset; each kill added more).
 * The killed demo's simulator, whose parent is gone, stops by itself instead of retrying the dead broker for ever.
 * Real processes: the demo (server, embedded broker, `footfall-edge sim` child), then `footfall serve`
 * on the same data folder to read what the store holds. Ports 19800-19899.
 */
import Database from "better-sqlite3";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Child, childPidHolding, FootfallApi, ServerProcess, startDemo, tempDir, waitFor, type DemoProcess } from "../support/index.js";

const dir = tempDir("footfall-demo-kill-");
const data = join(dir.path, "data");
let serve: ServerProcess | null = null;
const children: Child[] = [];
let orphan: number | null = null;
afterAll(async () => {
  if (orphan !== null) process.kill(orphan, "SIGKILL");
  for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill("SIGKILL");
  await serve?.dispose();
  dir.remove();
});

/** Open every hour of the week, whatever the hour the test runs at. */
const curveFile = join(dir.path, "open-all-week.json");
writeFileSync(curveFile, JSON.stringify({ weeklyCurve: Array(168).fill(1) }));

/** The demo on the test's data folder and ports: the same at the start after the kill. */
async function start(): Promise<DemoProcess> {
  const run = await startDemo(["--backfill-hours", "0", "--speed", "60", "--curve", curveFile], { dataDir: data, httpPort: 19801, mqttPort: 19802, logLevel: "info" });
  children.push(run.child);
  return run;
}

/** The demo's simulator process (`footfall-edge sim --config <data>/demo-sim.json`, a child of `demoPid`). */
function simPid(demoPid: number): number {
  const pid = childPidHolding(demoPid, join(data, "demo-sim.json"));
  expect(pid, "the demo's simulator process").toBeDefined();
  return pid!;
}

function db<T>(fn: (d: Database.Database) => T): T {
  const d = new Database(join(data, "footfall.db"), { readonly: true, fileMustExist: true });
  try {
    return fn(d);
  } finally {
    d.close();
  }
}

/** The simulator's runs (the boot part of its event ids, `sim-1:<boot>:<seq>`) in order of their first event. */
const boots = () =>
  db((d) => (d.prepare("SELECT substr(id, 7, instr(substr(id, 7), ':') - 1) AS boot FROM events WHERE store = 'demo' GROUP BY boot ORDER BY min(received_at)").all() as { boot: string }[]).map((r) => r.boot));

describe("footfall demo killed with kill -9 and started again", () => {
  it("walks the killed run's shoppers out first: the store holds nobody of it, each visit ended once, the door's count back to 0", async () => {
    const first = await start();
    // A busy store: people in the zones and through the door.
    await waitFor(
      "people in the store",
      async () => {
        const o = await first.api.occupancy("demo");
        return o.total >= 5 && o.zones.filter((z) => z.occupancy > 0).length >= 2;
      },
      { timeoutMs: 90_000, intervalMs: 200 },
    ).catch((e: Error) => {
      throw new Error(`${e.message}\n${first.child.output().slice(-3000)}`);
    });
    // kill -9 of the demo: its server and broker end at once, so nobody walks out (the simulator's walk-out has no broker).
    const sim = simPid(first.child.proc.pid!);
    orphan = sim;
    first.child.proc.kill("SIGKILL");
    await first.child.waitExit();
    // Its simulator stops by itself (before, it went on for ever, retrying the broker that was gone).
    await waitFor("the simulator to stop by itself", () => !readdirSync("/proc").includes(String(sim)), { timeoutMs: 30_000, intervalMs: 100 });
    orphan = null;
    const [killedBoot] = boots();
    expect(killedBoot).toBeDefined();
    // What the killed run left: visits opened by an enter and never exited, and the door's in minus out.
    const left = db((d) => ({
      open: (
        d
          .prepare(
            `SELECT count(*) AS n FROM (SELECT zone, visitor, sum(type = 0) AS enters, sum(type = 1) AS exits FROM events WHERE store = 'demo' AND type IN (0, 1) GROUP BY zone, visitor) WHERE enters > exits`,
          )
          .get() as { n: number }
      ).n,
      door: (d.prepare("SELECT sum(n_in) - sum(n_out) AS net FROM events WHERE store = 'demo' AND type = 2").get() as { net: number }).net,
    }));
    expect(left.open).toBeGreaterThan(0);
    expect(left.door).toBeGreaterThan(0);

    const second = await start();
    // The new run's own crowd is coming in (its events stored), then Ctrl-C: its shoppers walk out as it stops.
    await waitFor(
      "the new run's events stored",
      () => {
        const b = boots();
        return b.length >= 2 && db((d) => (d.prepare("SELECT count(*) AS n FROM events WHERE store = 'demo' AND id LIKE ?").get(`sim-1:${b.at(-1)}:%`) as { n: number }).n) > 100;
      },
      { timeoutMs: 90_000, intervalMs: 250 },
    );
    second.child.proc.kill("SIGINT");
    const exit = await second.child.waitExit();
    const out = second.child.output();
    expect(exit.code, out.slice(-3000)).toBe(0);

    // Per (zone, visitor): enters and exits stored; the killed run's visits are those its enters opened.
    const visits = db(
      (d) =>
        d
          .prepare(
            `SELECT zone, visitor, sum(type = 0) AS enters, sum(type = 1) AS exits, max(type = 0 AND id LIKE 'sim-1:${killedBoot}:%') AS killed
               FROM events WHERE store = 'demo' AND type IN (0, 1) GROUP BY zone, visitor`,
          )
          .all() as { zone: string; visitor: string; enters: number; exits: number; killed: number }[],
    );
    // Every visit the killed run opened has ended, once; no visit has an exit sent twice.
    expect(visits.filter((v) => v.killed === 1 && v.exits !== v.enters)).toEqual([]);
    expect(visits.filter((v) => v.exits > v.enters)).toEqual([]);
    // The door's count nets to 0: the killed run's people counted out once, the new run's at its stop.
    expect(db((d) => (d.prepare("SELECT sum(n_in) - sum(n_out) AS net FROM events WHERE store = 'demo' AND type = 2").get() as { net: number }).net)).toBe(0);

    // The store as the server holds it: nobody in the store by the door's count (old code: the killed run's N), and in
    // the zones only the new run's visitors lost by the tracking (an enter and no exit by design, the demo's vanishRate).
    serve = await ServerProcess.start({ dataDir: data, httpPort: 19803, mqttPort: 19804, metricsPort: 19805 });
    const occupancy = await new FootfallApi(serve.httpUrl, first.api.token).occupancy("demo");
    expect(occupancy.total).toBe(0);
    const lost = new Map<string, number>();
    for (const v of visits) if (v.enters > v.exits) lost.set(v.zone, (lost.get(v.zone) ?? 0) + 1);
    expect(occupancy.zones.filter((z) => z.occupancy !== (lost.get(z.zone) ?? 0))).toEqual([]);
    expect(out).toContain("the people a killed run of this simulator left inside walk out");
  }, 300_000);
});

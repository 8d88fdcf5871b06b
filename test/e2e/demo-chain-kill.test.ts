/**
 * `footfall demo --stores 3` killed with kill -9 (no graceful stop: its chain simulator cannot walk
 * the stores' shoppers out) and started again: each store's agent first sends the exits of the visits
 * the killed run of that store's agent left open and one count out of the door's net count it left,
 * so no store keeps the killed run's people (before, their visits stayed open and the door's in and
 * out never met; each kill added more). The kill falls in the back-filled history, where the stores
 * are open whatever the hour the test runs at: the simulator is paused (SIGSTOP) until at least two
 * stores have people inside, then the demo is killed. Real processes: the demo (server, embedded
 * broker, `footfall-edge chain` child), then `footfall serve` on the same data folder. Ports 19800-19899.
 */
import Database from "better-sqlite3";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Child, childPidHolding, FootfallApi, ServerProcess, startDemo, tempDir, waitFor, type DemoProcess } from "../support/index.js";

const dir = tempDir("footfall-demo-chain-kill-");
const data = join(dir.path, "data");
const STORES = ["store-0001", "store-0002", "store-0003"];
/** The server's visit timeout (its default): a visit silent for longer is abandoned, not open. */
const VISIT_TIMEOUT_MS = 30 * 60_000;
let serve: ServerProcess | null = null;
const children: Child[] = [];
let orphan: number | null = null;
afterAll(async () => {
  if (orphan !== null) {
    try {
      process.kill(orphan, "SIGKILL");
    } catch {
      /* gone */
    }
  }
  for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill("SIGKILL");
  await serve?.dispose();
  dir.remove();
});

/** The demo on the test's data folder and ports: the same at the start after the kill. */
async function start(): Promise<DemoProcess> {
  const run = await startDemo(["--stores", "3", "--speed", "60", "--backfill-hours", "96"], { dataDir: data, httpPort: 19811, mqttPort: 19812, logLevel: "info" });
  children.push(run.child);
  return run;
}

/** The demo's chain simulator process (`footfall-edge chain --credentials <data>/demo-chain-agents.jsonl ...`, a child of `demoPid`). */
function simPid(demoPid: number): number {
  const pid = childPidHolding(demoPid, join(data, "demo-chain-agents.jsonl"));
  expect(pid, "the demo's chain simulator process").toBeDefined();
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

const eventCount = () => db((d) => (d.prepare("SELECT count(*) AS n FROM events").get() as { n: number }).n);

/** Per store: its newest event, and the visits open at it (silent for less than the visit timeout), as the server holds them. */
function openAtNewest(): Map<string, { held: number; open: { zone: string; visitor: string }[] }> {
  return db((d) => {
    const out = new Map<string, { held: number; open: { zone: string; visitor: string }[] }>();
    for (const store of STORES) {
      const held = (d.prepare("SELECT max(ts) AS t FROM events WHERE store = ?").get(store) as { t: number | null }).t;
      if (held === null) continue;
      const open = d.prepare("SELECT zone, visitor FROM open_visits WHERE store = ? AND last_seen_ts > ? ORDER BY zone, visitor").all(store, held + 1 - VISIT_TIMEOUT_MS) as { zone: string; visitor: string }[];
      out.set(store, { held, open });
    }
    return out;
  });
}

/** Waits until the server stores nothing more (the simulator paused, what it sent before committed). */
async function quiet(): Promise<void> {
  let last = -1;
  await waitFor(
    "the server to store nothing more",
    async () => {
      const n = eventCount();
      if (n === last) return true;
      last = n;
      await new Promise((r) => setTimeout(r, 700));
      return false;
    },
    { timeoutMs: 60_000, intervalMs: 50 },
  );
}

describe("footfall demo --stores killed with kill -9 and started again", () => {
  it("walks each store's killed-run shoppers out first: each visit ended once, every store's door count back to 0, nobody in any store", async () => {
    const first = await start();
    const sim = simPid(first.child.proc.pid!);
    orphan = sim;
    // Paused in the back-fill where at least two stores have people inside (else on a little further).
    let atKill = new Map<string, { held: number; open: { zone: string; visitor: string }[] }>();
    await waitFor(
      "two stores with people inside in the back-fill",
      async () => {
        const before = eventCount();
        await waitFor("the back-fill to go on", () => eventCount() > before + 3000, { timeoutMs: 60_000, intervalMs: 100 });
        process.kill(sim, "SIGSTOP");
        await quiet();
        atKill = openAtNewest();
        if ([...atKill.values()].filter((s) => s.open.length > 0).length >= 2) return true;
        process.kill(sim, "SIGCONT");
        return false;
      },
      { timeoutMs: 180_000, intervalMs: 10 },
    ).catch((e: Error) => {
      throw new Error(`${e.message}\n${first.child.output().slice(-3000)}`);
    });
    // kill -9 of the demo: its server and broker end at once, so nobody walks out.
    first.child.proc.kill("SIGKILL");
    await first.child.waitExit();
    process.kill(sim, "SIGCONT");
    // Its simulator, its parent gone, stops by itself.
    await waitFor("the chain simulator to stop by itself", () => !readdirSync("/proc").includes(String(sim)), { timeoutMs: 30_000, intervalMs: 100 });
    orphan = null;
    // What the killed run left, as stored after the kill (the server may have committed a little more than when paused).
    atKill = openAtNewest();
    const doorNet = (store: string) =>
      db((d) => (d.prepare("SELECT coalesce(sum(n_in) - sum(n_out), 0) AS net FROM events WHERE store = ? AND type = 2").get(store) as { net: number }).net);
    expect([...atKill.values()].filter((s) => s.open.length > 0).length).toBeGreaterThanOrEqual(2);
    expect(STORES.filter((s) => doorNet(s) > 0).length).toBeGreaterThanOrEqual(2);
    const killedBoots = new Set(
      db((d) => (d.prepare("SELECT DISTINCT store || '/' || substr(id, 7, instr(substr(id, 7), ':') - 1) AS boot FROM events").all() as { boot: string }[]).map((r) => r.boot)),
    );

    const second = await start();
    // Each store's new run is under way (its events stored), then Ctrl-C: its shoppers walk out as it stops.
    await waitFor(
      "the new run's events stored in every store",
      () =>
        db((d) =>
          STORES.every((store) =>
            (d.prepare("SELECT substr(id, 7, instr(substr(id, 7), ':') - 1) AS boot FROM events WHERE store = ? GROUP BY boot").all(store) as { boot: string }[]).some(
              (r) => !killedBoots.has(`${store}/${r.boot}`),
            ),
          ),
        ),
      { timeoutMs: 90_000, intervalMs: 250 },
    );
    second.child.proc.kill("SIGINT");
    const exit = await second.child.waitExit();
    const out = second.child.output();
    expect(exit.code, out.slice(-3000)).toBe(0);

    serve = await ServerProcess.start({ dataDir: data, httpPort: 19813, mqttPort: 19814, metricsPort: 19815 });
    const api = new FootfallApi(serve.httpUrl, first.api.token);
    for (const store of STORES) {
      const visits = db(
        (d) =>
          d
            .prepare(`SELECT zone, visitor, sum(type = 0) AS enters, sum(type = 1) AS exits FROM events WHERE store = ? AND type IN (0, 1) GROUP BY zone, visitor`)
            .all(store) as { zone: string; visitor: string; enters: number; exits: number }[],
      );
      const byVisit = new Map(visits.map((v) => [`${v.zone}/${v.visitor}`, v]));
      // Every visit the killed run left open has ended, once; no visit of the store has an exit sent twice.
      const left = atKill.get(store)?.open ?? [];
      expect(
        left.map((o) => byVisit.get(`${o.zone}/${o.visitor}`)).filter((v) => v?.exits !== v?.enters),
        store,
      ).toEqual([]);
      expect(
        visits.filter((v) => v.exits > v.enters),
        store,
      ).toEqual([]);
      // The store's door count nets to 0: the killed run's people counted out once, the new run's at its stop.
      expect(doorNet(store), store).toBe(0);
      // Nobody in the store by the door's count, and none of the killed run's visits open in its zones.
      const occupancy = await api.occupancy(store);
      expect(occupancy.total, store).toBe(0);
      const stillOpen = db((d) => d.prepare("SELECT zone, visitor FROM open_visits WHERE store = ?").all(store) as { zone: string; visitor: string }[]);
      const stillOpenSet = new Set(stillOpen.map((o) => `${o.zone}/${o.visitor}`));
      expect(
        left.filter((o) => stillOpenSet.has(`${o.zone}/${o.visitor}`)),
        store,
      ).toEqual([]);
    }
    expect(out).toContain("the chain simulator's run killed before left shoppers inside: the new run walks them out first");
  }, 400_000);
});

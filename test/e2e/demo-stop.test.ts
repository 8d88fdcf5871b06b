/**
 * `footfall demo` stopped with Ctrl-C while it back-fills its history: it exits within seconds (the
 * simulator ends its back-fill at once instead of finishing it first, then waits only briefly for the
 * server to commit what it sent), keeps every event the server took, and a restart back-fills on
 * from the newest one: the store's history grows, no hour of it twice. Asked for more history than
 * the server takes (events up to 7 days old), the demo back-fills 160 h and says so. The chain demo
 * (`--stores 3`, one simulator process for all its stores) likewise: it stops at once, says goodbye,
 * and its restart counts every event once.
 */
import Database from "better-sqlite3";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Child, FootfallApi, startDemo, tempDir, waitFor } from "../support/index.js";

const dir = tempDir("footfall-demo-stop-");
afterAll(() => dir.remove());

/** The simulator's events the server stored, per boot of the simulator (its ids are `sim-1:<boot>:<seq>`). */
function stored(): { total: number; distinct: number; boots: Map<string, { n: number; min: number; max: number }> } {
  const db = new Database(join(dir.path, "footfall.db"), { readonly: true, fileMustExist: true });
  try {
    const { total, uniq: distinct } = db.prepare("SELECT count(*) AS total, count(DISTINCT id) AS uniq FROM events WHERE store = 'demo'").get() as {
      total: number;
      uniq: number;
    };
    const rows = db
      .prepare(
        "SELECT substr(id, 7, instr(substr(id, 7), ':') - 1) AS boot, count(*) AS n, min(ts) AS min, max(ts) AS max FROM events WHERE store = 'demo' AND id LIKE 'sim-1:%' GROUP BY boot",
      )
      .all() as { boot: string; n: number; min: number; max: number }[];
    return { total, distinct, boots: new Map(rows.map((r) => [r.boot, { n: r.n, min: r.min, max: r.max }])) };
  } finally {
    db.close();
  }
}

/** The goodbye a demo prints once stopped. */
const GOODBYE = /Footfall demo stopped in \d+\.\d s\. Its data stays in .+: the next start goes on from there\./;

/** Two weeks of history asked for: more than the server takes. */
const startBackfillingDemo = () => startDemo(["--backfill-hours", "312"], { dataDir: dir.path, logLevel: "info" });

/** Waits until the server has stored more than `n` of the simulator's events. */
async function storedMoreThan(api: FootfallApi, n: number): Promise<number> {
  return waitFor(
    `more than ${n} events stored`,
    async () => {
      const events = (await api.agents("demo")).agents.find((a) => a.agent === "sim-1")?.events ?? 0;
      return events > n ? events : false;
    },
    { timeoutMs: 60_000, intervalMs: 250 },
  );
}

/** Sends `signal` to the demo (as Ctrl-C or `kill` does) and answers how long it took to exit, and how. */
async function stopDemo(demo: Child, signal: NodeJS.Signals): Promise<{ ms: number; code: number | null }> {
  const started = Date.now();
  demo.proc.kill(signal);
  const timer = setTimeout(() => demo.proc.kill("SIGKILL"), 60_000);
  const exit = await demo.waitExit();
  clearTimeout(timer);
  return { ms: Date.now() - started, code: exit.code };
}

describe("footfall demo stopped during its back-fill", () => {
  let first: ReturnType<typeof stored>;

  it("says it back-fills at most 160 h when asked for two weeks, and stops within seconds of Ctrl-C, keeping what the server took", async () => {
    const { child: demo, api, banner } = await startBackfillingDemo();
    expect(banner).toMatch(
      /History\s+160 h back-filled \(--backfill-hours 312 asked for more: the server takes events up to 7 days old, so the demo back-fills at most 160 h\)/,
    );
    // A few thousand of the 160 h's events are in: the back-fill is under way (it takes well over a few seconds).
    await storedMoreThan(api, 3000);
    expect(demo.output()).not.toContain("back-filled simulated history");
    const stop = await stopDemo(demo, "SIGINT");
    const out = demo.output();
    // Not a benchmark: before, the simulator finished generating the whole history first and was then killed after 8 s.
    expect(stop.ms, out.slice(-3000)).toBeLessThan(15_000);
    expect(stop.code).toBe(0);
    expect(out).toMatch(GOODBYE);
    // The simulator stopped by itself, saying where its back-fill ended.
    expect(out).toContain("stopped during the back-fill: the rest of the history is back-filled at the next start");
    expect(out).toMatch(/\[sim-1\] stopped /);
    // Paced to what the server commits: its outbox never filled up, so it refused (lost) nothing.
    expect(out).not.toContain("outbox full");
    first = stored();
    expect(first.total).toBeGreaterThan(3000);
    expect(first.distinct).toBe(first.total);
    expect(first.boots.size).toBe(1);
  }, 180_000);

  it("started again, back-fills on from the newest event stored: the history grows, nothing twice", async () => {
    const { child: demo, api, banner } = await startBackfillingDemo();
    const [boot1, held] = [...first.boots][0]!;
    // In the store's time, as the banner's Hours and Judge lines say theirs (it said UTC ISO, 2026-12-06T20:07:31.423Z).
    const at = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Paris", weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" }).format(held.max);
    expect(banner).toContain(`History  kept from earlier runs; back-filled only after its newest event, ${at} (Europe/Paris)`);
    expect(banner).not.toMatch(/History.*\d{4}-\d\d-\d\dT/);
    // What the demo set up by itself is in the audit log as its own actions, once: the restart added nothing (sim-1 kept the password
    // its data folder holds, and the simulator connects with it below; the old demo wrote an agent.rotate at every start).
    const log = await api.request<{ entries: { actor: { label: string | null }; action: string; target: string | null }[] }>("GET", "/api/v1/audit?limit=500");
    expect(log.status).toBe(200);
    const demoActions = log.body.entries.filter((e) => e.actor.label === "demo").map((e) => `${e.action} ${e.target}`);
    expect(demoActions.filter((a) => a.startsWith("token.create"))).toHaveLength(3);
    expect(demoActions.filter((a) => !a.startsWith("token.create")).sort()).toEqual(["agent.add demo/sim-1", "hours.save demo", "layout.save demo", "layout.save demo"]);
    await storedMoreThan(api, first.total + 3000);
    const stop = await stopDemo(demo, "SIGTERM");
    expect(stop.ms, demo.output().slice(-3000)).toBeLessThan(15_000);
    expect(stop.code).toBe(0);
    expect(demo.output()).toMatch(GOODBYE);
    expect(demo.output()).not.toContain("outbox full");
    const second = stored();
    expect(second.distinct).toBe(second.total);
    expect(second.total).toBeGreaterThan(first.total + 3000);
    // Every event of the first run is still there, and the second run's all come after its newest.
    expect(second.boots.get(boot1)).toEqual(held);
    const later = [...second.boots].filter(([boot]) => boot !== boot1);
    expect(later.length).toBeGreaterThan(0);
    for (const [, b] of later) expect(b.min).toBeGreaterThan(held.max);
    expect(later.reduce((n, [, b]) => n + b.n, 0) + held.n).toBe(second.total);
  }, 180_000);
});

const chainDir = tempDir("footfall-demo-chain-stop-");
afterAll(() => chainDir.remove());
const CHAIN = ["store-0001", "store-0002", "store-0003"];

/** The chain's events the server stored: in all, distinct ids, and per store and boot of its simulator (`sim-1:<boot>:<seq>`). */
function chainStored(): { total: number; distinct: number; boots: Map<string, { n: number; min: number; max: number }> } {
  const db = new Database(join(chainDir.path, "footfall.db"), { readonly: true, fileMustExist: true });
  try {
    const { total, uniq: distinct } = db.prepare("SELECT count(*) AS total, count(DISTINCT store || '/' || id) AS uniq FROM events WHERE store LIKE 'store-%'").get() as {
      total: number;
      uniq: number;
    };
    const rows = db
      .prepare(
        "SELECT store || '/' || substr(id, 7, instr(substr(id, 7), ':') - 1) AS boot, count(*) AS n, min(ts) AS min, max(ts) AS max FROM events WHERE store LIKE 'store-%' AND id LIKE 'sim-1:%' GROUP BY boot",
      )
      .all() as { boot: string; n: number; min: number; max: number }[];
    return { total, distinct, boots: new Map(rows.map((r) => [r.boot, { n: r.n, min: r.min, max: r.max }])) };
  } finally {
    db.close();
  }
}

/** 160 h of history for three stores: still back-filling when stopped. */
const startChainDemo = () => startDemo(["--stores", "3", "--speed", "60", "--backfill-hours", "160"], { dataDir: chainDir.path, bannerTimeoutMs: 90_000 });

/** Waits until the server has stored more than `n` of the chain's events, in all its stores. */
async function chainStoredMoreThan(api: FootfallApi, n: number): Promise<number> {
  return waitFor(
    `more than ${n} of the chain's events stored`,
    async () => {
      let events = 0;
      for (const store of CHAIN) events += (await api.agents(store)).agents.find((a) => a.agent === "sim-1")?.events ?? 0;
      return events > n ? events : false;
    },
    { timeoutMs: 90_000, intervalMs: 250 },
  );
}

describe("footfall demo --stores 3 stopped during its back-fill", () => {
  let first: ReturnType<typeof chainStored>;

  it("stops on Ctrl-C with exit code 0 and its goodbye, keeping what the server took, each event once", async () => {
    const { child: demo, api } = await startChainDemo();
    await chainStoredMoreThan(api, 3000);
    // A hang guard, not a timing check: stopDemo kills it after 60 s (exit code null then).
    const stop = await stopDemo(demo, "SIGINT");
    const out = demo.output();
    expect(stop.code, out.slice(-3000)).toBe(0);
    expect(out).toMatch(GOODBYE);
    expect(out).not.toContain("outbox full");
    // What the server had not stored is back-filled at the next start (below): not "lost", as the stores' agents said before.
    expect(out).not.toContain("they are lost");
    expect(out).not.toContain("the ledger lists them");
    first = chainStored();
    expect(first.total).toBeGreaterThan(3000);
    expect(first.distinct).toBe(first.total);
    // One boot of the simulator per store.
    expect([...first.boots.keys()].map((b) => b.split("/")[0]).sort()).toEqual(CHAIN);
  }, 240_000);

  it("started again, each store back-fills on from its newest event stored: every event counted once, the first run's all kept", async () => {
    const { child: demo, api, banner } = await startChainDemo();
    expect(banner).toMatch(/History\s+kept from earlier runs; each store back-filled only after its newest event/);
    await chainStoredMoreThan(api, first.total + 3000);
    const stop = await stopDemo(demo, "SIGTERM");
    expect(stop.code, demo.output().slice(-3000)).toBe(0);
    expect(demo.output()).toMatch(GOODBYE);
    const second = chainStored();
    expect(second.distinct).toBe(second.total);
    expect(second.total).toBeGreaterThan(first.total + 3000);
    // Every event of the first run is still there, once; each store's later events all come after its newest then.
    for (const [boot, held] of first.boots) expect(second.boots.get(boot)).toEqual(held);
    const later = [...second.boots].filter(([boot]) => !first.boots.has(boot));
    expect(later.length).toBeGreaterThan(0);
    for (const [boot, b] of later) {
      const store = boot.split("/")[0]!;
      const newest = Math.max(...[...first.boots].filter(([k]) => k.startsWith(`${store}/`)).map(([, h]) => h.max));
      expect(b.min, boot).toBeGreaterThan(newest);
    }
    expect(later.reduce((n, [, b]) => n + b.n, 0) + first.total).toBe(second.total);
  }, 240_000);
});

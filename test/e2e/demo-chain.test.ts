/**
 * `footfall demo --stores 3`: a chain of simulated stores on one server, each with its own floor
 * plan and agent login, all fed by one `footfall-edge chain` process; each store back-fills only
 * after its newest event stored, at a restart of the demo and of its simulator alike (a restarted
 * simulator's events carry new ids: a second back-fill would count those hours twice), the stores'
 * simulated tills send their transactions to the sales import (once), the stores have the opening
 * hours their crowds come in, and the kiosk URL carries a staff token limited to the first store.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Child, EDGE_CLI, FootfallApi, requireBuilt, startDemo, tempDir, waitFor } from "../support/index.js";

const dir = tempDir("footfall-demo-chain-");
afterAll(() => dir.remove());

const STORES = ["store-0001", "store-0002", "store-0003"];
const started = Date.now();
/** The back-filled day before the first start. */
const WINDOW = { from: started - 24 * 3_600_000, to: started - 60_000 };

async function demo(run: (out: string, api: FootfallApi, child: Child) => Promise<void>): Promise<void> {
  const { child, banner: out, api } = await startDemo(["--stores", "3", "--speed", "60", "--backfill-hours", "24"], { dataDir: dir.path });
  try {
    await run(out, api, child);
  } finally {
    await child.stop("SIGTERM");
  }
}

/** Each store's visits in the back-filled day, and their sum. */
async function dayVisits(api: FootfallApi): Promise<{ byStore: Record<string, number>; total: number }> {
  const byStore: Record<string, number> = {};
  for (const store of STORES) byStore[store] = (await api.dwell(store, WINDOW)).zones.reduce((n, z) => n + z.visits, 0);
  return { byStore, total: Object.values(byStore).reduce((a, b) => a + b, 0) };
}

/** Each store's till transactions in the back-filled day, once they stop changing (the simulated tills send them every 5 s). */
async function daySales(api: FootfallApi): Promise<Record<string, { transactions: number; conversion: number | null }>> {
  let last = "";
  return waitFor(
    "the simulated tills' transactions to be imported",
    async () => {
      const byStore: Record<string, { transactions: number; conversion: number | null }> = {};
      for (const store of STORES) {
        const body = (await api.request<{ store: { transactions: number; conversion: number | null } }>("GET", `/api/v1/stores/${store}/conversion?from=${WINDOW.from}&to=${WINDOW.to}`)).body;
        byStore[store] = { transactions: body.store.transactions, conversion: body.store.conversion };
      }
      const now = JSON.stringify(byStore);
      const done = now === last && Object.values(byStore).some((s) => s.transactions > 0);
      last = now;
      return done ? byStore : false;
    },
    { timeoutMs: 60_000, intervalMs: 3000 },
  );
}

/**
 * Waits until the back-filled day is in: its visits (every store's) the same at two polls 3 s apart.
 * (Not the agents' event counts: at speed 60 a store open now sends hundreds of live events a poll.)
 */
async function settled(api: FootfallApi): Promise<void> {
  let last = "";
  await waitFor(
    "the simulator's back-filled day to be stored",
    async () => {
      const day = await dayVisits(api);
      const now = JSON.stringify(day.byStore);
      const done = now === last && Object.values(day.byStore).every((n) => n > 0);
      last = now;
      return done;
    },
    { timeoutMs: 90_000, intervalMs: 3000 },
  );
}

describe("footfall demo --stores", () => {
  let stored = new Map<string, number>();
  let firstDay: Awaited<ReturnType<typeof dayVisits>>;
  let firstSales: Awaited<ReturnType<typeof daySales>>;

  it("runs a chain of simulated stores: each with its floor plan and agent, all ingesting; the kiosk token is limited to the first", async () => {
    await demo(async (out, api) => {
      // The stores it really has, by city and name (it said "a chain of 3 stores (Paris, Milan)").
      expect(out).toContain("a chain of 3 stores, 2 in Paris and 1 in Milan: Footfall Market Paris, Footfall Fashion Milan and Footfall Market Paris 2.");
      expect(out).toMatch(/History\s+24 h back-filled/);
      const stores = (await api.stores()).stores.map((s) => s.id);
      expect(stores).toEqual(["store-0001", "store-0002", "store-0003"]);
      for (const store of stores) expect((await api.layout(store)).zones.length).toBeGreaterThan(3);
      // Each store has the opening hours its crowd comes in: from its opening hour to half an hour after its closing hour (the last shoppers leave).
      const printed = JSON.parse(execFileSync(process.execPath, [requireBuilt(EDGE_CLI), "chain", "--stores", "3", "--seed", "1", "--print-layouts"], { encoding: "utf8" })) as { stores: { store: string; opens: number; closes: number }[] };
      for (const s of printed.stores) {
        const { hours } = (await api.request<{ hours: { weekly: Record<string, { open: string; close: string }[]> } | null }>("GET", `/api/v1/stores/${s.store}/hours`)).body;
        const hh = (h: number) => `${String(h).padStart(2, "0")}:00`;
        const late = s.closes === 24 ? [{ open: "00:00", close: "00:30" }] : [];
        expect(hours?.weekly.wed, s.store).toEqual([...late, { open: hh(s.opens), close: s.closes === 24 ? "24:00" : `${String(s.closes).padStart(2, "0")}:30` }]);
      }
      stored = await waitFor(
        "every store's agent to have events accepted",
        async () => {
          const counts = new Map<string, number>();
          for (const store of stores) counts.set(store, (await api.agents(store)).agents.find((a) => a.agent === "sim-1")?.events ?? 0);
          return [...counts.values()].every((n) => n > 0) ? counts : false;
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      );
      const kiosk = /[?&]token=([^&\s]+)/.exec(/Kiosk\s+(\S+)/.exec(out)![1]!)![1]!;
      expect(/Kiosk\s+(\S+)/.exec(out)![1]).toMatch(/#\/live\/store-0001\?kiosk=1&token=ff_/);
      expect(await api.as(kiosk).me()).toEqual({ role: "staff", store: "store-0001" });
      await settled(api);
      firstDay = await dayVisits(api);
      expect(firstDay.total).toBeGreaterThan(50);
      // Each store's simulated tills send its transactions to the sales import: conversion has figures.
      firstSales = await daySales(api);
      for (const store of STORES) {
        expect(firstSales[store]!.transactions, store).toBeGreaterThan(0);
        expect(firstSales[store]!.conversion, store).toBeGreaterThan(0);
        expect(firstSales[store]!.conversion, store).toBeLessThanOrEqual(1);
      }
    });
  }, 180_000);

  it("does not back-fill again when restarted (its history is kept), nor when its simulator dies and is restarted", async () => {
    await demo(async (out, api, child) => {
      expect(out).toMatch(/History\s+kept from earlier runs; each store back-filled only after its newest event/);
      for (const [store, n] of stored) {
        const now = (await api.agents(store)).agents.find((a) => a.agent === "sim-1")!.events;
        expect(now, store).toBeGreaterThanOrEqual(n);
      }
      await settled(api);
      expect(await dayVisits(api)).toEqual(firstDay);
      // The simulator is the demo's child (`footfall-edge chain ... --backfill-from <data>/demo-chain-backfill.json`): kill it.
      const backfillFile = join(dir.path, "demo-chain-backfill.json");
      const sim = readdirSync("/proc")
        .filter((d) => /^\d+$/.test(d))
        .find((pid) => {
          try {
            const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
            return cmd.includes(backfillFile) && readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")[1] === String(child.proc.pid);
          } catch {
            return false; // gone meanwhile
          }
        });
      expect(sim, "the demo's chain simulator process").toBeDefined();
      const restarts = () => child.output().split("the chain simulator stopped; restarting it").length - 1;
      process.kill(Number(sim), "SIGKILL");
      await waitFor("the chain simulator to be restarted", () => restarts() === 1, { timeoutMs: 30_000 });
      // It is given each store's newest event stored (+ 1) to back-fill from.
      const newest = async () => Object.fromEntries(await Promise.all(STORES.map(async (s) => [s, (await api.agents(s)).agents.find((a) => a.agent === "sim-1")!.lastEventTs] as const)));
      const from = JSON.parse(readFileSync(backfillFile, "utf8")) as Record<string, number>;
      const held = await newest();
      // (A store closed now has its newest event in the back-fill: it back-fills its closed hours, sending nothing.)
      for (const store of STORES) expect(from[store], store).toBeGreaterThan(WINDOW.from);
      for (const store of STORES) expect(from[store], store).toBeLessThanOrEqual(held[store]! + 1);
      await settled(api);
      expect(await dayVisits(api)).toEqual(firstDay);
      // Nor are the day's sales sent twice.
      expect(await daySales(api)).toEqual(firstSales);
    });
  }, 240_000);
});

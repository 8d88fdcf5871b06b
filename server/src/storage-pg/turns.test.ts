import { describe, expect, it } from "vitest";
import { interactive } from "../storage/interactive.js";
import { backgroundTurn, backgroundTurns, turnMsFromEnv } from "./turns.js";

/** Busy for `ms` of wall time (a slice of CPU work). */
function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    /* work */
  }
}

describe("backgroundTurn", () => {
  it("lets every waiter go, in the order they asked", async () => {
    const order: number[] = [];
    await Promise.all(Array.from({ length: 200 }, (_, i) => backgroundTurn().then(() => void order.push(i))));
    expect(order).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(backgroundTurns().waiting).toBe(0);
  });

  it("polls the event loop between slices that spend the budget: a timer due meanwhile runs before the next slice", async () => {
    const log: string[] = [];
    // Ten background jobs, each a 20 ms slice after its turn (more than the budget of one iteration).
    const jobs = Array.from({ length: 10 }, (_, i) =>
      backgroundTurn().then(() => {
        log.push(`slice ${i}`);
        spin(20);
      }),
    );
    // A request's callback (a timer due at once): it must not wait for all ten slices.
    const timer = new Promise<void>((resolve) => setTimeout(() => (log.push("timer"), resolve()), 0));
    await Promise.all([...jobs, timer]);
    expect(log.indexOf("timer")).toBeGreaterThan(-1);
    expect(log.indexOf("timer")).toBeLessThanOrEqual(2);
    expect(log.filter((l) => l.startsWith("slice"))).toEqual(Array.from({ length: 10 }, (_, i) => `slice ${i}`));
  });

  it("lets several short slices go in one iteration (background work is not held to one slice per iteration)", async () => {
    const seen: number[] = [];
    let iteration = 0;
    let stop = false;
    // Counts event-loop iterations: one immediate per iteration.
    const tick = () => {
      iteration++;
      if (!stop) setImmediate(tick);
    };
    setImmediate(tick);
    await Promise.all(Array.from({ length: 50 }, () => backgroundTurn().then(() => void seen.push(iteration))));
    stop = true;
    // Fifty tiny slices fit in the budget of far fewer iterations than fifty (one per iteration would take fifty).
    expect(new Set(seen).size).toBeLessThan(25);
  });

  it("does not queue an interactive caller", async () => {
    let ran = false;
    const blocker = backgroundTurn();
    await interactive(async () => {
      await backgroundTurn();
      ran = true;
    });
    expect(ran).toBe(true);
    await blocker;
  });

  it("reads FOOTFALL_PG_TURN_MS in milliseconds, or refuses saying what to write", () => {
    expect(turnMsFromEnv({})).toBe(8);
    expect(turnMsFromEnv({ FOOTFALL_PG_TURN_MS: "20" })).toBe(20);
    expect(() => turnMsFromEnv({ FOOTFALL_PG_TURN_MS: "fast" })).toThrow(/FOOTFALL_PG_TURN_MS must be a number of milliseconds from 1 to 1000/);
    expect(() => turnMsFromEnv({ FOOTFALL_PG_TURN_MS: "0" })).toThrow(/from 1 to 1000/);
  });

  it("reads the ingest worker's FOOTFALL_CHAIN_WORKER_TURN_MS (default FOOTFALL_PG_TURN_MS's), refusing a wrong value under its own name", () => {
    const worker = (env: NodeJS.ProcessEnv) => turnMsFromEnv(env, "FOOTFALL_CHAIN_WORKER_TURN_MS");
    expect(worker({})).toBe(8);
    expect(worker({ FOOTFALL_PG_TURN_MS: "20" })).toBe(20);
    expect(worker({ FOOTFALL_PG_TURN_MS: "20", FOOTFALL_CHAIN_WORKER_TURN_MS: "50" })).toBe(50);
    // Before, the worker's value was passed on as its FOOTFALL_PG_TURN_MS, and refused under that name.
    expect(() => worker({ FOOTFALL_CHAIN_WORKER_TURN_MS: "fast" })).toThrow(/^FOOTFALL_CHAIN_WORKER_TURN_MS must be a number of milliseconds from 1 to 1000 .*not "fast"/);
    expect(() => worker({ FOOTFALL_PG_TURN_MS: "fast", FOOTFALL_CHAIN_WORKER_TURN_MS: "8" })).not.toThrow();
  });
});

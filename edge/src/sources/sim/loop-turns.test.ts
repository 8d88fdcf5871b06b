import { describe, expect, it } from "vitest";
import { SimSource } from "../sim.js";
import { LoopTurns } from "./loop-turns.js";
import { checkSimSettings } from "./settings.js";
import { simContext } from "./test-context.js";

/** Counts the turns of the event loop (a `setImmediate` that re-arms itself) until stopped. */
function turnCounter() {
  let turns = 0;
  let on = true;
  const tick = () => {
    turns++;
    if (on) setImmediate(tick);
  };
  setImmediate(tick);
  return { now: () => turns, stop: () => void (on = false) };
}

describe("LoopTurns", () => {
  it("resumes one waiter per turn of the event loop, in the order they asked", async () => {
    const turns = new LoopTurns();
    const counter = turnCounter();
    const resumed: Array<{ who: string; turn: number }> = [];
    await Promise.all(["a", "b", "c"].map((who) => new Promise<void>((r) => turns.wait(() => (resumed.push({ who, turn: counter.now() }), r())))));
    counter.stop();
    expect(resumed.map((x) => x.who)).toEqual(["a", "b", "c"]);
    expect(new Set(resumed.map((x) => x.turn)).size).toBe(3);
  });

  it("leaves out a waiter taken out of the line", async () => {
    const turns = new LoopTurns();
    const resumed: string[] = [];
    const cancel = turns.wait(() => resumed.push("a"));
    await new Promise<void>((r) => turns.wait(() => (resumed.push("b"), r())));
    cancel();
    expect(resumed).toEqual(["a", "b"]);
    const gone = turns.wait(() => resumed.push("c"));
    gone();
    expect(turns.size).toBe(0);
    await new Promise((r) => setTimeout(r, 20));
    expect(resumed).toEqual(["a", "b"]);
  });
});

describe("back-fills of several stores in one process (the chain simulator)", () => {
  it("make their history one store per turn of the event loop, so the process hears a signal between two slices", async () => {
    const counter = turnCounter();
    // For each turn of the event loop, the stores that made history in it.
    const storesByTurn = new Map<number, Set<string>>();
    const sims: SimSource[] = [];
    const started: Promise<void>[] = [];
    for (const store of ["s1", "s2", "s3"]) {
      const ctx = simContext(checkSimSettings({ seed: store.charCodeAt(1), arrivalsPerHour: 600, backfillHours: 72 }).value, {
        emit: () => {
          // The first slice of each is its own (taken at its start, before the first turn): from then on they take turns.
          const turn = counter.now();
          if (turn === 0) return;
          let set = storesByTurn.get(turn);
          if (!set) storesByTurn.set(turn, (set = new Set()));
          set.add(store);
        },
        fail: () => {},
      });
      const sim = new SimSource();
      sims.push(sim);
      started.push(sim.start(ctx));
    }
    // Until all three made history in more than 5 turns (a loaded machine takes longer; the test's timeout is the hang guard).
    const storesSeen = () => new Set([...storesByTurn.values()].flatMap((s) => [...s])).size;
    while (storesByTurn.size <= 5 || storesSeen() < 3) await new Promise((r) => setTimeout(r, 50));
    await Promise.all(sims.map((s) => s.stop()));
    await Promise.all(started);
    counter.stop();
    const shared = [...storesByTurn].filter(([, stores]) => stores.size > 1);
    // Made history in many turns, all three of them, never two in the same turn.
    expect(storesByTurn.size).toBeGreaterThan(5);
    expect(storesSeen()).toBe(3);
    expect(shared, `turns shared: ${shared.length} of ${storesByTurn.size}`).toEqual([]);
  }, 20_000);
});

/**
 * The simulator's input is its clock's tick: it says so at each step (and while it back-fills, even
 * waiting for the server), so its agent's status shows a fresh `inputAgeMs`, and one stuck (a timer
 * that no longer fires) shows an old one. Fake timers.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SimSource } from "./sim.js";
import { checkSimSettings, type SimSettings } from "./sim/settings.js";
import { simContext } from "./sim/test-context.js";

const START = Date.UTC(2025, 2, 4, 11, 0, 0);

function context(settings: SimSettings, backlog?: () => number) {
  const inputs: number[] = [];
  const ctx = simContext(settings, { input: () => void inputs.push(Date.now()), ...(backlog ? { backlog } : {}) });
  return { ctx, inputs };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(START);
});
afterEach(() => vi.useRealTimers());

describe("SimSource's input", () => {
  it("names its input 'tick' and says so at every step", async () => {
    const settings = checkSimSettings({ speed: 60, seed: 1, tickMs: 100 }).value;
    const { ctx, inputs } = context(settings);
    const sim = new SimSource();
    expect(sim.input).toBe("tick");
    await sim.start(ctx);
    await vi.advanceTimersByTimeAsync(10_000);
    await sim.stop();
    expect(inputs.length).toBeGreaterThanOrEqual(99);
    // No gap longer than a step.
    expect(Math.max(...inputs.slice(1).map((t, i) => t - inputs[i]!))).toBeLessThanOrEqual(100);
  });

  it("says so while its back-fill waits for the server to take its backlog (that is a backlog, not a stall)", async () => {
    const settings = checkSimSettings({ speed: 60, seed: 1, backfillHours: 2 }).value;
    let held = 1_000_000;
    const { ctx, inputs } = context(settings, () => held);
    const sim = new SimSource({ backfillBacklog: 100 });
    const started = sim.start(ctx);
    await vi.advanceTimersByTimeAsync(120_000);
    // Two minutes waiting on a full backlog: input all along.
    expect(inputs.length).toBeGreaterThan(100);
    expect(Date.now() - inputs.at(-1)!).toBeLessThanOrEqual(20);
    held = 0;
    await vi.advanceTimersByTimeAsync(1_000);
    await started;
    await sim.stop();
  });
});

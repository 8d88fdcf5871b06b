import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { EventDraft } from "../source.js";
import { SimSource } from "../sources/sim.js";
import { checkSimSettings } from "../sources/sim/settings.js";
import { simContext } from "../sources/sim/test-context.js";
import { GatedSource } from "./gated-source.js";

/** A store's simulation (the real `sim` source, busy: 3,000 arrivals an hour at speed 60) through a gate. */
function gatedStore(open: () => boolean) {
  const settings = checkSimSettings({ speed: 60, seed: 5, arrivalsPerHour: 3000 }).value;
  const emitted: EventDraft[] = [];
  const ctx = simContext(settings, { emit: (e) => void emitted.push(e) });
  return { source: new GatedSource(new SimSource(), open), ctx, emitted };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(Date.UTC(2025, 2, 4, 11, 0, 0));
});
// A timed-out test leaves its simulation running: with the real clock back, its tick would simulate the
// whole gap since the fake start at once (the run never ends). Drop its timers first (as sim.test.ts).
afterEach(() => {
  vi.clearAllTimers();
  vi.useRealTimers();
});

describe("GatedSource (the chain simulator's stores)", () => {
  it("lets events through only while the gate is open", async () => {
    let open = true;
    const { source, ctx, emitted } = gatedStore(() => open);
    await source.start(ctx);
    await vi.advanceTimersByTimeAsync(60_000);
    const before = emitted.length;
    expect(before).toBeGreaterThan(50);
    open = false;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(emitted.length).toBe(before);
    open = true;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(emitted.length).toBeGreaterThan(before);
    await source.stop();
  });

  it("halt ends the simulation itself: with the gate open again, nothing more is made (no timer left)", async () => {
    let open = true;
    const { source, ctx, emitted } = gatedStore(() => open);
    await source.start(ctx);
    await vi.advanceTimersByTimeAsync(60_000);
    open = false;
    source.halt();
    const made = emitted.length;
    open = true; // a gate alone would let the next events through
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(emitted.length).toBe(made);
    expect(vi.getTimerCount()).toBe(0);
    await source.stop(); // stopping after a halt is harmless
  });

  it("halted while it is still starting, the simulation begun since ends as the start completes", async () => {
    const { source, ctx, emitted } = gatedStore(() => true);
    const starting = source.start(ctx);
    source.halt();
    await starting;
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(emitted).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});

/**
 * `footfall-edge sim --config edge/examples/sim.json` started at night sent nothing (its arrival curve is 0 while the
 * store is closed) and its log said nothing about why, so IT took it for broken. Now it logs, at start and each time the
 * simulated store moves between closed and open, one line saying until when, how long that is in real time, and what to
 * set to see traffic now. The example config's settings, a fake clock; and the line's parts against a reference.
 */
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LayoutHub } from "../layout.js";
import { createLogger } from "../log.js";
import type { EventDraft, SourceContext } from "../source.js";
import { SimSource } from "./sim.js";
import { nextSimChange, realWait, simOpenAt } from "./sim/quiet.js";
import { checkSimSettings, DEFAULT_HOURLY_CURVE, type SimSettings } from "./sim/settings.js";

const EXAMPLE = (JSON.parse(readFileSync(join(import.meta.dirname, "../../examples/sim.json"), "utf8")) as { settings: object }).settings;

function context(settings: SimSettings) {
  const emitted: EventDraft[] = [];
  const lines: string[] = [];
  const ctx: SourceContext<SimSettings> = {
    settings,
    emit: (e) => emitted.push(e),
    log: createLogger({ write: (l) => lines.push(l) }),
    signal: new AbortController().signal,
    layout: () => null,
    layoutsExpected: false,
    onLayout: (l) => new LayoutHub().subscribe(l),
    now: () => Date.now(),
    fail: (err) => {
      throw err;
    },
  };
  return { ctx, emitted, lines: () => lines.filter((l) => l.includes("simulated store c") || l.includes("simulated store o")).map((l) => l.replace(/^\S+ INFO {2}/, "")) };
}
const someone = (e: EventDraft) => e.type !== "count" || (e as { in: number }).in + (e as { out: number }).out > 0;

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  vi.clearAllTimers();
  vi.useRealTimers();
});

describe("the sim says when its store is closed, until when, and what to do", () => {
  it("the example config started at 22:00 in Paris: closed until 08:00, about 10 min at speed 60; then open until 21:00", async () => {
    vi.setSystemTime(Date.UTC(2025, 2, 4, 21, 0)); // 22:00 in Paris
    const { ctx, emitted, lines } = context(checkSimSettings({ ...EXAMPLE, seed: 1, layoutWaitMs: 0 }).value);
    const sim = new SimSource();
    await sim.start(ctx);
    expect(lines()).toEqual([
      'simulated store closed until 08:00 (Europe/Paris): no visitors until then, 10 min from now at speed 60; to see traffic now set "startOpen": true (or "startHour": 12, or a higher "speed") in the config\'s settings',
    ]);
    await vi.advanceTimersByTimeAsync(9 * 60_000);
    expect(emitted.filter(someone)).toEqual([]);
    await vi.advanceTimersByTimeAsync(3 * 60_000);
    await sim.stop();
    expect(lines().slice(1)).toEqual(["simulated store open until 21:00 (Europe/Paris): visitors coming in"]);
    expect(emitted.filter(someone).length).toBeGreaterThan(0);
  });

  it("following the clock at 03:00 in Paris: closed for 5 h by the real hours, and how to see traffic now", async () => {
    vi.setSystemTime(Date.UTC(2025, 2, 4, 2, 0));
    const { ctx, lines } = context(checkSimSettings({ ...EXAMPLE, seed: 1, layoutWaitMs: 0, followClock: true }).value);
    const sim = new SimSource();
    await sim.start(ctx);
    await vi.advanceTimersByTimeAsync(60_000);
    await sim.stop();
    expect(lines()).toEqual([
      'simulated store closed until 08:00 (Europe/Paris): no visitors until then, in 5 h ("followClock" keeps the store\'s real hours); to see traffic now set "followClock": false and "startOpen": true in the config\'s settings',
    ]);
  });

  it("started at noon: one line that it is open until 21:00, and no more while it stays open", async () => {
    vi.setSystemTime(Date.UTC(2025, 2, 4, 11, 0));
    const { ctx, lines } = context(checkSimSettings({ ...EXAMPLE, seed: 1, layoutWaitMs: 0 }).value);
    const sim = new SimSource();
    await sim.start(ctx);
    await vi.advanceTimersByTimeAsync(60_000);
    await sim.stop();
    expect(lines()).toEqual(["simulated store open until 21:00 (Europe/Paris): visitors coming in"]);
  });

  it("the next change is the first hour whose open state differs (reference: hour by hour over the curve)", () => {
    const tz = "Europe/Paris";
    const s = { hourlyCurve: [...DEFAULT_HOURLY_CURVE] };
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2026, 0, 1) }), (ms) => {
        const open = simOpenAt(s, ms, tz);
        const next = nextSimChange(s, ms, tz)!;
        expect(next).toBeGreaterThan(ms);
        expect(simOpenAt(s, next, tz)).toBe(!open);
        // Every whole hour between stays as at `ms`.
        for (let t = Math.floor(ms / 3_600_000) * 3_600_000 + 3_600_000; t < next; t += 3_600_000) expect(simOpenAt(s, t, tz)).toBe(open);
        expect(new Date(next).getUTCMinutes()).toBe(0);
      }),
      { numRuns: 200 },
    );
    expect([realWait(20_000), realWait(600_000), realWait(5 * 3_600_000), realWait(598 * 60_000)]).toEqual(["under a minute", "10 min", "5 h", "9 h 58 min"]);
  });
});

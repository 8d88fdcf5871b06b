/**
 * An agent's `countingSince` (its status; the server ends its offline span there): since when its
 * source has counted without a break, the current run's start; null between runs; for a source that
 * reports its input (a camera's frames), null while none came for a minute and from the input that
 * ended the last such gap.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Agent } from "./agent.js";
import { validateConfig } from "./config.js";
import { LayoutHub } from "./layout.js";
import { silentLogger } from "./log.js";
import type { Source, SourceContext } from "./source.js";
import { COUNTING_INPUT_GAP_MS, SourceSupervisor } from "./supervisor.js";

class Driven implements Source {
  ctx: SourceContext | null = null;
  constructor(readonly input?: string) {}
  async start(ctx: SourceContext): Promise<void> {
    this.ctx = ctx;
  }
  async stop(): Promise<void> {}
}

const T0 = Date.UTC(2026, 11, 7, 9);
const setup = (source: Source) =>
  new SourceSupervisor({
    source,
    settings: {},
    emit: () => {},
    layouts: new LayoutHub(),
    layoutsExpected: true,
    log: silentLogger,
    now: Date.now,
    backoff: { minMs: 1000, maxMs: 8000, resetAfterMs: 60_000 },
  });

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0);
});
afterEach(() => vi.useRealTimers());

describe("countingSince", () => {
  it("a door counter (no input reported): the current run's start, null between runs, a restart's start after a failure", async () => {
    const source = new Driven();
    const s = setup(source);
    expect(s.countingSince()).toBeNull();
    s.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(s.countingSince()).toBe(T0);
    await vi.advanceTimersByTimeAsync(3 * 3_600_000);
    expect(s.countingSince()).toBe(T0);
    source.ctx!.fail(new Error("serial device gone"));
    await vi.advanceTimersByTimeAsync(0);
    expect(s.countingSince()).toBeNull();
    await vi.advanceTimersByTimeAsync(1000);
    expect(s.countingSince()).toBe(T0 + 3 * 3_600_000 + 1000);
    await s.stop();
    expect(s.countingSince()).toBeNull();
  });

  it("a camera: null while no frame came for a minute, then from the frame that ended the gap", async () => {
    const source = new Driven("frame");
    const s = setup(source);
    s.start();
    await vi.advanceTimersByTimeAsync(0);
    source.ctx!.input!();
    expect(s.countingSince()).toBe(T0);
    await vi.advanceTimersByTimeAsync(COUNTING_INPUT_GAP_MS);
    expect(s.countingSince()).toBe(T0);
    await vi.advanceTimersByTimeAsync(1);
    expect(s.countingSince()).toBeNull();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    source.ctx!.input!();
    const resumed = T0 + COUNTING_INPUT_GAP_MS + 1 + 10 * 60_000;
    expect(s.countingSince()).toBe(resumed);
    await vi.advanceTimersByTimeAsync(30_000);
    source.ctx!.input!();
    expect(s.countingSince()).toBe(resumed);
    await s.stop();
  });
});

describe("countingSince across a clock set meanwhile (NTP at a box's boot)", () => {
  // A Raspberry Pi has no RTC: it boots at its last shutdown's time and NTP sets the clock a minute later. The run's
  // length is read on the monotonic clock (performance.now, which vi's fake timers advance and setSystemTime does not move).
  const withMonotonic = (source: Source) =>
    new SourceSupervisor({
      source,
      settings: {},
      emit: () => {},
      layouts: new LayoutHub(),
      layoutsExpected: true,
      log: silentLogger,
      now: Date.now,
      monotonic: () => performance.now(),
      backoff: { minMs: 1000, maxMs: 8000, resetAfterMs: 60_000 },
    });

  it("a door counter booted at yesterday's time: its run's start on the clock as set, not the instant before it was set", async () => {
    const source = new Driven();
    const s = withMonotonic(source);
    s.start();
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(90_000);
    // Off from 21:00 to 12:00 the next day: it booted at 21:00 (its last shutdown), NTP sets it to 12:01:30.
    const set = T0 + 15 * 3_600_000;
    vi.setSystemTime(set);
    expect(s.countingSince()).toBe(set - 90_000);
    expect(s.countingSince(set + 5)).toBe(set + 5 - 90_000);
    await s.stop();
  });

  it("a clock set back: never after the status's ts (the server would refuse it as from the agent's future)", async () => {
    const source = new Driven();
    const s = withMonotonic(source);
    s.start();
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(30_000);
    const set = T0 - 2 * 3_600_000;
    vi.setSystemTime(set);
    const ts = Date.now();
    expect(s.countingSince(ts)).toBe(ts - 30_000);
    await s.stop();
  });

  it("a camera whose frames came throughout: counting since its run's start on the clock as set, not null", async () => {
    const source = new Driven("frame");
    const s = withMonotonic(source);
    s.start();
    await vi.advanceTimersByTimeAsync(0);
    source.ctx!.input!();
    await vi.advanceTimersByTimeAsync(20_000);
    source.ctx!.input!();
    const set = T0 + 15 * 3_600_000;
    vi.setSystemTime(set);
    expect(s.countingSince()).toBe(set - 20_000);
    await vi.advanceTimersByTimeAsync(1000);
    source.ctx!.input!();
    expect(s.countingSince()).toBe(set - 20_000);
    await s.stop();
  });
});

describe("an agent's status across a clock set meanwhile", () => {
  it("says countingSince on the clock as set (the agent reads its run's length on performance.now)", async () => {
    // No broker listens there: the status is only built, as the agent would send it.
    const r = validateConfig({ store: "s1", agent: "a1", mqtt: { url: "mqtt://127.0.0.1:9" }, shutdownTimeoutMs: 100 }, "sim", {}, (v) => ({ value: v, problems: [] }));
    if (!r.ok) throw new Error(r.problems.join("; "));
    const agent = new Agent({ config: r.config, source: new Driven(), log: silentLogger });
    void agent.start();
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(90_000);
    expect(agent.status("online").countingSince).toBe(T0);
    const set = T0 + 15 * 3_600_000;
    vi.setSystemTime(set);
    const status = agent.status("online");
    expect(status.ts).toBe(set);
    expect(status.countingSince).toBe(set - 90_000);
    const stopping = agent.stop();
    await vi.advanceTimersByTimeAsync(1000);
    await stopping;
  });
});

/**
 * An agent's `countingSince` (its status; the server ends its offline span there): since when its
 * source has counted without a break, the current run's start; null between runs; for a source that
 * reports its input (a camera's frames), null while none came for a minute and from the input that
 * ended the last such gap.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
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

/**
 * What the supervisor tells the agent's status of its source (the server's "input stalled"): how long
 * since its input last produced something, and how long it has been failing and restarting. Fake
 * timers: Date.now is the supervisor's clock.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LayoutHub } from "./layout.js";
import { silentLogger } from "./log.js";
import type { Source, SourceContext } from "./source.js";
import { SourceSupervisor } from "./supervisor.js";

/** A source driven by the test: `failStart` makes its next starts reject; `input` names its input or not. */
class ScriptedSource implements Source {
  failStart = 0;
  ctx: SourceContext | null = null;
  constructor(readonly input?: string) {}
  async start(ctx: SourceContext): Promise<void> {
    this.ctx = ctx;
    if (this.failStart > 0) {
      this.failStart--;
      throw new Error("device not found");
    }
  }
  async stop(): Promise<void> {}
}

const supervise = (source: Source) =>
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

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("SourceSupervisor's input and down time", () => {
  it("counts the input's age from the last ctx.input(), from the start before any; none for a source that does not name its input", async () => {
    const source = new ScriptedSource("frame");
    const s = supervise(source);
    expect(s.inputAgeMs()).toBeNull();
    s.start();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(s.inputUnit).toBe("frame");
    expect(s.inputAgeMs()).toBe(5_000);
    source.ctx!.input!();
    await vi.advanceTimersByTimeAsync(61_000);
    expect(s.inputAgeMs()).toBe(61_000);
    source.ctx!.input!();
    expect(s.inputAgeMs()).toBe(0);
    expect(s.downMs()).toBe(0);
    await s.stop();

    const quiet = supervise(new ScriptedSource());
    quiet.start();
    await vi.advanceTimersByTimeAsync(600_000);
    expect(quiet.inputUnit).toBeNull();
    expect(quiet.inputAgeMs()).toBeNull();
    await quiet.stop();
  });

  it("a source failing again and again is down since its first failure, until a run lasts a minute or input comes", async () => {
    const source = new ScriptedSource();
    source.failStart = 1_000;
    const s = supervise(source);
    s.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(s.downMs()).toBe(0);
    await vi.advanceTimersByTimeAsync(70_000);
    // Failed at 0, restarted at 1, 3, 7, 15, 23 s... (at most 8 s apart): down for all of it.
    expect(s.downMs()).toBe(70_000);
    expect(s.restarts).toBeGreaterThan(5);
    // It starts at last (at its next restart, within 8 s): still down while that run is young...
    source.failStart = 0;
    await vi.advanceTimersByTimeAsync(8_000);
    expect(s.downMs()).toBe(78_000);
    // ...and fine once it has run a minute.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(s.downMs()).toBe(0);
    // Failing again: down from this failure on; input from a run started since clears it at once,
    // input from a run that ended (its context aborted) does not.
    source.failStart = 3;
    const ended = source.ctx!;
    ended.fail(new Error("cable pulled"));
    await vi.advanceTimersByTimeAsync(30_000);
    expect(s.downMs()).toBe(30_000);
    ended.input!();
    expect(s.downMs()).toBe(30_000);
    expect(source.ctx).not.toBe(ended);
    source.ctx!.input!();
    expect(s.downMs()).toBe(0);
    await s.stop();
  });
});

/**
 * What the supervisor tells the agent's status of its source (the server's "input stalled"): how long
 * since its input last produced something, and how long it has been failing and restarting. Fake
 * timers: Date.now is the supervisor's clock.
 */
import fc from "fast-check";
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

/** One step of a script driven on two supervisors at once. */
type Step =
  | { op: "advance"; ms: number }
  /** The next `n` starts reject. */
  | { op: "failStarts"; n: number }
  /** The current run reports a failure (`ctx.fail`). */
  | { op: "fail" }
  /** The current run's source produces input. */
  | { op: "input" };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    arbitrary: fc.record({ op: fc.constant("advance" as const), ms: fc.oneof(fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 50_000, max: 130_000 })) }),
    weight: 4,
  },
  { arbitrary: fc.record({ op: fc.constant("failStarts" as const), n: fc.integer({ min: 0, max: 4 }) }), weight: 1 },
  { arbitrary: fc.constant({ op: "fail" as const }), weight: 2 },
  { arbitrary: fc.constant({ op: "input" as const }), weight: 1 },
);

describe("SourceSupervisor's downMs only reads", () => {
  it("asked during a steady run, it does not change what it says after the next failure", async () => {
    const asked = new ScriptedSource();
    const unasked = new ScriptedSource();
    asked.failStart = unasked.failStart = 1;
    const a = supervise(asked);
    const b = supervise(unasked);
    a.start();
    b.start();
    // Failed at 0, runs from 1 s, steady from 61 s.
    await vi.advanceTimersByTimeAsync(70_000);
    expect(a.downMs()).toBe(0);
    expect(a.downMs()).toBe(0);
    // The run fails at 70 s: both are down from there, whether or not anyone asked meanwhile.
    asked.ctx!.fail(new Error("cable pulled"));
    unasked.ctx!.fail(new Error("cable pulled"));
    asked.failStart = unasked.failStart = 100;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(b.downMs()).toBe(10_000);
    expect(a.downMs()).toBe(10_000);
    await a.stop();
    await b.stop();
  });

  it("for any run of failures, restarts, input and time, asking it (twice at the same instant) gives the answers of a twin never asked in between", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(step, fc.boolean()), { minLength: 1, maxLength: 25 }), async (script) => {
        const sources = [new ScriptedSource("frame"), new ScriptedSource("frame")] as const;
        const asked = supervise(sources[0]);
        const twin = supervise(sources[1]);
        asked.start();
        twin.start();
        try {
          for (const [s, twinAsks] of script) {
            for (const source of sources) {
              if (s.op === "failStarts") source.failStart = s.n;
              else if (s.op === "fail") source.ctx?.fail(new Error("cable pulled"));
              else if (s.op === "input") source.ctx?.input!();
            }
            if (s.op === "advance") await vi.advanceTimersByTimeAsync(s.ms);
            else await vi.advanceTimersByTimeAsync(0);
            const first = asked.downMs();
            expect(asked.downMs()).toBe(first);
            if (twinAsks) expect(twin.downMs()).toBe(first);
          }
          expect(twin.downMs()).toBe(asked.downMs());
        } finally {
          await asked.stop();
          await twin.stop();
        }
      }),
      { numRuns: 150 },
    );
  });

  it("counts what its source refused (ctx.reject) over every run since the agent started", async () => {
    const source = new ScriptedSource();
    const s = supervise(source);
    s.start();
    await vi.advanceTimersByTimeAsync(10);
    source.ctx!.reject!("unreadable_line");
    source.ctx!.reject!("refused_push", 3);
    source.ctx!.fail(new Error("unplugged"));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(s.restarts).toBe(1);
    source.ctx!.reject!("unreadable_line");
    expect(s.rejects).toEqual({ unreadable_line: 2, refused_push: 3 });
    await s.stop();
  });

  it("says what its source read and refused over the last 10 minutes, across restarts, older input leaving the window", async () => {
    const source = new ScriptedSource();
    const s = supervise(source);
    s.start();
    await vi.advanceTimersByTimeAsync(10);
    source.ctx!.read!(40);
    source.ctx!.reject!("unreadable_line", 30);
    source.ctx!.fail(new Error("unplugged"));
    await vi.advanceTimersByTimeAsync(5_000);
    source.ctx!.read!();
    source.ctx!.reject!("unreadable_line");
    expect(s.recent()).toEqual({ read: 41, refused: 31 });
    // Ten minutes on, the first run's lines are out of the window; the counts since start stay.
    await vi.advanceTimersByTimeAsync(9 * 60_000);
    source.ctx!.read!(5);
    await vi.advanceTimersByTimeAsync(61_000);
    expect(s.recent()).toEqual({ read: 5, refused: 0 });
    expect(s.rejects).toEqual({ unreadable_line: 31 });
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(s.recent()).toEqual({ read: 0, refused: 0 });
    await s.stop();
  });
});

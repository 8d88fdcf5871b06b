import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Layout, StoreId } from "@footfall/core";
import { LayoutHub } from "./layout.js";
import { createLogger } from "./log.js";
import type { EventDraft, Source, SourceContext } from "./source.js";
import { SourceSupervisor } from "./supervisor.js";

/** A source driven by the test: `failStart` makes its next start reject. */
class ScriptedSource implements Source {
  starts = 0;
  stops = 0;
  failStart = 0;
  ctx: SourceContext | null = null;
  async start(ctx: SourceContext): Promise<void> {
    this.starts++;
    this.ctx = ctx;
    if (this.failStart > 0) {
      this.failStart--;
      throw new Error("device not found");
    }
  }
  async stop(): Promise<void> {
    this.stops++;
  }
}

function setup(source: Source) {
  const emitted: EventDraft[] = [];
  const lines: string[] = [];
  const supervisor = new SourceSupervisor({
    source,
    settings: {},
    emit: (e) => emitted.push(e),
    layouts: new LayoutHub(),
    layoutsExpected: true,
    log: createLogger({ write: (l) => lines.push(l) }),
    now: Date.now,
    backoff: { minMs: 1000, maxMs: 8000, resetAfterMs: 60_000 },
  });
  return { supervisor, emitted, lines };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("SourceSupervisor", () => {
  it("restarts a source whose start throws, with doubling delays", async () => {
    const source = new ScriptedSource();
    source.failStart = 3;
    const { supervisor, lines } = setup(source);
    supervisor.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(source.starts).toBe(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(source.starts).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(source.starts).toBe(2);
    await vi.advanceTimersByTimeAsync(2000);
    expect(source.starts).toBe(3);
    await vi.advanceTimersByTimeAsync(4000);
    expect(source.starts).toBe(4);
    expect(supervisor.restarts).toBe(3);
    expect(lines.filter((l) => l.includes("source failed: device not found; restarting in"))).toHaveLength(3);
    await supervisor.stop();
  });

  it("restarts a running source that reports a failure, with a fresh context", async () => {
    const source = new ScriptedSource();
    const { supervisor } = setup(source);
    supervisor.start();
    await vi.advanceTimersByTimeAsync(0);
    const first = source.ctx!;
    first.fail(new Error("serial port closed"));
    await vi.advanceTimersByTimeAsync(0);
    expect(first.signal.aborted).toBe(true);
    expect(source.stops).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(source.starts).toBe(2);
    expect(source.ctx).not.toBe(first);
    await supervisor.stop();
  });

  it("says a failure from the agent's full disk is no setting or device to fix, and restarts the source", async () => {
    const source = new ScriptedSource();
    const { supervisor, lines } = setup(source);
    supervisor.start();
    await vi.advanceTimersByTimeAsync(0);
    // As the sim wraps its outbox's refusal (a cause with SQLite's code).
    const full = Object.assign(new Error("the outbox /var/lib/footfall-edge/sim-1/sim-1.outbox.sqlite cannot keep the events: its disk is full. Free space on it"), { code: "SQLITE_FULL" });
    source.ctx!.fail(new Error(`simulation step failed: ${full.message}`, { cause: full }));
    await vi.advanceTimersByTimeAsync(0);
    const said = lines.find((l) => l.includes("source failed"))!;
    expect(said).toMatch(/source failed: simulation step failed: the outbox .* its disk is full\. Free space on it; restarting in 1000 ms \(it goes on once the disk has room\)/);
    expect(said).not.toMatch(/fix the source settings/);
    await vi.advanceTimersByTimeAsync(1000);
    expect(source.starts).toBe(2);
    await supervisor.stop();
  });

  it("ignores events a stopped run still emits", async () => {
    const source = new ScriptedSource();
    const { supervisor, emitted } = setup(source);
    supervisor.start();
    await vi.advanceTimersByTimeAsync(0);
    const ctx = source.ctx!;
    ctx.emit({ type: "count", ts: 1, zone: "door", in: 1, out: 0 });
    await supervisor.stop();
    ctx.emit({ type: "count", ts: 2, zone: "door", in: 1, out: 0 });
    expect(emitted).toHaveLength(1);
    expect(source.stops).toBe(1);
  });

  it("keeps doubling the delay for a start that hangs past resetAfterMs, then fails: it never ran, so the streak goes on", async () => {
    // A camera whose open times out after 90 s (longer than the 60 s a run must last to count as steady).
    const source: Source = {
      start: () => new Promise<void>((_, reject) => setTimeout(() => reject(new Error("open timed out")), 90_000)),
      stop: async () => {},
    };
    const { supervisor, lines } = setup(source);
    supervisor.start();
    await vi.advanceTimersByTimeAsync(4 * 90_000 + 1000 + 2000 + 4000);
    const delays = lines.filter((l) => l.includes("source failed: open timed out")).map((l) => Number(/restarting in (\d+) ms/.exec(l)![1]));
    expect(delays).toEqual([1000, 2000, 4000, 8000]);
    // Down since the first failure, the streak unbroken.
    expect(supervisor.downMs()).toBe(3 * 90_000 + 1000 + 2000 + 4000);
    await supervisor.stop();
  });

  it("stops during a restart delay without starting again", async () => {
    const source = new ScriptedSource();
    source.failStart = 1;
    const { supervisor } = setup(source);
    supervisor.start();
    await vi.advanceTimersByTimeAsync(0);
    await supervisor.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(source.starts).toBe(1);
  });

  it("turns a throwing layout listener into a restart, not a crash", async () => {
    const source = new ScriptedSource();
    const layouts = new LayoutHub();
    const supervisor = new SourceSupervisor({
      source,
      settings: {},
      emit: () => {},
      layouts,
      layoutsExpected: true,
      log: createLogger({ write: () => {} }),
      now: Date.now,
      backoff: { minMs: 1000, maxMs: 8000, resetAfterMs: 60_000 },
    });
    supervisor.start();
    await vi.advanceTimersByTimeAsync(0);
    source.ctx!.onLayout(() => {
      throw new Error("bad zone");
    });
    const layout: Layout = { store: "s" as StoreId, version: 1, validFrom: 0, timezone: "UTC", floor: { width: 1, height: 1 }, zones: [] };
    layouts.set(layout);
    await vi.advanceTimersByTimeAsync(1000);
    expect(source.starts).toBe(2);
    await supervisor.stop();
  });
});

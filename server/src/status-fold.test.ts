import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { foldText, statusFold, STATUS_FOLD_MS } from "./status-fold.js";
import { logLines } from "../../test/support/log-lines.js";

afterEach(() => {
  vi.useRealTimers();
});

/** The info lines of a log, as "msg" (and agent's state for a single agent's line). */
const infos = (lines: Record<string, unknown>[]) => lines.filter((l) => l.level === 30).map((l) => (l.msg === "agent status" ? `${l.store as string}/${l.agent as string} ${l.state as string}` : (l.msg as string)));

describe("simulated agents' state changes folded", () => {
  it("fifty agents online in a second: one info line, each agent's at debug; their stop: one more", async () => {
    vi.useFakeTimers();
    const { log, lines } = logLines("debug");
    const fold = statusFold(log);
    const stores = Array.from({ length: 50 }, (_, i) => `store-${String(i + 1).padStart(4, "0")}`);
    for (const s of stores) fold.add(s, "sim-1", "online");
    expect(infos(lines)).toEqual([]);
    await vi.advanceTimersByTimeAsync(STATUS_FOLD_MS);
    expect(infos(lines)).toEqual(["50 simulated agents online (store-0001/sim-1 … store-0050/sim-1)"]);
    expect(lines.filter((l) => l.level === 20 && l.msg === "agent status")).toHaveLength(50);
    expect(lines.find((l) => l.level === 30)).toMatchObject({ state: "online", agents: 50, first: "store-0001/sim-1", last: "store-0050/sim-1" });
    lines.length = 0;
    // Over seconds (a loaded machine): one line still, once a second passes without a change.
    for (const s of stores) {
      fold.add(s, "sim-1", "offline");
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(infos(lines)).toEqual([]);
    await vi.advanceTimersByTimeAsync(STATUS_FOLD_MS);
    expect(infos(lines)).toEqual(["50 simulated agents offline (store-0001/sim-1 … store-0050/sim-1)"]);
    // A change every half second for ever: a line at most 10 s after the first.
    lines.length = 0;
    for (let i = 0; i < 22; i++) {
      fold.add(stores[i]!, "sim-1", "online");
      await vi.advanceTimersByTimeAsync(500);
    }
    expect(infos(lines)).toEqual(["20 simulated agents online (store-0001/sim-1 … store-0020/sim-1)"]);
    fold.flush();
    // The stop: flushed at once by the server's close, not a second later.
    for (const s of stores) fold.add(s, "sim-1", "offline");
    fold.flush();
    expect(infos(lines).at(-1)).toBe("50 simulated agents offline (store-0001/sim-1 … store-0050/sim-1)");
  });

  it("one agent: its usual 'agent status' line at info", async () => {
    vi.useFakeTimers();
    const { log, lines } = logLines("info");
    const fold = statusFold(log);
    fold.add("demo", "sim-1", "online");
    await vi.advanceTimersByTimeAsync(STATUS_FOLD_MS);
    expect(lines).toEqual([expect.objectContaining({ level: 30, store: "demo", agent: "sim-1", state: "online", msg: "agent status" })]);
  });

  it("says each agent's last state once, as the per-agent lines would have ended (property)", () => {
    const change = fc.record({ store: fc.constantFrom("s1", "s2", "s3", "s4", "s5"), state: fc.constantFrom("online", "offline") });
    fc.assert(
      fc.property(fc.array(change, { minLength: 1, maxLength: 30 }), (changes) => {
        const { log, lines } = logLines("info");
        const fold = statusFold(log, 60_000);
        for (const c of changes) fold.add(c.store, "sim-1", c.state);
        fold.flush();
        // Reference: each agent's last state, in the order of their last changes.
        const last = new Map<string, string>();
        for (const c of changes) {
          last.delete(`${c.store}/sim-1`);
          last.set(`${c.store}/sim-1`, c.state);
        }
        const told = new Map<string, string>();
        for (const l of lines) {
          const state = l.state as string;
          if (l.msg === "agent status") told.set(`${l.store as string}/${l.agent as string}`, state);
          else {
            const n = l.agents as number;
            expect(l.msg).toBe(foldText(state, [...last].filter(([, s]) => s === state).map(([id]) => id)));
            for (const [id, s] of last) if (s === state) told.set(id, s);
            expect(n).toBeGreaterThan(1);
          }
        }
        expect(told).toEqual(last);
        expect(lines.length).toBe(new Set(last.values()).size);
      }),
    );
  });
});

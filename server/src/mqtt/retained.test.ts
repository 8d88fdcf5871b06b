import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RetainedPublisher } from "./retained.js";

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("RetainedPublisher", () => {
  it("sends at most one message a second per topic, the latest value last, nothing twice in a row", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ gap: fc.integer({ min: 0, max: 1500 }), topic: fc.constantFrom("a", "b"), value: fc.constantFrom("1", "2", "3") }), { maxLength: 60 }),
        async (calls) => {
          vi.setSystemTime(1_000_000);
          const sent: { topic: string; payload: string; at: number }[] = [];
          const p = new RetainedPublisher({ publish: async (topic, payload) => void sent.push({ topic, payload, at: Date.now() }), now: () => Date.now() });
          const latest = new Map<string, string>();
          for (const c of calls) {
            await vi.advanceTimersByTimeAsync(c.gap);
            p.set(c.topic, c.value);
            latest.set(c.topic, c.value);
          }
          await vi.advanceTimersByTimeAsync(2000);
          for (const topic of ["a", "b"]) {
            const mine = sent.filter((s) => s.topic === topic);
            for (let i = 1; i < mine.length; i++) {
              expect(mine[i]!.at - mine[i - 1]!.at).toBeGreaterThanOrEqual(1000);
              expect(mine[i]!.payload).not.toBe(mine[i - 1]!.payload);
            }
            expect(mine.at(-1)?.payload).toBe(latest.get(topic));
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it("does not send a payload again when only what `same` leaves out changed (a state's new time stamp), also when it waited for its second", async () => {
    const sent: [string, string][] = [];
    const p = new RetainedPublisher({ publish: async (t, m) => void sent.push([t, m]), now: () => Date.now() });
    const occ = (ts: number, total: number) => p.set("occ", JSON.stringify({ ts, total }), JSON.stringify({ total }));
    occ(1, 3);
    occ(2, 3);
    occ(3, 5); // waits for its second, and is back to 3 before it is up: nothing more
    occ(4, 3);
    await vi.advanceTimersByTimeAsync(1500);
    occ(5, 3);
    occ(6, 4);
    await vi.advanceTimersByTimeAsync(1500);
    expect(sent).toEqual([
      ["occ", JSON.stringify({ ts: 1, total: 3 })],
      ["occ", JSON.stringify({ ts: 6, total: 4 })],
    ]);
  });

  it("clears a topic at once with an empty retained message, dropping what waited", async () => {
    const sent: [string, string][] = [];
    const p = new RetainedPublisher({ publish: async (t, m) => void sent.push([t, m]), now: () => Date.now() });
    p.set("x", "1");
    p.set("x", "2");
    p.clear("x");
    await vi.advanceTimersByTimeAsync(2000);
    expect(sent).toEqual([
      ["x", "1"],
      ["x", ""],
    ]);
  });

  it("forgets topics (a chain's shard moved): what waited is not sent, and the same value is sent again afterwards", async () => {
    const sent: [string, string][] = [];
    const p = new RetainedPublisher({ publish: async (t, m) => void sent.push([t, m]), now: () => Date.now() });
    p.set("s1/occ", "1");
    p.set("s1/occ", "2"); // waits for its second
    p.set("s2/occ", "1");
    p.forget((t) => t.startsWith("s1/"));
    await vi.advanceTimersByTimeAsync(2000);
    expect(sent).toEqual([
      ["s1/occ", "1"],
      ["s2/occ", "1"],
    ]);
    // Taken back later: "1" again is sent (another server may have published something else meanwhile); s2's repeat is not.
    p.set("s1/occ", "1");
    p.set("s2/occ", "1");
    expect(sent.at(-1)).toEqual(["s1/occ", "1"]);
    expect(sent).toHaveLength(3);
  });
});

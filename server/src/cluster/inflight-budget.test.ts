import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_HOLD, HoldLimit, InflightBudget } from "./inflight-budget.js";

describe("InflightBudget", () => {
  it("wakes waiting sessions oldest first, only while there is room", () => {
    const b = new InflightBudget({ bytes: 100, messages: 3 });
    const woken: string[] = [];
    const w = (name: string) => ({ resume: () => woken.push(name) });
    const [x, y] = [w("x"), w("y")];
    b.take(10);
    b.take(10);
    b.take(10);
    expect(b.spent()).toBe(true);
    b.wait(x);
    b.wait(y);
    b.release(10); // room again: both resume (neither took anything meanwhile)
    expect(woken).toEqual(["x", "y"]);
    expect(b.waiters()).toBe(0);
    b.take(95);
    expect(b.spent()).toBe(true);
    b.wait(x);
    b.release(95);
    expect(woken).toEqual(["x", "y", "x"]);
    expect(b.messages).toBe(2);
  });

  it("lets a session under its fair share read on while the budget is spent", () => {
    const b = new InflightBudget({ bytes: 1000, messages: 10 });
    b.sessions = 2; // a share of 5 messages and 500 bytes each
    for (let i = 0; i < 10; i++) b.take(10);
    expect(b.spent()).toBe(true);
    expect(b.allows(10, 100)).toBe(false); // the session that filled it
    expect(b.allows(4, 40)).toBe(true); // the other one, under its share
    expect(b.allows(5, 40)).toBe(false);
    expect(b.allows(1, 600)).toBe(false); // over its share of bytes
  });

  it("holds a few seconds of commits once sessions wait for room: a shard taken over then waits behind that, not behind the cap", () => {
    let now = 0;
    const b = new InflightBudget({ bytes: 1 << 30, messages: 8_000 }, { holdMs: 5_000, minMessages: 100, windowMs: 1_000 }, () => now);
    b.sessions = 32;
    // Before sessions ever wait, the cap.
    expect(b.limit()).toBe(8_000);
    for (let i = 0; i < 8_000; i++) b.take(1);
    const stopped = { resume: () => {} };
    b.wait(stopped);
    // 10 s of commits settling 200 messages a second, the session refilling what they give back.
    for (let t = 1; t <= 2_000; t++) {
      now = t * 5;
      b.release(1);
      b.take(1);
      b.wait(stopped);
    }
    // 200 a second for 5 s: 1,000 messages; a new session (holding nothing) reads on up to its share of that.
    expect(b.settleRate()).toBeCloseTo(200, 0);
    expect(b.limit()).toBe(1_000);
    expect(b.spent()).toBe(true);
    b.sessions = 64;
    expect(b.allows(15, 15)).toBe(true);
    expect(b.allows(16, 16)).toBe(false);
  });

  it("keeps the cap while sessions never wait (the rate then says what came, not what the server can commit)", () => {
    let now = 0;
    const b = new InflightBudget({ bytes: 1 << 30, messages: 500 }, { holdMs: 5_000, minMessages: 10, windowMs: 1_000 }, () => now);
    for (let t = 1; t <= 100; t++) {
      now = t * 100;
      b.take(1);
      b.release(1); // one message a 100 ms, settled at once
    }
    expect(b.settleRate()).toBeNull();
    expect(b.limit()).toBe(500);
  });
});

describe("HoldLimit", () => {
  it("is the cap with holdMs 0 (FOOTFALL_CHAIN_HOLD_S=off) whatever was measured", () => {
    const h = new HoldLimit(8_000, { ...DEFAULT_HOLD, holdMs: 0 }, 0);
    h.bound(0);
    h.settled(10, 1_000);
    h.bound(3_000);
    expect(h.messages()).toBe(8_000);
  });

  // A simple reference: the rate of each window in which the limit bound, averaged half and half with the one before.
  it("equals the reference: holdMs of the smoothed rate of the windows that bound, between the minimum and the cap (property)", () => {
    const step = fc.record({ dt: fc.integer({ min: 0, max: 3_000 }), settled: fc.integer({ min: 0, max: 400 }), bound: fc.boolean() });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 0, max: 20_000 }),
        fc.integer({ min: 0, max: 2_000 }),
        fc.array(step, { maxLength: 60 }),
        (cap, holdMs, minMessages, steps) => {
          const windowMs = 1_000;
          const h = new HoldLimit(cap, { holdMs, minMessages, windowMs }, 0);
          let now = 0;
          let start = 0;
          let count = 0;
          let boundHere = false;
          let rate: number | null = null;
          for (const s of steps) {
            now += s.dt;
            if (now - start >= windowMs) {
              if (boundHere) rate = rate === null ? (count * 1000) / (now - start) : (rate + (count * 1000) / (now - start)) / 2;
              start = now;
              count = 0;
              boundHere = false;
            }
            count += s.settled;
            h.settled(s.settled, now);
            if (s.bound) {
              boundHere = true;
              h.bound(now);
            }
            const expected = holdMs === 0 || rate === null ? cap : Math.round(Math.min(cap, Math.max(minMessages, (rate * holdMs) / 1000)));
            expect(h.messages()).toBe(expected);
            expect(h.messages()).toBeLessThanOrEqual(cap);
            expect(h.messages()).toBeGreaterThanOrEqual(Math.min(cap, minMessages));
          }
        },
      ),
    );
  });
});

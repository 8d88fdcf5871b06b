import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { nextOffset } from "./server-clock.js";

/**
 * A browser clock `skew` ms off the server's (server = browser + skew), answers that take `rtt` ms and are dated at
 * some moment within it, floored to the second as the `Date` header is.
 */
const answer = fc.record({ sentAt: fc.integer({ min: 1.7e12, max: 1.8e12 }), rtt: fc.integer({ min: 0, max: 3000 }), at: fc.double({ min: 0, max: 1, noNaN: true }) });
const dated = (skew: number, a: { sentAt: number; rtt: number; at: number }) => {
  const serverMs = a.sentAt + Math.round(a.rtt * a.at) + skew;
  return { date: Math.floor(serverMs / 1000) * 1000, sentAt: a.sentAt, receivedAt: a.sentAt + a.rtt };
};

describe("nextOffset (the server's clock from answers' Date headers)", () => {
  it("after any answers, is within the last answer's bounds: off by at most its round trip and a second", () => {
    fc.assert(
      fc.property(fc.integer({ min: -3 * 86_400_000, max: 3 * 86_400_000 }), fc.integer({ min: -86_400_000, max: 86_400_000 }), fc.array(answer, { minLength: 1, maxLength: 8 }), (skew, start, answers) => {
        let offset = start;
        for (const a of answers) {
          const d = dated(skew, a);
          const was = offset;
          offset = nextOffset(offset, d.date, d.sentAt, d.receivedAt);
          expect(Math.abs(offset - skew)).toBeLessThanOrEqual(a.rtt + 1000);
          // Moved, it is never ahead of the server's clock: a save "from now" is not scheduled a second ahead.
          if (offset !== was) expect(offset).toBeLessThanOrEqual(skew);
        }
      }),
    );
  });

  it("keeps an offset that every answer allows (a browser in step with the server stays at 0, no jitter)", () => {
    fc.assert(
      fc.property(fc.array(answer, { minLength: 1, maxLength: 8 }), (answers) => {
        let offset = 0;
        for (const a of answers) {
          const d = dated(0, a);
          offset = nextOffset(offset, d.date, d.sentAt, d.receivedAt);
        }
        expect(offset).toBe(0);
      }),
    );
  });

  it("ignores an answer with no usable date or times", () => {
    expect(nextOffset(42, Number.NaN, 0, 10)).toBe(42);
    expect(nextOffset(42, 1e12, 10, 5)).toBe(42);
    expect(nextOffset(0, 1_000_000, 0, 0)).toBe(1_000_000);
  });
});

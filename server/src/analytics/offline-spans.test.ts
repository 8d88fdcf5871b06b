/** Where a gap nobody heard begins (notHeardGapStart): the last the server had from the agent before its counting began. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { notHeardGapStart } from "./offline-spans.js";

const H = 3_600_000;
const T0 = Date.UTC(2026, 10, 30, 9);

describe("notHeardGapStart", () => {
  it("takes the newest of its statuses' arrivals, its events' arrival and its newest event, before its counting began", () => {
    // Statuses heard at 09:00, its count arrived 09:10 (made 09:08); counting again from 12:00.
    expect(notHeardGapStart({ heardAt: [T0], lastReceivedAt: T0 + 600_000, lastEventAt: T0 + 480_000 }, T0 + 3 * H)).toBe(T0 + 600_000);
    // Its outbox delivered before the status arrived (13:00): that arrival is not before 12:00, its event (10:20) is.
    expect(notHeardGapStart({ heardAt: [T0], lastReceivedAt: T0 + 4 * H, lastEventAt: T0 + H + 1_200_000 }, T0 + 3 * H)).toBe(T0 + H + 1_200_000);
    // A new agent: nothing had from it, no gap.
    expect(notHeardGapStart({ heardAt: [], lastReceivedAt: null, lastEventAt: null }, T0)).toBeNull();
    // Heard after its counting began: it counted all along, nothing before it counts.
    expect(notHeardGapStart({ heardAt: [T0 + H], lastReceivedAt: null, lastEventAt: null }, T0)).toBeNull();
  });

  it("is the largest time before countingFrom, or null (fast-check against a sort)", () => {
    const time = fc.integer({ min: T0 - 10 * H, max: T0 + 10 * H });
    fc.assert(
      fc.property(fc.array(time, { maxLength: 6 }), fc.option(time), fc.option(time), time, (heardAt, lastReceivedAt, lastEventAt, from) => {
        const all = [...heardAt, lastReceivedAt, lastEventAt].filter((t): t is number => t !== null && t < from).sort((a, b) => b - a);
        expect(notHeardGapStart({ heardAt, lastReceivedAt, lastEventAt }, from)).toBe(all[0] ?? null);
      }),
    );
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatAgo } from "./ago.js";

describe("formatAgo", () => {
  const now = Date.UTC(2026, 11, 5, 3, 0);
  it("says how long ago, rounded down, in the largest whole unit", () => {
    expect(formatAgo(null, now)).toBe("never");
    expect(formatAgo(now - 4_999, now)).toBe("just now");
    expect(formatAgo(now + 60_000, now)).toBe("just now"); // a time ahead of now (another clock) is not "-1 min ago"
    expect(formatAgo(now - 59_999, now)).toBe("59 s ago");
    expect(formatAgo(now - 14 * 60_000 - 59_000, now)).toBe("14 min ago");
    expect(formatAgo(now - 3 * 3_600_000, now)).toBe("3 h ago");
    expect(formatAgo(now - 2 * 86_400_000 - 1, now)).toBe("2 d ago");
  });
  it("never says less for an older time", () => {
    const ms = (text: string) => {
      const m = /^(\d+) (s|min|h|d) ago$/.exec(text);
      if (!m) return 0;
      return Number(m[1]) * { s: 1_000, min: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as "s"];
    };
    fc.assert(
      fc.property(fc.nat(30 * 86_400_000), fc.nat(86_400_000), (a, more) => {
        expect(ms(formatAgo(now - a - more, now))).toBeGreaterThanOrEqual(ms(formatAgo(now - a, now)));
        expect(ms(formatAgo(now - a, now))).toBeLessThanOrEqual(a);
      }),
    );
  });
});

import { describe, expect, it } from "vitest";
import { formatRange } from "./format.js";

describe("formatRange", () => {
  it("names one day for a day, even a 25-hour DST day", () => {
    const from = Date.UTC(2026, 9, 24, 22); // Sun 25 Oct 2026 00:00 in Paris, a 25-hour day
    expect(formatRange({ from, to: from + 25 * 3_600_000 }, "Europe/Paris")).toBe("Sun, 25 Oct 2026");
  });
  it("names the first and the last day of a longer range", () => {
    const from = Date.UTC(2026, 10, 15, 23); // Mon 16 Nov 00:00 in Paris
    expect(formatRange({ from, to: from + 7 * 86_400_000 }, "Europe/Paris")).toBe("Mon, 16 Nov 2026 – Sun, 22 Nov 2026");
  });
});

import { describe, expect, it } from "vitest";
import { acknowledgedText, resolvedText } from "./alert-history.js";
import { sinceWords } from "./not-counted.js";

/** Fri 4 Dec 2026 at `hhmm` in Paris (UTC+1), `days` on. */
const at = (hhmm: string, days = 0) => Date.parse(`2026-12-04T${hhmm}:00+01:00`) + days * 86_400_000;
const PARIS = "Europe/Paris";
const fired = { firedAt: at("17:30") };

describe("the Alerts history's Acknowledged and Resolved columns", () => {
  it("say the day of an acknowledgement or a resolution before today, as the Condition since column does", () => {
    const a = { ...fired, state: "resolved" as const, acknowledgedBy: "Ana (front-tablet)", acknowledgedAt: at("17:34"), resolvedAt: at("18:02") };
    // Read the same evening: the time only.
    expect(acknowledgedText(a, at("19:00"), PARIS)).toBe("Ana (front-tablet) at 17:34 CET");
    expect(resolvedText(a, at("19:00"), PARIS)).toBe("18:02 CET");
    // Read on Monday (old: "Ana (front-tablet) at 17:34 CET", "18:02 CET", as if that day's).
    expect(acknowledgedText(a, at("09:00", 3), PARIS)).toBe("Ana (front-tablet) at Fri 17:34 CET");
    expect(resolvedText(a, at("09:00", 3), PARIS)).toBe("Fri 18:02 CET");
    // A week on: the date.
    expect(resolvedText(a, at("09:00", 10), PARIS)).toBe("4 Dec 18:02 CET");
    // Saturday 00:30 in Paris is still Friday in New York: its time only.
    expect(resolvedText(a, at("00:30", 1), "America/New_York")).toMatch(/^12:02 (EST|GMT-5)$/);
  });

  it("keep their words for an alert not acknowledged or not resolved, and an acknowledgement without its time reads the firing's", () => {
    expect(acknowledgedText({ ...fired, state: "firing" }, at("19:00", 1), PARIS)).toBe("–");
    expect(resolvedText({ ...fired, state: "firing" }, at("19:00", 1), PARIS)).toBe("still on");
    expect(resolvedText({ ...fired, state: "resolved" }, at("19:00", 1), PARIS)).toBe("yes");
    expect(acknowledgedText({ ...fired, state: "acknowledged", acknowledgedBy: "Ana" }, at("19:00", 1), PARIS)).toBe("Ana at Fri 17:30 CET");
  });

  it("word every time as sinceWords on the server's clock", () => {
    for (const [ts, now] of [[at("17:34"), at("08:00", 2)], [at("23:59"), at("00:01", 1)], [at("00:00"), at("23:59", 6)]] as const) {
      const a = { ...fired, state: "resolved" as const, acknowledgedBy: "B", acknowledgedAt: ts, resolvedAt: ts };
      expect(acknowledgedText(a, now, PARIS)).toBe(`B at ${sinceWords(ts, now, PARIS)}`);
      expect(resolvedText(a, now, PARIS)).toBe(sinceWords(ts, now, PARIS));
    }
  });
});

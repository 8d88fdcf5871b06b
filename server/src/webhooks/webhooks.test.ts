import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { backoffMs, DEFAULT_WEBHOOK_OPTIONS, disabledForFailing, failingReason, hookWants } from "./dispatcher.js";
import { signatureHeader, verifySignature } from "./signature.js";

describe("backoffMs", () => {
  it("waits base·2^(n-1) capped, jittered within its upper half", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 1_000_000 }), (n, r, base, cap) => {
        let raw = base;
        for (let i = 1; i < n && raw < cap; i++) raw *= 2; // the naive reference
        raw = Math.min(raw, cap);
        const d = backoffMs(n, { baseDelayMs: base, maxDelayMs: cap }, () => r);
        expect(d).toBeGreaterThanOrEqual(Math.floor(raw / 2));
        expect(d).toBeLessThanOrEqual(Math.ceil(raw));
      }),
    );
  });

  it("with the defaults: about 1, 2, 4 s ... and never more than 10 minutes", () => {
    const top = (n: number) => backoffMs(n, DEFAULT_WEBHOOK_OPTIONS, () => 1 - Number.EPSILON);
    expect([1, 2, 3].map(top)).toEqual([1000, 2000, 4000]);
    expect(top(100)).toBe(600_000);
  });
});

describe("hookWants", () => {
  it("takes every type with an empty filter, exact types and prefix.* otherwise", () => {
    expect(hookWants({ events: [] }, "alert.firing")).toBe(true);
    expect(hookWants({ events: ["alert.*"] }, "alert.resolved")).toBe(true);
    expect(hookWants({ events: ["alert.firing"] }, "alert.resolved")).toBe(false);
    expect(hookWants({ events: ["alert.*"] }, "alerts")).toBe(false);
  });
});

describe("signatures", () => {
  it("verify what was signed, within 5 minutes, and nothing changed", () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), fc.integer({ min: 1_600_000_000, max: 2_000_000_000 }), fc.integer({ min: -600, max: 600 }), (body, secret, t, skew) => {
        const h = signatureHeader(secret, body, t);
        const check = verifySignature(h, body, secret, t + skew);
        expect(check.ok).toBe(Math.abs(skew) <= 300);
        expect(verifySignature(h, body + " ", secret, t).ok).toBe(false);
        expect(verifySignature(h, body, secret + "x", t).ok).toBe(false);
      }),
    );
    expect(verifySignature("t=abc", "", "s", 0)).toEqual({ ok: false, why: "malformed" });
    expect(verifySignature(undefined, "", "s", 0)).toEqual({ ok: false, why: "malformed" });
  });
});

describe("disabledForFailing", () => {
  it("is true of the dispatcher's own disable, for any count, time and error, and never of an admin's or an enabled hook", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.option(fc.string()), (n, since, err) => {
        const reason = failingReason(n, since, err);
        expect(disabledForFailing({ enabled: false, disabledReason: reason })).toBe(true);
        expect(disabledForFailing({ enabled: true, disabledReason: reason })).toBe(false);
      }),
    );
    expect(disabledForFailing({ enabled: false, disabledReason: "disabled by an admin" })).toBe(false);
    expect(disabledForFailing({ enabled: false, disabledReason: null })).toBe(false);
  });
});

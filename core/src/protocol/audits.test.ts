import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AUDIT_LIMITS, auditFigures, CERTIFY_AT, decodeAuditReport, directionAccuracy, type AuditReport } from "./audits.js";
import { encodePayload } from "./topics.js";

const decode = (b: Uint8Array) => new TextDecoder().decode(b);
const report = (over: Partial<AuditReport> = {}): AuditReport => ({
  id: "clip-20261130T101500-0a1b2c3d",
  method: "clip",
  auditor: "Ana",
  from: Date.UTC(2026, 10, 30, 10, 15),
  to: Date.UTC(2026, 10, 30, 10, 18),
  at: Date.UTC(2026, 10, 30, 10, 30),
  hand: { in: 40, out: 38 },
  system: { in: 39, out: 38 },
  ...over,
});

describe("decodeAuditReport", () => {
  it("reads back what an agent encodes", () => {
    const r = report({ marked: 10, right: 9 });
    expect(decodeAuditReport(encodePayload("audits", r), decode)).toEqual({ ok: true, value: r });
  });
  it("refuses, with the reason and the field, what breaks the bounds", () => {
    const bad = (v: unknown) => decodeAuditReport(JSON.stringify(v), decode);
    expect(bad({ ...report(), hand: { in: -1, out: 0 } })).toMatchObject({ ok: false, reason: "schema", error: expect.stringContaining("/hand/in") });
    expect(bad({ ...report(), image: "data:..." })).toMatchObject({ ok: false, reason: "schema" });
    expect(bad({ ...report(), to: report().from - 1 })).toMatchObject({ ok: false, reason: "schema", error: expect.stringContaining("ends before it begins") });
    expect(bad({ ...report(), marked: 2, right: 3 })).toMatchObject({ ok: false, reason: "schema" });
    expect(bad({ ...report(), auditor: "x".repeat(AUDIT_LIMITS.maxAuditorLength + 1) })).toMatchObject({ ok: false, reason: "schema" });
    expect(decodeAuditReport("x".repeat(AUDIT_LIMITS.maxBytes + 1), decode)).toMatchObject({ ok: false, reason: "oversized" });
    expect(decodeAuditReport("[".repeat(100), decode)).toMatchObject({ ok: false, reason: "too_deep" });
    expect(decodeAuditReport("{", decode)).toMatchObject({ ok: false, reason: "malformed" });
  });
  it("never throws, whatever the bytes", () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => {
      expect(typeof decodeAuditReport(s, decode).ok).toBe("boolean");
    }));
  });
});

describe("auditFigures", () => {
  it("certifies only when both directions are within 5 % of a non-empty hand count, and shows the worse direction", () => {
    const count = fc.integer({ min: 0, max: 500 });
    fc.assert(fc.property(count, count, count, count, (hi, ho, si, so) => {
      const f = auditFigures({ in: hi, out: ho }, { in: si, out: so });
      const ref = (s: number, h: number) => (h === 0 ? (s === 0 ? 1 : 0) : Math.max(0, 1 - Math.abs(s - h) / h));
      expect(f.accuracy).toEqual({ in: ref(si, hi), out: ref(so, ho) });
      expect(f.overall).toBe(Math.min(ref(si, hi), ref(so, ho)));
      expect(f.certified).toBe(hi + ho > 0 && Math.abs(si - hi) <= (1 - CERTIFY_AT) * hi + 1e-9 * hi && Math.abs(so - ho) <= (1 - CERTIFY_AT) * ho + 1e-9 * ho && !(hi === 0 && si > 0) && !(ho === 0 && so > 0));
    }));
  });
  it("reads 95 of 100 as certified and 94 of 100 as not", () => {
    expect(auditFigures({ in: 100, out: 0 }, { in: 95, out: 0 }).certified).toBe(true);
    expect(auditFigures({ in: 100, out: 0 }, { in: 94, out: 0 }).certified).toBe(false);
    expect(directionAccuracy(3, 0)).toBe(0);
  });
});

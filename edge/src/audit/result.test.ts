import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { auditReport, auditResult, CERTIFY_AT, directionAccuracy, type AuditInput } from "./result.js";

fc.configureGlobal({ seed: 20260618 });

const input = (o: Partial<AuditInput> = {}): AuditInput => ({
  agent: "cam-1",
  auditor: "Ana",
  from: 0,
  to: 180_000,
  at: 200_000,
  hand: { in: 20, out: 20 },
  system: { in: 20, out: 20 },
  ...o,
});

describe("auditResult", () => {
  it("certifies a device whose counts are within 5 % of the hand count both ways", () => {
    const r = auditResult(input({ hand: { in: 40, out: 38 }, system: { in: 39, out: 37 } }));
    expect(r.ok && r.value.certified).toBe(true);
    expect(r.ok && r.value.accuracy.in).toBeCloseTo(0.975);
  });

  it("does not certify when one direction is off by more than 5 %, nor an empty stretch", () => {
    const off = auditResult(input({ hand: { in: 40, out: 20 }, system: { in: 40, out: 18 } }));
    expect(off.ok && off.value.certified).toBe(false);
    const empty = auditResult(input({ hand: { in: 0, out: 0 }, system: { in: 0, out: 0 } }));
    expect(empty.ok && empty.value).toMatchObject({ certified: false, accuracy: { in: 1, out: 1 } });
  });

  it("takes the share of marked system crossings that were right", () => {
    const r = auditResult(
      input({
        systemCrossings: 4,
        marks: [
          { crossing: 0, right: true },
          { crossing: 2, right: false },
          { crossing: 3, right: true },
          { crossing: 1, right: true },
        ],
      }),
    );
    expect(r.ok && r.value).toMatchObject({ precision: 0.75, marked: 4 });
  });

  it("says what is wrong with bad input instead of computing nonsense", () => {
    expect(auditResult(input({ hand: { in: -1, out: 2 } }))).toEqual({ ok: false, error: expect.stringMatching(/^hand: /) });
    expect(auditResult(input({ auditor: " " }))).toEqual({ ok: false, error: expect.stringMatching(/^auditor: /) });
    expect(auditResult(input({ systemCrossings: 2, marks: [{ crossing: 5, right: true }] }))).toEqual({ ok: false, error: expect.stringMatching(/^marks: /) });
    expect(
      auditResult(
        input({
          systemCrossings: 2,
          marks: [
            { crossing: 1, right: true },
            { crossing: 1, right: false },
          ],
        }),
      ),
    ).toEqual({ ok: false, error: expect.stringMatching(/twice/) });
    expect(auditResult({ ...input(), hand: null as unknown as AuditInput["hand"] }).ok).toBe(false);
  });

  it("property: accuracy is in [0, 1], 1 exactly when the counts agree, and certification is both directions at 95 % or more", () => {
    fc.assert(
      fc.property(fc.nat(500), fc.nat(500), fc.nat(500), fc.nat(500), (hi, ho, si, so) => {
        const r = auditResult(input({ hand: { in: hi, out: ho }, system: { in: si, out: so } }));
        if (!r.ok) throw new Error(r.error);
        for (const [a, s, h] of [
          [r.value.accuracy.in, si, hi],
          [r.value.accuracy.out, so, ho],
        ] as const) {
          expect(a).toBeGreaterThanOrEqual(0);
          expect(a).toBeLessThanOrEqual(1);
          expect(a === 1).toBe(s === h);
          expect(a).toBe(directionAccuracy(s, h));
        }
        expect(r.value.certified).toBe(hi + ho > 0 && r.value.accuracy.in >= CERTIFY_AT && r.value.accuracy.out >= CERTIFY_AT);
      }),
    );
  });
});

describe("auditReport (what goes to the server)", () => {
  it("carries the counts, who and when, the marks as counts, and nothing else; no report without an id", () => {
    const r = auditResult({ id: "clip-20261130T101500-0a1b2c3d", agent: "cam-1", auditor: "Ana", from: 1, to: 2, at: 3, hand: { in: 10, out: 8 }, system: { in: 9, out: 8 }, marks: [{ crossing: 0, right: true }, { crossing: 1, right: false }, { crossing: 2, right: true }, { crossing: 3, right: true }], systemCrossings: 17 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(auditReport(r.value)).toEqual({ id: "clip-20261130T101500-0a1b2c3d", method: "clip", auditor: "Ana", from: 1, to: 2, at: 3, hand: { in: 10, out: 8 }, system: { in: 9, out: 8 }, marked: 4, right: 3 });
    const { id: _id, ...noId } = r.value;
    expect(auditReport(noId)).toBeNull();
  });
});

/**
 * The sends-now a digest remembers (migration 28 resend_deliveries, repos/admin.ts nextResends and pendingResend): at
 * most one delivery per period, the last one whose mail failed, forgotten once a send-now of that period goes, the
 * oldest forgotten beyond DIGEST_RESENDS_KEPT. Against a reference: a Map from period to delivery, in order of notes.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DIGEST_RESENDS_KEPT, nextResends, pendingResend } from "./admin.js";

/** Thirty days (more periods than are kept, with two digests) and keys that start like another's. */
const periods = [...Array.from({ length: 30 }, (_, i) => `2026-06-${String(i + 1).padStart(2, "0")}`), "2026-06-1", "2026-06-100"];
const note = fc.record({ digest: fc.constantFrom("d", "d:x"), period: fc.constantFrom(...periods), n: fc.nat(5), pending: fc.boolean() });

describe("a digest's remembered sends-now", () => {
  it("answer the last pending delivery of each period, as a map of period to delivery does", () => {
    fc.assert(
      fc.property(fc.array(note, { maxLength: 120 }), (notes) => {
        let json: string | null = null;
        const ref = new Map<string, string>();
        for (const { digest, period, n, pending } of notes) {
          const prefix = `digest:${digest}:${period}`;
          const id = `${prefix}:${n}`;
          json = nextResends(json, id, pending);
          ref.delete(prefix);
          if (pending) ref.set(prefix, id);
          while (ref.size > DIGEST_RESENDS_KEPT) ref.delete(ref.keys().next().value!);
        }
        for (const digest of ["d", "d:x"]) for (const period of periods) expect(pendingResend(json, `digest:${digest}:${period}`)).toBe(ref.get(`digest:${digest}:${period}`) ?? null);
        expect(json === null).toBe(ref.size === 0);
      }),
      { numRuns: 500 },
    );
  });

  it("read nothing from a value that is not theirs", () => {
    expect(pendingResend("not json", "digest:d:2026-06-09")).toBeNull();
    expect(pendingResend('{"a":1}', "digest:d:2026-06-09")).toBeNull();
    expect(nextResends("not json", "digest:d:2026-06-09:0", true)).toBe('["digest:d:2026-06-09:0"]');
  });
});

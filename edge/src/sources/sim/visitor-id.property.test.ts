import { decodeBatch, LIMITS, personalIdKind } from "@footfall/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bootIdAt } from "../../ids.js";
import { simVisitorId } from "./engine.js";

const TS = Date.UTC(2026, 2, 2, 9);
const rejects = (visitor: string) => {
  const r = decodeBatch(JSON.stringify({ agent: "sim-1", events: [{ type: "enter", id: "sim-1:1", ts: TS, zone: "fruit", visitor }] }), (b) => Buffer.from(b).toString("utf8"));
  if (!r.ok) throw new Error(r.error);
  return r.value.rejected.map((x) => x.code);
};

// The region where an id without its salt looks like a bare MAC: six random hex characters and a
// visit number of six hex characters in base36 (visits 36^5 and on), at least one of them a letter.
const hexRandom = fc.stringMatching(/^[0-9a-f]{6}$/);
const random = fc.oneof(fc.stringMatching(/^[0-9a-z]{6}$/), hexRandom, fc.stringMatching(/^[0-9]{6}$/));
const seq = fc.oneof(fc.nat(), fc.integer({ min: 36 ** 5, max: 36 ** 6 - 1 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }));
const salt = fc.integer({ min: LIMITS.minTs, max: LIMITS.maxTs - 1 }).map(bootIdAt);

describe("simVisitorId", () => {
  it("never makes an id ingest would reject as personal, for any boot time the protocol takes", () => {
    fc.assert(
      fc.property(random, seq, salt, (r, n, s) => {
        const id = simVisitorId(r, n, s);
        expect(personalIdKind(id), id).toBeNull();
        expect(rejects(id)).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });

  it("owes that to its salt: without it, visit 36^5 and on can look like a MAC (the case CI met)", () => {
    const visit = parseInt("a64a00", 36);
    expect(rejects(simVisitorId("a00a00", visit, ""))).toEqual(["personal_id"]);
    expect(rejects(simVisitorId("a00a00", visit, bootIdAt(TS)))).toEqual([]);
  });
});

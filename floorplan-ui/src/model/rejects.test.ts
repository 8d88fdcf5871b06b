import { describe, expect, it } from "vitest";
import { rejectReasons, rejectsBeforeRestart } from "./rejects.js";

describe("rejectReasons", () => {
  it("lists reasons most first, in words, with what to do", () => {
    const r = rejectReasons({ unknown_zone: 24, too_old: 1200, schema: 0 });
    expect(r.map((x) => [x.label, x.count])).toEqual([["too old", 1200], ["unknown zone", 24]]);
    expect(r[0]!.hint).toMatch(/clock/);
  });
  it("names a reason it does not know by its code", () => {
    expect(rejectReasons({ new_reason: 2 })[0]!.label).toBe("new reason");
  });
  it("counts the rejects the reasons (kept since the server started) do not explain", () => {
    expect(rejectsBeforeRestart(39, { unknown_zone: 20 })).toBe(19);
    expect(rejectsBeforeRestart(3, { future: 3 })).toBe(0);
    expect(rejectsBeforeRestart(0, undefined)).toBe(0);
  });
});

import { describe, expect, it } from "vitest";
import { rejectReasons } from "./rejects.js";

describe("rejectReasons", () => {
  it("lists reasons most first, in words, with what to do", () => {
    const r = rejectReasons({ unknown_zone: 24, too_old: 1200, schema: 0 });
    expect(r.map((x) => [x.label, x.count])).toEqual([["too old", 1200], ["unknown zone", 24]]);
    expect(r[0]!.hint).toMatch(/clock/);
  });
  it("names a reason it does not know by its code", () => {
    expect(rejectReasons({ new_reason: 2 })[0]!.label).toBe("new reason");
  });
});

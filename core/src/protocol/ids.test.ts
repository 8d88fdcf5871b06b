import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { asId, ID_RULE, isId } from "./ids.js";

describe("ids", () => {
  it("are 1-64 characters of a-z, 0-9, _ and -, starting with a letter or digit", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,63}$/), (id) => {
        expect(isId(id)).toBe(id !== "constructor");
      }),
    );
    for (const bad of ["", "-a", "_a", "A", "a".repeat(65), "a b", "é"]) expect(isId(bad), bad).toBe(false);
  });

  it("are not 'constructor', which every JavaScript object has: ids key plain objects", () => {
    expect(({} as Record<string, unknown>)["constructor"]).toBeTypeOf("function");
    expect(isId("constructor")).toBe(false);
    expect(isId("constructors")).toBe(true);
    expect(isId("my-constructor")).toBe(true);
    expect(() => asId("constructor", "zone id")).toThrow(`invalid zone id "constructor": ${ID_RULE}`);
    // No other property of every object is an id: the rest have capitals or begin with "_".
    for (const name of Object.getOwnPropertyNames(Object.prototype)) if (name !== "constructor") expect(isId(name), name).toBe(false);
  });
});

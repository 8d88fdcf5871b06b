import { describe, expect, it } from "vitest";
import { decodeLayout } from "./layout.js";

const layout = {
  store: "demo",
  version: 1,
  validFrom: 0,
  timezone: "Europe/Paris",
  floor: { width: 10, height: 10 },
  zones: [{ id: "a", name: "A", kind: "zone", polygon: [[0, 0], [4, 0], [4, 4]] }],
};

describe("decodeLayout", () => {
  it("accepts the store's layout", () => {
    const result = decodeLayout(JSON.stringify(layout), "demo");
    expect(result.ok && result.value.zones[0]?.id).toBe("a");
  });

  it("refuses another store's layout", () => {
    expect(decodeLayout(JSON.stringify(layout), "other")).toMatchObject({ ok: false, error: expect.stringMatching(/store "demo"/) });
  });

  it("refuses malformed JSON and schema errors, naming the field", () => {
    expect(decodeLayout("{", "demo").ok).toBe(false);
    expect(decodeLayout(JSON.stringify({ ...layout, version: "one" }), "demo")).toMatchObject({ ok: false, error: expect.stringMatching(/\/version/) });
  });

  it("refuses zones that leave the floor", () => {
    const off = { ...layout, zones: [{ ...layout.zones[0], polygon: [[0, 0], [40, 0], [4, 4]] }] };
    expect(decodeLayout(JSON.stringify(off), "demo")).toMatchObject({ ok: false, error: expect.stringMatching(/leaves the floor/) });
  });
});

import { describe, expect, it } from "vitest";
import { decodeModel, encodeModel } from "./forecast-store.js";

describe("a forecast model as kept in the database", () => {
  it("reads back as the model it was, weights to the last bit", () => {
    const model = { hourly: { members: [{ w1: [0.1 + 0.2, -1e-300, 5e-324, 1 / 3, 2 ** 60 + 2 ** 8] }], widen: -0.25 }, daily: null, notes: ["daily: 3.0 weeks"], trainMs: 812.5 };
    expect(decodeModel(encodeModel(model))).toEqual(model);
  });
  it("keeps a validation error that could not be measured (NaN) and infinities as numbers, not null", () => {
    const model = { validationMae: { model: Number.NaN, naive: Number.POSITIVE_INFINITY }, loss: Number.NEGATIVE_INFINITY, notes: ["NaN"] };
    const back = decodeModel<typeof model>(encodeModel(model));
    expect(back.validationMae.model).toBeNaN();
    expect(back.validationMae.naive).toBe(Number.POSITIVE_INFINITY);
    expect(back.loss).toBe(Number.NEGATIVE_INFINITY);
    expect(back.notes).toEqual(["NaN"]);
  });
});

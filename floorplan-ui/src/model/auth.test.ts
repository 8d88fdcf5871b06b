import { describe, expect, it } from "vitest";
import { defaultView, isRole, mayDesign, viewsFor } from "./auth.js";

describe("views by role", () => {
  it("gives a merchandiser the analytics, the layout editor and experiments, but not live, sales or agents", () => {
    expect(viewsFor("merchandiser").map((v) => v.id)).toEqual(["chain", "heatmap", "flows", "funnel", "experiments", "editor", "report"]);
    expect(defaultView("merchandiser")).toBe("heatmap");
    expect(mayDesign("merchandiser")).toBe(true);
  });
  it("keeps viewers to analytics and staff to the live view", () => {
    expect(viewsFor("viewer").map((v) => v.id)).toEqual(["chain", "heatmap", "flows", "funnel", "experiments", "report"]);
    expect(viewsFor("staff").map((v) => v.id)).toEqual(["live", "alerts"]);
    expect(mayDesign("viewer")).toBe(false);
  });
  it("knows the four roles the server gives", () => {
    expect(["viewer", "staff", "merchandiser", "admin"].every(isRole)).toBe(true);
    expect(isRole("root")).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { formatHash, parseHash, withParams } from "./route.js";
import { canSee, defaultView, viewsFor } from "./auth.js";

describe("parseHash", () => {
  it("reads the view, the store and the params", () => {
    expect(parseHash("#/live/demo?kiosk=1&token=abc")).toEqual({ view: "live", store: "demo", params: { kiosk: "1", token: "abc" } });
  });
  it("takes anything unknown to the sign-in page", () => {
    expect(parseHash("#/nowhere").view).toBe("signin");
    expect(parseHash("").view).toBe("signin");
  });
  it("allows a view without a store", () => {
    expect(parseHash("#/heatmap")).toEqual({ view: "heatmap", store: null, params: {} });
  });
});

describe("formatHash", () => {
  it("round-trips a route", () => {
    const route = parseHash("#/heatmap/demo?metric=p90&range=last7");
    expect(parseHash(formatHash(route))).toEqual(route);
  });
  it("drops emptied params", () => {
    const route = withParams(parseHash("#/heatmap/demo?metric=p90&compare=1"), { compare: null, range: "yesterday" });
    expect(formatHash(route)).toBe("#/heatmap/demo?metric=p90&range=yesterday");
  });
});

describe("roles", () => {
  it("gives viewers the analytics, staff the live view and admins everything", () => {
    expect(viewsFor("viewer").map((v) => v.id)).toEqual(["chain", "heatmap", "flows", "funnel", "experiments", "report"]);
    expect(viewsFor("staff").map((v) => v.id)).toEqual(["live", "alerts"]);
    expect(viewsFor("admin").map((v) => v.id)).toEqual(["chain", "heatmap", "flows", "funnel", "experiments", "live", "alerts", "editor", "sales", "agents", "report", "admin"]);
  });
  it("keeps the editor and the sales import from viewers", () => {
    expect(canSee("viewer", "editor")).toBe(false);
    expect(canSee("viewer", "sales")).toBe(false);
  });
  it("lands staff on the live view", () => {
    expect(defaultView("staff")).toBe("live");
  });
});

import { describe, expect, it } from "vitest";
import { canSee, defaultView, isRole, mayChangeGroups, mayCreateStore, mayDesign, mayImportSales, refusedViewText, seesEveryStore, tokenFromPaste, viewsFor } from "./auth.js";

describe("views by role", () => {
  it("gives a merchandiser the analytics, the layout editor, experiments and the Sales view, but not live or agents", () => {
    expect(viewsFor("merchandiser").map((v) => v.id)).toEqual(["chain", "heatmap", "flows", "funnel", "experiments", "editor", "sales", "report"]);
    expect(defaultView("merchandiser")).toBe("heatmap");
    expect(mayDesign("merchandiser")).toBe(true);
  });
  it("opens the Sales view to whoever may save departments (PUT .../departments: merchandiser), its import to admins only (POST .../sales)", () => {
    expect(canSee("merchandiser", "sales")).toBe(true);
    expect(canSee("admin", "sales")).toBe(true);
    expect(canSee("viewer", "sales")).toBe(false);
    expect(canSee("staff", "sales")).toBe(false);
    expect(mayImportSales("admin")).toBe(true);
    expect(mayImportSales("merchandiser")).toBe(false);
    expect(mayImportSales("viewer")).toBe(false);
    expect(mayImportSales("staff")).toBe(false);
    for (const role of ["viewer", "staff", "merchandiser", "admin"] as const) expect(canSee(role, "sales")).toBe(mayDesign(role));
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
  it("says which tokens open a refused view, with the menu's name for it", () => {
    expect(refusedViewText("editor", "staff")).toBe("The Layout view needs a merchandiser or admin token; this one is staff. Ask an admin for one, or sign in with it.");
    expect(refusedViewText("live", "viewer")).toBe("The Live view needs a staff or admin token; this one is viewer. Ask an admin for one, or sign in with it.");
    expect(refusedViewText("agents", "merchandiser")).toBe("The Agents view needs an admin token; this one is merchandiser. Ask an admin for one, or sign in with it.");
    expect(refusedViewText("heatmap", "staff")).toBe("The Heatmap view needs a viewer, merchandiser or admin token; this one is staff. Ask an admin for one, or sign in with it.");
  });
});

describe("mayCreateStore", () => {
  it("is a merchandiser's or an admin's for every store, as saving a first layout is", () => {
    expect(mayCreateStore({ role: "merchandiser", store: null })).toBe(true);
    expect(mayCreateStore({ role: "admin", store: null })).toBe(true);
    expect(mayCreateStore({ role: "merchandiser", store: "paris" })).toBe(false);
    expect(mayCreateStore({ role: "viewer", store: null })).toBe(false);
    expect(mayCreateStore({ role: "staff", store: null })).toBe(false);
  });
});

describe("a token limited to a store group", () => {
  it("may not create a store: a new store is in no group, and the server refuses its first layout", () => {
    expect(mayCreateStore({ role: "merchandiser", store: null, group: "north" })).toBe(false);
    expect(mayCreateStore({ role: "admin", store: null, group: "north" })).toBe(false);
    expect(mayCreateStore({ role: "admin", store: null, group: null })).toBe(true);
  });
  it("does not see every store, nor does one limited to a store", () => {
    expect(seesEveryStore({ role: "admin", store: null, group: "north" })).toBe(false);
    expect(seesEveryStore({ role: "admin", store: "paris" })).toBe(false);
    expect(seesEveryStore({ role: "viewer", store: null })).toBe(true);
  });
  it("leaves creating store groups to an admin of every store (POST /api/v1/groups)", () => {
    expect(mayChangeGroups({ role: "admin", store: null, group: null })).toBe(true);
    expect(mayChangeGroups({ role: "admin", store: null, group: "north" })).toBe(false);
    expect(mayChangeGroups({ role: "admin", store: "paris" })).toBe(false);
    expect(mayChangeGroups({ role: "merchandiser", store: null })).toBe(false);
  });
});

describe("tokenFromPaste", () => {
  const token = "ff_8USj6QG9v11jx6HdxZ0E1CTtR6aM8C4t";
  it("takes the token as pasted, without the spaces around it", () => {
    expect(tokenFromPaste(`  ${token}\n`)).toBe(token);
  });
  it("finds the token in what people copy it from: token add's JSON, a kiosk link, a Bearer header", () => {
    expect(tokenFromPaste(`{"token":"${token}","id":"78710432ac0d","role":"admin","store":"store-0001"}`)).toBe(token);
    expect(tokenFromPaste(`http://localhost:8080/#/live/store-0001?kiosk=1&token=${token}`)).toBe(token);
    expect(tokenFromPaste(`Authorization: Bearer ${token}`)).toBe(token);
  });
  it("leaves anything else as typed, for the server to refuse", () => {
    expect(tokenFromPaste(" not a token ")).toBe("not a token");
  });
});


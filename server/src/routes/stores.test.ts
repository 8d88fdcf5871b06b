import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { LayoutInput } from "@footfall/core";
import { rectZone, smallLayout } from "../../../test/support/fixtures.js";
import { startTestServer, type TestServer } from "../../../test/support/in-process.js";

const NOW = Date.UTC(2026, 10, 20, 15, 0, 0);
let t: TestServer;
beforeEach(async () => {
  t = await startTestServer({ now: () => NOW });
});
afterEach(() => t.close());

const put = (store: string, body: unknown, token = t.admin) =>
  t.server.app.inject({ method: "PUT", url: `/api/v1/stores/${store}/layout`, headers: { authorization: `Bearer ${token}` }, payload: body as object });

describe("GET /api/v1/stores", () => {
  it("lists no store before any layout is saved", async () => {
    expect((await t.get("/api/v1/stores")).body.stores).toEqual([]);
  });

  it("says how long raw events are kept (FOOTFALL_RETENTION_DAYS, 90 by default) and since when, for the UI to show the horizon", async () => {
    expect((await t.get("/api/v1/stores")).body.retention).toEqual({ rawDays: 90, rawSince: NOW - 90 * 86_400_000, history: null });
    // A viewer reads it too: every view that shows ranges needs it.
    expect((await t.get("/api/v1/stores", await t.token("viewer"))).body.retention.rawDays).toBe(90);
  });

  it("says how long hour and day figures are kept (FOOTFALL_AGGREGATE_RETENTION_DAYS) and from when, as the chain overview's history", async () => {
    const kept = await startTestServer({ now: () => NOW, config: { aggregateRetentionDays: 120 } });
    try {
      const history = { keptDays: 120, keptFrom: NOW - 120 * 86_400_000 };
      expect((await kept.get("/api/v1/stores", await kept.token("viewer"))).body.retention.history).toEqual(history);
      expect((await kept.get("/api/v1/overview")).body.history).toEqual(history);
    } finally {
      await kept.close();
    }
  });

  it("lists every store by id with its name", async () => {
    await t.putLayout("paris-1", smallLayout({ name: "Paris One" }));
    await t.putLayout("lyon", smallLayout({ name: "Lyon" }));
    expect((await t.get("/api/v1/stores")).body).toMatchObject({
      stores: [
        { id: "lyon", name: "Lyon" },
        { id: "paris-1", name: "Paris One" },
      ],
    });
  });
});

describe("PUT /api/v1/stores/:store/layout", () => {
  it("creates the store and returns the layout with version 1 and the store id", async () => {
    const res = await put("shop", smallLayout());
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ store: "shop", version: 1, validFrom: 0, timezone: "Europe/Paris", floor: { width: 20, height: 10 } });
    expect(res.json().zones.map((z: { id: string }) => z.id)).toEqual(["entrance", "fruit", "bakery", "checkout"]);
  });

  it("saves a changed layout as the next version", async () => {
    await put("shop", smallLayout());
    const res = await put("shop", { ...smallLayout({ validFrom: NOW - 1000 }), zones: smallLayout().zones.slice(0, 2) });
    expect(res.json().version).toBe(2);
  });

  it("accepts a body whose store matches the URL", async () => {
    expect((await put("shop", { ...smallLayout(), store: "shop" })).statusCode).toBe(200);
  });

  it("keeps the store's currency with the layout, so amounts are shown with it", async () => {
    expect((await put("shop", { ...smallLayout(), currency: "EUR" })).json().currency).toBe("EUR");
    expect((await t.get("/api/v1/stores/shop/layout")).body.currency).toBe("EUR");
    expect((await put("shop", smallLayout())).json().currency).toBeUndefined();
  });

  it("ignores a version sent by the client: the server assigns it", async () => {
    expect((await put("shop", { ...smallLayout(), version: 42 })).json().version).toBe(1);
  });

  // prettier-ignore
  const bad: [string, (l: LayoutInput) => unknown, RegExp][] = [
    ["a body whose store differs from the URL", (l) => ({ ...l, store: "elsewhere" }), /body\/store/],
    ["a self-intersecting polygon", (l) => ({ ...l, zones: [{ ...rectZone("bow", "zone", 0, 0, 2, 2), polygon: [[0, 0], [2, 2], [2, 0], [0, 2]] }] }), /body\/zones\/0\/polygon.*crosses itself/],
    ["a polygon off the floor", (l) => ({ ...l, zones: [rectZone("out", "zone", 18, 8, 5, 5)] }), /body\/zones\/0\/polygon.*leaves the floor/],
    ["a polygon with no area", (l) => ({ ...l, zones: [{ ...rectZone("flat", "zone", 0, 0, 2, 2), polygon: [[0, 0], [1, 1], [2, 2]] }] }), /body\/zones\/0\/polygon/],
    ["duplicate zone ids", (l) => ({ ...l, zones: [rectZone("a", "zone", 0, 0, 1, 1), rectZone("a", "zone", 2, 2, 1, 1)] }), /body\/zones\/1\/id.*used twice/],
    ["an unknown time zone", (l) => ({ ...l, timezone: "Mars/Olympus_Mons" }), /body\/timezone/],
    ["a currency that is not an ISO 4217 code", (l) => ({ ...l, currency: "euro" }), /body\/currency/],
    ["a bad zone id", (l) => ({ ...l, zones: [rectZone("Fruit & Veg", "zone", 0, 0, 1, 1)] }), /body\/zones\/0\/id/],
    ["an unknown zone kind", (l) => ({ ...l, zones: [{ ...rectZone("a", "zone", 0, 0, 1, 1), kind: "aisle" }] }), /body\/zones\/0\/kind/],
    ["a polygon of two points", (l) => ({ ...l, zones: [{ ...rectZone("a", "zone", 0, 0, 1, 1), polygon: [[0, 0], [1, 1]] }] }), /body\/zones\/0\/polygon/],
    ["a negative capacity", (l) => ({ ...l, zones: [rectZone("a", "zone", 0, 0, 1, 1, -1)] }), /body\/zones\/0\/capacity/],
    ["a floor without width", (l) => ({ ...l, floor: { height: 10 } }), /body\/floor/],
    ["no validFrom", ({ validFrom: _v, ...l }) => l, /body.*validFrom/],
    ["a validFrom that is not an integer", (l) => ({ ...l, validFrom: "yesterday" }), /body\/validFrom/],
  ];
  it.each(bad)("answers 400 naming the field for %s, and saves nothing", async (_what, mutate, message) => {
    const res = await put("shop", mutate(smallLayout()));
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(message);
    expect((await t.get("/api/v1/stores")).body.stores).toEqual([]);
  });

  it("answers 400 naming the store for a bad store id in the URL", async () => {
    const res = await put("Shop%20One", smallLayout());
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/params\/store/);
  });

  it("answers 400 for a body that is not JSON", async () => {
    const res = await t.server.app.inject({
      method: "PUT",
      url: "/api/v1/stores/shop/layout",
      headers: { authorization: `Bearer ${t.admin}`, "content-type": "application/json" },
      payload: "{nope",
    });
    expect(res.statusCode).toBe(400);
  });
});

describe("GET /api/v1/stores/:store/layout", () => {
  it("returns the layout in force now", async () => {
    await put("shop", smallLayout({ validFrom: 0 }));
    await put("shop", { ...smallLayout({ validFrom: NOW - 60_000 }), zones: [rectZone("only", "entrance", 0, 0, 1, 1)] });
    await put("shop", { ...smallLayout({ validFrom: NOW + 86_400_000 }), zones: [rectZone("future", "entrance", 0, 0, 1, 1)] });
    const res = await t.get("/api/v1/stores/shop/layout");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ store: "shop", version: 2, zones: [{ id: "only" }] });
  });

  it("returns the version in force at `at`", async () => {
    await put("shop", smallLayout({ validFrom: 0 }));
    await put("shop", { ...smallLayout({ validFrom: NOW - 60_000 }), zones: [rectZone("only", "entrance", 0, 0, 1, 1)] });
    expect((await t.get(`/api/v1/stores/shop/layout?at=${NOW - 120_000}`)).body.version).toBe(1);
    expect((await t.get(`/api/v1/stores/shop/layout?at=${new Date(NOW).toISOString()}`)).body.version).toBe(2);
  });

  it("answers 400 naming `at` when it is not a time", async () => {
    await put("shop", smallLayout());
    const res = await t.get("/api/v1/stores/shop/layout?at=soon");
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/querystring\/at/);
  });

  it("answers 404 for an unknown store", async () => {
    const res = await t.get("/api/v1/stores/nowhere/layout");
    expect(res.status).toBe(404);
    expect(res.body.message).toContain('"nowhere"');
    // Who may: saving a layout is a merchandiser's grant (an admin holds it too).
    expect(res.body.message).toContain("a merchandiser or admin saves one with PUT /api/v1/stores/nowhere/layout");
  });
});

describe("GET /api/v1/stores/:store/layouts", () => {
  it("lists every version with the time it applies from", async () => {
    await put("shop", smallLayout({ validFrom: 0 }));
    await put("shop", smallLayout({ validFrom: NOW }));
    const listed = (await t.get("/api/v1/stores/shop/layouts")).body;
    expect(listed).toEqual({
      layouts: [
        { version: 1, validFrom: 0 },
        { version: 2, validFrom: NOW },
      ],
      // Every zone id the versions had (additive), each as its latest version has it.
      zones: expect.any(Array),
    });
    expect(listed.zones.map((z: { id: string; version: number }) => [z.id, z.version])).toEqual(
      smallLayout({ validFrom: 0 }).zones.map((z) => [z.id as string, 2]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
  });

  it("answers 404 for an unknown store", async () => {
    const res = await t.get("/api/v1/stores/nowhere/layouts");
    expect(res.status).toBe(404);
    expect(res.body.message).toContain("a merchandiser or admin saves one");
  });
});

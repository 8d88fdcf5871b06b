/**
 * An admin limited to a store or to a group manages its own stores and sees nothing of the others':
 * not in the audit log, not in /metrics on the API port (which names every store), and is told what
 * it is limited to in words (never `store "null"`). Digests of its group's stores are its to schedule.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";

const T0 = Date.UTC(2026, 10, 20, 15, 0, 0);
const DAY = 86_400_000;
const t = useTestServer({ now: () => T0 });
let groupAdmin: string;
let storeAdmin: string;

interface Entry {
  action: string;
  target: string | null;
  store: string | null;
}
const entries = async (query: string, token: string) => {
  const res = await t.request<{ entries: Entry[] }>("GET", `/api/v1/audit${query}`, undefined, token);
  expect(res.status, res.text).toBe(200);
  return res.body.entries;
};

beforeAll(async () => {
  for (const s of ["lille", "paris", "lyon"]) await t.putLayout(s, smallLayout({ name: s }));
  expect((await t.request("POST", "/api/v1/groups", { id: "north", name: "North", stores: ["lille", "paris"] })).status).toBe(200);
  groupAdmin = (await t.server.services.storage.tokens.create("admin", null, T0, { group: "north", label: "area manager" })).token;
  storeAdmin = await t.token("admin", "paris");
  // One action on each store by the admin of every store: a token each, then Lyon's departments.
  for (const store of ["lille", "paris", "lyon"]) expect((await t.request("POST", "/api/v1/tokens", { role: "viewer", store, label: `${store} tablet` })).status).toBe(200);
  expect((await t.request("PUT", "/api/v1/stores/lyon/departments", { departments: { Fresh: ["fruit"] } })).status).toBe(200);
});

describe("the audit log of a limited admin", () => {
  it("an admin limited to a group sees its group's stores' entries only", async () => {
    const seen = await entries("", groupAdmin);
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen.map((e) => e.store))).toEqual(new Set(["lille", "paris"]));
    expect(seen.filter((e) => e.action === "token.create").map((e) => e.store).sort()).toEqual(["lille", "paris"]);
  });

  it("an admin limited to a group is refused another store's entries, naming its group", async () => {
    const res = await t.request("GET", "/api/v1/audit?store=lyon", undefined, groupAdmin);
    expect(res.status).toBe(403);
    expect(res.body.message).toBe('this token is limited to the stores of group "north"');
    expect((await entries("?store=lille&action=token.", groupAdmin)).map((e) => e.store)).toEqual(["lille"]);
  });

  it("an admin limited to a group follows its members: a store taken out of the group is no longer seen", async () => {
    expect((await t.request("PATCH", "/api/v1/groups/north", { stores: ["lille"] })).status).toBe(200);
    try {
      expect(new Set((await entries("", groupAdmin)).map((e) => e.store))).toEqual(new Set(["lille"]));
    } finally {
      await t.request("PATCH", "/api/v1/groups/north", { stores: ["lille", "paris"] });
    }
  });

  it("an admin limited to a store sees its store's entries, and is refused another's", async () => {
    expect(new Set((await entries("", storeAdmin)).map((e) => e.store))).toEqual(new Set(["paris"]));
    const res = await t.request("GET", "/api/v1/audit?store=lyon", undefined, storeAdmin);
    expect(res.status).toBe(403);
    expect(res.body.message).toBe('this token is limited to store "paris"');
  });
});

describe("/metrics on the API port", () => {
  it("is for an admin of every store: it counts every store's events", async () => {
    const res = await t.server.app.inject({ method: "GET", url: "/metrics", headers: { authorization: `Bearer ${t.admin}` } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("footfall_events_accepted_total");
  });

  it.each([
    ["a store", () => storeAdmin, 'store "paris"'],
    ["a group", () => groupAdmin, 'the stores of group "north"'],
  ] as const)("is refused to an admin limited to %s, saying why and where Prometheus reads it", async (_what, token, scope) => {
    const res = await t.server.app.inject({ method: "GET", url: "/metrics", headers: { authorization: `Bearer ${token()}` } });
    expect(res.statusCode).toBe(403);
    expect(res.json().message).toContain(`this token is limited to ${scope}: /metrics counts every store's events`);
    expect(res.json().message).toContain("FOOTFALL_METRICS_PORT");
  });
});

describe("experiments out of a limited token's reach", () => {
  const experiment = (testStores: string[]) => ({
    name: "Fruit by the door",
    testStores,
    changeAt: T0 - 7 * DAY,
    before: { from: T0 - 14 * DAY, to: T0 - 7 * DAY },
    after: { from: T0 - 7 * DAY, to: T0 },
    zones: ["fruit"],
  });

  it("a token limited to a group is told its group, not 'store \"null\"', when creating or reading one", async () => {
    const merch = (await t.server.services.storage.tokens.create("merchandiser", null, T0, { group: "north" })).token;
    const made = await t.request("POST", "/api/v1/experiments", experiment(["lyon"]), merch);
    expect(made.status).toBe(403);
    expect(made.body.message).toBe('this token is limited to the stores of group "north" (body/testStores/0 is "lyon")');
    const lyon = await t.request("POST", "/api/v1/experiments", experiment(["lyon"]));
    expect(lyon.status, lyon.text).toBe(200);
    const read = await t.request("GET", `/api/v1/experiments/${lyon.body.id}`, undefined, merch);
    expect(read.status).toBe(403);
    expect(read.body.message).toBe('this token is limited to the stores of group "north"; the experiment covers lyon');
  });
});

describe("digests of a limited admin", () => {
  const digest = (scope: "store" | "group", target: string) => ({ scope, target, frequency: "daily", recipients: ["area@example.com"] });

  it("an admin limited to a group schedules a digest of its group and of one of its stores, not of another store", async () => {
    expect((await t.request("POST", "/api/v1/digests", digest("group", "north"), groupAdmin)).status).toBe(200);
    const store = await t.request("POST", "/api/v1/digests", digest("store", "paris"), groupAdmin);
    expect(store.status, store.text).toBe(200);
    expect((await t.request("POST", "/api/v1/digests", digest("store", "lyon"), groupAdmin)).status).toBe(403);
    const listed = (await t.request<{ digests: { target: string }[] }>("GET", "/api/v1/digests", undefined, groupAdmin)).body.digests.map((d) => d.target);
    expect(listed.sort()).toEqual(["north", "paris"]);
    expect((await t.request("DELETE", `/api/v1/digests/${store.body.id}`, undefined, groupAdmin)).status).toBe(200);
  });
});

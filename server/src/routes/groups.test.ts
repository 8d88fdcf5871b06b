import { io, type Socket } from "socket.io-client";
import { beforeAll, describe, expect, it } from "vitest";
import { smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";

const T0 = Date.UTC(2026, 10, 20, 15, 0, 0);
let north: string;
const t = useTestServer({ now: () => T0 });
beforeAll(async () => {
  for (const s of ["lyon", "lille", "paris"]) await t.putLayout(s, smallLayout({ name: s }));
  expect((await api("POST", "/groups", t.admin, { id: "north", name: "North", kind: "region", stores: ["lille", "paris"] })).status).toBe(200);
  north = (await t.server.services.storage.tokens.create("viewer", null, T0, { group: "north" })).token;
});

const api = (method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE", url: string, token: string | null, payload?: object) =>
  t.server.app
    .inject({ method, url: `/api/v1${url}`, headers: token ? { authorization: `Bearer ${token}` } : {}, ...(payload ? { payload } : {}) })
    .then((r) => ({ status: r.statusCode, body: r.json(), text: r.body }));

describe("store groups API", () => {
  it("an admin creates a group with stores, renames it, changes its stores and deletes it", async () => {
    const made = await api("POST", "/groups", t.admin, { id: "malls", name: "Malls", stores: ["lyon"] });
    expect(made).toMatchObject({ status: 200, body: { id: "malls", name: "Malls", kind: null, stores: ["lyon"] } });
    expect((await api("POST", "/groups", t.admin, { id: "malls", name: "Again" })).body.message).toMatch(/body\/id: a store group "malls" exists already/);
    expect((await api("PATCH", "/groups/malls", t.admin, { name: "Shopping malls", kind: "format", stores: ["lyon", "paris"] })).body).toEqual({
      id: "malls",
      name: "Shopping malls",
      kind: "format",
      stores: ["lyon", "paris"],
    });
    expect((await api("GET", "/stores/paris/groups", t.admin)).body).toEqual({ store: "paris", groups: ["malls", "north"] });
    expect((await api("DELETE", "/groups/malls", t.admin)).status).toBe(200);
    expect((await api("GET", "/groups/malls", t.admin)).status).toBe(404);
    expect((await api("GET", "/stores/paris/groups", t.admin)).body.groups).toEqual(["north"]);
    const actions = ((await api("GET", "/audit", t.admin)).body.entries as { action: string; target: string }[]).filter((e) => e.target === "malls").map((e) => e.action);
    expect(actions.sort()).toEqual(["group.create", "group.delete", "group.update"]);
  });

  it("sets a store's groups, refusing unknown groups and unknown stores with what to do", async () => {
    await api("POST", "/groups", t.admin, { id: "city", name: "City" });
    expect((await api("PUT", "/stores/lyon/groups", t.admin, { groups: ["city"] })).body).toEqual({ store: "lyon", groups: ["city"] });
    const bad = await api("PUT", "/stores/lyon/groups", t.admin, { groups: ["city", "nowhere"] });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/no store group "nowhere"/);
    expect((await api("PUT", "/stores/ghost/groups", t.admin, { groups: ["city"] })).status).toBe(404);
    expect((await api("POST", "/groups", t.admin, { id: "x", name: "X", stores: ["ghost"] })).body.message).toMatch(/body\/stores: no store "ghost"/);
    expect((await api("POST", "/groups", t.admin, { id: "Bad Id", name: "X" })).status).toBe(400);
    await api("DELETE", "/groups/city", t.admin);
  });

  it.each(["viewer", "staff", "merchandiser"] as const)("a %s lists groups but may not change them", async (role) => {
    const tok = await t.token(role);
    expect((await api("GET", "/groups", tok)).body.groups).toEqual([{ id: "north", name: "North", kind: "region", stores: ["lille", "paris"] }]);
    expect((await api("POST", "/groups", tok, { id: "mine", name: "Mine" })).status).toBe(403);
    expect((await api("PATCH", "/groups/north", tok, { name: "Mine" })).status).toBe(403);
    expect((await api("DELETE", "/groups/north", tok)).status).toBe(403);
    expect((await api("PUT", "/stores/lyon/groups", tok, { groups: [] })).status).toBe(403);
  });

  it("an admin limited to one store may not change groups, and sees only its store in them", async () => {
    const tok = await t.token("admin", "paris");
    expect((await api("POST", "/groups", tok, { id: "mine", name: "Mine" })).body.message).toMatch(/limited to store "paris": only an admin of every store/);
    expect((await api("GET", "/groups", tok)).body.groups).toEqual([{ id: "north", name: "North", kind: "region", stores: ["paris"] }]);
  });

  it("without a token: 401", async () => {
    expect((await api("GET", "/groups", null)).status).toBe(401);
  });
});

describe("a token limited to a group", () => {
  it("lists only its group's stores and groups", async () => {
    expect((await api("GET", "/stores", north)).body.stores.map((s: { id: string }) => s.id)).toEqual(["lille", "paris"]);
    expect((await api("GET", "/groups", north)).body.groups.map((g: { id: string }) => g.id)).toEqual(["north"]);
    expect((await api("GET", "/me", north)).body).toEqual({ role: "viewer", store: null, group: "north" });
  });

  it("reads its stores' figures and is refused another store's, naming its group", async () => {
    expect((await api("GET", "/stores/paris/dwell", north)).status).toBe(200);
    const other = await api("GET", "/stores/lyon/dwell", north);
    expect(other.status).toBe(403);
    expect(other.body.message).toBe('this token is limited to the stores of group "north"');
    expect((await api("GET", "/stores/lyon/layout", north)).status).toBe(403);
  });

  it("follows the group's members at once: a store added is seen, a store taken out is refused", async () => {
    await api("PATCH", "/groups/north", t.admin, { stores: ["lille", "lyon"] });
    expect((await api("GET", "/stores/lyon/dwell", north)).status).toBe(200);
    expect((await api("GET", "/stores/paris/dwell", north)).status).toBe(403);
    await api("PATCH", "/groups/north", t.admin, { stores: ["lille", "paris"] });
  });

  it("is refused another group as a whole", async () => {
    await api("POST", "/groups", t.admin, { id: "south", name: "South", stores: ["lyon"] });
    expect((await api("GET", "/groups/south", north)).status).toBe(403);
    expect((await api("GET", "/groups/north", north)).status).toBe(200);
    await api("DELETE", "/groups/south", t.admin);
  });

  it("an admin creates one with POST /tokens {group}; an unknown group is refused", async () => {
    const made = await api("POST", "/tokens", t.admin, { role: "staff", group: "north", label: "area manager" });
    expect(made.body).toMatchObject({ role: "staff", store: null, group: "north" });
    expect((await api("POST", "/tokens", t.admin, { role: "staff", group: "nope" })).body.message).toMatch(/body\/group: no store group "nope"/);
    expect((await api("POST", "/tokens", t.admin, { role: "staff", group: "north", store: "lyon" })).status).toBe(400);
  });

  it("an admin limited to a group creates tokens only for its group or its stores, and lists only those", async () => {
    const groupAdmin = (await t.server.services.storage.tokens.create("admin", null, T0, { group: "north" })).token;
    expect((await api("POST", "/tokens", groupAdmin, { role: "viewer" })).body).toMatchObject({ store: null, group: "north" });
    expect((await api("POST", "/tokens", groupAdmin, { role: "viewer", store: "paris" })).body).toMatchObject({ store: "paris", group: null });
    expect((await api("POST", "/tokens", groupAdmin, { role: "viewer", store: "lyon" })).status).toBe(403);
    const listed = (await api("GET", "/tokens", groupAdmin)).body.tokens as { store: string | null; group: string | null }[];
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.every((x) => x.group === "north" || x.store === "lille" || x.store === "paris")).toBe(true);
  });

  it("joins only its group's stores over Socket.IO", async () => {
    const staff = (await t.server.services.storage.tokens.create("staff", null, T0, { group: "north" })).token;
    const socket: Socket = io(t.server.httpUrl, { auth: { token: staff }, transports: ["websocket"], reconnection: false, forceNew: true });
    try {
      const join = (store: string) => new Promise<{ ok: boolean; error?: string }>((resolve) => socket.emit("join", store, resolve));
      expect(await join("paris")).toEqual({ ok: true });
      expect(await join("lyon")).toEqual({ ok: false, error: 'this token is limited to the stores of group "north"' });
    } finally {
      socket.close();
    }
  });
});

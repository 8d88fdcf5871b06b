import { io, type Socket } from "socket.io-client";
import { beforeAll, describe, expect, it } from "vitest";
import { smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";

const T0 = Date.UTC(2026, 10, 20, 15, 0, 0);
let north: string;
const t = useTestServer({ now: () => T0 });
beforeAll(async () => {
  for (const s of ["lyon", "lille", "paris"]) await t.putLayout(s, smallLayout({ name: s }));
  expect((await t.request("POST", "/api/v1/groups", { id: "north", name: "North", kind: "region", stores: ["lille", "paris"] })).status).toBe(200);
  north = (await t.server.services.storage.tokens.create("viewer", null, T0, { group: "north" })).token;
});

describe("store groups API", () => {
  it("an admin creates a group with stores, renames it, changes its stores and deletes it", async () => {
    const made = await t.request("POST", "/api/v1/groups", { id: "malls", name: "Malls", stores: ["lyon"] });
    expect(made).toMatchObject({ status: 200, body: { id: "malls", name: "Malls", kind: null, stores: ["lyon"] } });
    expect((await t.request("POST", "/api/v1/groups", { id: "malls", name: "Again" })).body.message).toMatch(/body\/id: a store group "malls" exists already/);
    expect((await t.request("PATCH", "/api/v1/groups/malls", { name: "Shopping malls", kind: "format", stores: ["lyon", "paris"] })).body).toEqual({
      id: "malls",
      name: "Shopping malls",
      kind: "format",
      stores: ["lyon", "paris"],
    });
    expect((await t.request("GET", "/api/v1/stores/paris/groups")).body).toEqual({ store: "paris", groups: ["malls", "north"] });
    expect((await t.request("DELETE", "/api/v1/groups/malls")).status).toBe(200);
    expect((await t.request("GET", "/api/v1/groups/malls")).status).toBe(404);
    expect((await t.request("GET", "/api/v1/stores/paris/groups")).body.groups).toEqual(["north"]);
    const actions = ((await t.request("GET", "/api/v1/audit")).body.entries as { action: string; target: string }[]).filter((e) => e.target === "malls").map((e) => e.action);
    expect(actions.sort()).toEqual(["group.create", "group.delete", "group.update"]);
  });

  it("refuses a name of spaces only and keeps a name without the spaces around it", async () => {
    for (const [method, url, body] of [
      ["POST", "/api/v1/groups", { id: "blank", name: "   " }],
      ["PATCH", "/api/v1/groups/north", { name: " \u00a0 " }],
    ] as const) {
      const r = await t.request(method, url, body);
      expect(r.status).toBe(400);
      expect(r.body.message).toBe('body/name: the name is blank: give the group a name people will read in the Chain view and the digests (e.g. "North")');
    }
    expect((await t.request("GET", "/api/v1/groups/blank")).status).toBe(404);
    expect((await t.request("GET", "/api/v1/groups/north")).body.name).toBe("North");
    expect((await t.request("POST", "/api/v1/groups", { id: "south", name: "  South " })).body.name).toBe("South");
    // (A line break or a tab, even at an end, is a control character, refused in any name: control-names.test.ts.)
    expect((await t.request("PATCH", "/api/v1/groups/south", { name: " South-west\u00a0" })).body.name).toBe("South-west");
    expect((await t.request("GET", "/api/v1/overview?group=south")).body.totals.name).toBe("South-west");
    expect((await t.request("DELETE", "/api/v1/groups/south")).status).toBe(200);
  });

  it("sets a store's groups, refusing unknown groups and unknown stores with what to do", async () => {
    await t.request("POST", "/api/v1/groups", { id: "city", name: "City" });
    expect((await t.request("PUT", "/api/v1/stores/lyon/groups", { groups: ["city"] })).body).toEqual({ store: "lyon", groups: ["city"] });
    const bad = await t.request("PUT", "/api/v1/stores/lyon/groups", { groups: ["city", "nowhere"] });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/no store group "nowhere"/);
    expect((await t.request("PUT", "/api/v1/stores/ghost/groups", { groups: ["city"] })).status).toBe(404);
    expect((await t.request("POST", "/api/v1/groups", { id: "x", name: "X", stores: ["ghost"] })).body.message).toMatch(/body\/stores: no store "ghost"/);
    expect((await t.request("POST", "/api/v1/groups", { id: "Bad Id", name: "X" })).status).toBe(400);
    await t.request("DELETE", "/api/v1/groups/city");
  });

  it.each(["viewer", "staff", "merchandiser"] as const)("a %s lists groups but may not change them", async (role) => {
    const tok = await t.token(role);
    expect((await t.request("GET", "/api/v1/groups", undefined, tok)).body.groups).toEqual([{ id: "north", name: "North", kind: "region", stores: ["lille", "paris"] }]);
    expect((await t.request("POST", "/api/v1/groups", { id: "mine", name: "Mine" }, tok)).status).toBe(403);
    expect((await t.request("PATCH", "/api/v1/groups/north", { name: "Mine" }, tok)).status).toBe(403);
    expect((await t.request("DELETE", "/api/v1/groups/north", undefined, tok)).status).toBe(403);
    expect((await t.request("PUT", "/api/v1/stores/lyon/groups", { groups: [] }, tok)).status).toBe(403);
  });

  it("an admin limited to one store may not change groups, and sees only its store in them", async () => {
    const tok = await t.token("admin", "paris");
    expect((await t.request("POST", "/api/v1/groups", { id: "mine", name: "Mine" }, tok)).body.message).toMatch(/limited to store "paris": only an admin of every store/);
    expect((await t.request("GET", "/api/v1/groups", undefined, tok)).body.groups).toEqual([{ id: "north", name: "North", kind: "region", stores: ["paris"] }]);
  });

  it("without a token: 401", async () => {
    expect((await t.request("GET", "/api/v1/groups", undefined, null)).status).toBe(401);
  });
});

describe("a token limited to a group", () => {
  it("lists only its group's stores and groups", async () => {
    expect((await t.request("GET", "/api/v1/stores", undefined, north)).body.stores.map((s: { id: string }) => s.id)).toEqual(["lille", "paris"]);
    expect((await t.request("GET", "/api/v1/groups", undefined, north)).body.groups.map((g: { id: string }) => g.id)).toEqual(["north"]);
    expect((await t.request("GET", "/api/v1/me", undefined, north)).body).toEqual({ role: "viewer", store: null, group: "north" });
  });

  it("reads its stores' figures and is refused another store's, naming its group", async () => {
    expect((await t.request("GET", "/api/v1/stores/paris/dwell", undefined, north)).status).toBe(200);
    const other = await t.request("GET", "/api/v1/stores/lyon/dwell", undefined, north);
    expect(other.status).toBe(403);
    expect(other.body.message).toBe('this token is limited to the stores of group "north"');
    expect((await t.request("GET", "/api/v1/stores/lyon/layout", undefined, north)).status).toBe(403);
  });

  it("follows the group's members at once: a store added is seen, a store taken out is refused", async () => {
    await t.request("PATCH", "/api/v1/groups/north", { stores: ["lille", "lyon"] });
    expect((await t.request("GET", "/api/v1/stores/lyon/dwell", undefined, north)).status).toBe(200);
    expect((await t.request("GET", "/api/v1/stores/paris/dwell", undefined, north)).status).toBe(403);
    await t.request("PATCH", "/api/v1/groups/north", { stores: ["lille", "paris"] });
  });

  it("is refused another group as a whole", async () => {
    await t.request("POST", "/api/v1/groups", { id: "south", name: "South", stores: ["lyon"] });
    expect((await t.request("GET", "/api/v1/groups/south", undefined, north)).status).toBe(403);
    expect((await t.request("GET", "/api/v1/groups/north", undefined, north)).status).toBe(200);
    await t.request("DELETE", "/api/v1/groups/south");
  });

  it("an admin creates one with POST /tokens {group}; an unknown group is refused", async () => {
    const made = await t.request("POST", "/api/v1/tokens", { role: "staff", group: "north", label: "area manager" });
    expect(made.body).toMatchObject({ role: "staff", store: null, group: "north" });
    expect((await t.request("POST", "/api/v1/tokens", { role: "staff", group: "nope" })).body.message).toMatch(/body\/group: no store group "nope"/);
    expect((await t.request("POST", "/api/v1/tokens", { role: "staff", group: "north", store: "lyon" })).status).toBe(400);
  });

  it("an admin limited to a group creates tokens only for its group or its stores, and lists only those", async () => {
    const groupAdmin = (await t.server.services.storage.tokens.create("admin", null, T0, { group: "north" })).token;
    expect((await t.request("POST", "/api/v1/tokens", { role: "viewer" }, groupAdmin)).body).toMatchObject({ store: null, group: "north" });
    expect((await t.request("POST", "/api/v1/tokens", { role: "viewer", store: "paris" }, groupAdmin)).body).toMatchObject({ store: "paris", group: null });
    expect((await t.request("POST", "/api/v1/tokens", { role: "viewer", store: "lyon" }, groupAdmin)).status).toBe(403);
    const listed = (await t.request("GET", "/api/v1/tokens", undefined, groupAdmin)).body.tokens as { store: string | null; group: string | null }[];
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

import Database from "better-sqlite3";
import { join } from "node:path";
import { io, type Socket } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import { useTestServer } from "../../../test/support/in-process.js";
import { waitFor } from "../../../test/support/wait.js";

const T0 = Date.UTC(2026, 10, 20, 15, 0, 0);
let clock = T0;
const t = useTestServer({ now: () => clock, stores: ["shop", "other"] });
afterEach(() => {
  clock = T0;
});

describe("POST /api/v1/tokens", () => {
  it("creates a token that works at once, and shows it only in this answer", async () => {
    const res = await t.request("POST", "/api/v1/tokens", { role: "viewer", store: "shop", label: "Anna's laptop" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      token: expect.stringMatching(/^ff_/),
      id: expect.stringMatching(/^[0-9a-f]{12}$/),
      role: "viewer",
      store: "shop",
      group: null,
      label: "Anna's laptop",
      createdAt: T0,
      expiresAt: null,
      revokedAt: null,
      lastUsedAt: null,
      state: "active",
    });
    expect((await t.request("GET", "/api/v1/me", undefined, res.body.token)).body).toEqual({ role: "viewer", store: "shop" });
    expect((await t.request("GET", "/api/v1/tokens")).text).not.toContain(res.body.token);
  });

  it.each([
    ["90d", 90 * 86_400_000],
    ["12h", 12 * 3_600_000],
    ["2w", 14 * 86_400_000],
    ["30m", 30 * 60_000],
    ["2027-01-31", Date.UTC(2027, 0, 31) - T0],
  ])("sets the expiry from %s", async (expires, after) => {
    const res = await t.request("POST", "/api/v1/tokens", { role: "staff", expires });
    expect(res.body.expiresAt).toBe(T0 + after);
  });

  it.each([
    ["a word", "soon", /body\/expires "soon" is neither a duration/],
    ["a past date", "2020-01-01", /body\/expires "2020-01-01" is in the past/],
    ["a date that does not exist", "2027-02-30", /not a date in the calendar/],
    ["zero days", "0d", /no time at all/],
  ])("answers 400 naming body/expires for %s", async (_what, expires, message) => {
    const res = await t.request("POST", "/api/v1/tokens", { role: "viewer", expires });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
  });

  it("answers 400 naming body/role for an unknown role", async () => {
    const res = await t.request("POST", "/api/v1/tokens", { role: "root" });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/body\/role/);
  });

  it("says which role a store manager gets when asked for role manager, as the CLI does, and what it says works", async () => {
    const before = (await t.request("GET", "/api/v1/tokens")).body.tokens.length;
    const res = await t.request("POST", "/api/v1/tokens", { role: "manager", store: "shop" });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(
      'body/role: no role "manager": the roles are "viewer", "staff", "merchandiser", "admin". ' +
        'A store manager gets "role": "admin", "store": <store> (its live view, reports, setup and tokens); ' +
        'floor staff "role": "staff", "store": <store> (live occupancy, acknowledging alerts); ' +
        'a merchandiser "role": "merchandiser", "store": <store> (reports, layouts, departments, experiments); ' +
        'an area manager "role": "viewer", "group": <group> (the reports of the group\'s stores; "role": "admin", "group": <group> to run them too)',
    );
    expect((await t.request("GET", "/api/v1/tokens")).body.tokens).toHaveLength(before); // none made
    const made = await t.request("POST", "/api/v1/tokens", { role: "admin", store: "shop" });
    expect([made.status, made.body.role, made.body.store]).toEqual([200, "admin", "shop"]);
  });

  it.each([
    ["Viewer", "viewer"],
    ["ADMIN", "admin"],
    [" staff ", "staff"],
  ])("names the role meant by %j: roles are in lower case", async (role, meant) => {
    const res = await t.request("POST", "/api/v1/tokens", { role });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(`body/role: no role ${JSON.stringify(role)}: the roles are "viewer", "staff", "merchandiser", "admin", in lower case: "role": "${meant}"`);
  });

  it("shows a long unknown role cut short, and leaves other flaws of the body to the schema", async () => {
    const long = await t.request("POST", "/api/v1/tokens", { role: "x".repeat(5000) });
    expect(long.status).toBe(400);
    expect(long.body.message).toMatch(/^body\/role: no role "x{40}…": the roles are/);
    const notText = await t.request("POST", "/api/v1/tokens", { role: 7 });
    expect([notText.status, notText.body.message]).toEqual([400, 'body/role must be one of "viewer", "staff", "merchandiser", "admin"']);
  });

  it("refuses a token that may not make tokens before any advice on roles", async () => {
    const res = await t.request("POST", "/api/v1/tokens", { role: "manager" }, await t.token("viewer"));
    expect(res.status).toBe(403);
  });

  it("lets an admin limited to a store create tokens for that store only", async () => {
    const shopAdmin = (await t.token("admin", "shop"));
    expect((await t.request("POST", "/api/v1/tokens", { role: "staff" }, shopAdmin)).body.store).toBe("shop");
    const other = await t.request("POST", "/api/v1/tokens", { role: "admin", store: "other" }, shopAdmin);
    expect(other.status).toBe(403);
    expect(other.body.message).toContain('limited to store "shop"');
  });
});

describe("GET /api/v1/tokens", () => {
  it("lists ids, roles, stores, times and states, never a token or its hash", async () => {
    const made = await t.request("POST", "/api/v1/tokens", { role: "merchandiser", label: "listed" });
    const list = await t.request("GET", "/api/v1/tokens");
    expect(list.status).toBe(200);
    const mine = list.body.tokens.find((x: { id: string }) => x.id === made.body.id);
    expect(mine).toEqual({ ...made.body, token: undefined, state: "active" });
    expect(Object.keys(mine).sort()).toEqual(["createdAt", "expiresAt", "group", "id", "label", "lastUsedAt", "revokedAt", "role", "state", "store"]);
    expect(list.text).not.toMatch(/ff_/);
  });

  it("shows an admin limited to a store only that store's tokens", async () => {
    (await t.token("viewer", "other"));
    const list = await t.request("GET", "/api/v1/tokens", undefined, (await t.token("admin", "shop")));
    expect(list.body.tokens.length).toBeGreaterThan(0);
    expect(list.body.tokens.every((x: { store: string | null }) => x.store === "shop")).toBe(true);
  });

  it("notes when a token was last used", async () => {
    const made = await t.request("POST", "/api/v1/tokens", { role: "viewer" });
    clock = T0 + 5000;
    await t.request("GET", "/api/v1/me", undefined, made.body.token);
    const listed = (await t.request("GET", "/api/v1/tokens")).body.tokens.find((x: { id: string }) => x.id === made.body.id);
    expect(listed.lastUsedAt).toBe(T0 + 5000);
  });
});

describe("revocation and expiry", () => {
  it("refuses a token at once after DELETE /api/v1/tokens/:id, saying it was revoked", async () => {
    const made = await t.request("POST", "/api/v1/tokens", { role: "viewer" });
    expect((await t.request("GET", "/api/v1/me", undefined, made.body.token)).status).toBe(200);
    const del = await t.request("DELETE", `/api/v1/tokens/${made.body.id}`);
    expect(del.status).toBe(200);
    expect(del.body).toMatchObject({ id: made.body.id, revokedAt: T0, state: "revoked" });
    const after = await t.request("GET", "/api/v1/me", undefined, made.body.token);
    expect(after.status).toBe(401);
    expect(after.body.message).toMatch(/this token was revoked on 2026-11-20T15:00:00.000Z/);
  });

  it("answers 404 for a token that does not exist or belongs to another store's scope", async () => {
    expect((await t.request("DELETE", "/api/v1/tokens/0123456789ab")).status).toBe(404);
    const otherStore = await t.request("POST", "/api/v1/tokens", { role: "viewer", store: "other" });
    expect((await t.request("DELETE", `/api/v1/tokens/${otherStore.body.id}`, undefined, (await t.token("admin", "shop")))).status).toBe(404);
    expect((await t.request("GET", "/api/v1/me", undefined, otherStore.body.token)).status).toBe(200);
  });

  it("answers 400 naming params/id for an id that is not one", async () => {
    const res = await t.request("DELETE", "/api/v1/tokens/ff_x");
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/params\/id/);
  });

  it("refuses a token from the moment it expires, saying so", async () => {
    const made = await t.request("POST", "/api/v1/tokens", { role: "viewer", expires: "12h" });
    clock = T0 + 12 * 3_600_000 - 1;
    expect((await t.request("GET", "/api/v1/me", undefined, made.body.token)).status).toBe(200);
    clock = T0 + 12 * 3_600_000;
    const res = await t.request("GET", "/api/v1/me", undefined, made.body.token);
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(/this token was expired on 2026-11-21T03:00:00.000Z/);
    expect((await t.request("GET", "/api/v1/tokens")).body.tokens.find((x: { id: string }) => x.id === made.body.id).state).toBe("expired");
  });
});

describe("live push (Socket.IO) and tokens", () => {
  const sockets: Socket[] = [];
  afterEach(() => sockets.splice(0).forEach((s) => s.close()));
  const connect = (token: string) => {
    const s = io(t.server.httpUrl, { transports: ["websocket"], auth: { token }, reconnection: false, forceNew: true });
    sockets.push(s);
    return new Promise<Socket>((resolve, reject) => {
      s.once("connect", () => resolve(s));
      s.once("connect_error", reject);
    });
  };
  const closed = (s: Socket) => new Promise<string>((resolve) => s.once("disconnect", (reason) => resolve(reason)));

  it("refuses a merchandiser and a viewer (live occupancy is staff's), admits staff", async () => {
    await expect(connect((await t.token("merchandiser")))).rejects.toThrow(/forbidden: role "merchandiser"/);
    await expect(connect((await t.token("viewer")))).rejects.toThrow(/forbidden: role "viewer"/);
    expect((await connect((await t.token("staff", "shop")))).connected).toBe(true);
  });

  it("disconnects a token's sockets at once when it is revoked through the API, and refuses it afterwards", async () => {
    const made = await t.request("POST", "/api/v1/tokens", { role: "staff", store: "shop" });
    const a = await connect(made.body.token);
    const b = await connect(made.body.token);
    const bystander = await connect((await t.token("staff", "shop")));
    const said = new Promise((resolve) => a.once("signed_out", resolve));
    const gone = Promise.all([closed(a), closed(b)]);
    await t.request("DELETE", `/api/v1/tokens/${made.body.id}`);
    expect(await gone).toEqual(["io server disconnect", "io server disconnect"]);
    expect(await said).toEqual({ reason: "this token was revoked" });
    expect(bystander.connected).toBe(true);
    await expect(connect(made.body.token)).rejects.toThrow(/unauthorized: this token was revoked/);
  });

  it("disconnects within a second when another process (the CLI) revokes the token", async () => {
    const made = await t.request("POST", "/api/v1/tokens", { role: "staff" });
    const s = await connect(made.body.token);
    const gone = closed(s);
    const cli = new Database(join(t.dataDir, "footfall.db"));
    cli.prepare("UPDATE tokens SET revoked_at = ? WHERE id = ?").run(T0, made.body.id);
    cli.close();
    expect(await gone).toBe("io server disconnect");
  });

  it("disconnects a token's sockets once it expires", async () => {
    const made = await t.request("POST", "/api/v1/tokens", { role: "staff", expires: "30m" });
    const s = await connect(made.body.token);
    const gone = closed(s);
    clock = T0 + 30 * 60_000;
    expect(await gone).toBe("io server disconnect");
    await waitFor("the expired token refused", async () => connect(made.body.token).then(() => false, (err: Error) => /expired/.test(err.message)));
  });
});

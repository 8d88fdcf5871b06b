/**
 * The admin actions of issue 15: the audit log (every admin action written, readable by admins
 * only, paged and filtered; the other helpers' admin routes too), the role a merchandiser holds, and agents added, rotated and revoked
 * from the API (the embedded broker; admin-actions.integration.test.ts: an external Mosquitto).
 */
import { describe, expect, it } from "vitest";
import { smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 20, 15, 0, 0);
let clock = T0;

const t = useTestServer({ now: () => clock, stores: ["shop", "other"] });

const experiment = (store: string) => ({
  name: "Fruit by the door",
  testStores: [store],
  changeAt: T0 - 7 * DAY,
  before: { from: T0 - 14 * DAY, to: T0 - 7 * DAY },
  after: { from: T0 - 7 * DAY, to: T0 },
  zones: ["fruit"],
});

describe("roles", () => {
  it("a merchandiser saves a layout and creates an experiment, and may not create a token, touch agents or read the audit log", async () => {
    const merch = await t.token("merchandiser");
    expect((await t.request("PUT", "/api/v1/stores/shop/layout", smallLayout({ name: "Shop, new fruit" }), merch)).status).toBe(200);
    expect((await t.request("POST", "/api/v1/experiments", experiment("shop"), merch)).status).toBe(200);
    const token = await t.request("POST", "/api/v1/tokens", { role: "viewer" }, merch);
    expect(token.status).toBe(403);
    expect(token.body.message).toMatch(/role "merchandiser" may not do this/);
    expect((await t.request("POST", "/api/v1/stores/shop/agents", { agent: "door-7", kind: "door" }, merch)).status).toBe(403);
    expect((await t.request("GET", "/api/v1/audit", undefined, merch)).status).toBe(403);
  });

  it.each(["viewer", "staff", "merchandiser"] as const)("a %s may not read the audit log", async (role) => {
    const res = await t.request("GET", "/api/v1/audit", undefined, await t.token(role));
    expect(res.status).toBe(403);
  });

  it("without a token the audit log is 401", async () => {
    expect((await t.request("GET", "/api/v1/audit", undefined, null)).status).toBe(401);
  });
});

describe("GET /api/v1/audit", () => {
  it("holds every admin action: who (token id, role, label), what, on what, when; never a secret", async () => {
    clock = T0 + 1000;
    const ops = await t.request("POST", "/api/v1/tokens", { role: "admin", label: "ops desk" });
    const opsToken = ops.body.token as string;
    clock = T0 + 2000;
    const made = await t.request("POST", "/api/v1/tokens", { role: "viewer", store: "shop", label: "kiosk", expires: "30d" }, opsToken);
    expect(made.status).toBe(200);
    clock = T0 + 3000;
    expect((await t.request("DELETE", `/api/v1/tokens/${made.body.id}`, undefined, opsToken)).status).toBe(200);
    clock = T0 + 4000;
    expect((await t.request("PUT", "/api/v1/stores/other/layout", smallLayout({ name: "Other" }), opsToken)).status).toBe(200);
    clock = T0 + 5000;
    expect((await t.request("PUT", "/api/v1/stores/shop/departments", { departments: { Fresh: ["fruit", "bakery"] } }, opsToken)).status).toBe(200);

    const res = await t.request("GET", `/api/v1/audit?actor=${ops.body.id}`);
    expect(res.status).toBe(200);
    const actor = { tokenId: ops.body.id, role: "admin", label: "ops desk" };
    expect(res.body.entries).toEqual([
      { id: expect.any(Number), ts: T0 + 5000, actor, action: "departments.replace", target: "shop", store: "shop", details: { departments: ["Fresh"] } },
      { id: expect.any(Number), ts: T0 + 4000, actor, action: "layout.save", target: "other", store: "other", details: { version: 2, validFrom: 0, zones: 4 } },
      { id: expect.any(Number), ts: T0 + 3000, actor, action: "token.revoke", target: made.body.id, store: "shop", details: { role: "viewer", label: "kiosk" } },
      {
        id: expect.any(Number),
        ts: T0 + 2000,
        actor,
        action: "token.create",
        target: made.body.id,
        store: "shop",
        details: expect.objectContaining({ id: made.body.id, role: "viewer", store: "shop", label: "kiosk", expiresAt: T0 + 2000 + 30 * DAY }),
      },
    ]);
    expect(res.body.next).toBeNull();
    expect(JSON.stringify(res.body)).not.toContain(made.body.token);
    expect(JSON.stringify(res.body)).not.toContain(opsToken);
    // The merchandiser's layout and experiment of the first test are there too, with its role.
    const merch = await t.request("GET", "/api/v1/audit?action=experiment.");
    expect(merch.body.entries[0]).toMatchObject({ action: "experiment.create", actor: { role: "merchandiser" }, store: "shop", details: { name: "Fruit by the door", testStores: ["shop"] } });
  });

  it("pages newest first with `next`, filters by time, action prefix and store; a store-limited admin sees its store only", async () => {
    const all = (await t.request("GET", "/api/v1/audit?limit=500")).body.entries as { id: number; store: string | null }[];
    expect(all.length).toBeGreaterThan(5);
    const first = await t.request("GET", "/api/v1/audit?limit=2");
    expect(first.body.entries.map((e: { id: number }) => e.id)).toEqual(all.slice(0, 2).map((e) => e.id));
    const second = await t.request("GET", `/api/v1/audit?limit=2&before=${first.body.next}`);
    expect(second.body.entries.map((e: { id: number }) => e.id)).toEqual(all.slice(2, 4).map((e) => e.id));
    const tokens = await t.request("GET", "/api/v1/audit?action=token.");
    expect(new Set(tokens.body.entries.map((e: { action: string }) => e.action))).toEqual(new Set(["token.create", "token.revoke"]));
    const window = await t.request("GET", `/api/v1/audit?from=${T0 + 3000}&to=${T0 + 4001}`);
    expect(window.body.entries.map((e: { action: string }) => e.action)).toEqual(["layout.save", "token.revoke"]);
    expect((await t.request("GET", "/api/v1/audit?from=yesterday")).status).toBe(400);
    const shopAdmin = await t.token("admin", "shop");
    const mine = await t.request("GET", "/api/v1/audit?limit=500", undefined, shopAdmin);
    expect(mine.body.entries.length).toBe(all.filter((e) => e.store === "shop").length);
    expect((await t.request("GET", "/api/v1/audit?store=other", undefined, shopAdmin)).status).toBe(403);
  });
});

describe("agents from the API (embedded broker)", () => {
  it("add shows the password once and it logs in; add again is refused; rotate replaces it; revoke locks it out; rotate lets it in again", async () => {
    const added = await t.request("POST", "/api/v1/stores/shop/agents", { agent: "door-2", kind: "door" });
    expect(added.status).toBe(200);
    expect(added.body).toEqual({
      agent: "door-2",
      store: "shop",
      username: "shop.door-2",
      password: expect.any(String),
      broker: { broker: "embedded", message: expect.stringMatching(/nothing to do/), command: null },
    });
    const { storage } = t.server.services;
    expect(await storage.agents.authenticate("shop.door-2", added.body.password)).toMatchObject({ agent: "door-2" });
    expect((await t.request("POST", "/api/v1/stores/shop/agents", { agent: "door-2", kind: "door" })).status).toBe(409);
    expect((await t.request("POST", "/api/v1/stores/shop/agents", { agent: "bad id!", kind: "door" })).status).toBe(400);
    expect((await t.request("POST", "/api/v1/stores/shop/agents", { agent: "x", kind: "toaster" })).status).toBe(400);

    const rotated = await t.request("POST", "/api/v1/stores/shop/agents/door-2/rotate");
    expect(rotated.status).toBe(200);
    expect(rotated.body.password).not.toBe(added.body.password);
    expect(await storage.agents.authenticate("shop.door-2", added.body.password)).toBeUndefined();
    expect(await storage.agents.authenticate("shop.door-2", rotated.body.password)).toMatchObject({ agent: "door-2" });

    const revoked = await t.request("DELETE", "/api/v1/stores/shop/agents/door-2");
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ agent: "door-2", store: "shop", revokedAt: clock });
    expect(await storage.agents.authenticate("shop.door-2", rotated.body.password)).toBeUndefined();
    const listed = await t.request("GET", "/api/v1/stores/shop/agents");
    expect(listed.body.agents.find((a: { agent: string }) => a.agent === "door-2")).toMatchObject({ revokedAt: clock });
    expect((await t.request("POST", "/api/v1/stores/shop/agents", { agent: "door-2", kind: "door" })).status).toBe(409);
    const back = await t.request("POST", "/api/v1/stores/shop/agents/door-2/rotate");
    expect(await storage.agents.authenticate("shop.door-2", back.body.password)).toMatchObject({ agent: "door-2" });

    expect((await t.request("DELETE", "/api/v1/stores/shop/agents/nobody")).status).toBe(404);
    expect((await t.request("POST", "/api/v1/stores/shop/agents/nobody/rotate")).status).toBe(404);
    const otherAdmin = await t.token("admin", "other");
    expect((await t.request("DELETE", "/api/v1/stores/shop/agents/door-2", undefined, otherAdmin)).status).toBe(403);
    const log = await t.request("GET", "/api/v1/audit?target=shop/door-2");
    expect(log.body.entries.map((e: { action: string }) => e.action)).toEqual(["agent.rotate", "agent.revoke", "agent.rotate", "agent.add"]);
    expect(log.body.entries[0].details).toEqual({ wasRevoked: true, broker: "embedded" });
    expect(JSON.stringify(log.body)).not.toContain(back.body.password);
  });
});

describe("the audit log of the other admin routes", () => {
  it("revoking the last agent of a mistyped store takes the store with it, as footfall agent revoke does; a store with a layout stays", async () => {
    expect((await t.request("POST", "/api/v1/stores/shpo/agents", { agent: "cam-9", kind: "camera" })).status).toBe(200);
    const listedBefore = await t.request("GET", "/api/v1/agents");
    expect(listedBefore.body.agents.some((a: { store: string }) => a.store === "shpo")).toBe(true);
    const revoked = await t.request("DELETE", "/api/v1/stores/shpo/agents/cam-9");
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ agent: "cam-9", store: "shpo", storeForgotten: true });
    expect((await t.request("GET", "/api/v1/agents")).body.agents.some((a: { store: string }) => a.store === "shpo")).toBe(false);
    expect((await t.request("GET", "/api/v1/stores/shpo/agents")).status).toBe(404);
    const log = await t.request("GET", "/api/v1/audit?target=shpo/cam-9");
    expect(log.body.entries[0]).toMatchObject({ action: "agent.revoke", details: { storeForgotten: true } });
    // A store with a layout keeps its revoked agent, listed.
    expect((await t.request("POST", "/api/v1/stores/shop/agents", { agent: "cam-9", kind: "camera" })).status).toBe(200);
    const kept = await t.request("DELETE", "/api/v1/stores/shop/agents/cam-9");
    expect(kept.body.storeForgotten).toBeUndefined();
    expect((await t.request("GET", "/api/v1/stores/shop/agents")).body.agents.some((a: { agent: string }) => a.agent === "cam-9")).toBe(true);
  });

  it("opening hours, alert rules and webhooks are audited; a webhook's secret never is", async () => {
    const hours = { weekly: { mon: [{ open: "09:00", close: "19:00" }], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] }, exceptions: [] };
    expect((await t.request("PUT", "/api/v1/stores/shop/hours", { hours })).status).toBe(200);
    const hook = await t.request("POST", "/api/v1/stores/shop/webhooks", { url: "https://example.com/hook" });
    expect(hook.status).toBe(201);
    expect((await t.request("DELETE", `/api/v1/stores/shop/webhooks/${hook.body.webhook.id}`)).status).toBe(204);
    const log = await t.request("GET", "/api/v1/audit?store=shop&limit=3");
    expect(log.body.entries.map((e: { action: string }) => e.action)).toEqual(["webhook.delete", "webhook.create", "hours.save"]);
    expect(log.body.entries[2].details).toEqual({ hours });
    expect(JSON.stringify(log.body)).not.toContain(hook.body.secret);
  });
});

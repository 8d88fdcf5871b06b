import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { smallLayout } from "../../../test/support/fixtures.js";
import { startTestServer, type TestServer } from "../../../test/support/in-process.js";

/** Every route behind a token, with the roles that may call it. */
const ROUTES: { method: "GET" | "PUT"; url: string; roles: ("viewer" | "staff")[] }[] = [
  { method: "GET", url: "/api/v1/me", roles: ["viewer", "staff"] },
  { method: "GET", url: "/api/v1/stores", roles: ["viewer", "staff"] },
  { method: "GET", url: "/api/v1/stores/shop/layout", roles: ["viewer", "staff"] },
  { method: "GET", url: "/api/v1/stores/shop/layouts", roles: ["viewer", "staff"] },
  { method: "PUT", url: "/api/v1/stores/shop/layout", roles: [] },
  { method: "GET", url: "/api/v1/stores/shop/occupancy", roles: ["staff"] },
  { method: "GET", url: "/api/v1/stores/shop/dwell", roles: ["viewer"] },
  { method: "GET", url: "/api/v1/stores/shop/paths", roles: ["viewer"] },
  { method: "GET", url: "/api/v1/stores/shop/traffic", roles: ["viewer"] },
  { method: "GET", url: "/api/v1/stores/shop/agents", roles: [] },
  { method: "GET", url: "/api/v1/stores/shop/departments", roles: ["viewer"] },
  { method: "GET", url: "/api/v1/stores/shop/conversion", roles: ["viewer"] },
  { method: "GET", url: "/api/v1/stores/shop/funnel?steps=entrance,checkout", roles: ["viewer"] },
];
const STORE_ROUTES = ROUTES.filter((r) => r.url.includes("/stores/shop/"));
const name = (r: (typeof ROUTES)[number]) => `${r.method} ${r.url}`;

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  await t.putLayout("shop", smallLayout());
  await t.putLayout("other", smallLayout());
});
afterAll(() => t.close());

const call = (r: (typeof ROUTES)[number], token: string | null) =>
  t.server.app.inject({
    method: r.method,
    url: r.url,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    ...(r.method === "PUT" ? { payload: smallLayout() } : {}),
  });

describe("bearer-token auth", () => {
  it.each(ROUTES.map((r) => [name(r), r] as const))("%s without a token is 401 and says how to send one", async (_n, r) => {
    const res = await call(r, null);
    expect(res.statusCode).toBe(401);
    expect(res.json().message).toMatch(/Authorization: Bearer/);
  });

  it.each(ROUTES.map((r) => [name(r), r] as const))("%s with an unknown token is 401", async (_n, r) => {
    const res = await call(r, "ff_not-a-real-token");
    expect(res.statusCode).toBe(401);
    expect(res.json().message).toMatch(/unknown or revoked token/);
  });

  it("rejects a header that is not a bearer token with 401", async () => {
    const res = await t.server.app.inject({ method: "GET", url: "/api/v1/me", headers: { authorization: `Basic ${t.admin}` } });
    expect(res.statusCode).toBe(401);
  });

  const tooLow = ROUTES.flatMap((r) => (["viewer", "staff"] as const).filter((role) => !r.roles.includes(role)).map((role) => [name(r), role, r] as const));
  it.each(tooLow)("%s with a %s token is 403 naming the role", async (_n, role, r) => {
    const res = await call(r, t.token(role));
    expect(res.statusCode).toBe(403);
    expect(res.json().message).toContain(`role "${role}"`);
  });

  const allowed = ROUTES.flatMap((r) => r.roles.map((role) => [name(r), role, r] as const));
  it.each(allowed)("%s with a %s token is allowed", async (_n, role, r) => {
    const res = await call(r, t.token(role));
    expect(res.statusCode).toBe(200);
  });

  it.each(ROUTES.map((r) => [name(r), r] as const))("%s with an admin token is allowed (admin implies every role)", async (_n, r) => {
    const res = await call(r, t.admin);
    expect(res.statusCode).toBe(200);
  });

  it.each(STORE_ROUTES.map((r) => [name(r), r] as const))("%s with an admin token limited to another store is 403", async (_n, r) => {
    const res = await call(r, t.token("admin", "other"));
    expect(res.statusCode).toBe(403);
    expect(res.json().message).toContain('limited to store "other"');
  });

  it.each(STORE_ROUTES.map((r) => [name(r), r] as const))("%s with an admin token limited to this store is allowed", async (_n, r) => {
    const res = await call(r, t.token("admin", "shop"));
    expect(res.statusCode).toBe(200);
  });

  it("reports the role and store of the token on /me", async () => {
    const res = await t.get("/api/v1/me", t.token("viewer", "shop"));
    expect(res.body).toEqual({ role: "viewer", store: "shop" });
  });

  it("lists only its own store to a token limited to one store", async () => {
    const res = await t.get("/api/v1/stores", t.token("viewer", "other"));
    expect(res.body).toEqual({ stores: [{ id: "other", name: "Test store" }] });
  });

  it("needs no token for /api/v1/health, /metrics and /api/docs", async () => {
    for (const url of ["/api/v1/health", "/metrics", "/api/docs/json"]) expect((await t.get(url, null)).status, url).toBe(200);
  });
});

import { describe, expect, it } from "vitest";
import { smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";

type Grant = "viewer" | "staff" | "merchandiser";
type Method = "GET" | "PUT" | "POST" | "PATCH" | "DELETE";
interface RouteCase {
  method: Method;
  url: string;
  /** The roles below admin that may call it (admin may call everything). */
  roles: Grant[];
  /** A body that passes validation, for the routes that take one. */
  payload?: object;
}
const READERS: Grant[] = ["viewer", "merchandiser"];
const EVERYONE: Grant[] = ["viewer", "staff", "merchandiser"];

/** The role matrix of the API (DESIGN.md "Roles"): every route behind a token, with who may call it. */
const ROUTES: RouteCase[] = [
  { method: "GET", url: "/api/v1/me", roles: EVERYONE },
  { method: "GET", url: "/api/v1/stores", roles: EVERYONE },
  { method: "GET", url: "/api/v1/stores/shop/layout", roles: EVERYONE },
  { method: "GET", url: "/api/v1/stores/shop/layouts", roles: EVERYONE },
  { method: "PUT", url: "/api/v1/stores/shop/layout", roles: ["merchandiser"], payload: smallLayout() },
  { method: "GET", url: "/api/v1/stores/shop/layouts/1", roles: EVERYONE },
  { method: "DELETE", url: "/api/v1/stores/shop/layouts/1", roles: ["merchandiser"] },
  { method: "GET", url: "/api/v1/stores/shop/occupancy", roles: ["staff"] },
  { method: "GET", url: "/api/v1/stores/shop/dwell", roles: READERS },
  { method: "GET", url: "/api/v1/stores/shop/paths", roles: READERS },
  { method: "GET", url: "/api/v1/stores/shop/traffic", roles: READERS },
  { method: "GET", url: "/api/v1/stores/shop/forecast", roles: EVERYONE },
  { method: "GET", url: "/api/v1/stores/shop/forecast/occupancy", roles: EVERYONE },
  { method: "GET", url: "/api/v1/stores/shop/queues", roles: READERS },
  { method: "GET", url: "/api/v1/stores/shop/queues.csv", roles: READERS },
  { method: "GET", url: "/api/v1/stores/shop/queues/live", roles: ["staff"] },
  { method: "GET", url: "/api/v1/stores/shop/hours", roles: EVERYONE },
  { method: "PUT", url: "/api/v1/stores/shop/hours", roles: [], payload: { hours: null } },
  { method: "GET", url: "/api/v1/stores/shop/hours/open", roles: EVERYONE },
  { method: "GET", url: "/api/v1/stores/shop/hours/history", roles: EVERYONE },
  { method: "DELETE", url: "/api/v1/stores/shop/hours/scheduled/1900000000000", roles: [] },
  { method: "GET", url: "/api/v1/stores/shop/occupancy-drift", roles: EVERYONE },
  { method: "GET", url: "/api/v1/stores/shop/alert-rules", roles: EVERYONE },
  { method: "POST", url: "/api/v1/stores/shop/alert-rules", roles: [], payload: { kind: "occupancy", threshold: 0.8, forSeconds: 0, cooldownSeconds: 0, enabled: false } },
  { method: "PUT", url: "/api/v1/stores/shop/alert-rules/000000000000", roles: [], payload: { kind: "occupancy", threshold: 0.8, forSeconds: 0, cooldownSeconds: 0, enabled: false } },
  { method: "DELETE", url: "/api/v1/stores/shop/alert-rules/000000000000", roles: [] },
  { method: "GET", url: "/api/v1/stores/shop/alerts", roles: EVERYONE },
  { method: "POST", url: "/api/v1/stores/shop/alerts/000000000000/ack", roles: ["staff"], payload: {} },
  { method: "GET", url: "/api/v1/stores/shop/agents", roles: [] },
  { method: "GET", url: "/api/v1/agents", roles: [] },
  { method: "GET", url: "/api/v1/stores/shop/departments", roles: READERS },
  { method: "PUT", url: "/api/v1/stores/shop/departments", roles: ["merchandiser"], payload: { departments: { fresh: ["fruit"] } } },
  { method: "POST", url: "/api/v1/stores/shop/sales", roles: [], payload: { sales: [] } },
  { method: "GET", url: "/api/v1/stores/shop/sales/days", roles: READERS },
  { method: "GET", url: "/api/v1/stores/shop/conversion", roles: READERS },
  { method: "GET", url: "/api/v1/stores/shop/funnel?steps=entrance,checkout", roles: READERS },
  { method: "GET", url: "/api/v1/experiments", roles: READERS },
  { method: "POST", url: "/api/v1/experiments", roles: ["merchandiser"], payload: { name: "x" } },
  { method: "GET", url: "/api/v1/experiments/000000000000", roles: READERS },
  { method: "GET", url: "/api/v1/experiments/000000000000/result", roles: READERS },
  { method: "GET", url: "/api/v1/experiments/000000000000/result.csv", roles: READERS },
  { method: "DELETE", url: "/api/v1/experiments/000000000000", roles: ["merchandiser"] },
  { method: "GET", url: "/api/v1/groups", roles: EVERYONE },
  { method: "GET", url: "/api/v1/overview", roles: READERS },
  { method: "GET", url: "/api/v1/stores/shop/counts", roles: READERS },
  { method: "GET", url: "/api/v1/groups/g1/counts", roles: READERS },
  { method: "POST", url: "/api/v1/groups", roles: [], payload: { id: "g2", name: "G" } },
  { method: "GET", url: "/api/v1/groups/g1", roles: EVERYONE },
  { method: "PATCH", url: "/api/v1/groups/g1", roles: [], payload: { name: "G" } },
  { method: "DELETE", url: "/api/v1/groups/g1", roles: [] },
  { method: "GET", url: "/api/v1/stores/shop/groups", roles: EVERYONE },
  { method: "PUT", url: "/api/v1/stores/shop/groups", roles: [], payload: { groups: [] } },
  { method: "GET", url: "/api/v1/tokens", roles: [] },
  { method: "POST", url: "/api/v1/tokens", roles: [], payload: { role: "viewer" } },
  { method: "DELETE", url: "/api/v1/tokens/000000000000", roles: [] },
  { method: "PATCH", url: "/api/v1/tokens/000000000000", roles: [], payload: { label: "x" } },
  { method: "GET", url: "/api/v1/stores/shop/webhooks", roles: [] },
  { method: "POST", url: "/api/v1/stores/shop/webhooks", roles: [], payload: { url: "http://127.0.0.1:9/hook" } },
  { method: "PATCH", url: "/api/v1/stores/shop/webhooks/wh_0000000000000000", roles: [], payload: { enabled: true } },
  { method: "DELETE", url: "/api/v1/stores/shop/webhooks/wh_0000000000000000", roles: [] },
  { method: "GET", url: "/api/v1/stores/shop/webhooks/wh_0000000000000000/deliveries", roles: [] },
  { method: "POST", url: "/api/v1/stores/shop/webhooks/wh_0000000000000000/test", roles: [] },
  { method: "GET", url: "/api/v1/audit", roles: [] },
  { method: "POST", url: "/api/v1/stores/shop/agents", roles: [], payload: { agent: "door-9", kind: "door" } },
  { method: "POST", url: "/api/v1/stores/shop/agents/door-9/rotate", roles: [] },
  { method: "DELETE", url: "/api/v1/stores/shop/agents/door-9", roles: [] },
  { method: "GET", url: "/api/v1/stores/shop/audits", roles: [] },
  { method: "POST", url: "/api/v1/stores/shop/agents/door-9/audits", roles: [], payload: { from: 1_764_000_000_000, to: 1_764_000_060_000, auditor: "Ana", hand: { in: 1, out: 1 } } },
  { method: "GET", url: "/api/v1/digests", roles: [] },
  { method: "POST", url: "/api/v1/digests", roles: [], payload: { scope: "store", target: "shop", frequency: "daily", recipients: ["a@example.com"] } },
  { method: "PUT", url: "/api/v1/digests/000000000000", roles: [], payload: { scope: "store", target: "shop", frequency: "daily", recipients: ["a@example.com"] } },
  { method: "DELETE", url: "/api/v1/digests/000000000000", roles: [] },
  { method: "POST", url: "/api/v1/digests/000000000000/send", roles: [] },
  { method: "GET", url: "/api/v1/digests/000000000000/preview", roles: [] },
  { method: "GET", url: "/api/v1/digests/webhooks?scope=store&target=shop", roles: [] },
];
const STORE_ROUTES = ROUTES.filter((r) => r.url.includes("/stores/shop/"));
const name = (r: RouteCase) => `${r.method} ${r.url}`;
const GRANTS: Grant[] = ["viewer", "staff", "merchandiser"];

const t = useTestServer({ stores: ["shop", "other"] });

const call = (r: RouteCase, token: string | null) =>
  t.server.app.inject({
    method: r.method,
    url: r.url,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    ...(r.payload ? { payload: r.payload } : {}),
  });
/** Past authentication and authorization: whatever the route then says (200, or 400/404 for its own reasons). */
const passed = (status: number) => status !== 401 && status !== 403;

describe("the role matrix", () => {
  it("covers every route of the API", async () => {
    const paths = (await t.get("/api/docs/json", null)).body.paths as Record<string, Record<string, unknown>>;
    const documented = Object.entries(paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    const tested = new Set(ROUTES.map((r) => `${r.method} ${r.url.split("?")[0]!.replace("wh_0000000000000000", "{hook}").replace("/shop/", "/{store}/").replace("000000000000", "{id}").replace("/door-9", "/{agent}").replace("/groups/g1", "/groups/{group}").replace("/layouts/1", "/layouts/{version}").replace("/scheduled/1900000000000", "/scheduled/{from}")}`));
    expect(documented.filter((r) => !tested.has(r) && r !== "GET /api/v1/health")).toEqual([]);
  });
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

  const tooLow = ROUTES.flatMap((r) => GRANTS.filter((role) => !r.roles.includes(role)).map((role) => [name(r), role, r] as const));
  it.each(tooLow)("%s with a %s token is 403 naming the role", async (_n, role, r) => {
    const res = await call(r, (await t.token(role)));
    expect(res.statusCode).toBe(403);
    expect(res.json().message).toContain(`role "${role}"`);
  });

  const allowed = ROUTES.flatMap((r) => r.roles.map((role) => [name(r), role, r] as const));
  it.each(allowed)("%s with a %s token is allowed", async (_n, role, r) => {
    const res = await call(r, (await t.token(role)));
    expect(passed(res.statusCode), res.body).toBe(true);
  });

  it.each(ROUTES.map((r) => [name(r), r] as const))("%s with an admin token is allowed (admin implies every role)", async (_n, r) => {
    const res = await call(r, t.admin);
    expect(passed(res.statusCode), res.body).toBe(true);
  });

  it.each(STORE_ROUTES.map((r) => [name(r), r] as const))("%s with an admin token limited to another store is 403", async (_n, r) => {
    const res = await call(r, (await t.token("admin", "other")));
    expect(res.statusCode).toBe(403);
    expect(res.json().message).toContain('limited to store "other"');
  });

  it.each(STORE_ROUTES.map((r) => [name(r), r] as const))("%s with an admin token limited to this store is allowed", async (_n, r) => {
    const res = await call(r, (await t.token("admin", "shop")));
    expect(passed(res.statusCode), res.body).toBe(true);
  });

  it("reports the role and store of the token on /me", async () => {
    expect((await t.get("/api/v1/me", (await t.token("viewer", "shop")))).body).toEqual({ role: "viewer", store: "shop" });
    expect((await t.get("/api/v1/me", (await t.token("merchandiser")))).body).toEqual({ role: "merchandiser", store: null });
  });

  it("lists only its own store to a token limited to one store", async () => {
    const res = await t.get("/api/v1/stores", (await t.token("viewer", "other")));
    expect(res.body.stores).toEqual([{ id: "other", name: "Test store" }]);
  });

  it("needs no token for /api/v1/health and /api/docs", async () => {
    for (const url of ["/api/v1/health", "/api/docs/json"]) expect((await t.get(url, null)).status, url).toBe(200);
  });
});

describe("authentication comes before the body", () => {
  const bigLayout = JSON.stringify({ ...smallLayout(), floor: { width: 10, height: 10, image: `data:image/png;base64,${"A".repeat(5 * 1024 * 1024)}` } });

  it("answers an anonymous 5 MiB upload with 401, not by reading it (413) or validating it (400)", async () => {
    const res = await t.server.app.inject({ method: "PUT", url: "/api/v1/stores/shop/layout", headers: { "content-type": "application/json" }, payload: bigLayout });
    expect(res.statusCode).toBe(401);
  });

  it("answers an anonymous body that is not even JSON with 401, not a parse error", async () => {
    const res = await t.server.app.inject({ method: "PUT", url: "/api/v1/stores/shop/layout", headers: { "content-type": "application/json" }, payload: "{not json" });
    expect(res.statusCode).toBe(401);
  });

  it("answers an anonymous body that fails the schema with 401, without naming the schema", async () => {
    const res = await t.server.app.inject({ method: "POST", url: "/api/v1/experiments", payload: { name: 7 } });
    expect(res.statusCode).toBe(401);
    expect(res.body).not.toMatch(/body\//);
  });

  it("answers a viewer's schema-breaking layout with 403 (role first), an admin's with 400", async () => {
    const bad = { ...smallLayout(), zones: "none" };
    const as = (token: string) => t.server.app.inject({ method: "PUT", url: "/api/v1/stores/shop/layout", headers: { authorization: `Bearer ${token}` }, payload: bad });
    expect((await as((await t.token("viewer")))).statusCode).toBe(403);
    expect((await as(t.admin)).statusCode).toBe(400);
  });

  it("answers an anonymous CSV import with 401 before the CSV is read", async () => {
    const res = await t.server.app.inject({ method: "POST", url: "/api/v1/stores/shop/sales", headers: { "content-type": "text/csv" }, payload: '"unclosed\n' });
    expect(res.statusCode).toBe(401);
  });

  it("answers a token limited to another store with 403 before the store id is validated", async () => {
    expect((await t.get("/api/v1/stores/Bad%20Id/dwell", (await t.token("viewer", "shop")))).status).toBe(403);
    expect((await t.get("/api/v1/stores/Bad%20Id/dwell", (await t.token("viewer")))).status).toBe(400);
  });
});

describe("the merchandiser role", () => {
  it("saves a layout, departments and an experiment but may not import sales, see agents or manage tokens", async () => {
    const m = (await t.token("merchandiser", "shop"));
    const send = (method: Method, url: string, payload?: object) =>
      t.server.app.inject({ method, url, headers: { authorization: `Bearer ${m}` }, ...(payload ? { payload } : {}) }).then((r) => r.statusCode);
    expect(await send("PUT", "/api/v1/stores/shop/layout", smallLayout())).toBe(200);
    expect(await send("PUT", "/api/v1/stores/shop/departments", { departments: { fresh: ["fruit", "bakery"] } })).toBe(200);
    expect(await send("POST", "/api/v1/stores/shop/sales", { sales: [] })).toBe(403);
    expect(await send("GET", "/api/v1/stores/shop/agents")).toBe(403);
    expect(await send("GET", "/api/v1/tokens")).toBe(403);
    expect(await send("POST", "/api/v1/tokens", { role: "admin" })).toBe(403);
    expect(await send("GET", "/api/v1/stores/shop/occupancy")).toBe(403);
    expect(await send("PUT", "/api/v1/stores/other/layout", smallLayout())).toBe(403);
  });
});

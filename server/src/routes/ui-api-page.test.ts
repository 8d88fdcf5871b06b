/**
 * The page at / when the UI is not built: it lists the API from the OpenAPI document (the routes
 * registered), so no route is missing from it, GET /api/v1/agents among them.
 */
import { describe, expect, it } from "vitest";
import { useTestServer } from "../../../test/support/in-process.js";
import { apiRouteList } from "./ui.js";

const t = useTestServer();

describe("the API page (no UI built)", () => {
  it("lists every documented route with its summary, GET /api/v1/agents among them", async () => {
    const res = await t.get<string>("/", null);
    expect(res.status).toBe(200);
    const page = res.text;
    expect(page).toContain("<code>GET /api/v1/agents</code>");
    expect(page).toContain("<code>GET /api/v1/stores/:store/agents</code>");
    const doc = t.server.app.swagger() as { paths: Record<string, Record<string, { summary?: string }>> };
    const routes = apiRouteList(doc.paths);
    // Every route the server documents, and nothing else (besides /metrics).
    expect(routes.length).toBeGreaterThan(40);
    for (const r of routes) expect(page, `${r.method} ${r.path}`).toContain(`<code>${r.method} ${r.path}</code>`);
    const listed = [...page.matchAll(/<code>(GET|POST|PUT|PATCH|DELETE) (\S+)<\/code>/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(listed.filter((l) => l !== "GET /metrics").sort()).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
    // Each of them is a real route: a request to it is not the 404 of a route that does not exist.
    for (const r of routes.filter((x) => x.method === "GET")) {
      const url = r.path.replace(/:store/g, "shop").replace(/:([a-zA-Z]+)/g, "x");
      const got = await t.server.app.inject({ method: "GET", url });
      expect(got.statusCode === 404 && /no route|Route GET/.test(got.body), `${r.path} answers ${got.statusCode} ${got.body.slice(0, 80)}`).toBe(false);
    }
  });
});

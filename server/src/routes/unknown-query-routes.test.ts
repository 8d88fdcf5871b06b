import { Type } from "@sinclair/typebox";
import Fastify from "fastify";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestServer } from "../../../test/support/in-process.js";
import { routesOf } from "../../../test/support/hostile-http-sweep.js";
import { refuseUnknownQueryOnRoute } from "./unknown-query.js";

/**
 * One hook decides for every route (app.ts, `onRoute`: unknown-query.ts), so a new route with query
 * parameters cannot forget to refuse a key it does not take. The routes are read from the built app
 * itself (`printRoutes`), their query parameters from its API document, so a route added later is
 * walked without being listed here. A route that declares query parameters refuses
 * `?surelyNotAParam=1` with the 400 naming it, or is in ANY_QUERY with the reason it takes any key;
 * a route with no query schema still ignores an extra key (a kiosk link, a cache-buster).
 */
const t = useTestServer({ stores: ["shop"] });
const KEY = "surelyNotAParam";
const refusal = (takes: readonly string[]) =>
  `querystring/${KEY} is not a parameter of this route: it takes ${takes.length ? takes.join(", ") : "none"} (a parameter it does not take would be left unread, and the answer not the one asked for)`;

/** Routes with query parameters that take other keys too (`config: { anyQuery: true }`), each with why. None today. */
const ANY_QUERY: Record<string, string> = {};
/** Routes that declare a query naming no key (NoQuery): they take none, so every key is refused. The API document shows no parameter for them. */
const TAKES_NONE = ["GET /api/v1/stores/:store/occupancy", "GET /api/v1/stores/:store/queues/live"];
/** Routes the API document leaves out (schema.hide): the UI's page, the API's documentation pages and /metrics. None has a query schema. */
const UNDOCUMENTED = [
  "GET /",
  "GET /api/docs",
  "GET /api/docs/",
  "GET /api/docs/static/index.html",
  "GET /api/docs/static/swagger-initializer.js",
  "GET /api/docs/*",
  "GET /api/docs/json",
  "GET /api/docs/yaml",
  "GET /metrics",
];

interface Walked {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  /** Its query parameters in the API document; null when the document leaves the route out. */
  query: string[] | null;
}
let routes: Walked[] = [];
const nameOf = (r: Walked) => `${r.method} ${r.path}`;
/** The route with its path parameters filled in (the refusal comes before they are read: any value does). */
const urlOf = (r: Walked) => r.path.replace(/:(\w+)|\*/g, (_, name?: string) => (name === "store" ? "shop" : "x")) + `?${KEY}=1`;
const send = (r: Walked) =>
  t.server.app.inject({ method: r.method, url: urlOf(r), headers: { authorization: `Bearer ${t.admin}` }, ...(r.method === "GET" || r.method === "DELETE" ? {} : { payload: {} }) });

beforeAll(() => {
  const doc = t.server.app.swagger() as { paths: Record<string, Record<string, { parameters?: { in: string; name: string }[] }>> };
  routes = routesOf(t.server.app.printRoutes({ commonPrefix: false })).map((r) => {
    const op = doc.paths[r.path.replace(/:(\w+)/g, "{$1}")]?.[r.method.toLowerCase()];
    return { ...r, query: op ? (op.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name) : null };
  });
});

describe("every route of the app, for a query key it does not take", () => {
  it("walks every route Fastify serves, and knows those the API document leaves out", () => {
    expect(routes.length).toBeGreaterThan(70);
    expect(routes.filter((r) => r.query === null).map(nameOf).sort()).toEqual([...UNDOCUMENTED].sort());
  });

  it("refuses it on every route that declares query parameters (any method), naming it and those it takes, unless the route takes any key", async () => {
    const declared = routes.filter((r) => r.query?.length && !(nameOf(r) in ANY_QUERY));
    expect(declared.map(nameOf)).toContain("PUT /api/v1/stores/:store/layout");
    const wrong: string[] = [];
    for (const r of declared) {
      const res = await send(r);
      const message = (JSON.parse(res.body) as { message?: string }).message;
      if (res.statusCode !== 400 || message !== refusal(r.query!)) wrong.push(`${nameOf(r)}: ${res.statusCode} ${message}`);
    }
    expect(wrong).toEqual([]);
  });

  it("leaves it unread on the routes said to take any key, each with its reason", async () => {
    for (const [name, why] of Object.entries(ANY_QUERY)) {
      const r = routes.find((x) => nameOf(x) === name);
      expect(r?.query?.length, `${name} (${why}) declares query parameters`).toBeGreaterThan(0);
      const res = await send(r!);
      expect(res.body, name).not.toContain(`querystring/${KEY}`);
    }
  });

  it("leaves it unread on every GET route without a query schema (a kiosk link's token, a cache-buster), and refuses it on those that take none", async () => {
    const wrong: string[] = [];
    for (const r of routes.filter((x) => x.method === "GET" && !x.query?.length)) {
      const res = await send(r);
      const refused = res.statusCode === 400 && (JSON.parse(res.body) as { message?: string }).message === refusal([]);
      if (refused !== TAKES_NONE.includes(nameOf(r))) wrong.push(`${nameOf(r)}: ${res.statusCode} ${res.body.slice(0, 200)}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe("the onRoute hook", () => {
  it("leaves a route that says it takes any key (config.anyQuery) alone, and refuses a querystring schema that names no key", async () => {
    const app = Fastify();
    app.addHook("onRoute", refuseUnknownQueryOnRoute);
    app.get("/strict", { schema: { querystring: Type.Object({ a: Type.Optional(Type.String()) }) } }, async () => "ok");
    app.get("/forwards", { config: { anyQuery: true }, schema: { querystring: Type.Object({ a: Type.Optional(Type.String()) }) } }, async () => "ok");
    expect(() => app.get("/odd", { schema: { querystring: Type.Union([Type.Object({ a: Type.String() }), Type.Object({ b: Type.String() })]) } }, async () => "ok")).toThrow(
      "GET /odd: its querystring schema names no properties; declare them (Type.Object), or set config.anyQuery and say why",
    );
    expect((await app.inject("/strict?a=1&b=2")).statusCode).toBe(400);
    expect([(await app.inject("/forwards?a=1&b=2")).statusCode, (await app.inject("/strict?a=1")).statusCode]).toEqual([200, 200]);
    await app.close();
  });
});

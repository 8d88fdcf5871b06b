/**
 * Hostile input on every HTTP route, as fast-check properties. The routes come from Fastify itself
 * (`printRoutes`), their query keys and body fields from the API document (`app.swagger()`), so a
 * new route is swept without being listed here. Each request (malformed path parameters, hostile
 * query strings, bodies that are not JSON, too deep, too large or out of range, prototype keys, no,
 * forged, expired or revoked tokens) must get an answer below 500 within a timeout; a refusal is
 * JSON with a message a person can act on. Afterwards the server still answers, the seeded stores'
 * figures are what they were, and no prototype was polluted. A real server on a SQLite file in a
 * temporary folder; most requests through `app.inject`, the socket-level ones (bodies over the
 * limit, bad request lines) over HTTP.
 *
 * `hostileHttpSweep()` registers the whole sweep in the calling test file: on SQLite
 * (server/src/routes/hostile-http.integration.test.ts) and on PostgreSQL
 * (hostile-http-postgres.integration.test.ts), where answers differ (the database refuses what
 * SQLite stores: U+0000, a lone surrogate, an integer past a bigint).
 */
import { connect } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ID_RULE } from "@footfall/core";
import { EventFactory, rectZone, smallLayout } from "./fixtures.js";
import { startTestServer, type TestServer } from "./in-process.js";

const NOW = Date.UTC(2026, 10, 20, 15, 37, 12);
const MIN = 60_000;
const HOUR = 60 * MIN;
/** No request may take longer than this (a hang is a failure, not a slow pass). */
const ANSWER_WITHIN_MS = 10_000;

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
interface Route {
  method: Method;
  /** Fastify's path, e.g. `/api/v1/stores/:store/layout`. */
  path: string;
  /** Its query keys and JSON body fields, from the API document (none for undocumented routes). */
  query: string[];
  body: Record<string, { type?: string | string[] }>;
}

/**
 * Every route Fastify serves, from `printRoutes({ commonPrefix: false })`: a tree whose lines are
 * `<indent>├── <segment> (METHODS)`, each segment continuing its parent's path. HEAD is left out
 * (Fastify answers it with the GET handler).
 */
export function routesOf(tree: string): { method: Method; path: string }[] {
  const out: { method: Method; path: string }[] = [];
  const stack: string[] = [];
  for (const line of tree.split("\n")) {
    const m = /^((?:[│ ] {3})*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    const path = (depth > 0 ? stack[depth - 1]! : "") + m[2]!;
    stack.length = depth;
    stack.push(path);
    for (const method of (m[3] ?? "").split(", ").filter(Boolean)) if (method !== "HEAD") out.push({ method: method as Method, path });
  }
  return out;
}

/** Values that pass a route's own checks (so that a hostile value elsewhere reaches the handler). */
const GOOD_PARAMS: Record<string, string> = { store: "shop", agent: "door-9", id: "000000000000", hook: "wh_0000000000000000", group: "g2", "*": "index.css" };
/** A body that passes validation, for the routes that take one (others get `{}`). */
const GOOD_BODIES: Record<string, unknown> = {
  "PUT /api/v1/stores/:store/layout": smallLayout(),
  "PUT /api/v1/stores/:store/hours": { hours: null },
  "POST /api/v1/stores/:store/alert-rules": { kind: "occupancy", threshold: 0.8, forSeconds: 0, cooldownSeconds: 0, enabled: false },
  "PUT /api/v1/stores/:store/alert-rules/:id": { kind: "occupancy", threshold: 0.8, forSeconds: 0, cooldownSeconds: 0, enabled: false },
  "PUT /api/v1/stores/:store/departments": { departments: { fresh: ["fruit"] } },
  "POST /api/v1/stores/:store/sales": { sales: [] },
  "POST /api/v1/experiments": { name: "x" },
  "POST /api/v1/groups": { id: "g2", name: "G" },
  "PATCH /api/v1/groups/:group": { name: "G" },
  "PUT /api/v1/stores/:store/groups": { groups: ["g1"] },
  "POST /api/v1/tokens": { role: "viewer" },
  "POST /api/v1/stores/:store/webhooks": { url: "http://127.0.0.1:39/hook" },
  "PATCH /api/v1/stores/:store/webhooks/:hook": { enabled: true },
  "POST /api/v1/stores/:store/agents": { agent: "door-9", kind: "door" },
  "POST /api/v1/stores/:store/agents/:agent/audits": { from: NOW - 2 * HOUR, to: NOW - HOUR, auditor: "Ana", hand: { in: 1, out: 1 } },
  "POST /api/v1/digests": { scope: "store", target: "shop", frequency: "daily", recipients: ["a@example.com"] },
  "PUT /api/v1/digests/:id": { scope: "store", target: "shop", frequency: "daily", recipients: ["a@example.com"] },
};
const keyOf = (r: { method: string; path: string }) => `${r.method} ${r.path}`;
const PUBLIC = (path: string) => !path.startsWith("/api/v1/") && path !== "/metrics";
const isPublic = (r: Route) => PUBLIC(r.path) || r.path === "/api/v1/health";

const urlOf = (r: Route, params: Record<string, string> = {}, query = "") =>
  r.path.replace(/:(\w+)|\*/g, (whole, name: string | undefined) => params[name ?? "*"] ?? GOOD_PARAMS[name ?? whole]!) + (query ? `?${query}` : "");

let t: TestServer;
let routes: Route[];
let viewer: string;
let expired: string;
let revoked: string;
/** The refusals seen, by status and message shape (quoted values and numbers elided). */
const refusals = new Map<string, number>();

interface Sent {
  method: Method;
  url: string;
  headers?: Record<string, string>;
  payload?: string | Buffer | object;
}

/** One request through `app.inject`, failing on a hang. */
async function send(req: Sent) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ANSWER_WITHIN_MS} ms: ${req.method} ${req.url.slice(0, 200)}`)), ANSWER_WITHIN_MS);
  });
  try {
    return await Promise.race([
      t.server.app.inject({ method: req.method, url: req.url, headers: req.headers ?? {}, ...(req.payload !== undefined ? { payload: req.payload } : {}) }),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

const as = (token: string | null, extra: Record<string, string> = {}) => ({ ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra });

/**
 * The bar every answer meets: below 500, and a refusal is JSON `{statusCode, error, message}` whose
 * message is a sentence (not a stack trace, not `[object Object]`).
 */
function expectClean(res: { statusCode: number; body: string; headers: Record<string, unknown> }, what: string) {
  const label = `${what} -> ${res.statusCode} ${res.body.slice(0, 300)}`;
  expect(res.statusCode, label).toBeLessThan(500);
  if (res.statusCode < 400) return;
  expect(String(res.headers["content-type"]), label).toMatch(/^application\/json/);
  const body = JSON.parse(res.body) as { statusCode?: unknown; message?: unknown };
  expect(body.statusCode, label).toBe(res.statusCode);
  expect(typeof body.message, label).toBe("string");
  const message = body.message as string;
  expect(message.length, label).toBeGreaterThan(10);
  expect(message, label).not.toMatch(/\n\s+at |\[object Object\]/);
  if (!what.includes("undefined")) expect(message, label).not.toMatch(/\bundefined\b/);
  const shape = `${res.statusCode} ${message.replace(/"[^"]*"|\d+/g, "…").slice(0, 90)}`;
  refusals.set(shape, (refusals.get(shape) ?? 0) + 1);
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

/** Path segments a client can send (already percent-encoded where a URL needs it). */
const hostileSegment = fc.oneof(
  fc.constantFrom(
    "..",
    "%2e%2e",
    "..%2F..%2F..%2Fetc%2Fpasswd",
    "%00",
    "a%00b",
    "%",
    "%zz",
    "%E0%A4%A",
    "-1",
    "NaN",
    "1e309",
    "-0",
    "Infinity",
    "9".repeat(400),
    "__proto__",
    "constructor",
    "prototype",
    "hasOwnProperty",
    "%2F",
    "a%2Fb",
    "'%20OR%201=1--",
    "%22",
    "%20",
    "%C3%A9",
    "%F0%9F%99%82",
    "%ED%A0%80", // a lone surrogate, UTF-8 encoded
    "x".repeat(5_000),
  ),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }).map(encodeURIComponent),
);

/** Times and numbers as a query string carries them. */
const hostileValue = fc.oneof(
  fc.constantFrom(
    "",
    " ",
    "1900-01-01",
    "1999-12-31T23:59:59Z",
    "2100-01-01",
    "3000-01-01",
    "2026-02-30",
    "2026-11-20T24:61:00Z",
    "2000-01-01",
    "2099-12-31T23:59:59Z",
    "946684800000",
    "4102444799999",
    "99999999999999999999",
    "-1",
    "-0",
    "0",
    "1e309",
    "-1e309",
    "NaN",
    "Infinity",
    "0x1F",
    "true",
    "null",
    "[]",
    "{}",
    "__proto__",
    "constructor",
    "hour",
    "day",
    "week",
    "15m",
    "entrance,checkout",
    "constructor,constructor",
    ",,,",
    "x".repeat(10_000),
  ),
  fc.integer().map(String),
  fc.double().map(String),
  fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.string({ unit: "grapheme", maxLength: 30 }),
);

const COMMON_KEYS = [
  "from",
  "to",
  "limit",
  "bucket",
  "zone",
  "steps",
  "period",
  "interval",
  "format",
  "horizon",
  "days",
  "state",
  "group",
  "agent",
  "at",
  "__proto__",
  "constructor",
  "toString",
  "a[b]",
  "from[]",
  "x",
];

/** A query string: known and unknown keys, repeated keys (arrays), encoded or raw. */
const hostileQuery = (keys: string[]) =>
  fc
    .array(fc.tuple(fc.constantFrom(...keys, ...COMMON_KEYS), fc.array(hostileValue, { minLength: 1, maxLength: 3 })), { maxLength: 6 })
    .map((pairs) => pairs.flatMap(([k, vs]) => vs.map((v) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)).join("&"));

/** Ranges that are well formed but hostile: reversed, empty, a century, at the edges of the protocol's years. */
const hostileRange = fc.constantFrom(
  "from=2026-11-20&to=2026-11-19",
  "from=2026-11-20T10:00:00Z&to=2026-11-20T10:00:00Z",
  "from=2000-01-01&to=2099-12-31T23:59:59Z",
  "from=2000-01-01&to=2099-12-31T23:59:59Z&bucket=hour",
  "from=2000-01-01&to=2099-12-31T23:59:59Z&interval=15m",
  "from=2000-01-01&to=2099-12-31T23:59:59Z&interval=1h",
  "from=2000-01-01&to=2099-12-31T23:59:59Z&interval=1d&format=csv",
  "from=2099-12-31&to=2000-01-01",
  "from=946684800000&to=4102444799999",
  "from=1999-12-31T23:59:59.999Z&to=2000-01-01",
  "from=2026-11-20&from=2026-11-21&to=2026-11-22",
  "from=2026-11-20&to=2026-11-21&to=2026-11-22",
  "from=2026-11-20T10:00:00%2B18:00&to=2026-11-20T10:00:00-18:00",
  "from=2026-11-20T10:00:00%2B19:00&to=2026-11-21",
  "limit=0",
  "limit=-1",
  "limit=1e309",
  "limit=99999999999",
  "limit=1001",
  "limit=1.5",
  "days=0",
  "days=100000",
  "horizon=0",
  "horizon=100000",
  "period=1900-01-01",
  "period=2026-02-30",
  "period=2099-12-31",
  "steps=constructor,__proto__",
  "steps=" + "entrance,".repeat(500) + "checkout",
  "zone=constructor",
  "zone=__proto__",
);

const deep = (levels: number, open = "[", close = "]") => open.repeat(levels) + close.repeat(levels);
const deepObject = (levels: number) => '{"a":'.repeat(levels) + "1" + "}".repeat(levels);

/** A body and its content type: not JSON, the wrong type, too deep, prototype keys, odd numbers. */
const hostileBody = (fields: string[]) =>
  fc.oneof(
    fc.constantFrom<[string | undefined, string | Buffer]>(
      ["application/json", "{"],
      ["application/json", '{"a":'],
      ["application/json", "[1,]"],
      ["application/json", "nul"],
      ["application/json", "{'a':1}"],
      ["application/json", '{"a":1}garbage'],
      ["application/json", "\u0000"],
      ["application/json", "\uFEFF{}"],
      ["application/json", ""],
      ["application/json", "null"],
      ["application/json", "[]"],
      ["application/json", '"a string"'],
      ["application/json", "1e309"],
      ["application/json", "true"],
      ["application/json", deep(10_000)],
      ["application/json", deepObject(10_000)],
      ["application/json", deep(100_000)],
      ["application/json", `{"name":${deepObject(5_000)},"id":${deep(5_000)}}`],
      ["application/json", '{"__proto__":{"polluted":"yes"}}'],
      ["application/json", '{"constructor":{"prototype":{"polluted":"yes"}}}'],
      ["application/json", '{"a":{"__proto__":{"polluted":"yes"}}}'],
      ["application/json", '{"name":"x","name":"y"}'],
      ["application/json; charset=utf-16", '{"name":"x"}'],
      ["application/json; charset=latin1", '{"name":"x"}'],
      ["application/json", Buffer.from([0xff, 0xfe, 0x7b, 0x7d])],
      ["application/json", Buffer.from('{"name":"\xff\xfe"}', "latin1")],
      ["text/plain", "hello"],
      ["text/csv", "timestamp,zone,department,amount,items,transaction\nnot,a,real,row,,\n"],
      ["text/csv", "\u0000".repeat(100)],
      ["application/x-www-form-urlencoded", "name=x&role=admin"],
      ["multipart/form-data; boundary=x", '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n'],
      ["application/xml", "<a/>"],
      ["application/octet-stream", "\u0001\u0002"],
      ["", "{}"],
      ["*/*", "{}"],
      ["application/json, text/plain", "{}"],
      [undefined, "{}"],
    ),
    // Known fields given hostile values (numbers out of range, wrong types, prototype names).
    fc
      .dictionary(
        fc.constantFrom(...fields, "__proto__", "constructor", "extra"),
        fc.oneof(
          fc.constantFrom<unknown>(
            1e308,
            -1e308,
            2 ** 53 + 1,
            -(2 ** 63),
            0.1 + 0.2,
            -0,
            5e-324,
            "",
            "x".repeat(100_000),
            "constructor",
            "__proto__",
            [],
            {},
            null,
            true,
            "1e309",
            "NaN",
          ),
          fc.double(),
          fc.integer(),
          fc.jsonValue({ maxDepth: 3 }),
        ),
        { maxKeys: 5 },
      )
      .map((o): [string, string] => ["application/json", JSON.stringify(o).replace(/"__NUM__"/g, "1e309")]),
    fc.constantFrom(...fields, "x").map((f): [string, string] => ["application/json", `{"${f}":1e309}`]),
    fc.constantFrom(...fields, "x").map((f): [string, string] => ["application/json", `{"${f}":-1e309}`]),
  );

// ---------------------------------------------------------------------------------------------
// The server and its figures

/** The figures a barrage must leave as they were: both stores' analytics over the seeded day. */
const FIGURES = [
  "/api/v1/stores/shop/traffic?from=2026-11-20&to=2026-11-21&bucket=hour",
  "/api/v1/stores/shop/dwell?from=2026-11-20&to=2026-11-21",
  "/api/v1/stores/shop/paths?from=2026-11-20&to=2026-11-21",
  "/api/v1/stores/shop/occupancy",
  "/api/v1/stores/shop/counts?from=2026-11-20&to=2026-11-21&interval=1h",
  "/api/v1/stores/other/traffic?from=2026-11-20&to=2026-11-21&bucket=hour",
  "/api/v1/stores/other/dwell?from=2026-11-20&to=2026-11-21",
  "/api/v1/stores/other/departments",
];

async function figures() {
  const out: Record<string, unknown> = {};
  for (const url of FIGURES) {
    const res = await t.get(url, t.admin);
    expect(res.status, `${url}: ${res.text}`).toBe(200);
    if (url.endsWith("/occupancy")) {
      // The sweep saves valid layouts among its bodies (each a new version of the same plan): the version in force
      // moves on, the figures must not.
      const { layoutVersion, ...figures } = res.body as { layoutVersion: number };
      expect(Number.isInteger(layoutVersion) && layoutVersion >= 1, `${url}: layoutVersion ${layoutVersion}`).toBe(true);
      out[url] = figures;
    } else out[url] = res.body;
  }
  return out;
}

let before: Record<string, unknown>;

/** Registers the sweep (its server in beforeAll, closed in afterAll) in the calling test file; `databaseUrl` gives a PostgreSQL database (default: SQLite in a temporary folder). */
export function hostileHttpSweep(opts: { databaseUrl?: () => string } = {}): void {
  beforeAll(async () => {
    t = await startTestServer({ now: () => NOW, ...(opts.databaseUrl ? { config: { databaseUrl: opts.databaseUrl() } } : {}) });
    await t.putLayout("shop", smallLayout());
    await t.putLayout("other", smallLayout({ name: "Other" }));
    const f = new EventFactory("cam-1");
    const events = [];
    for (let i = 0; i < 40; i++) {
      const ts = NOW - 6 * HOUR + i * 7 * MIN;
      events.push(
        ...f.visit(`v${i}`, "entrance", ts, MIN),
        ...f.visit(`v${i}`, i % 2 ? "fruit" : "bakery", ts + MIN, (i % 5) * MIN + 30_000),
        ...f.visit(`v${i}`, "checkout", ts + 8 * MIN, 2 * MIN),
      );
    }
    await t.ingest("shop", "cam-1", events);
    // Visitors (opaque ids, any text) named after what every object has.
    const visitors = ["constructor", "__proto__", "toString", "hasOwnProperty"];
    await t.ingest(
      "other",
      "cam-1",
      visitors.flatMap((v, i) => [...f.visit(v, "entrance", NOW - 3 * HOUR + i * MIN, MIN), ...f.visit(v, "fruit", NOW - 3 * HOUR + (i + 1) * MIN, 3 * MIN)]),
    );
    const admin = (method: Method, url: string, payload: object) => send({ method, url, headers: as(t.admin), payload });
    expect((await admin("POST", "/api/v1/groups", { id: "g1", name: "Group", stores: ["shop", "other"] })).statusCode).toBe(200);
    expect((await admin("PUT", "/api/v1/stores/other/departments", { departments: { fresh: ["fruit"] } })).statusCode).toBe(200);
    const { tokens } = t.server.services.storage;
    viewer = await t.token("viewer");
    expired = await tokens.add("admin", null, NOW - 2 * HOUR, "expired", NOW - HOUR);
    revoked = await tokens.add("admin", null, NOW - 2 * HOUR, "revoked");
    await tokens.revoke(revoked, NOW - HOUR);

    const doc = t.server.app.swagger() as {
      paths: Record<
        string,
        Record<
          string,
          {
            parameters?: { in: string; name: string }[];
            requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, { type?: string }> } }> };
          }
        >
      >;
    };
    routes = routesOf(t.server.app.printRoutes({ commonPrefix: false })).map((r) => {
      const op = doc.paths[r.path.replace(/:(\w+)/g, "{$1}")]?.[r.method.toLowerCase()];
      return {
        ...r,
        query: (op?.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name),
        body: op?.requestBody?.content?.["application/json"]?.schema?.properties ?? {},
      };
    });
    before = await figures();
  }, 60_000);

  afterAll(async () => {
    // With HOSTILE_RUNS (a longer hunt), the refusals seen, to read their wording.
    if (process.env.HOSTILE_RUNS)
      console.log(
        `refusals seen (status, message shape: count):\n${[...refusals]
          .sort((a, b) => b[1] - a[1])
          .map(([m, n]) => `  ${n} ${m}`)
          .join("\n")}`,
      );
    await t?.close();
  });

  // ---------------------------------------------------------------------------------------------

  describe("the routes under test", () => {
    it("are read from Fastify: every documented route and the undocumented ones", () => {
      const names = routes.map(keyOf);
      expect(names).toContain("PUT /api/v1/stores/:store/layout");
      expect(names).toContain("GET /metrics");
      expect(names).toContain("DELETE /api/v1/digests/:id");
      expect(routes.length).toBeGreaterThan(70);
      for (const [path, ops] of Object.entries((t.server.app.swagger() as { paths: Record<string, object> }).paths))
        for (const m of Object.keys(ops)) expect(names, `${m} ${path}`).toContain(`${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`);
    });
  });

  describe("hostile input on every route", () => {
    const each = () => routes;
    /** Runs of each property per route (HOSTILE_RUNS=100 for a longer hunt). */
    const RUNS = Number(process.env.HOSTILE_RUNS ?? 12);
    /** A sweep sends thousands of requests; each has its own timeout (ANSWER_WITHIN_MS), the whole sweep this one (a loaded machine). */
    const SWEEP_TIMEOUT_MS = 60_000 + RUNS * 3_000;

    it(
      "malformed path parameters get a clear 4xx (or a normal answer), never a 5xx",
      async () => {
        for (const r of each().filter((x) => /[:*]/.test(x.path))) {
          const names = [...r.path.matchAll(/:(\w+)|\*/g)].map((m) => m[1] ?? "*");
          await fc.assert(
            fc.asyncProperty(fc.constantFrom(...names), hostileSegment, async (name, value) => {
              const url = urlOf(r, { [name]: value });
              const good = GOOD_BODIES[keyOf(r)];
              const res = await send({
                method: r.method,
                url,
                headers: as(t.admin),
                ...(r.method !== "GET" && r.method !== "DELETE" ? { payload: good ?? {} } : {}),
              });
              expectClean(res, `${r.method} ${url.slice(0, 200)}`);
              if (name === "*") expect(res.body).not.toMatch(/root:|\/bin\/(ba)?sh/);
            }),
            { numRuns: RUNS },
          );
        }
      },
      SWEEP_TIMEOUT_MS,
    );

    it(
      "hostile query strings get a clear 4xx (or a normal answer), never a 5xx",
      async () => {
        for (const r of each()) {
          await fc.assert(
            fc.asyncProperty(fc.oneof(hostileQuery(r.query), hostileRange), async (query) => {
              const url = urlOf(r, {}, query);
              const res = await send({
                method: r.method,
                url,
                headers: as(t.admin),
                ...(r.method !== "GET" && r.method !== "DELETE" ? { payload: GOOD_BODIES[keyOf(r)] ?? {} } : {}),
              });
              expectClean(res, `${r.method} ${url.slice(0, 300)}`);
            }),
            { numRuns: RUNS },
          );
        }
      },
      SWEEP_TIMEOUT_MS,
    );

    /** Each in turn, on every route: the values a number or time field is most likely to mishandle. */
    const NASTY = [
      "1e309",
      "-1e309",
      "Infinity",
      "NaN",
      "-1",
      "0",
      "1.5",
      "99999999999999999999",
      "",
      "x".repeat(10_000),
      "__proto__",
      "constructor",
      "1900-01-01",
      "2100-01-01",
      "2026-02-30",
    ];

    it(
      "every documented query key, given each nasty value in turn, gets a clear 4xx (or a normal answer)",
      async () => {
        for (const r of each())
          for (const key of r.query)
            for (const value of NASTY) {
              const url = urlOf(r, {}, `${key}=${encodeURIComponent(value)}`);
              const res = await send({
                method: r.method,
                url,
                headers: as(t.admin),
                ...(r.method !== "GET" && r.method !== "DELETE" ? { payload: GOOD_BODIES[keyOf(r)] ?? {} } : {}),
              });
              expectClean(res, `${r.method} ${url.slice(0, 200)}`);
            }
      },
      SWEEP_TIMEOUT_MS,
    );

    it(
      "every documented body field of a good body, given each nasty value in turn, gets a clear 4xx (or a normal answer)",
      async () => {
        const values: unknown[] = [
          ...NASTY,
          -1,
          2 ** 53 + 1,
          -(2 ** 63),
          5e-324,
          null,
          [],
          {},
          true,
          { __proto__: null, constructor: { prototype: { polluted: 1 } } },
        ];
        for (const r of each())
          for (const field of Object.keys(r.body))
            for (const value of values) {
              const url = urlOf(r);
              const payload = JSON.stringify({ ...(GOOD_BODIES[keyOf(r)] as object | undefined), [field]: value });
              const res = await send({ method: r.method, url, headers: as(t.admin, { "content-type": "application/json" }), payload });
              expectClean(res, `${r.method} ${url} ${payload.slice(0, 200)}`);
            }
        // 1e309 is valid JSON (a number too large for a double): it parses as Infinity.
        for (const r of each())
          for (const field of Object.keys(r.body)) {
            const payload = JSON.stringify({ ...(GOOD_BODIES[keyOf(r)] as object | undefined), [field]: "__INF__" }).replace('"__INF__"', "1e309");
            expectClean(
              await send({ method: r.method, url: urlOf(r), headers: as(t.admin, { "content-type": "application/json" }), payload }),
              `${r.method} ${urlOf(r)} ${payload.slice(0, 200)}`,
            );
          }
      },
      SWEEP_TIMEOUT_MS,
    );

    it(
      "hostile bodies get a clear 4xx (or a normal answer), never a 5xx",
      async () => {
        for (const r of each()) {
          await fc.assert(
            fc.asyncProperty(hostileBody(Object.keys(r.body)), async ([type, payload]) => {
              const url = urlOf(r);
              const res = await send({ method: r.method, url, headers: as(t.admin, type === undefined ? {} : { "content-type": type }), payload });
              expectClean(res, `${r.method} ${url} ${type} ${String(payload).slice(0, 200)}`);
            }),
            { numRuns: r.method === "GET" ? 4 : RUNS * 2 },
          );
        }
      },
      SWEEP_TIMEOUT_MS,
    );

    it(
      "no, forged, malformed, expired or revoked tokens get 401 on every route behind a token, with any body",
      async () => {
        const tokens = fc.constantFrom<[string, Record<string, string>]>(
          ["none", {}],
          ["empty", { authorization: "" }],
          ["bare scheme", { authorization: "Bearer" }],
          ["scheme and space", { authorization: "Bearer " }],
          ["forged", { authorization: "Bearer ff_0000000000000000000000000000000000000000000" }],
          ["admin's with a suffix", { authorization: "Bearer __ADMIN__x" }],
          ["admin's with a second word", { authorization: "Bearer __ADMIN__ extra" }],
          ["basic", { authorization: "Basic YWRtaW46YWRtaW4=" }],
          ["huge", { authorization: `Bearer ${"A".repeat(64 * 1024)}` }],
          ["unicode", { authorization: "Bearer ff_\u00e9\u00e9" }],
          ["expired", { authorization: "Bearer __EXPIRED__" }],
          ["revoked", { authorization: "Bearer __REVOKED__" }],
          ["query instead of header", {}],
        );
        for (const r of each().filter((x) => !isPublic(x))) {
          await fc.assert(
            fc.asyncProperty(tokens, hostileBody(Object.keys(r.body)), async ([kind, headers], [type, payload]) => {
              const auth = headers.authorization?.replace("__ADMIN__", t.admin).replace("__EXPIRED__", expired).replace("__REVOKED__", revoked);
              const url = urlOf(r, {}, kind === "query instead of header" ? `token=${t.admin}&access_token=${t.admin}` : "");
              const res = await send({
                method: r.method,
                url,
                headers: { ...(auth !== undefined ? { authorization: auth } : {}), ...(type ? { "content-type": type } : {}) },
                payload,
              });
              expectClean(res, `${r.method} ${url} (${kind} token)`);
              expect(res.statusCode, `${r.method} ${url} (${kind} token): ${res.body}`).toBe(401);
              expect(res.json().message).toMatch(kind === "expired" ? /expired on 2026-11-20T14:37:12/ : kind === "revoked" ? /revoked/ : /token/);
            }),
            { numRuns: 10 },
          );
        }
      },
      SWEEP_TIMEOUT_MS,
    );
  });

  /** One request as admin; the answer must be clean (below 500, a readable refusal). */
  async function asAdmin(method: Method, url: string, payload?: string | object, contentType?: string) {
    const res = await send({
      method,
      url,
      headers: as(t.admin, contentType ? { "content-type": contentType } : {}),
      ...(payload !== undefined ? { payload } : {}),
    });
    expectClean(res, `${method} ${url}`);
    return { status: res.statusCode, message: (res.statusCode >= 400 ? (res.json() as { message: string }).message : "") as string, body: res.body };
  }

  describe("what the sweep found (kept as examples)", () => {
    it.each([
      ["/api/v1/audit?limit=1e309", "querystring/limit must be a finite number from 1 to 500"],
      ["/api/v1/audit?limit=Infinity", "querystring/limit must be a finite number from 1 to 500"],
      ["/api/v1/audit?before=-1e309", "querystring/before must be a finite number from 1 to 9007199254740991"],
      ["/api/v1/stores/shop/alerts?state=all&limit=1e309", "querystring/limit must be a finite number"],
      ["/api/v1/stores/shop/audits?limit=1e309", "querystring/limit must be a finite number"],
      ["/api/v1/stores/shop/sales/days?days=1e309", "querystring/days must be a finite number"],
      ["/api/v1/stores/shop/paths?limit=1e309", "querystring/limit must be a finite number from 1 to 1000"],
    ])("%s: an infinite number is a 400 naming the field (was a 500: SQLite's datatype mismatch, a date formatter's 'not a time')", async (url, message) => {
      const res = await asAdmin("GET", url);
      expect(res.status).toBe(400);
      expect(res.message).toContain(message);
    });

    it("a JSON string that Ajv would coerce to an infinite number is a 400 naming the field", async () => {
      const res = await asAdmin("POST", "/api/v1/stores/shop/agents/cam-1/audits", {
        from: NOW - 2 * HOUR,
        to: NOW - HOUR,
        auditor: "Ana",
        hand: { in: "1e309", out: 1 },
      });
      expect(res.status).toBe(400);
      expect(res.message).toMatch(/^body\/hand\/in must be a finite number/);
    });

    it("PUT .../hours?replaces= empty, blank, 0 or hex is a 400 saying what to write (was a 404 naming 1970: coerced to 0)", async () => {
      for (const v of ["", "%20", "0", "-0", "0x10"]) {
        const res = await asAdmin("PUT", `/api/v1/stores/shop/hours?replaces=${v}`, { hours: null });
        expect(res.status, v).toBe(400);
        expect(res.message, v).toMatch(/^querystring\/replaces: .* is not the `from` of a version scheduled ahead: write it in epoch milliseconds/);
      }
    });

    it("an id named 'constructor' (a zone, a store, a group) is refused with the rule, not saved to break the store's traffic (was a 500)", async () => {
      const layout = smallLayout();
      layout.zones = [...layout.zones, rectZone("constructor", "zone", 14, 0, 2, 2)];
      const zone = await asAdmin("PUT", "/api/v1/stores/shop/layout", layout);
      expect(zone.status).toBe(400);
      expect(zone.message).toBe(`body/zones/4/id is not an id: ${ID_RULE}`);
      const store = await asAdmin("PUT", "/api/v1/stores/constructor/layout", smallLayout());
      expect(store.status).toBe(400);
      const group = await asAdmin("POST", "/api/v1/groups", { id: "constructor", name: "G" });
      expect(group.status).toBe(400);
      expect((await asAdmin("GET", "/api/v1/stores/shop/traffic?from=2026-11-20&to=2026-11-21")).status).toBe(200);
    });

    it.each(["toString", "constructor", "valueOf", "hasOwnProperty"])(
      "a department named %s is refused as reserved (was 'given twice'); a sale naming it is an unknown department (was a 500)",
      async (name) => {
        const dept = await asAdmin("PUT", "/api/v1/stores/shop/departments", { departments: { [name]: ["fruit"] } });
        expect(dept.status).toBe(400);
        expect(dept.message).toContain(`"${name}" is a name JavaScript reserves`);
        const sale = await asAdmin("POST", "/api/v1/stores/shop/sales", {
          sales: [{ ts: NOW - HOUR, department: name, amount: 10, items: 1, transaction: `t-${name}` }],
        });
        expect(sale.status).toBe(200);
        expect(JSON.parse(sale.body)).toMatchObject({ accepted: 0, rejected: [{ error: expect.stringContaining(`unknown department "${name}"`) }] });
        const csv = await asAdmin(
          "POST",
          "/api/v1/stores/shop/sales",
          `timestamp,department,amount,transaction\n2026-11-20T14:00:00Z,${name},10,c-${name}\n`,
          "text/csv",
        );
        expect(JSON.parse(csv.body)).toMatchObject({ accepted: 0, rejectedCount: 1 });
      },
    );

    it("a body Fastify refuses says what to send: too large (with the route's limit), not JSON, a prototype key, the wrong type, empty", async () => {
      const big = await asAdmin("POST", "/api/v1/experiments", JSON.stringify({ name: "x".repeat(1024 * 1024) }), "application/json");
      expect([big.status, big.message]).toEqual([413, "the body is larger than the 1 MiB this route takes: send less"]);
      const layout = await asAdmin(
        "PUT",
        "/api/v1/stores/shop/layout",
        JSON.stringify({ ...smallLayout(), floor: { width: 1, height: 1, image: `data:image/png;base64,${"A".repeat(4 * 1024 * 1024)}` } }),
        "application/json",
      );
      expect([layout.status, layout.message]).toEqual([
        413,
        "the body is larger than the 4 MiB this route takes: use a smaller floor-plan image (or give its URL)",
      ]);
      const sales = await asAdmin("POST", "/api/v1/stores/shop/sales", "x".repeat(5 * 1024 * 1024 + 1), "text/csv");
      expect([sales.status, sales.message]).toEqual([413, "the body is larger than the 5 MiB this route takes: split the file into several imports"]);
      for (const body of ["{", '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}']) {
        const res = await asAdmin("POST", "/api/v1/experiments", body, "application/json");
        expect([res.status, res.message]).toEqual([
          400,
          'the body is not valid JSON, or holds a "__proto__" key or a "constructor" key with "prototype" in it (refused as unsafe): send a JSON object with `Content-Type: application/json`',
        ]);
      }
      const xml = await asAdmin("POST", "/api/v1/experiments", "<a/>", "application/xml");
      expect([xml.status, xml.message]).toEqual([
        415,
        'this route does not take a body of type "application/xml": send a JSON object with `Content-Type: application/json`',
      ]);
      const salesXml = await asAdmin("POST", "/api/v1/stores/shop/sales", "<a/>", "application/xml");
      expect(salesXml.message).toContain("(or CSV with `Content-Type: text/csv`)");
      const empty = await asAdmin("POST", "/api/v1/experiments", "", "application/json");
      expect([empty.status, empty.message]).toEqual([
        400,
        "the body is empty but its Content-Type says JSON: send a JSON object (`{}` for none), or no Content-Type",
      ]);
    });

    it("a path the router refuses gets a message that says what is wrong, not the path quoted back", async () => {
      const long = await asAdmin("GET", `/api/v1/stores/${"x".repeat(5_000)}/layout`);
      expect([long.status, long.message]).toEqual([414, "a part of the path is longer than 100 characters (ids are at most 64): check the URL"]);
      const bad = await asAdmin("GET", "/api/v1/stores/%zz/layout");
      expect(bad.status).toBe(400);
      expect(bad.message).toMatch(/^the path holds a %-escape that does not decode/);
    });

    it("an id that breaks the rule gets the rule, not the regular expression", async () => {
      expect((await asAdmin("GET", "/api/v1/stores/Shop!/layout")).message).toBe(`params/store is not an id: ${ID_RULE}`);
    });

    it("a field with a fixed set of values lists them", async () => {
      expect((await asAdmin("GET", "/api/v1/stores/shop/traffic?bucket=week")).message).toBe('querystring/bucket must be one of "hour", "day"');
      expect((await asAdmin("GET", "/api/v1/stores/shop/counts?interval=hour")).message).toBe('querystring/interval must be one of "15m", "1h", "1d"');
      expect((await asAdmin("GET", "/api/v1/stores/shop/forecast?horizon=1e309")).message).toBe('querystring/horizon must be one of "24h", "14d"');
    });

    it("a query key given twice says so and to give it once (was Ajv's 'must be string')", async () => {
      expect(await asAdmin("GET", "/api/v1/stores/shop/traffic?from=2026-11-20&from=2026-11-21&to=2026-11-22")).toMatchObject({ status: 400, message: "querystring/from is given 2 times: give it once" });
      expect((await asAdmin("GET", "/api/v1/stores/shop/traffic?from=2026-11-20&to=2026-11-21&bucket=hour&bucket=day")).message).toBe("querystring/bucket is given 2 times: give it once");
      expect((await asAdmin("GET", "/api/v1/stores/shop/forecast?horizon=24h&horizon=14d")).message).toBe("querystring/horizon is given 2 times: give it once");
      expect((await asAdmin("GET", "/api/v1/audit?limit=5&limit=6&limit=7")).message).toBe("querystring/limit is given 3 times: give it once");
      // Once, it is answered.
      expect((await asAdmin("GET", "/api/v1/stores/shop/traffic?from=2026-11-20&to=2026-11-21")).status).toBe(200);
    });
  });

  describe("over a socket", () => {
    /** A raw HTTP/1.1 exchange: what Node's parser and Fastify answer before any route (bad request lines, huge headers, a body over the limit). */
    function raw(text: string | Buffer): Promise<{ status: number; text: string }> {
      const { hostname, port } = new URL(t.server.httpUrl);
      return new Promise((resolve, reject) => {
        const socket = connect({ host: hostname, port: Number(port) }, () => socket.end(text));
        let got = "";
        socket.setTimeout(ANSWER_WITHIN_MS, () => reject(new Error(`no answer within ${ANSWER_WITHIN_MS} ms`)));
        socket.on("data", (d) => (got += d.toString("latin1")));
        socket.on("error", (err) => (got ? resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(got)?.[1] ?? 0), text: got }) : reject(err)));
        socket.on("close", () => resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(got)?.[1] ?? 0), text: got }));
      });
    }
    const auth = () => `Authorization: Bearer ${t.admin}\r\n`;

    it.each([
      ["a request line that is not HTTP", "HELLO\r\n\r\n"],
      ["a path with a raw NUL", "GET /api/v1/stores/sh\u0000op/layout HTTP/1.1\r\nHost: x\r\n\r\n"],
      [
        "a path with raw non-ASCII bytes",
        Buffer.concat([Buffer.from("GET /api/v1/stores/"), Buffer.from([0xff, 0xfe]), Buffer.from("/layout HTTP/1.1\r\nHost: x\r\n\r\n")]),
      ],
      ["a bad percent-encoding", "GET /api/v1/stores/%zz/layout HTTP/1.1\r\nHost: x\r\n\r\n"],
      ["a 100 KB path", `GET /api/v1/stores/${"a".repeat(100_000)}/layout HTTP/1.1\r\nHost: x\r\n\r\n`],
      ["a 64 KiB header", `GET /api/v1/me HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(64 * 1024)}\r\n\r\n`],
      [
        "a Content-Length that lies",
        `POST /api/v1/experiments HTTP/1.1\r\nHost: x\r\n${"Authorization: Bearer ADMIN"}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{}`,
      ],
      [
        "two Content-Lengths",
        "POST /api/v1/experiments HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
      ],
      ["a negative Content-Length", "POST /api/v1/experiments HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"],
    ])("%s gets a 4xx (never a 5xx, never a hang)", async (_name, text) => {
      const res = await raw(typeof text === "string" ? text.replace("Bearer ADMIN", `Bearer ${t.admin}`) : text);
      expect(res.status, res.text.slice(0, 300)).toBeGreaterThanOrEqual(400);
      expect(res.status, res.text.slice(0, 300)).toBeLessThan(500);
    });

    it("a body over the limit, announced or chunked, is a 413 that says the limit, and the connection is not held open for the rest", async () => {
      const size = 1024 * 1024 + 1;
      const announced = await raw(
        `POST /api/v1/experiments HTTP/1.1\r\nHost: x\r\n${auth()}Content-Type: application/json\r\nContent-Length: ${size}\r\nConnection: close\r\n\r\n${"x".repeat(size)}`,
      );
      expect(announced.status).toBe(413);
      expect(announced.text).toContain("the body is larger than the 1 MiB this route takes");
      const chunk = "x".repeat(64 * 1024);
      const chunked = await raw(
        `POST /api/v1/experiments HTTP/1.1\r\nHost: x\r\n${auth()}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${`${chunk.length.toString(16)}\r\n${chunk}\r\n`.repeat(17)}0\r\n\r\n`,
      );
      expect(chunked.status).toBe(413);
    });

    it("an anonymous body over the limit is a 401 before it is read", async () => {
      const size = 8 * 1024 * 1024;
      const res = await raw(
        `PUT /api/v1/stores/shop/layout HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${size}\r\nConnection: close\r\n\r\n${"x".repeat(1024)}`,
      );
      expect(res.status).toBe(401);
    });
  });

  describe("after the barrage", () => {
    it("the server still answers, the stores' figures are unchanged and no prototype was polluted", async () => {
      expect((await t.get("/api/v1/health", null)).status).toBe(200);
      expect((await t.get("/api/v1/stores/shop/dwell?from=2026-11-20&to=2026-11-21", viewer)).status).toBe(200);
      expect(await figures()).toEqual(before);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.keys(Object.prototype)).toEqual([]);
    });
  });
}

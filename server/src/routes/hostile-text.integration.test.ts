/**
 * Text no database stores, over HTTP and MQTT, on SQLite and on PostgreSQL: U+0000 and half a
 * UTF-16 surrogate pair (JSON's "\u0000", a lone "\ud800"), anywhere in a request body's strings
 * or keys, in a status's metrics, an audit's fields, an event's id or visitor id. PostgreSQL refused
 * them as a 500 (a layout's zone name, a group's name, a token label, a department, a digest
 * recipient) or failed the status or audit write (an `internal_error` reject); two visitors that
 * differ only in a lone surrogate became one row and failed their whole commit, again at every
 * redelivery, with /health saying the database was failing. SQLite stored them, so the same request
 * answered differently on each. Now: a 400 naming the field, or a `schema` reject counted and
 * logged, on both; text with right-to-left overrides, accents and emoji is stored and read back as
 * sent. fast-check picks the route, the string (value or key) and where the bad character goes.
 * Beside them, what the hostile-http sweep found when run against PostgreSQL: an integer past what a
 * bigint holds (the audit log's page cursor).
 */
import fc from "fast-check";
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { topics } from "@footfall/core";
import { metricValue } from "../../../test/support/api.js";
import { batchJson, EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { startTestServer, type InjectMethod, type TestServer } from "../../../test/support/in-process.js";
import { connectMqtt } from "../../../test/support/mqtt.js";
import { usePostgres } from "../../../test/support/postgres.js";
import { waitFor } from "../../../test/support/wait.js";

const NOW = Date.UTC(2026, 10, 20, 15, 37, 12);
const HOUR = 3_600_000;

/** Routes that take a JSON body, each with a body that passes (so that the bad text is what is refused). */
const BODIES: [InjectMethod, string, object][] = [
  ["PUT", "/api/v1/stores/shop/layout", smallLayout()],
  ["PUT", "/api/v1/stores/shop/departments", { departments: { fresh: ["fruit"] } }],
  ["POST", "/api/v1/stores/shop/sales", { sales: [{ ts: NOW - HOUR, department: "fresh", amount: 10, items: 1, transaction: "t-1" }] }],
  [
    "POST",
    "/api/v1/experiments",
    { name: "New shelf", testStores: ["shop"], changeAt: "2026-11-10", before: { from: "2026-11-01", to: "2026-11-08" }, after: { from: "2026-11-12", to: "2026-11-19" }, zones: ["fruit"] },
  ],
  ["POST", "/api/v1/groups", { id: "g2", name: "North", stores: ["shop"] }],
  ["PATCH", "/api/v1/groups/g1", { name: "Group" }],
  ["POST", "/api/v1/tokens", { role: "viewer", label: "tablet" }],
  ["POST", "/api/v1/stores/shop/webhooks", { url: "http://127.0.0.1:8096/hook" }],
  ["POST", "/api/v1/stores/shop/agents", { agent: "door-9", kind: "door" }],
  ["POST", "/api/v1/stores/shop/agents/door-9/audits", { from: NOW - 2 * HOUR, to: NOW - HOUR, auditor: "Ana", hand: { in: 1, out: 1 } }],
  ["POST", "/api/v1/digests", { scope: "store", target: "shop", frequency: "daily", recipients: ["a@example.com"] }],
  ["POST", "/api/v1/stores/shop/alert-rules", { kind: "occupancy", threshold: 0.8, forSeconds: 0, cooldownSeconds: 0, enabled: false }],
];

/** Every string of `value` (a value, or a key), as the path to it. */
function slotsOf(value: unknown, path: string[] = []): { path: string[]; key: boolean }[] {
  if (typeof value === "string") return [{ path, key: false }];
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([k, v]) => [{ path: [...path, k], key: true }, ...slotsOf(v, [...path, k])]);
}

/** `value` with the string at `slot` (or the key) changed by `change`. */
function withText(value: unknown, slot: { path: string[]; key: boolean }, change: (s: string) => string): unknown {
  const copy = structuredClone(value) as Record<string, unknown>;
  let parent = copy;
  for (const k of slot.path.slice(0, -1)) parent = parent[k] as Record<string, unknown>;
  const last = slot.path.at(-1)!;
  if (slot.key) {
    // The key renamed, in place (the object's other keys keep their order).
    const entries = Object.entries(parent).map(([k, v]) => [k === last ? change(k) : k, v] as const);
    for (const k of Object.keys(parent)) delete parent[k];
    for (const [k, v] of entries) parent[k] = v;
  } else parent[last] = change(parent[last] as string);
  return copy;
}

/** The characters no database stores as sent. */
const FLAWED = ["\u0000", "\ud800", "\udbff", "\udc00", "\udfff"];
/** Where the bad character goes: the whole string, its start, its middle, its end. */
const placeOf = fc.constantFrom<(s: string, bad: string) => string>(
  (_s, bad) => bad,
  (s, bad) => bad + s,
  (s, bad) => s.slice(0, 1) + bad + s.slice(1),
  (s, bad) => s + bad,
);
/** Text that is text: right-to-left scripts and their marks, accents, an emoji (a whole surrogate pair), CJK. */
const GOOD_TEXT = "\u05d7\u05dc\u05d1\u200f \u0645\u062a\u062c\u0631 Caf\u00e9 \ud83d\ude42 \u6771\u4eac";
/** Right-to-left override and isolate marks: text a database stores, but no name (core names.ts). */
const OVERRIDES = "\u202eevil\u202c \u2067Rivoli\u2069";

const metric = (t: TestServer, reason: string) => t.get("/metrics").then((r) => metricValue(r.text, "footfall_events_rejected_total", { reason }));

const pg = usePostgres();

describe.each(["SQLite", "PostgreSQL"])("text no database stores, on %s", (backend) => {
  let t: TestServer;
  /** Figures that no refused request may change. */
  let before: unknown[];
  const figures = () => Promise.all(["/api/v1/stores/shop/traffic?from=2026-11-20&to=2026-11-21&bucket=hour", "/api/v1/groups/g1", "/api/v1/stores/shop/departments"].map((u) => t.get(u).then((r) => r.body)));

  beforeAll(async () => {
    t = await startTestServer({ now: () => NOW, config: backend === "PostgreSQL" ? { databaseUrl: pg.database() } : {} });
    await t.putLayout("shop", smallLayout());
    const f = new EventFactory("cam-1");
    await t.ingest("shop", "cam-1", [...f.visit("v1", "entrance", NOW - 2 * HOUR, 60_000), ...f.visit("v2", "fruit", NOW - HOUR, 120_000)]);
    expect((await t.request("POST", "/api/v1/groups", { id: "g1", name: "Group", stores: ["shop"] })).status).toBe(200);
    expect((await t.request("PUT", "/api/v1/stores/shop/departments", { departments: { fresh: ["fruit"] } })).status).toBe(200);
    before = await figures();
  }, 120_000);
  afterAll(async () => t?.close());

  it("takes each body the sweeps change as it is", async () => {
    for (const [method, url, good] of BODIES) {
      const res = await t.request(method, url, good);
      expect(res.status, `${method} ${url}: ${res.text}`).toBeLessThan(300);
    }
  });

  it("a NUL or half a surrogate pair in any string of a body is a 400 naming the field (was a 500 on PostgreSQL, stored on SQLite)", async () => {
    for (const [method, url, good] of BODIES) {
      const slots = slotsOf(good).filter((s) => !s.key);
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...slots), fc.constantFrom(...FLAWED), placeOf, async (slot, bad, place) => {
          const res = await t.request(method, url, withText(good, slot, (s) => place(s, bad)) as object);
          const field = ["body", ...slot.path].join("/");
          expect(res.status, `${method} ${url} ${field}: ${res.text}`).toBe(400);
          // Refused by its own rule (an id's pattern, a list of values) or as text: either way the message names the field.
          expect(res.body.message, `${method} ${url}`).toMatch(new RegExp(`^${field.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`));
          // Nothing else in the way, the message says what the character is and what to do.
          if (res.body.message.startsWith(`${field} holds`))
            expect(res.body.message).toMatch(bad === "\u0000" ? /holds U\+0000 \(a NUL character\), which no database stores: remove it$/ : /holds U\+D[89A-F][0-9A-F]{2} alone \(half of a UTF-16 surrogate pair\), which is not text: send the whole character or remove it$/);
        }),
        { numRuns: 25 },
      );
    }
  });

  it("a NUL or half a surrogate pair in a key is never a 500 and never stored: a 400, or the key dropped as unknown", async () => {
    for (const [method, url, good] of BODIES) {
      const slots = slotsOf(good).filter((s) => s.key);
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...slots), fc.constantFrom(...FLAWED), placeOf, async (slot, bad, place) => {
          const res = await t.request(method, url, withText(good, slot, (s) => place(s, bad)) as object);
          expect(res.status, `${method} ${url} ${slot.path.join("/")}: ${res.text}`).toBeLessThan(500);
          if (res.status < 400) expect(JSON.stringify(res.body)).not.toMatch(/\\u0000|\\ud[89a-f]/);
        }),
        { numRuns: 12 },
      );
    }
    // A key the route keeps (a department's name) is refused, named as a key.
    const dept = await t.request("PUT", "/api/v1/stores/shop/departments", { departments: { "fr\u0000esh": ["fruit"] } });
    expect([dept.status, dept.body.message]).toEqual([400, "a key of body/departments holds U+0000 (a NUL character), which no database stores: remove it"]);
  });

  it("a CSV import with a NUL says on which line, and a query value or path with one is a 400 too", async () => {
    const csv = await t.server.app.inject({
      method: "POST",
      url: "/api/v1/stores/shop/sales",
      headers: { authorization: `Bearer ${t.admin}`, "content-type": "text/csv" },
      payload: "timestamp,department,amount,transaction\n2026-11-20T14:00:00Z,fresh,10,c-1\n2026-11-20T14:01:00Z,fresh,12,c\u00002\n",
    });
    expect([csv.statusCode, csv.json().message]).toEqual([400, "body (line 3) holds U+0000 (a NUL character), which no database stores: remove it"]);
    const query = await t.get("/api/v1/audit?action=a%00b");
    expect([query.status, query.body.message]).toEqual([400, "querystring/action holds U+0000 (a NUL character), which no database stores: remove it"]);
    expect((await t.get("/api/v1/stores/sh%00op/layout")).status).toBe(400);
  });

  it("an audit log page cursor past what a bigint holds is a 400 naming the bound (was a 500 on PostgreSQL: out of range for type bigint)", async () => {
    // Found by the hostile-http sweep run against PostgreSQL; SQLite answered it.
    for (const before of ["99999999999999999999", "9223372036854775808"]) {
      const res = await t.get(`/api/v1/audit?before=${before}`);
      expect([res.status, res.body.message]).toEqual([400, "querystring/before must be <= 9007199254740991"]);
    }
    expect((await t.get(`/api/v1/audit?before=${Number.MAX_SAFE_INTEGER}`)).status).toBe(200);
  });

  it("right-to-left scripts and marks, accents and emoji are text: stored and read back as sent", async () => {
    expect((await t.request("PATCH", "/api/v1/groups/g1", { name: GOOD_TEXT })).body.name).toBe(GOOD_TEXT);
    expect((await t.get("/api/v1/groups/g1")).body.name).toBe(GOOD_TEXT);
    const layout = smallLayout({ name: GOOD_TEXT });
    layout.zones[1]!.name = GOOD_TEXT;
    await t.putLayout("rtl", layout);
    const read = (await t.get("/api/v1/stores/rtl/layout")).body;
    expect([read.name, read.zones[1].name]).toEqual([GOOD_TEXT, GOOD_TEXT]);
    const token = await t.request("POST", "/api/v1/tokens", { role: "viewer", label: GOOD_TEXT });
    expect(token.status).toBe(200);
    expect((await t.get("/api/v1/tokens")).body.tokens.find((k: { id: string }) => k.id === token.body.id).label).toBe(GOOD_TEXT);
    expect((await t.request("PATCH", "/api/v1/groups/g1", { name: "Group" })).status).toBe(200);
  });

  it("bidi overrides and isolates are refused in names, naming the field, but a layout stored with them still reads", async () => {
    expect((await t.request("PATCH", "/api/v1/groups/g1", { name: OVERRIDES })).body.message).toBe(
      "body/name holds U+202E (RIGHT-TO-LEFT OVERRIDE, a bidirectional control), which makes a name read in another order where it is shown: remove it (right-to-left text needs none)",
    );
    const layout = smallLayout({ name: "Rivoli" });
    layout.zones[1]!.name = `Fruit ${OVERRIDES}`;
    const res = await t.request("PUT", "/api/v1/stores/rtl/layout", layout);
    expect([res.status, res.body.message]).toEqual([400, expect.stringMatching(/^body\/zones\/1\/name holds U\+202E \(RIGHT-TO-LEFT OVERRIDE/)]);
    // Stored before names were checked: read back as it was, on both databases.
    await t.server.services.storage.stores.saveLayout("old-rtl", layout, NOW);
    expect((await t.get("/api/v1/stores/old-rtl/layout")).body.zones[1].name).toBe(`Fruit ${OVERRIDES}`);
  });

  it("after all that, the figures are as they were and the server is healthy", async () => {
    expect(await figures()).toEqual(before);
    expect((await t.get("/api/v1/health", null)).body).toMatchObject({ status: "ok" });
  });

  describe("over MQTT", () => {
    let attacker: MqttClient;
    let honest: MqttClient;

    beforeAll(async () => {
      const { agents } = t.server.services.storage;
      const login = async (agent: string) => {
        const cred = await agents.add("shop", agent, "camera", NOW);
        return connectMqtt({ url: `mqtt://127.0.0.1:${t.server.mqttPort}`, username: cred.username, password: cred.password }, { clientId: `shop-${agent}` });
      };
      attacker = await login("cam-x");
      honest = await login("cam-h");
    });
    afterAll(async () => {
      await attacker?.endAsync();
      await honest?.endAsync();
    });
    const agentRow = async (agent: string) =>
      ((await t.get("/api/v1/stores/shop/agents")).body.agents as { agent: string; events: number; rejects: number; lastStatusTs: number | null }[]).find((a) => a.agent === agent)!;

    it("a status or an audit holding such text is a counted schema reject (was an internal_error on PostgreSQL, stored on SQLite)", async () => {
      const schemaBefore = await metric(t, "schema");
      const status = (extra: object) => JSON.stringify({ state: "online", ts: NOW, kind: "camera", version: "1.0.0", ...extra });
      const audit = (extra: object) => JSON.stringify({ id: "a-1", method: "manual", auditor: "Ana", from: NOW - 2 * HOUR, to: NOW - HOUR, at: NOW, hand: { in: 1, out: 1 }, system: { in: 1, out: 1 }, ...extra });
      const bad = [
        [topics.status("shop", "cam-x"), status({ note: "a\u0000b" })],
        [topics.status("shop", "cam-x"), status({ note: "a\ud800b" })],
        [topics.status("shop", "cam-x"), status({ "fps\u0000": 3 })],
        [topics.status("shop", "cam-x"), status({ version: "1.0.0\u0000" })],
        [topics.audits("shop", "cam-x"), audit({ auditor: "An\u0000a" })],
        [topics.audits("shop", "cam-x"), audit({ auditor: "An\udc00a" })],
      ] as const;
      for (const [topic, payload] of bad) await attacker.publishAsync(topic, payload, { qos: 1 });
      await waitFor("the rejects counted", async () => (await metric(t, "schema")) - schemaBefore === bad.length, { timeoutMs: 10_000 });
      expect(await metric(t, "internal_error")).toBe(0);
      expect((await agentRow("cam-x")).lastStatusTs).toBeNull();
      expect(((await t.get("/api/v1/stores/shop/audits")).body.audits as { agent: string }[]).filter((a) => a.agent === "cam-x")).toEqual([]);
      // The same status without the bad text is stored.
      await attacker.publishAsync(topics.status("shop", "cam-x"), status({ note: GOOD_TEXT }), { qos: 1 });
      await waitFor("the good status stored", async () => (await agentRow("cam-x")).lastStatusTs === NOW, { timeoutMs: 10_000 });
    });

    it("events whose id or visitor holds such text are rejected alone: the good events beside them and another agent's are stored, and commits go on", async () => {
      const f = new EventFactory("cam-x");
      const good = f.enter("x-good", "fruit", NOW - 60_000);
      // Two visitors that differ only in a lone surrogate: PostgreSQL turned both into "v\ufffd" and failed the commit.
      const bad = [f.enter("v\ud800", "fruit", NOW - 50_000), f.enter("v\udc00", "fruit", NOW - 40_000), { ...f.enter("x-3", "fruit", NOW - 30_000), id: "cam-x:\udc00" }, f.enter("n\u0000", "fruit", NOW - 20_000)];
      const schemaBefore = await metric(t, "schema");
      await attacker.publishAsync(topics.events("shop", "cam-x"), batchJson("cam-x", [...bad, good]), { qos: 1 });
      const h = new EventFactory("cam-h");
      await honest.publishAsync(topics.events("shop", "cam-h"), batchJson("cam-h", [h.enter("h-1", "bakery", NOW - 10_000)]), { qos: 1 });
      await waitFor("the honest agent's event stored", async () => (await agentRow("cam-h")).events === 1, { timeoutMs: 10_000 });
      await waitFor("the attacker's events settled", async () => (await agentRow("cam-x")).events === 1, { timeoutMs: 10_000 });
      expect((await agentRow("cam-x")).rejects).toBe(bad.length);
      expect((await metric(t, "schema")) - schemaBefore).toBe(bad.length);
      expect((await t.get("/api/v1/health", null)).body).toMatchObject({ status: "ok", db: "ok" });
      // The good events count in the store's figures: the one good enter among the attacker's, the honest agent's.
      const occupancy = (await t.get("/api/v1/stores/shop/occupancy")).body as { zones: { zone: string; occupancy: number }[] };
      expect(Object.fromEntries(occupancy.zones.map((z) => [z.zone, z.occupancy]))).toMatchObject({ fruit: 1, bakery: 1 });
    });
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { ackByOf, WEEKDAYS, type AlertNotification, type OpeningHours } from "@footfall/core";
import { smallLayout } from "../../../test/support/fixtures.js";
import { startTestServer, type TestServer } from "../../../test/support/in-process.js";
import { tempDir } from "../../../test/support/wait.js";

// Monday 30 November 2026, 10:00 in Paris.
const T0 = Date.UTC(2026, 10, 30, 9, 0, 0);
let now = T0;
let t: TestServer | null = null;
const dirs: { remove(): void }[] = [];
afterEach(async () => {
  await t?.close();
  t = null;
  for (const d of dirs.splice(0)) d.remove();
});

async function start(dataDir?: string): Promise<TestServer> {
  t = await startTestServer({ now: () => now, ...(dataDir ? { dataDir } : {}) });
  await t.putLayout("shop", smallLayout());
  return t;
}
const req = (method: "GET" | "PUT" | "POST" | "DELETE", url: string, token: string, payload?: object) =>
  t!.server.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload !== undefined ? { payload } : {}) });

const hours: OpeningHours = {
  weekly: { mon: [{ open: "09:00", close: "19:00" }], tue: [{ open: "09:00", close: "19:00" }], wed: [], thu: [], fri: [], sat: [], sun: [] },
  exceptions: [{ date: "2026-12-01", intervals: [], note: "inventory" }],
};

/** Every alert notification the running server announces from now on. */
function notifications(): AlertNotification[] {
  const notes: AlertNotification[] = [];
  t!.server.services.alerts.subscribe((n) => void notes.push(n));
  return notes;
}
/** An admin puts rule `id` of the shop: enabled, with no duration or cool-down unless given. */
const putRule = (id: string, rule: { kind: string; zone?: string; agent?: string; threshold: number; forSeconds?: number; cooldownSeconds?: number }) =>
  req("PUT", `/api/v1/stores/shop/alert-rules/${id}`, t!.admin, { forSeconds: 0, cooldownSeconds: 0, enabled: true, ...rule });
/** An admin sets (or with null, removes) the shop's opening hours. */
const putHours = (h: OpeningHours | null) => req("PUT", "/api/v1/stores/shop/hours", t!.admin, { hours: h });
/** The door counter: each call ingests one person in, counted half a second before `now`. */
function doorCounter(): () => Promise<unknown> {
  let k = 0;
  return () => t!.ingest("shop", "door", [{ type: "count", id: `door:${k++}`, ts: now - 500, zone: "entrance", in: 1, out: 0 }]);
}

/** n visitors entering `zone` at `ts`. */
const crowd = (zone: string, n: number, ts: number, tag = "a") =>
  Array.from({ length: n }, (_, i) => ({ type: "enter", id: `cam:${tag}${i}`, ts, zone, visitor: `${tag}v${i}` }));
const leave = (zone: string, n: number, ts: number, tag = "a") =>
  Array.from({ length: n }, (_, i) => ({ type: "exit", id: `cam:${tag}x${i}`, ts, zone, visitor: `${tag}v${i}` }));

describe("opening hours API", () => {
  it("none until an admin sets them; checked; viewers and staff read, only admins write; open intervals for shading", async () => {
    await start();
    const viewer = await t!.token("viewer");
    const staff = await t!.token("staff");
    expect((await t!.get("/api/v1/stores/shop/hours", viewer)).body).toEqual({ hours: null, timezone: "Europe/Paris" });
    expect((await req("PUT", "/api/v1/stores/shop/hours", viewer, { hours })).statusCode).toBe(403);
    expect((await req("PUT", "/api/v1/stores/shop/hours", staff, { hours })).statusCode).toBe(403);
    const bad = await req("PUT", "/api/v1/stores/shop/hours", t!.admin, { hours: { ...hours, weekly: { ...hours.weekly, wed: [{ open: "20:00", close: "02:00" }] } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain("wed: 20:00-02:00 closes before it opens");
    expect((await req("PUT", "/api/v1/stores/shop/hours", t!.admin, { hours })).statusCode).toBe(200);
    expect((await t!.get("/api/v1/stores/shop/hours", staff)).body.hours).toEqual(hours);
    // Monday open 09:00-19:00 Paris = 08:00-18:00 UTC; Tuesday closed by the exception.
    const open = await t!.get(`/api/v1/stores/shop/hours/open?from=${Date.UTC(2026, 10, 30)}&to=${Date.UTC(2026, 11, 2)}`, viewer);
    expect(open.body).toEqual({ open: [{ from: Date.UTC(2026, 10, 30, 8), to: Date.UTC(2026, 10, 30, 18) }] });
    expect((await t!.get("/api/v1/stores/nosuch/hours")).status).toBe(404);
    expect((await req("PUT", "/api/v1/stores/shop/hours", t!.admin, { hours: null })).statusCode).toBe(200);
    expect((await t!.get(`/api/v1/stores/shop/hours/open?from=${T0}&to=${T0 + 1000}`)).body).toEqual({ open: null });
  });
});

describe("alert rules API", () => {
  it("admins create, replace and delete; viewers and staff read; the zone must exist", async () => {
    await start();
    const staff = await t!.token("staff");
    const rule = { kind: "occupancy", zone: "fruit", threshold: 0.8, forSeconds: 10, cooldownSeconds: 60, enabled: true };
    expect((await req("POST", "/api/v1/stores/shop/alert-rules", staff, rule)).statusCode).toBe(403);
    const created = await req("POST", "/api/v1/stores/shop/alert-rules", t!.admin, { ...rule, id: "fruit-full" });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({ ...rule, id: "fruit-full", store: "shop" });
    expect((await req("POST", "/api/v1/stores/shop/alert-rules", t!.admin, { ...rule, id: "fruit-full" })).statusCode).toBe(409);
    const auto = (await req("POST", "/api/v1/stores/shop/alert-rules", t!.admin, { ...rule, zone: undefined, kind: "counter-silent", threshold: 900 })).json();
    expect(auto.id).toMatch(/^counter-silent-[0-9a-f]{8}$/);
    const badZone = await req("POST", "/api/v1/stores/shop/alert-rules", t!.admin, { ...rule, zone: "garden" });
    expect(badZone.statusCode).toBe(400);
    expect(badZone.json().message).toContain('"garden" is not a zone');
    expect((await req("POST", "/api/v1/stores/shop/alert-rules", t!.admin, { ...rule, kind: "queue-length", zone: undefined })).statusCode).toBe(400);
    // counter-silent may watch one zone; agent-offline one agent or a zone's agents, not both.
    const silentZone = await req("POST", "/api/v1/stores/shop/alert-rules", t!.admin, { ...rule, kind: "counter-silent", threshold: 600, id: "fruit-silent" });
    expect(silentZone.statusCode).toBe(201);
    expect(silentZone.json()).toMatchObject({ kind: "counter-silent", zone: "fruit" });
    const agentZone = await req("POST", "/api/v1/stores/shop/alert-rules", t!.admin, { ...rule, kind: "agent-offline", threshold: 600, agent: "cam" });
    expect(agentZone.statusCode).toBe(400);
    expect(agentZone.json().message).toContain("not both");
    expect((await req("POST", "/api/v1/stores/shop/alert-rules", t!.admin, { ...rule, forSeconds: -1 })).statusCode).toBe(400);
    expect((await req("PUT", "/api/v1/stores/shop/alert-rules/fruit-full", t!.admin, { ...rule, threshold: 1 })).json().threshold).toBe(1);
    const listed = await t!.get("/api/v1/stores/shop/alert-rules", staff);
    expect(listed.body.rules.map((r: { id: string }) => r.id).sort()).toEqual([auto.id, "fruit-full", "fruit-silent"].sort());
    expect((await req("DELETE", "/api/v1/stores/shop/alert-rules/fruit-full", staff)).statusCode).toBe(403);
    expect((await req("DELETE", "/api/v1/stores/shop/alert-rules/fruit-full", t!.admin)).statusCode).toBe(204);
    expect((await req("DELETE", "/api/v1/stores/shop/alert-rules/fruit-full", t!.admin)).statusCode).toBe(404);
  });
});

describe("alert lifecycle", () => {
  it("fires after its duration, is announced on the bus, acknowledged once by staff, stays acknowledged across a restart, resolves, and is in the history", async () => {
    const dir = tempDir("footfall-alerts-");
    dirs.push(dir);
    await start(dir.path);
    const notes = notifications();
    await putRule("fruit-full", { kind: "occupancy", zone: "fruit", threshold: 0.8, forSeconds: 10, cooldownSeconds: 60 });
    const evaluator = t!.server.services.alertEvaluator!;
    await t!.ingest("shop", "cam", crowd("fruit", 5, now - 1000)); // 5 of 5: 100 % > 80 %
    await evaluator.tick();
    now += 5_000;
    await evaluator.tick();
    expect(notes).toEqual([]);
    now += 5_000;
    await evaluator.tick();
    expect(notes.map((n) => n.type)).toEqual(["alert.firing"]);
    const fired = notes[0]!.alert;
    expect(fired).toMatchObject({ ruleId: "fruit-full", store: "shop", zone: "fruit", state: "firing", since: T0, firedAt: T0 + 10_000, value: 1 });
    expect(notes[0]!.deliveryId).toBe(`${fired.id}:firing`);

    const staff = await t!.token("staff", "shop");
    const viewer = await t!.token("viewer");
    expect((await t!.get("/api/v1/stores/shop/alerts", viewer)).body.alerts).toEqual([fired]);
    expect((await req("POST", `/api/v1/stores/shop/alerts/${fired.id}/ack`, viewer, {})).statusCode).toBe(403);
    const ack = await req("POST", `/api/v1/stores/shop/alerts/${fired.id}/ack`, staff, { by: "Ana" });
    expect(ack.statusCode).toBe(200);
    // The person typed on the shared tablet, with the tablet (its token's label, here none: its role and id).
    expect(ack.json()).toMatchObject({ state: "acknowledged", acknowledgedAt: now });
    expect(ack.json().acknowledgedBy).toMatch(/^Ana \(staff token .+\)$/);
    expect(notes.map((n) => n.type)).toEqual(["alert.firing", "alert.acknowledged"]);
    const again = await req("POST", `/api/v1/stores/shop/alerts/${fired.id}/ack`, staff, {});
    expect(again.statusCode).toBe(409);
    expect(again.json().message).toContain("already acknowledged by Ana (staff token ");
    expect((await req("POST", "/api/v1/stores/shop/alerts/nope/ack", staff, {})).statusCode).toBe(404);

    // A restart: the alert is still acknowledged and is not fired again while the zone stays full.
    await t!.close();
    t = null;
    await start(dir.path);
    const notes2 = notifications();
    const ev2 = t!.server.services.alertEvaluator!;
    now += 1000;
    await t!.ingest("shop", "cam", crowd("fruit", 5, now - 500, "b")); // the live state is rebuilt from storage anyway; more people
    await ev2.tick();
    now += 20_000;
    await ev2.tick();
    expect(notes2.filter((n) => n.type !== "alert.resolved")).toEqual([]);
    const active = (await t!.get("/api/v1/stores/shop/alerts")).body.alerts;
    expect(active).toHaveLength(1);
    expect(active[0]).toMatchObject({ id: fired.id, state: "acknowledged", acknowledgedBy: ack.json().acknowledgedBy });

    // Everyone leaves: resolved (acknowledgement kept in the record), in the history.
    await t!.ingest("shop", "cam", [...leave("fruit", 5, now - 100), ...leave("fruit", 5, now - 100, "b")]);
    now += 1000;
    await ev2.tick();
    expect(notes2.map((n) => n.type)).toEqual(["alert.resolved"]);
    expect((await t!.get("/api/v1/stores/shop/alerts")).body.alerts).toEqual([]);
    const history = (await t!.get(`/api/v1/stores/shop/alerts?state=all&from=${T0 - 60_000}`)).body.alerts;
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ id: fired.id, state: "resolved", acknowledgedBy: ack.json().acknowledgedBy, resolvedAt: now });
  });

  it("an acknowledgement with a name typed on a shared tablet says who and which tablet; a name too long or with a control character is refused, and what is allowed said", async () => {
    await start();
    const notes = notifications();
    await putRule("fruit-full", { kind: "occupancy", zone: "fruit", threshold: 0.8 });
    await t!.ingest("shop", "cam", crowd("fruit", 5, now - 1000));
    await t!.server.services.alertEvaluator!.tick();
    const fired = notes.find((n) => n.type === "alert.firing")!.alert;
    const tablet = await t!.server.services.storage.tokens.add("staff", "shop", now, "front-tablet");
    const ack = (by: unknown) => req("POST", `/api/v1/stores/shop/alerts/${fired.id}/ack`, tablet, { by });
    for (const bad of ["A".repeat(41), "Ana\nBob", "Ana\u0007", "Ana\u2028", "Ana\u009b"]) {
      const r = await ack(bad);
      expect(r.statusCode, JSON.stringify(bad)).toBe(400);
      expect(r.json().message).toMatch(/^body\/by/);
      if (bad.length <= 40) expect(r.json().message).toContain("at most 40 characters without a control character");
    }
    // Still firing: nothing was taken.
    expect((await t!.get("/api/v1/stores/shop/alerts", tablet)).body.alerts[0]).toMatchObject({ state: "firing" });
    const ok = await ack("  Ana   B. ");
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ state: "acknowledged", acknowledgedBy: "Ana B. (front-tablet)" });
    expect((await t!.get("/api/v1/stores/shop/alerts?state=all", tablet)).body.alerts[0].acknowledgedBy).toBe("Ana B. (front-tablet)");
    // 40 characters are taken.
    expect(ackByOf("A".repeat(40))).toBe("A".repeat(40));
  });

  it("counter silent while open: fires only during opening hours", async () => {
    await start();
    await putHours(hours);
    await putRule("silent", { kind: "counter-silent", threshold: 600 });
    const notes = notifications();
    const ev = t!.server.services.alertEvaluator!;
    await t!.server.services.storage.agents.add("shop", "door", "door", now);
    await t!.ingest("shop", "door", [{ type: "count", id: "door:1", ts: now - 1000, zone: "entrance", in: 1, out: 0 }]);
    await ev.tick();
    now += 11 * 60_000; // 10:11, open, 11 min without counts
    ev.rulesChanged("shop");
    await ev.tick();
    expect(notes.map((n) => n.type)).toEqual(["alert.firing"]);
    expect(notes[0]!.alert.message).toContain("no counts for 11 min while open");
    now = Date.UTC(2026, 10, 30, 18, 30); // 19:30: closed: no value, resolves
    await ev.tick();
    expect(notes.map((n) => n.type)).toEqual(["alert.firing", "alert.resolved"]);
  });
});

describe("a zone's counter silent while open", () => {
  it("fires when that zone has no count or visit for the threshold while another zone keeps counting, resolves when it counts again", async () => {
    now = T0;
    await start();
    await putHours(hours);
    const put = await putRule("fruit-silent", { kind: "counter-silent", zone: "fruit", threshold: 600, forSeconds: 60 });
    expect(put.statusCode).toBe(200);
    const notes = notifications();
    const ev = t!.server.services.alertEvaluator!;
    // 10:00: the fruit zone's camera sees someone; the door counter counts every minute from now on.
    await t!.ingest("shop", "cam", crowd("fruit", 1, now, "f"));
    const door = doorCounter();
    await door();
    await ev.tick();
    for (let m = 1; m <= 10; m++) {
      now += 60_000;
      await door();
      await ev.tick();
    }
    // 10:10: fruit silent for 10 min (not above 600 s yet): nothing.
    expect(notes).toEqual([]);
    now += 30_000;
    await door();
    await ev.tick(); // 10:10:30: above the threshold; the 60 s duration starts
    expect(notes).toEqual([]);
    now += 60_000;
    await door();
    await ev.tick(); // 10:11:30: held for 60 s
    expect(notes.map((n) => n.type)).toEqual(["alert.firing"]);
    expect(notes[0]!.alert).toMatchObject({ kind: "counter-silent", zone: "fruit" });
    expect(notes[0]!.alert.value).toBe(690);
    expect(notes[0]!.alert.message).toContain("fruit: no counts for 11 min 30 s while open");
    // The store-wide figure is not what it reads: the door kept counting all along. Someone entering fruit resolves it.
    now += 1000;
    await t!.ingest("shop", "cam", crowd("fruit", 1, now - 200, "g"));
    await ev.tick();
    expect(notes.map((n) => n.type)).toEqual(["alert.firing", "alert.resolved"]);
  });

  it("a zone that has never counted is unknown (no alert); one counted before the rule's look-back is silent", async () => {
    now = T0;
    await start();
    await t!.ingest("shop", "cam", crowd("bakery", 1, now - 3 * 3_600_000, "b"));
    await putRule("bakery-silent", { kind: "counter-silent", zone: "bakery", threshold: 600 });
    await putRule("checkout-silent", { kind: "counter-silent", zone: "checkout", threshold: 600 });
    const notes = notifications();
    await t!.server.services.alertEvaluator!.tick();
    expect(notes.map((n) => [n.type, n.alert.zone])).toEqual([["alert.firing", "bakery"]]);
  });
});

describe("a zone's agent offline", () => {
  it("watches the agents whose events named the zone: fires when the fruit camera is silent while the door counter keeps counting; refuses zone with agent", async () => {
    now = T0;
    await start();
    const both = await putRule("x", { kind: "agent-offline", zone: "fruit", agent: "cam", threshold: 600 });
    expect(both.statusCode).toBe(400);
    expect(both.json().message).toContain("not both");
    const put = await putRule("fruit-cam", { kind: "agent-offline", zone: "fruit", threshold: 600 });
    expect(put.statusCode).toBe(200);
    const { storage } = t!.server.services;
    await storage.agents.add("shop", "cam", "camera", now);
    await storage.agents.add("shop", "door", "door", now);
    const notes = notifications();
    const ev = t!.server.services.alertEvaluator!;
    await t!.ingest("shop", "cam", crowd("fruit", 1, now, "f"));
    const door = doorCounter();
    expect((await storage.agents.zoneAgents("shop", "fruit")).map((a) => a.agent)).toEqual(["cam"]);
    expect((await storage.agents.zoneAgents("shop", "entrance")).map((a) => a.agent)).toEqual([]);
    for (let m = 1; m <= 11; m++) {
      now += 60_000;
      await door();
      await ev.tick();
    }
    expect((await storage.agents.zoneAgents("shop", "entrance")).map((a) => a.agent)).toEqual(["door"]);
    // 11 min after the camera's last event: above 600 s; the door (another zone's agent) does not count.
    expect(notes.map((n) => n.type)).toEqual(["alert.firing"]);
    expect(notes[0]!.alert).toMatchObject({ kind: "agent-offline", zone: "fruit", value: 660 });
    expect(notes[0]!.alert.message).toContain("fruit: cam silent for 11 min");
    now += 1000;
    await t!.ingest("shop", "cam", crowd("fruit", 1, now - 100, "g"));
    await ev.tick();
    expect(notes.map((n) => n.type)).toEqual(["alert.firing", "alert.resolved"]);
  });
});

describe("alert messages", () => {
  it("name the zone by its name in the store's layout, as the tablet banner, the history and webhooks show it", async () => {
    t = await startTestServer({ now: () => now });
    const layout = smallLayout();
    await t.putLayout("shop", { ...layout, zones: layout.zones.map((z) => (z.id === "fruit" ? { ...z, name: "Fruit & veg" } : z)) });
    const notes = notifications();
    await putRule("fruit-full", { kind: "occupancy", zone: "fruit", threshold: 0.8 });
    await t.ingest("shop", "cam", crowd("fruit", 5, now - 1000));
    await t.server.services.alertEvaluator!.tick();
    expect(notes.map((n) => n.alert.message)).toEqual(["Fruit & veg at 100 % of capacity (above 80 %)"]);
    expect((await t.get("/api/v1/stores/shop/alerts")).body.alerts.map((a: { message: string }) => a.message)).toEqual(["Fruit & veg at 100 % of capacity (above 80 %)"]);
  });
});

describe("opening hours and the door count", () => {
  it("the door count resets at closing instead of midnight, and the drift it corrected is recorded for the day", async () => {
    now = Date.UTC(2026, 10, 30, 9); // Monday 10:00 Paris
    await start();
    await putHours(hours);
    await t!.server.services.hours!.changed("shop");
    const staff = await t!.token("staff");
    const count = (id: string, ts: number, nIn: number, nOut: number) => ({ type: "count", id: `door:${id}`, ts, zone: "entrance", in: nIn, out: nOut });
    await t!.ingest("shop", "door", [count("1", now - 60_000, 10, 0), count("2", now - 30_000, 0, 7)]);
    now += 60_000;
    expect((await t!.get("/api/v1/stores/shop/occupancy", staff)).body.total).toBe(3);
    now = Date.UTC(2026, 10, 30, 18, 30); // 19:30 Paris: closed at 19:00
    expect((await t!.get("/api/v1/stores/shop/occupancy", staff)).body.total).toBe(0);
    await t!.server.services.hours!.recordDrifts();
    const drift = await t!.get(`/api/v1/stores/shop/occupancy-drift?from=${Date.UTC(2026, 10, 29)}&to=${now}`, staff);
    expect(drift.body.days).toEqual([{ date: "2026-11-30", drift: 3, at: now }]);
    // Without hours the count runs from local midnight again.
    await putHours(null);
    expect((await t!.get("/api/v1/stores/shop/occupancy", staff)).body.total).toBe(3);
  });

  it("a server that was down at closings records each missed day of the last week when it starts, and keeps what was recorded before", async () => {
    const daily: OpeningHours = { weekly: Object.fromEntries(WEEKDAYS.map((d) => [d, [{ open: "09:00", close: "19:00" }]])) as OpeningHours["weekly"], exceptions: [] };
    now = Date.UTC(2026, 10, 28, 9); // Saturday 10:00 Paris
    const dir = tempDir("footfall-drift-");
    dirs.push(dir);
    await start(dir.path);
    await putHours(daily);
    const staff = await t!.token("staff");
    const count = (id: string, ts: number, nIn: number, nOut: number) => ({ type: "count", id: `door:${id}`, ts, zone: "entrance", in: nIn, out: nOut });
    const at = (day: number, hour: number) => Date.UTC(2026, 10, day, hour); // UTC: 10:00 and 17:00 Paris
    now = Date.UTC(2026, 10, 28, 18, 30); // 19:30 Saturday: closed, recorded by the running server
    await t!.ingest("shop", "door", [count("sat-in", at(28, 9), 6, 0), count("sat-out", at(28, 16), 0, 5)]);
    await t!.server.services.hours!.hoursNow("shop");
    await t!.get("/api/v1/stores/shop/occupancy", staff); // the keeper learns the store's time zone
    await t!.server.services.hours!.recordDrifts();
    const saturday = { date: "2026-11-28", drift: 1, at: now };
    // Down from Sunday to Wednesday morning: the agent's outbox brings the days' counts in then.
    await t!.close();
    now = Date.UTC(2026, 11, 2, 9); // Wednesday 10:00 Paris
    t = await startTestServer({ now: () => now, dataDir: dir.path });
    await t.ingest("shop", "door", [
      count("sun-in", at(29, 9), 10, 0),
      count("sun-out", at(29, 16), 0, 7),
      count("mon-in", at(30, 9), 4, 0),
      count("mon-out", at(30, 16), 0, 6),
      count("tue-in", Date.UTC(2026, 11, 1, 9), 5, 0),
      count("tue-out", Date.UTC(2026, 11, 1, 16), 0, 5),
    ]);
    await t.server.services.hours!.hoursNow("shop");
    await t.get("/api/v1/stores/shop/occupancy", staff);
    await t.server.services.hours!.recordDrifts();
    const drift = await t.get(`/api/v1/stores/shop/occupancy-drift?from=${Date.UTC(2026, 10, 27)}&to=${now}`, staff);
    expect(drift.body.days).toEqual([
      saturday,
      { date: "2026-11-29", drift: 3, at: now },
      { date: "2026-11-30", drift: -2, at: now },
      { date: "2026-12-01", drift: 0, at: now },
    ]);
  });
});

describe("one agent offline", () => {
  it("refuses a rule on an agent the store does not have, or has revoked, naming its agents: such a rule watched nobody and never fired", async () => {
    now = T0;
    await start();
    const { storage } = t!.server.services;
    await storage.agents.add("shop", "cam", "camera", now);
    await storage.agents.add("shop", "door-1", "door", now);
    // A mistyped id (door1 for door-1), by PUT and by POST: 400 in words, nothing saved.
    const typo = await putRule("door-down", { kind: "agent-offline", agent: "door1", threshold: 600 });
    expect(typo.statusCode).toBe(400);
    expect(typo.json().message).toBe('agent: "door1" is not an agent of store "shop", so a rule on it would never fire (its agents: cam, door-1); leave agent out to watch them all');
    const posted = await req("POST", "/api/v1/stores/shop/alert-rules", t!.admin, { kind: "agent-offline", agent: "door1", threshold: 600, forSeconds: 0, cooldownSeconds: 0, enabled: true });
    expect(posted.statusCode).toBe(400);
    expect(posted.json().message).toContain('"door1" is not an agent of store "shop"');
    // A revoked agent: the evaluator leaves it out, so its rule would never fire either.
    expect(await storage.agents.revoke("shop", "cam", now)).toBe(true);
    const revoked = await putRule("cam-down", { kind: "agent-offline", agent: "cam", threshold: 600 });
    expect(revoked.statusCode).toBe(400);
    expect(revoked.json().message).toBe('agent: "cam" of store "shop" is revoked, so a rule on it would never fire (its agents: door-1); footfall agent add lets it in again');
    expect((await t!.get("/api/v1/stores/shop/alert-rules", t!.admin)).body.rules).toEqual([]);
    // The right id is saved, and pages when that agent is silent past the threshold.
    expect((await putRule("door-down", { kind: "agent-offline", agent: "door-1", threshold: 600 })).statusCode).toBe(200);
    await t!.ingest("shop", "door-1", [{ type: "count", id: "door-1:0", ts: now - 500, zone: "entrance", in: 1, out: 0 }]);
    const notes = notifications();
    now += 11 * 60_000;
    await t!.server.services.alertEvaluator!.tick();
    expect(notes.map((n) => [n.type, n.alert.message])).toEqual([["alert.firing", "door-1 silent for 11 min"]]);
  });
});

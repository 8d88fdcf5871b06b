/**
 * A digest for a day nobody came in, and for a group with no stores: the words and numbers an area
 * manager reads in the mail agree with the chain view's (GET /overview) for the same day, and a
 * digest that has nothing to report says why instead of mailing "no data" every morning.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { startTestServer, type TestServer } from "../../../test/support/in-process.js";
import { setMailEnv } from "../../../test/support/smtp-sink.js";
import { digestSchedulers } from "./scheduler.js";

/** Local time in Paris (UTC+1 in November). */
const local = (d: number, h: number, m = 0) => Date.UTC(2026, 10, d, h - 1, m);
let clock = local(26, 9);
let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ now: () => clock, maxAgeMs: 30 * 86_400_000 });
  // A store counted by a camera (visitors followed) and one by a door counter (no visitors told apart).
  await t.putLayout("cam", smallLayout({ name: "Camera store" }));
  await t.putLayout("door", smallLayout({ name: "Door store" }));
  const c = new EventFactory("cam-1");
  const f = new EventFactory("door-1");
  // Sunday 22 and Monday 23 Nov: two shoppers each day at the camera store, 40 and 30 people in at the door store.
  // Tuesday 24 Nov: nobody at either (a strike, say). Wednesday 25: the door store alone has 12 in.
  await t.ingest("cam", "cam-1", [
    ...c.visit("a", "entrance", local(22, 10), 20_000),
    ...c.visit("a", "fruit", local(22, 10, 1), 60_000),
    ...c.visit("b", "entrance", local(22, 11), 20_000),
    ...c.visit("c", "entrance", local(23, 10), 20_000),
    ...c.visit("c", "fruit", local(23, 10, 1), 60_000),
    ...c.visit("d", "entrance", local(23, 11), 20_000),
  ]);
  await t.ingest("door", "door-1", [f.count("entrance", local(22, 10), 40, 0), f.count("entrance", local(23, 10), 30, 0), f.count("entrance", local(25, 10), 12, 0)]);
  expect((await t.request("POST", "/api/v1/groups", { id: "both", name: "Both", stores: ["cam", "door"] })).status).toBe(200);
  expect((await t.request("POST", "/api/v1/groups", { id: "cams", name: "Cameras", stores: ["cam"] })).status).toBe(200);
});
afterAll(async () => t?.close());

/** The Visitors row of a digest's text: this period's cell and the period before's. */
const visitorsRow = (text: string) => {
  const m = /^Visitors\s+(.+?)\s{3}the day before: (.+)$/m.exec(text);
  if (!m) throw new Error(`no Visitors row in:\n${text}`);
  return { now: m[1]!.trim(), before: m[2]! };
};
/** A visitors figure as the digest writes it: "n/a" for none counted (door counters only). */
const written = (v: number | null) => (v === null ? "n/a" : String(v));

describe("a day nobody came in", () => {
  it("a camera store's digest gives 0 visitors, as the chain view does, and its fall from the day before", async () => {
    const d = await t.request("POST", "/api/v1/digests", { scope: "store", target: "cam", frequency: "daily", recipients: ["cam@shop.example"], hour: 7 });
    expect(d.status).toBe(200);
    const p = await t.request("GET", `/api/v1/digests/${d.body.id}/preview?period=2026-11-24`);
    expect(p.status).toBe(200);
    expect(p.body.subject).toBe("Footfall daily digest: Camera store, Tue 24 Nov 2026: 0 enters (−100 %)");
    // Was "Visitors n/a   the day before: 2": "n/a" is the door counter's "cannot tell visitors apart", not nobody.
    expect(p.body.text).toMatch(/^Visitors\s+0\s+the day before: 2 \(−100 %\)$/m);
    expect(p.body.text).toMatch(/^Enters\s+0\s+the day before: 2 \(−100 %\)$/m);
    expect(p.body.text).toMatch(/^Median dwell\s+n\/a\s+the day before: 1 min 01 s$/m);
    // The chain view's figures of that day and the day before.
    const o = await t.request("GET", `/api/v1/overview?from=${new Date(local(24, 0)).toISOString()}&to=${new Date(local(25, 0)).toISOString()}`);
    const row = o.body.stores.find((s: { id: string }) => s.id === "cam");
    expect(row.figures).toMatchObject({ enters: 0, visitors: 0 });
    expect(row.previous).toMatchObject({ enters: 2, visitors: 2 });
    expect(visitorsRow(p.body.text)).toEqual({ now: written(row.figures.visitors), before: `${written(row.previous.visitors)} (−100 %)` });
  });

  it("every store's and group's Visitors in the digest are the chain view's, day by day (door counters: n/a while they count people in)", async () => {
    const made = async (scope: "store" | "group", target: string) =>
      (await t.request("POST", "/api/v1/digests", { scope, target, frequency: "daily", recipients: ["area@shop.example"], hour: 7 })).body.id as string;
    const digests = { cam: await made("store", "cam"), door: await made("store", "door"), both: await made("group", "both"), cams: await made("group", "cams") };
    const seen: string[] = [];
    for (const day of [23, 24, 25]) {
      const o = await t.request("GET", `/api/v1/overview?from=${new Date(local(day, 0)).toISOString()}&to=${new Date(local(day + 1, 0)).toISOString()}`);
      const cams = o.body.groups.find((g: { id: string }) => g.id === "cams");
      const chain: Record<string, number | null> = {
        cam: o.body.stores.find((s: { id: string }) => s.id === "cam").figures.visitors,
        door: o.body.stores.find((s: { id: string }) => s.id === "door").figures.visitors,
        both: o.body.totals.figures.visitors,
        cams: cams.figures.visitors,
      };
      // A group's sum leaves out its door-counter-only stores, and both the chain view and the digest say how many (be99a80).
      const leftOut: Record<string, number> = { cam: 0, door: 0, both: o.body.totals.visitorsLeftOut ?? 0, cams: cams.visitorsLeftOut ?? 0 };
      for (const [target, id] of Object.entries(digests)) {
        const p = await t.request("GET", `/api/v1/digests/${id}/preview?period=2026-11-${day}`);
        expect(p.status).toBe(200);
        const v = visitorsRow(p.body.text).now;
        const n = leftOut[target]!;
        expect(v, `${target} on the ${day}th`).toBe(written(chain[target]!) + (n > 0 ? ` (without ${n} door-counter-only store${n === 1 ? "" : "s"})` : ""));
        seen.push(`${target} ${day}: ${v}`);
      }
    }
    // The cases that matter, spelt out: the quiet Tuesday is 0 where visitors are counted, and the door store's
    // Wednesday beside the camera store's quiet day gives the group no visitors (the camera store counts as neither).
    expect(seen).toEqual([
      "cam 23: 2",
      "door 23: n/a",
      "both 23: 2 (without 1 door-counter-only store)",
      "cams 23: 2",
      "cam 24: 0",
      "door 24: 0",
      "both 24: 0",
      "cams 24: 0",
      "cam 25: 0",
      "door 25: n/a",
      "both 25: n/a",
      "cams 25: 0",
    ]);
  });
});

describe("a group with no stores", () => {
  it("is refused a digest, saying what to do (not a daily 'no data' mail in UTC)", async () => {
    expect((await t.request("POST", "/api/v1/groups", { id: "empty", name: "New region", stores: [] })).status).toBe(200);
    for (const timeZone of [undefined, "Europe/Paris"]) {
      const r = await t.request("POST", "/api/v1/digests", { scope: "group", target: "empty", frequency: "daily", recipients: ["area@shop.example"], hour: 7, timeZone });
      expect(r.status).toBe(400);
      expect(r.body.message).toBe('body/target: the group "New region" has no stores: add some to it');
    }
  });

  it("a group emptied after its digest was made: listed with the problem, not due, not sent, no preview of nothing", async () => {
    expect((await t.request("POST", "/api/v1/groups", { id: "closing", name: "Closing", stores: ["cam"] })).status).toBe(200);
    const d = await t.request("POST", "/api/v1/digests", { scope: "group", target: "closing", frequency: "daily", recipients: ["area@shop.example"], hour: 7 });
    expect(d.status).toBe(200);
    expect((await t.request("PATCH", "/api/v1/groups/closing", { stores: [] })).status).toBe(200);
    const listed = (await t.request("GET", "/api/v1/digests")).body.digests.find((x: { id: string }) => x.id === d.body.id);
    expect(listed).toMatchObject({ zone: null, nextSendAt: null, problem: 'the group "Closing" has no stores: add some to it (Admin > Store settings, or PATCH /api/v1/groups/closing), or delete this digest' });
    clock += 2 * 86_400_000;
    const scheduler = digestSchedulers.get(t.server.services)!;
    expect(await scheduler.due((await t.server.services.storage.digests.get(d.body.id))!)).toBeNull();
    // "Send now" with a mail server set (never reached: the digest is refused before any mail is made).
    const restoreMailEnv = setMailEnv("smtp://127.0.0.1:9");
    try {
      for (const [method, url] of [
        ["GET", `/api/v1/digests/${d.body.id}/preview`],
        ["POST", `/api/v1/digests/${d.body.id}/send`],
      ] as const) {
        const r = await t.request(method, url);
        expect(r.status).toBe(409);
        expect(r.body.message).toMatch(/^the group "Closing" has no stores/);
      }
    } finally {
      restoreMailEnv();
    }
    // Its store back: sent as before.
    expect((await t.request("PATCH", "/api/v1/groups/closing", { stores: ["cam"] })).status).toBe(200);
    expect((await t.request("GET", `/api/v1/digests/${d.body.id}/preview?period=2026-11-24`)).body.subject).toBe("Footfall daily digest: Closing, Tue 24 Nov 2026: 0 enters (−100 %)");
  });
});

/**
 * Editing opening hours scheduled ahead: the Christmas hours scheduled from Saturday 5 December are
 * corrected in one request (PUT .../hours?replaces=<its from>): their hours at the same date, then
 * moved to another date, then brought forward to now; each an `hours.edit` in the audit log. Refused
 * in words: a version in force (409), one no longer scheduled (404: cancelled, or edited by someone
 * else meanwhile: of two edits at once one wins, the other is told), a bad date or bad hours (400,
 * the version kept). Staff may not. In-process server on a SQLite file, its clock moved by the test.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";
import { DAY, HOUR, TODAY } from "../../../test/support/overview-week.js";

/** Wednesday 2 December 2026, 11:00 in Paris. */
const NOW = TODAY + 10 * HOUR;
let clock = NOW;
const t = useTestServer({ now: () => clock });
const week = (open: string, close: string) => Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, [{ open, close }]]));
const WINTER = { weekly: week("09:00", "19:00"), exceptions: [] };
const CHRISTMAS = { weekly: week("08:00", "22:00"), exceptions: [] };
const LATER = { weekly: week("08:00", "23:00"), exceptions: [{ date: "2026-12-25", intervals: [], note: "Christmas" }] };
/** Saturday 5 and 12 December 2026 at 00:00 in Paris (UTC+1). */
const SAT = Date.UTC(2026, 11, 4, 23);
const SAT12 = SAT + 7 * DAY;
const hoursOf = async (store: string) => (await t.get(`/api/v1/stores/${store}/hours`)).body;
const edit = (store: string, replaces: number | string, body: object, token?: string) => t.request("PUT", `/api/v1/stores/${store}/hours?replaces=${replaces}`, body, token);

beforeAll(async () => {
  for (const store of ["paris", "lyon", "nice"]) {
    await t.putLayout(store, smallLayout({ name: store, timezone: "Europe/Paris" }));
    expect((await t.request("PUT", `/api/v1/stores/${store}/hours`, { hours: WINTER })).status).toBe(200);
  }
});

describe("PUT .../hours?replaces= edits a version scheduled ahead in one step", () => {
  it("its hours at the same date, then a new date, then now; each in the audit log", async () => {
    expect((await t.request("PUT", "/api/v1/stores/paris/hours", { hours: CHRISTMAS, validFrom: "2026-12-05" })).status).toBe(200);
    // The same date (validFrom repeated): replaced in place.
    const same = await edit("paris", SAT, { hours: LATER, validFrom: "2026-12-05" });
    expect(same.status).toBe(200);
    expect(same.body).toEqual({ hours: LATER, timezone: "Europe/Paris", validFrom: SAT });
    expect(await hoursOf("paris")).toEqual({ hours: WINTER, timezone: "Europe/Paris", scheduled: [{ from: SAT, hours: LATER }] });
    // A new date: the version from the old one is gone, one from the new date in its place.
    const moved = await edit("paris", SAT, { hours: LATER, validFrom: SAT12 });
    expect(moved.status).toBe(200);
    expect(moved.body.validFrom).toBe(SAT12);
    expect(await hoursOf("paris")).toEqual({ hours: WINTER, timezone: "Europe/Paris", scheduled: [{ from: SAT12, hours: LATER }] });
    expect((await t.get("/api/v1/stores/paris/hours/history")).body.versions).toEqual([
      { from: NOW, hours: WINTER },
      { from: SAT12, hours: LATER, scheduled: true },
    ]);
    // No validFrom: the hours apply now, the scheduled version taken away.
    clock = NOW + HOUR;
    const now = await edit("paris", SAT12, { hours: CHRISTMAS });
    expect(now.status).toBe(200);
    expect(now.body).toEqual({ hours: CHRISTMAS, timezone: "Europe/Paris" });
    expect(await hoursOf("paris")).toEqual({ hours: CHRISTMAS, timezone: "Europe/Paris" });
    expect(await t.server.services.hours!.hoursNow("paris")).toEqual(CHRISTMAS);
    clock = NOW;
    const audit = await t.get("/api/v1/audit?action=hours.edit");
    expect(audit.status).toBe(200);
    expect(audit.body.entries.map((e: { store: string; details: unknown }) => [e.store, e.details])).toEqual([
      ["paris", { hours: CHRISTMAS, replaces: SAT12 }],
      ["paris", { hours: LATER, replaces: SAT, validFrom: SAT12 }],
      ["paris", { hours: LATER, replaces: SAT, validFrom: SAT }],
    ]);
  });

  it("a version in force is not edited (409 in words), one no longer scheduled is a 404 in words; nothing changes", async () => {
    expect((await t.request("PUT", "/api/v1/stores/lyon/hours", { hours: CHRISTMAS, validFrom: SAT })).status).toBe(200);
    clock = SAT + HOUR;
    const inForce = await edit("lyon", SAT, { hours: LATER });
    expect(inForce.status).toBe(409);
    expect(inForce.body.message).toContain("are in force");
    expect(inForce.body.message).toContain("a version in force is not edited");
    // The first version (in force since ever) likewise.
    expect((await edit("lyon", NOW, { hours: LATER })).status).toBe(409);
    expect((await t.get("/api/v1/stores/lyon/hours/history")).body.versions).toEqual([
      { from: NOW, hours: WINTER },
      { from: SAT, hours: CHRISTMAS },
    ]);
    clock = NOW;
    const none = await edit("lyon", SAT12, { hours: LATER, validFrom: SAT12 });
    expect(none.status).toBe(404);
    expect(none.body.message).toContain("no opening hours are scheduled from 2026-12-11T23:00:00.000Z");
    expect(none.body.message).toContain("Reload the hours");
    expect((await hoursOf("lyon")).scheduled).toEqual([{ from: SAT, hours: CHRISTMAS }]);
  });

  it("of two edits of one version at once, one wins and the other is told (404); one version is left, not two", async () => {
    expect((await t.request("PUT", "/api/v1/stores/nice/hours", { hours: CHRISTMAS, validFrom: SAT })).status).toBe(200);
    const [a, b] = await Promise.all([edit("nice", SAT, { hours: LATER, validFrom: SAT12 }), edit("nice", SAT, { hours: LATER, validFrom: SAT12 + DAY })]);
    expect([a.status, b.status].sort()).toEqual([200, 404]);
    const won = a.status === 200 ? SAT12 : SAT12 + DAY;
    expect((await hoursOf("nice")).scheduled).toEqual([{ from: won, hours: LATER }]);
  });

  it("a bad date, bad hours or a hostile replaces: 400 in words, the scheduled version kept; staff and viewers may not edit", async () => {
    const before = (await hoursOf("nice")).scheduled;
    const from = before[0].from as number;
    const past = await edit("nice", from, { hours: LATER, validFrom: "2026-11-01" });
    expect(past.status).toBe(400);
    expect(past.body.message).toContain("is not ahead of now");
    const bad = await edit("nice", from, { hours: { weekly: week("19:00", "09:00"), exceptions: [] }, validFrom: from });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain("opening hours:");
    for (const hostile of ["-1", "abc", "1e300", "4102444800000", "1.5", "", "0", "%20", "-0", "0x10", "+5", "9007199254740993", `${SAT}&replaces=${SAT}`]) {
      const res = await edit("nice", hostile, { hours: LATER });
      expect(res.status, hostile).toBe(400);
      expect(res.body.message, hostile).toMatch(/^querystring\/replaces: .* is not the `from` of a version scheduled ahead: write it in epoch milliseconds as GET \.\.\.\/hours lists it/);
    }
    for (const role of ["staff", "viewer"] as const) expect((await edit("nice", from, { hours: LATER }, await t.token(role))).status).toBe(403);
    expect((await hoursOf("nice")).scheduled).toEqual(before);
    expect((await hoursOf("nice")).hours).toEqual(WINTER);
  });
});

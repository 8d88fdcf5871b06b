/**
 * Digests across the end of DST in Adelaide, on a fake clock: DST ends Sunday 2029-04-01 at 03:00
 * +10:30 (clocks back to 02:00 +09:30), so 1 April lasts 25 hours. The scheduler runs every 15
 * minutes of the clock from Saturday morning to Wednesday; each day's digest must go out once, at
 * 07:00 local, with that local day's figures, and the weekly one on Monday at 08:00. A real SMTP
 * server (smtp-server, in this process) receives the mails.
 */
import type { ParsedMail } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { startTestServer, type TestServer } from "../../../test/support/in-process.js";
import { setMailEnv, startSmtpSink, type SmtpSink } from "../../../test/support/smtp-sink.js";
import { digestSchedulers } from "./scheduler.js";
import { periodOf } from "./schedule.js";

const TZ = "Australia/Adelaide";
const MINUTE = 60_000;
/** An Adelaide wall-clock time with its offset, as an instant: `at("2029-04-01T02:30", "+09:30")`. */
const at = (local: string, offset: "+10:30" | "+09:30") => Date.parse(`${local}:00${offset}`);

let clock = at("2029-04-05T12:00", "+09:30");
let t: TestServer;
let smtp: SmtpSink;
const mails: Array<{ at: number; mail: ParsedMail }> = [];
let restoreMailEnv = () => {};

beforeAll(async () => {
  // The clock's time when each mail arrives.
  smtp = await startSmtpSink((mail) => mails.push({ at: clock, mail }));
  restoreMailEnv = setMailEnv(smtp.url);
  t = await startTestServer({ now: () => clock, maxAgeMs: 30 * 86_400_000 });
  await t.putLayout("adl", smallLayout({ name: "Rundle Mall", timezone: TZ }));
  const door = new EventFactory("door-1");
  await t.ingest("adl", "door-1", [
    door.count("entrance", at("2029-03-31T12:00", "+10:30"), 10, 0), // Saturday
    door.count("entrance", at("2029-04-01T02:30", "+10:30"), 5, 0), // Sunday 02:30, before the clocks go back
    door.count("entrance", at("2029-04-01T02:30", "+09:30"), 7, 0), // 02:30 again, an hour later
    door.count("entrance", at("2029-04-01T23:30", "+09:30"), 3, 0),
    door.count("entrance", at("2029-04-02T00:30", "+09:30"), 4, 0), // Monday
    door.count("entrance", at("2029-04-02T23:45", "+09:30"), 6, 0),
    door.count("entrance", at("2029-04-03T00:15", "+09:30"), 2, 0), // Tuesday
  ]);
});

afterAll(async () => {
  await t?.close();
  await smtp?.close();
  restoreMailEnv();
});

describe("digests across the end of DST in Adelaide (2029-04-01)", () => {
  it("the 1 April period lasts 25 hours, from local midnight to local midnight", () => {
    expect(periodOf("2029-04-01", TZ, "daily")).toMatchObject({ from: at("2029-04-01T00:00", "+10:30"), to: at("2029-04-02T00:00", "+09:30") });
    expect(periodOf("2029-04-02", TZ, "daily")).toMatchObject({ from: at("2029-04-02T00:00", "+09:30"), to: at("2029-04-03T00:00", "+09:30") });
    expect(periodOf("2029-03-26", TZ, "weekly")).toMatchObject({ from: at("2029-03-26T00:00", "+10:30"), to: at("2029-04-02T00:00", "+09:30") });
  });

  it("each day's digest goes out once at 07:00 local with that day's enters; the week's on Monday at 08:00", async () => {
    clock = at("2029-03-31T05:00", "+10:30");
    for (const [frequency, hour] of [
      ["daily", 7],
      ["weekly", 8],
    ] as const) {
      const created = await t.server.app.inject({
        method: "POST",
        url: "/api/v1/digests",
        headers: { authorization: `Bearer ${t.admin}` },
        payload: { scope: "store", target: "adl", frequency, recipients: ["manager@shop.example"], hour },
      });
      expect(created.statusCode).toBe(200);
    }
    const scheduler = digestSchedulers.get(t.server.services)!;
    const sent: Array<{ period: string; at: string }> = [];
    for (; clock <= at("2029-04-04T09:00", "+09:30"); clock += 15 * MINUTE) {
      for (const s of await scheduler.tick()) sent.push({ period: s.period, at: new Date(clock).toISOString() });
    }
    const iso = (ts: number) => new Date(ts).toISOString();
    expect(sent).toEqual([
      { period: "2029-03-30", at: iso(at("2029-03-31T07:00", "+10:30")) },
      { period: "2029-03-31", at: iso(at("2029-04-01T07:00", "+09:30")) },
      { period: "2029-04-01", at: iso(at("2029-04-02T07:00", "+09:30")) },
      { period: "2029-03-26", at: iso(at("2029-04-02T08:00", "+09:30")) },
      { period: "2029-04-02", at: iso(at("2029-04-03T07:00", "+09:30")) },
      { period: "2029-04-03", at: iso(at("2029-04-04T07:00", "+09:30")) },
    ]);
    const subjects = mails.map((m) => m.mail.subject ?? "");
    expect(subjects).toEqual([
      // Before the store's first figures: no data, not 0 enters.
      expect.stringMatching(/daily digest: Rundle Mall, Fri 30 Mar 2029: no data \(the day before: no data\)/),
      expect.stringMatching(/daily digest: Rundle Mall, Sat 31 Mar 2029: 10 enters/),
      expect.stringMatching(/daily digest: Rundle Mall, Sun 1 Apr 2029: 15 enters/), // 5 + 7 (02:30 twice) + 3
      expect.stringMatching(/weekly digest: Rundle Mall, week of Mon 26 Mar 2029: 25 enters/),
      expect.stringMatching(/daily digest: Rundle Mall, Mon 2 Apr 2029: 10 enters/), // 4 + 6, the 23:45 one included
      expect.stringMatching(/daily digest: Rundle Mall, Tue 3 Apr 2029: 2 enters/),
    ]);
  });
});

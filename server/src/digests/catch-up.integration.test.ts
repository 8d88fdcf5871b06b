/**
 * Digests that fell due while no server ran (a weekend's outage): each is sent once when a server
 * comes back, oldest first, as far back as 3 days; none twice, across restarts. A real SMTP server
 * in this process (smtp-server) receives them; the server's clock is the test's.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { startTestServer, type TestServer } from "../../../test/support/in-process.js";
import { setMailEnv, startSmtpSink, type SmtpSink } from "../../../test/support/smtp-sink.js";
import { DigestScheduler } from "./scheduler.js";

/** Paris local time (UTC+1 in November and December). */
const local = (month: 11 | 12, d: number, h: number, m = 0) => Date.UTC(2026, month - 1, d, h - 1, m);
let clock = local(11, 23, 9);
let t: TestServer;
let smtp: SmtpSink;
const subjects: string[] = [];
let restoreMailEnv = () => {};

beforeAll(async () => {
  smtp = await startSmtpSink((m) => subjects.push(m.subject ?? ""));
  restoreMailEnv = setMailEnv(smtp.url);
  t = await startTestServer({ now: () => clock, maxAgeMs: 30 * 86_400_000 });
  await t.putLayout("shop", smallLayout({ name: "Rue de Rivoli" }));
  const f = new EventFactory("door-1");
  // Counted from Friday 20 Nov; 10 in on Monday 23, 20 on Tuesday 24, 30 on Wednesday 25.
  // Ingested as of Thursday (the server takes no event from its future); the digest is made on Monday.
  clock = local(11, 26, 7);
  await t.ingest("shop", "door-1", [f.count("entrance", local(11, 20, 10), 5, 0), f.count("entrance", local(11, 23, 10), 10, 0), f.count("entrance", local(11, 24, 10), 20, 0), f.count("entrance", local(11, 25, 10), 30, 0)]);
  clock = local(11, 23, 9);
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
  restoreMailEnv();
});

const listed = async (id: string) => (await t.request("GET", "/api/v1/digests")).body.digests.find((d: { id: string }) => d.id === id);

describe("digests due while the servers were down", () => {
  it("each is sent once when a server comes back, oldest first; a restarted server sends none again", async () => {
    // Made Monday 23 Nov at 09:00: its first is Monday's, on Tuesday at 07:00.
    const d = await t.request("POST", "/api/v1/digests", { scope: "store", target: "shop", frequency: "daily", recipients: ["manager@shop.example"], hour: 7 });
    expect(d.body).toMatchObject({ lastPeriod: "2026-11-22", nextSendPeriod: "2026-11-23" });
    // Every server is down from Monday evening to Thursday 08:00: Monday's, Tuesday's and Wednesday's fell due meanwhile.
    clock = local(11, 26, 8);
    // Listed as the scheduler takes it: Monday's first (it used to say Wednesday's, and send only that).
    expect(await listed(d.body.id)).toMatchObject({ nextPeriod: "2026-11-23", nextSendAt: clock, nextSendPeriod: "2026-11-23" });
    const s = new DigestScheduler(t.server.services);
    const sent: string[] = [];
    for (let minute = 0; minute < 6; minute++) {
      clock = local(11, 26, 8, minute);
      sent.push(...(await s.tick()).map((x) => x.period));
    }
    expect(sent).toEqual(["2026-11-23", "2026-11-24", "2026-11-25"]);
    expect(subjects).toEqual([
      expect.stringMatching(/^Footfall daily digest: Rue de Rivoli, Mon 23 Nov 2026: 10 enters /),
      "Footfall daily digest: Rue de Rivoli, Tue 24 Nov 2026: 20 enters (+100 %)",
      "Footfall daily digest: Rue de Rivoli, Wed 25 Nov 2026: 30 enters (+50 %)",
    ]);
    expect(await listed(d.body.id)).toMatchObject({ lastPeriod: "2026-11-25", nextPeriod: null, nextSendPeriod: "2026-11-26", nextSendAt: local(11, 27, 7) });
    // Another server (or this one restarted) checking now sends nothing again.
    expect(await new DigestScheduler(t.server.services).tick()).toEqual([]);
    expect(subjects).toHaveLength(3);
    await t.request("DELETE", `/api/v1/digests/${d.body.id}`);
  });

  it("only the last 3 days' are sent after a longer outage (a mail server set after weeks without one sends no backlog of weeks)", async () => {
    clock = local(11, 26, 9);
    const d = await t.request("POST", "/api/v1/digests", { scope: "store", target: "shop", frequency: "daily", recipients: ["area@shop.example"], hour: 7 });
    expect(d.body.lastPeriod).toBe("2026-11-25");
    // Back on Thursday 3 Dec at 08:00: the digests of 26 Nov to 2 Dec fell due; those due from Monday 30 Nov 08:00 on are sent.
    const s = new DigestScheduler(t.server.services);
    const sent: string[] = [];
    for (let minute = 0; minute < 6; minute++) {
      clock = local(12, 3, 8, minute);
      sent.push(...(await s.tick()).filter((x) => x.id === d.body.id).map((x) => x.period));
    }
    expect(sent).toEqual(["2026-11-30", "2026-12-01", "2026-12-02"]);
    await t.request("DELETE", `/api/v1/digests/${d.body.id}`);
  });

  it("a mail server that refuses them all: each missed one is tried and given up once a later one is due, the latest retried with the backoff, then given up: no endless attempts", async () => {
    let refuse = true;
    const refusing = await startSmtpSink(() => {}, { refuseWhile: () => refuse });
    process.env.FOOTFALL_SMTP_URL = refusing.url;
    try {
      clock = local(12, 7, 9);
      const d = await t.request("POST", "/api/v1/digests", { scope: "store", target: "shop", frequency: "daily", recipients: ["area@shop.example"], hour: 7 });
      expect(d.body.lastPeriod).toBe("2026-12-06");
      // Down to Thursday 10 Dec 08:00: Monday's, Tuesday's and Wednesday's fell due. Checked every minute for 3 hours.
      const s = new DigestScheduler(t.server.services);
      for (let minute = 0; minute < 180; minute++) {
        clock = local(12, 10, 8) + minute * 60_000;
        await s.tick();
      }
      // Monday's once, Tuesday's once (each given up when the next was due), Wednesday's 6 times (2, 4, 8, 16, 32 min apart).
      expect(refusing.tries()).toBe(8);
      expect(await listed(d.body.id)).toMatchObject({ failedPeriod: "2026-12-09", attempts: 6, lastPeriod: "2026-12-09", retryAt: null, gaveUpAt: local(12, 10, 9, 6) });
      refuse = false;
      clock = local(12, 10, 11);
      expect((await s.tick()).filter((x) => x.id === d.body.id)).toEqual([]);
      await t.request("DELETE", `/api/v1/digests/${d.body.id}`);
    } finally {
      process.env.FOOTFALL_SMTP_URL = smtp.url;
      await refusing.close();
    }
  });
});

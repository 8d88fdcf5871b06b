/**
 * Scheduled digests end to end: the server's scheduler on a fake clock, a real SMTP server
 * (smtp-server, in this process, on a socket) receiving what nodemailer sends, and the mail
 * parsed back (mailparser): subject, figures, the chart attached as an inline PNG.
 */
import { simpleParser, type ParsedMail } from "mailparser";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { startTestServer, type TestServer } from "../../../test/support/in-process.js";
import { DigestScheduler, digestSchedulers } from "../digests/scheduler.js";

/** Tuesday 24 Nov 2026, 06:00 in Paris (UTC+1). */
const TUE_0600 = Date.UTC(2026, 10, 24, 5, 0, 0);
const local = (d: number, h: number, m = 0) => Date.UTC(2026, 10, d, h - 1, m); // Paris = UTC+1 in November
let clock = TUE_0600;
let t: TestServer;
let smtp: SMTPServer;
let smtpUrl: string;
const mails: ParsedMail[] = [];
const savedEnv = { url: process.env.FOOTFALL_SMTP_URL, from: process.env.FOOTFALL_MAIL_FROM };

const api = (method: "GET" | "POST" | "PUT" | "DELETE", url: string, token: string | null, payload?: object) =>
  t.server.app
    .inject({ method, url: `/api/v1${url}`, headers: token ? { authorization: `Bearer ${token}` } : {}, ...(payload ? { payload } : {}) })
    .then((r) => ({ status: r.statusCode, body: r.json() }));

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream, { skipImageLinks: true }).then(
        (m) => {
          mails.push(m);
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
  process.env.FOOTFALL_SMTP_URL = smtpUrl;
  process.env.FOOTFALL_MAIL_FROM = "Footfall <reports@shop.example>";

  t = await startTestServer({ now: () => clock, maxAgeMs: 30 * 86_400_000 });
  await t.putLayout("shop", smallLayout({ name: "Rue de Rivoli" }));
  const f = new EventFactory("door-1");
  const c = new EventFactory("cam-1");
  // Sunday 22 Nov: 40 enters, one visit of 2 min to the fruit zone.
  // Monday 23 Nov: 50 enters (30 at 10:xx, 20 at 15:xx), three visits of 1 min to fruit, one to the bakery.
  await t.ingest("shop", "door-1", [f.count("entrance", local(22, 10, 5), 40, 0), f.count("entrance", local(23, 10, 5), 30, 0), f.count("entrance", local(23, 15, 5), 20, 0)]);
  await t.ingest("shop", "cam-1", [
    ...c.visit("s1", "fruit", local(22, 11), 120_000),
    ...c.visit("m1", "fruit", local(23, 11), 60_000),
    ...c.visit("m2", "fruit", local(23, 12), 60_000),
    ...c.visit("m3", "fruit", local(23, 13), 60_000),
    ...c.visit("m4", "bakery", local(23, 14), 90_000),
  ]);
});
afterAll(async () => {
  await t?.close();
  await new Promise<void>((resolve) => smtp?.close(() => resolve()));
  for (const [k, v] of [
    ["FOOTFALL_SMTP_URL", savedEnv.url],
    ["FOOTFALL_MAIL_FROM", savedEnv.from],
  ] as const)
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
});

const scheduler = () => digestSchedulers.get(t.server.services)!;

describe("digests", () => {
  let id: string;

  it("only admins manage digests", async () => {
    for (const role of ["viewer", "staff", "merchandiser"] as const) {
      const tok = await t.token(role);
      expect((await api("GET", "/digests", tok)).status).toBe(403);
      expect((await api("POST", "/digests", tok, { scope: "store", target: "shop", frequency: "daily", recipients: ["a@example.com"] })).status).toBe(403);
    }
    const bad = await api("POST", "/digests", t.admin, { scope: "store", target: "shop", frequency: "daily", recipients: ["not an address"] });
    expect(bad.status).toBe(400);
    const unknown = await api("POST", "/digests", t.admin, { scope: "store", target: "nowhere", frequency: "daily", recipients: ["a@example.com"] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/no store "nowhere"/);
  });

  it("a daily digest is sent once at 07:00 store time with the day's figures, the changes and the chart", async () => {
    const created = await api("POST", "/digests", t.admin, { scope: "store", target: "shop", frequency: "daily", recipients: ["manager@shop.example", "area@shop.example"], hour: 7 });
    expect(created.status).toBe(200);
    id = created.body.id;
    // Created at 06:00: the next digest is Monday's, at 07:00 (not Sunday's, whose time has passed).
    expect(created.body).toMatchObject({ frequency: "daily", hour: 7, lastPeriod: "2026-11-22", nextPeriod: null });
    expect(await scheduler().tick()).toEqual([]);
    clock = local(24, 6, 59);
    expect(await scheduler().tick()).toEqual([]);
    clock = local(24, 7, 0);
    const sent = await scheduler().tick();
    expect(sent).toEqual([{ id, period: "2026-11-23", subject: expect.any(String), recipients: ["manager@shop.example", "area@shop.example"] }]);
    expect(mails).toHaveLength(1);
    const m = mails[0]!;
    expect(m.subject).toBe("Footfall daily digest: Rue de Rivoli, Mon 23 Nov 2026: 50 enters (+25.0 %)");
    expect(m.from?.text).toBe('"Footfall" <reports@shop.example>');
    expect(m.to && !Array.isArray(m.to) ? m.to.text : "").toBe("manager@shop.example, area@shop.example");
    expect(m.text).toMatch(/Enters\s+50\s+the day before: 40 \(\+25\.0 %\)/);
    expect(m.text).toMatch(/Average dwell\s+1 min 8 s\s+the day before: 2 min 0 s \(-43\.8 %\)/);
    expect(m.text).toMatch(/Conversion\s+n\/a/);
    expect(m.text).toMatch(/Visitors\s+n\/a/); // door counters only: nobody followed through the entrance
    expect(m.text).toContain("Biggest changes (visits by zone):\n  fruit: 3 (+2, +200 %)\n  bakery: 1 (+1)");
    expect(m.html).toContain('src="cid:chart@footfall"');
    expect(m.attachments).toHaveLength(1);
    const png = m.attachments[0]!;
    expect(png.contentType).toBe("image/png");
    expect(png.cid).toBe("chart@footfall");
    expect(png.content.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.content.readUInt32BE(16)).toBe(1280); // 640 px wide at 2x
    // No double send: the same server again, a later minute, a restarted scheduler.
    clock = local(24, 9);
    expect(await scheduler().tick()).toEqual([]);
    expect(await new DigestScheduler(t.server.services).tick()).toEqual([]);
    expect(mails).toHaveLength(1);
    const listed = await api("GET", "/digests", t.admin);
    expect(listed.body.digests).toEqual([expect.objectContaining({ id, lastPeriod: "2026-11-23", lastSentAt: local(24, 7), lastError: null, nextPeriod: null })]);
  });

  it("two schedulers (two servers of a chain) checking at once send a period once", async () => {
    clock = local(25, 7, 1);
    const [a, b] = await Promise.all([new DigestScheduler(t.server.services).tick(), new DigestScheduler(t.server.services).tick()]);
    expect([...a, ...b].map((s) => s.period)).toEqual(["2026-11-24"]);
    expect(mails).toHaveLength(2);
    expect(mails[1]!.subject).toMatch(/Tue 24 Nov 2026: 0 enters \(-100\.0 %\)/);
  });

  it("a mail server that refuses gives the period back; it goes out 15 minutes later", async () => {
    clock = local(26, 7, 0);
    process.env.FOOTFALL_SMTP_URL = "smtp://127.0.0.1:1";
    const s = new DigestScheduler(t.server.services);
    expect(await s.tick()).toEqual([]);
    const failed = (await api("GET", "/digests", t.admin)).body.digests[0];
    expect(failed).toMatchObject({ lastPeriod: "2026-11-24", lastError: expect.stringMatching(/ECONNREFUSED/), nextPeriod: "2026-11-25" });
    process.env.FOOTFALL_SMTP_URL = smtpUrl;
    clock = local(26, 7, 10);
    expect(await s.tick()).toEqual([]);
    clock = local(26, 7, 16);
    expect((await s.tick()).map((x) => x.period)).toEqual(["2026-11-25"]);
    expect(mails).toHaveLength(3);
  });

  it("send now mails the last finished period without moving the schedule; without a mail server it says what to set", async () => {
    const res = await api("POST", `/digests/${id}/send`, t.admin);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, period: "2026-11-25" });
    expect(mails).toHaveLength(4);
    delete process.env.FOOTFALL_SMTP_URL;
    try {
      const off = await api("POST", `/digests/${id}/send`, t.admin);
      expect(off.status).toBe(503);
      expect(off.body.message).toMatch(/set FOOTFALL_SMTP_URL/);
    } finally {
      process.env.FOOTFALL_SMTP_URL = smtpUrl;
    }
    expect((await api("GET", "/digests", t.admin)).body.digests[0].lastPeriod).toBe("2026-11-25");
  });

  it("a weekly digest covers Monday to Sunday and goes out on Monday", async () => {
    clock = local(27, 12);
    const w = await api("POST", "/digests", t.admin, { scope: "store", target: "shop", frequency: "weekly", recipients: ["area@shop.example"], hour: 8 });
    expect(w.body.lastPeriod).toBe("2026-11-16");
    clock = local(30, 7, 59);
    const before = mails.length;
    await scheduler().tick(); // the daily one of Sunday goes; the weekly waits for 08:00
    expect(mails.slice(before).map((m) => m.subject)).toEqual([expect.stringMatching(/^Footfall daily digest: .*Sun 29 Nov 2026/)]);
    clock = local(30, 8, 0);
    expect((await scheduler().tick()).map((s) => s.period)).toEqual(["2026-11-23"]);
    const weekly = mails.at(-1)!;
    expect(weekly.subject).toBe("Footfall weekly digest: Rue de Rivoli, week of Mon 23 Nov 2026: 50 enters (+25.0 %)");
    expect(weekly.text).toMatch(/Enters\s+50\s+the week before: 40/);
  });

  it("changes and deletions are audited; a deleted digest is sent no more", async () => {
    const upd = await api("PUT", `/digests/${id}`, t.admin, { scope: "store", target: "shop", frequency: "daily", recipients: ["new@shop.example"], hour: 6 });
    expect(upd.body.recipients).toEqual(["new@shop.example"]);
    expect((await api("DELETE", `/digests/${id}`, t.admin)).status).toBe(200);
    expect((await api("DELETE", `/digests/${id}`, t.admin)).status).toBe(404);
    const log = await api("GET", "/audit?action=digest.", t.admin);
    expect(log.body.entries.map((e: { action: string }) => e.action)).toEqual(["digest.delete", "digest.update", "digest.create", "digest.send", "digest.create"]);
    clock += 2 * 86_400_000;
    expect((await scheduler().tick()).filter((s) => s.id === id)).toEqual([]);
  });
  it("a group's digest sums its stores' figures and names them", async () => {
    await t.putLayout("marais", smallLayout({ name: "Le Marais" }));
    const f = new EventFactory("door-m");
    await t.ingest("marais", "door-m", [f.count("entrance", local(22, 10), 5, 0), f.count("entrance", local(23, 10), 10, 0)]);
    expect((await api("POST", "/groups", t.admin, { id: "paris", name: "Paris", stores: ["shop", "marais"] })).status).toBe(200);
    const g = await api("POST", "/digests", t.admin, { scope: "group", target: "paris", frequency: "weekly", recipients: ["region@shop.example"], hour: 7 });
    expect(g.status).toBe(200);
    const sent = await api("POST", `/digests/${g.body.id}/send`, t.admin);
    expect(sent.body).toMatchObject({ period: "2026-11-23", recipients: ["region@shop.example"] });
    const m = mails.at(-1)!;
    expect(m.subject).toBe("Footfall weekly digest: Paris, week of Mon 23 Nov 2026: 60 enters (+33.3 %)");
    expect(m.text).toMatch(/Enters\s+60\s+the week before: 45 \(\+33\.3 %\)/);
    expect(m.text).toContain("Stores: marais, shop");
    expect(m.text).toContain("shop / fruit: 3 (+2, +200 %)");
    const limited = await t.token("admin", "shop");
    expect((await api("GET", "/digests", limited)).body.digests.map((d: { scope: string }) => d.scope)).not.toContain("group");
    expect((await api("POST", `/digests/${g.body.id}/send`, limited)).status).toBe(404);
  });
});

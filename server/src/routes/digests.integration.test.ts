/**
 * Scheduled digests end to end: the server's scheduler on a fake clock, a real SMTP server
 * (smtp-server, in this process, on a socket) receiving what nodemailer sends, and the mail
 * parsed back (mailparser): subject, figures, the chart attached as an inline PNG.
 */
import type { ParsedMail } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { startTestServer, type TestServer } from "../../../test/support/in-process.js";
import { setMailEnv, startSmtpSink, type SmtpSink } from "../../../test/support/smtp-sink.js";
import { DIGEST_INTERRUPTED, DIGEST_SEND_LEASE_MS } from "../db/repos/admin.js";
import { DigestScheduler, digestSchedulers } from "../digests/scheduler.js";

/** Tuesday 24 Nov 2026, 06:00 in Paris (UTC+1). */
const TUE_0600 = Date.UTC(2026, 10, 24, 5, 0, 0);
const local = (d: number, h: number, m = 0) => Date.UTC(2026, 10, d, h - 1, m); // Paris = UTC+1 in November
let clock = TUE_0600;
let t: TestServer;
let smtp: SmtpSink;
let smtpUrl: string;
const mails: ParsedMail[] = [];
/** A second mail server that refuses every message while `refuse` is set (451, as a busy server does), then takes them. */
const refusing = { url: "", refuse: true, received: [] as string[] /* subjects */, server: null as SmtpSink | null };
let restoreMailEnv = () => {};

beforeAll(async () => {
  smtp = await startSmtpSink((m) => mails.push(m));
  smtpUrl = smtp.url;
  refusing.server = await startSmtpSink((m) => refusing.received.push(m.subject ?? ""), { refuseWhile: () => refusing.refuse });
  refusing.url = refusing.server.url;
  restoreMailEnv = setMailEnv(smtpUrl);

  t = await startTestServer({ now: () => clock, maxAgeMs: 30 * 86_400_000 });
  await t.putLayout("shop", smallLayout({ name: "Rue de Rivoli" }));
  const f = new EventFactory("door-1");
  const c = new EventFactory("cam-1");
  // Sunday 22 Nov: 40 enters, one visit of 2 min to the fruit zone.
  // Monday 23 Nov: 50 enters (30 at 10:xx, 20 at 15:xx), three visits of 1 min to fruit, one to the bakery.
  // The store's figures begin Monday 16 Nov at midnight (a checkout counter's first count): every period below is fully covered.
  await t.ingest("shop", "door-1", [f.count("checkout", local(16, 0, 0), 1, 0), f.count("entrance", local(22, 10, 5), 40, 0), f.count("entrance", local(23, 10, 5), 30, 0), f.count("entrance", local(23, 15, 5), 20, 0)]);
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
  await smtp?.close();
  await refusing.server?.close();
  restoreMailEnv();
});

const scheduler = () => digestSchedulers.get(t.server.services)!;

describe("digests", () => {
  let id: string;

  it("only admins manage digests", async () => {
    for (const role of ["viewer", "staff", "merchandiser"] as const) {
      const tok = await t.token(role);
      expect((await t.request("GET", "/api/v1/digests", undefined, tok)).status).toBe(403);
      expect((await t.request("POST", "/api/v1/digests", { scope: "store", target: "shop", frequency: "daily", recipients: ["a@example.com"] }, tok)).status).toBe(403);
    }
    const bad = await t.request("POST", "/api/v1/digests", { scope: "store", target: "shop", frequency: "daily", recipients: ["not an address"] });
    expect(bad.status).toBe(400);
    const unknown = await t.request("POST", "/api/v1/digests", { scope: "store", target: "nowhere", frequency: "daily", recipients: ["a@example.com"] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/no store "nowhere"/);
  });

  it("a daily digest is sent once at 07:00 store time with the day's figures, the changes and the chart", async () => {
    const created = await t.request("POST", "/api/v1/digests", { scope: "store", target: "shop", frequency: "daily", recipients: ["manager@shop.example", "area@shop.example"], hour: 7 });
    expect(created.status).toBe(200);
    id = created.body.id;
    // Created at 06:00: the next digest is Monday's, at 07:00 (not Sunday's, whose time has passed).
    expect(created.body).toMatchObject({ frequency: "daily", hour: 7, lastPeriod: "2026-11-22", nextPeriod: null });
    // And it says so: Tuesday 07:00, with Monday.
    expect(created.body).toMatchObject({ nextSendAt: local(24, 7), nextSendPeriod: "2026-11-23" });
    expect(await scheduler().tick()).toEqual([]);
    clock = local(24, 6, 59);
    expect(await scheduler().tick()).toEqual([]);
    clock = local(24, 7, 0);
    const sent = await scheduler().tick();
    expect(sent).toEqual([{ id, period: "2026-11-23", subject: expect.any(String), recipients: ["manager@shop.example", "area@shop.example"], webhook: null, webhookDelivery: null, mailed: true }]);
    expect(mails).toHaveLength(1);
    const m = mails[0]!;
    expect(m.subject).toBe("Footfall daily digest: Rue de Rivoli, Mon 23 Nov 2026: 50 enters (+25 %)");
    expect(m.from?.text).toBe('"Footfall" <reports@shop.example>');
    expect(m.to && !Array.isArray(m.to) ? m.to.text : "").toBe("manager@shop.example, area@shop.example");
    expect(m.text).toMatch(/Enters\s+50\s+the day before: 40 \(\+25 %\)/);
    // Median dwell (core's store dwell, as the chain view): Monday 60, 60, 60, 90 s, Sunday 120 s, from the sketch (within max(1 s, 1 %)).
    expect(m.text).toMatch(/Median dwell\s+1 min 01 s\s+the day before: 2 min 00 s \(−(49|50) %\)/); // U+2212 minus, whole from 10 % (core formatRelativeChange)
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
    const listed = await t.request("GET", "/api/v1/digests");
    expect(listed.body.digests).toEqual([expect.objectContaining({ id, lastPeriod: "2026-11-23", lastSentAt: local(24, 7), lastError: null, nextPeriod: null })]);
  });

  it("two schedulers (two servers of a chain) checking at once send a period once", async () => {
    clock = local(25, 7, 1);
    const [a, b] = await Promise.all([new DigestScheduler(t.server.services).tick(), new DigestScheduler(t.server.services).tick()]);
    expect([...a, ...b].map((s) => s.period)).toEqual(["2026-11-24"]);
    expect(mails).toHaveLength(2);
    expect(mails[1]!.subject).toMatch(/Tue 24 Nov 2026: 0 enters \(−100 %\)/);
  });

  it("a mail server that refuses: retried with a capped backoff, given up after 6 attempts and listed; sent again on request", async () => {
    clock = local(26, 7, 0);
    refusing.refuse = true;
    process.env.FOOTFALL_SMTP_URL = refusing.url;
    const s = new DigestScheduler(t.server.services);
    const before = mails.length;
    const state = async () => (await t.request("GET", "/api/v1/digests")).body.digests.find((x: { id: string }) => x.id === id);
    // Attempts at 07:00, 07:02, 07:06, 07:14, 07:30, 08:02 (waits of 2, 4, 8, 16, 32 min); between them nothing goes.
    const attemptsAt = [local(26, 7, 0), local(26, 7, 2), local(26, 7, 6), local(26, 7, 14), local(26, 7, 30), local(26, 8, 2)];
    for (const [k, at] of attemptsAt.entries()) {
      clock = at - 60_000;
      if (k > 0) expect(await s.tick()).toEqual([]);
      expect((await state()).attempts).toBe(k);
      clock = at;
      expect(await s.tick()).toEqual([]);
      const st = await state();
      expect(st).toMatchObject({ failedPeriod: "2026-11-25", attempts: k + 1, lastError: expect.stringMatching(/451/) });
      if (k < 5) expect(st).toMatchObject({ retryAt: attemptsAt[k + 1], gaveUpAt: null, lastPeriod: "2026-11-24", nextPeriod: "2026-11-25" });
    }
    expect(refusing.server!.tries()).toBe(6);
    const gaveUp = await state();
    expect(gaveUp).toMatchObject({ attempts: 6, retryAt: null, gaveUpAt: local(26, 8, 2), lastPeriod: "2026-11-25", nextPeriod: null });
    // The mail server is back: the schedule does not send the given-up period by itself...
    refusing.refuse = false;
    clock = local(26, 9, 0);
    expect(await s.tick()).toEqual([]);
    expect(refusing.server!.tries()).toBe(6);
    // ...an admin sends it again.
    const again = await t.request("POST", `/api/v1/digests/${id}/send`, { period: "2026-11-25" });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ period: "2026-11-25" });
    expect(refusing.received).toHaveLength(1);
    expect(refusing.received[0]).toMatch(/^Footfall daily digest: Rue de Rivoli, Wed 25 Nov 2026/);
    expect(await state()).toMatchObject({ failedPeriod: null, attempts: 0, retryAt: null, gaveUpAt: null, lastError: null, lastSentAt: local(26, 9, 0) });
    expect((await t.request("POST", `/api/v1/digests/${id}/send`, { period: "2026-11-31" })).status).toBe(400);
    expect((await t.request("POST", `/api/v1/digests/${id}/send`, { period: "2026-12-01" })).body.message).toMatch(/has not finished yet/);
    process.env.FOOTFALL_SMTP_URL = smtpUrl;
    expect(mails.length).toBe(before);
  });

  it("a period still being retried when the next one is due is given up (too old to matter)", async () => {
    const d = await t.request("POST", "/api/v1/digests", { scope: "store", target: "shop", frequency: "daily", recipients: ["late@shop.example"], hour: 23 });
    const did: string = d.body.id;
    expect(d.body.lastPeriod).toBe("2026-11-24"); // created at 09:00 on the 26th: next is the 25th's, at 23:00
    refusing.refuse = true;
    process.env.FOOTFALL_SMTP_URL = refusing.url;
    const s = new DigestScheduler(t.server.services);
    try {
      clock = local(26, 23, 0);
      await s.tick();
      clock = local(26, 23, 2);
      await s.tick();
      const st = (await t.request("GET", "/api/v1/digests")).body.digests.find((x: { id: string }) => x.id === did);
      expect(st).toMatchObject({ failedPeriod: "2026-11-25", attempts: 2, retryAt: local(26, 23, 6) });
      // The server was down until the 27th's 23:00: the 25th's digest is given up, the 26th's goes.
      refusing.refuse = false;
      process.env.FOOTFALL_SMTP_URL = smtpUrl;
      clock = local(27, 23, 0);
      const sent = await s.tick();
      expect(sent.filter((x) => x.id === did).map((x) => x.period)).toEqual(["2026-11-26"]);
      expect((await t.request("GET", "/api/v1/digests")).body.digests.find((x: { id: string }) => x.id === did)).toMatchObject({
        lastPeriod: "2026-11-26",
        failedPeriod: "2026-11-25",
        attempts: 2,
        gaveUpAt: local(27, 23, 0),
      });
    } finally {
      process.env.FOOTFALL_SMTP_URL = smtpUrl;
      await t.request("DELETE", `/api/v1/digests/${did}`);
    }
  });

  it("send now mails the last finished period without moving the schedule; without a mail server it says what to set", async () => {
    const res = await t.request("POST", `/api/v1/digests/${id}/send`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, period: "2026-11-26" });
    expect((await t.request("GET", "/api/v1/digests")).body.mailProblem).toBeNull();
    delete process.env.FOOTFALL_SMTP_URL;
    try {
      const off = await t.request("POST", `/api/v1/digests/${id}/send`);
      expect(off.status).toBe(503);
      expect(off.body.message).toMatch(/set FOOTFALL_SMTP_URL/);
      // The list says so too: an area manager sees that no digest goes out before its recipients wonder.
      expect((await t.request("GET", "/api/v1/digests")).body.mailProblem).toMatch(/^no mail server: set FOOTFALL_SMTP_URL/);
    } finally {
      process.env.FOOTFALL_SMTP_URL = smtpUrl;
    }
    expect((await t.request("GET", "/api/v1/digests")).body.digests.find((d: { id: string }) => d.id === id).lastPeriod).toBe("2026-11-26");
  });

  it("a preview shows what send now would mail (the same subject, text and chart), sends nothing, and works without a mail server", async () => {
    const before = mails.length;
    const first = mails[0]!;
    const p = await t.request("GET", `/api/v1/digests/${id}/preview?period=2026-11-23`);
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ id, period: "2026-11-23", subject: first.subject, recipients: ["manager@shop.example", "area@shop.example"], mailProblem: null });
    expect(p.body.text.trim()).toBe(first.text!.trim());
    expect(Buffer.from(p.body.chart.replace(/^data:image\/png;base64,/, ""), "base64").subarray(0, 8)).toEqual(first.attachments[0]!.content.subarray(0, 8));
    // Without a period: the one send now would send.
    expect((await t.request("GET", `/api/v1/digests/${id}/preview`)).body.period).toBe("2026-11-26");
    delete process.env.FOOTFALL_SMTP_URL;
    try {
      const off = await t.request("GET", `/api/v1/digests/${id}/preview`);
      expect(off.status).toBe(200);
      expect(off.body.subject).toMatch(/^Footfall daily digest: Rue de Rivoli, Thu 26 Nov 2026/);
      expect(off.body.mailProblem).toMatch(/set FOOTFALL_SMTP_URL/);
    } finally {
      process.env.FOOTFALL_SMTP_URL = smtpUrl;
    }
    expect((await t.request("GET", `/api/v1/digests/${id}/preview?period=2026-11-27`)).status).toBe(400);
    expect((await t.request("GET", `/api/v1/digests/${id}/preview`, undefined, await t.token("viewer"))).status).toBe(403);
    expect(mails.length).toBe(before);
    expect((await t.request("GET", "/api/v1/digests")).body.digests.find((d: { id: string }) => d.id === id).lastPeriod).toBe("2026-11-26");
  });

  it("a weekly digest covers Monday to Sunday and goes out on Monday", async () => {
    clock = local(27, 12);
    const w = await t.request("POST", "/api/v1/digests", { scope: "store", target: "shop", frequency: "weekly", recipients: ["area@shop.example"], hour: 8 });
    expect(w.body.lastPeriod).toBe("2026-11-16");
    const before = mails.length;
    // No check ran since Friday noon (the clock jumped): the daily ones due meanwhile go, one a check, oldest
    // first (Friday's, Saturday's, Sunday's; Thursday's, due over 3 days before, is too old); the weekly waits for 08:00.
    for (const minute of [57, 58, 59]) {
      clock = local(30, 7, minute);
      await scheduler().tick();
    }
    expect(mails.slice(before).map((m) => m.subject)).toEqual([
      expect.stringMatching(/^Footfall daily digest: .*Fri 27 Nov 2026/),
      expect.stringMatching(/^Footfall daily digest: .*Sat 28 Nov 2026/),
      expect.stringMatching(/^Footfall daily digest: .*Sun 29 Nov 2026/),
    ]);
    clock = local(30, 8, 0);
    expect((await scheduler().tick()).map((s) => s.period)).toEqual(["2026-11-23"]);
    const weekly = mails.at(-1)!;
    expect(weekly.subject).toBe("Footfall weekly digest: Rue de Rivoli, week of Mon 23 Nov 2026: 50 enters (+25 %)");
    expect(weekly.text).toMatch(/Enters\s+50\s+the week before: 40/);
  });

  it("changes and deletions are audited; a deleted digest is sent no more", async () => {
    const upd = await t.request("PUT", `/api/v1/digests/${id}`, { scope: "store", target: "shop", frequency: "daily", recipients: ["new@shop.example"], hour: 6 });
    expect(upd.body.recipients).toEqual(["new@shop.example"]);
    expect((await t.request("DELETE", `/api/v1/digests/${id}`)).status).toBe(200);
    expect((await t.request("DELETE", `/api/v1/digests/${id}`)).status).toBe(404);
    const log = await t.request("GET", "/api/v1/audit?action=digest.");
    expect(log.body.entries.map((e: { action: string }) => e.action)).toEqual(["digest.delete", "digest.update", "digest.create", "digest.send", "digest.delete", "digest.create", "digest.send", "digest.create"]);
    clock += 2 * 86_400_000;
    expect((await scheduler().tick()).filter((s) => s.id === id)).toEqual([]);
  });
  it("a group's digest sums its stores' figures and names them as the chain view does (text, HTML, preview); its conversion leaves out a store whose sales are not imported", async () => {
    await t.putLayout("marais", smallLayout({ name: "Le Marais" }));
    const f = new EventFactory("door-m");
    // Its figures begin Monday 16 Nov at midnight, as the shop's: both cover the week before in full.
    await t.ingest("marais", "door-m", [f.count("checkout", local(16, 0, 0), 1, 0), f.count("entrance", local(22, 10), 5, 0), f.count("entrance", local(23, 10), 10, 0)]);
    // The shop's tills: 10 sales on Monday; the Marais imports none.
    const sales = Array.from({ length: 10 }, (_, i) => ({ ts: local(23, 12, i), zone: "checkout", amount: 20, transaction: `t${i}` }));
    expect((await t.request("POST", "/api/v1/stores/shop/sales", { sales })).body).toMatchObject({ accepted: 10 });
    expect((await t.request("POST", "/api/v1/groups", { id: "paris", name: "Paris", stores: ["shop", "marais"] })).status).toBe(200);
    const g = await t.request("POST", "/api/v1/digests", { scope: "group", target: "paris", frequency: "weekly", recipients: ["region@shop.example"], hour: 7 });
    expect(g.status).toBe(200);
    const sent = await t.request("POST", `/api/v1/digests/${g.body.id}/send`);
    expect(sent.body).toMatchObject({ period: "2026-11-23", recipients: ["region@shop.example"] });
    const m = mails.at(-1)!;
    expect(m.subject).toBe("Footfall weekly digest: Paris, week of Mon 23 Nov 2026: 60 enters (+33 %)");
    expect(m.text).toMatch(/Enters\s+60\s+the week before: 45 \(\+33 %\)/);
    // Its stores by the names the chain view shows (GET /overview's), not their ids: "Rue de Rivoli / fruit", never "shop / fruit".
    const shown = (await t.request("GET", "/api/v1/overview?group=paris")).body.stores.map((s: { name: string }) => s.name).sort();
    expect(shown).toEqual(["Le Marais", "Rue de Rivoli"]);
    expect(m.text).toContain(`Stores: ${shown.join(", ")}`);
    expect(m.text).toContain("  Rue de Rivoli / fruit: 3 (+2, +200 %)");
    expect(m.html).toContain("<p>Stores: Le Marais, Rue de Rivoli</p>");
    expect(m.html).toContain("<li>Rue de Rivoli / fruit: 3 visits (+2)</li>");
    // Ids only in the links' addresses (each store's Report), never as a store's name.
    for (const body of [m.text, m.html as string]) expect((body ?? "").replace(/https?:\/\/\S+?(?=["\s]|$)/g, "")).not.toMatch(/\b(shop|marais)\b/);
    const preview = await t.request("GET", `/api/v1/digests/${g.body.id}/preview?period=2026-11-23`);
    expect(preview.body.text).toBe(m.text);
    // 10 transactions over the shop's 50 enters (the Marais's 10 would make it 16.7 %).
    expect(m.text).toMatch(/Conversion\s+20 %/);
    const limited = await t.token("admin", "shop");
    expect((await t.request("GET", "/api/v1/digests", undefined, limited)).body.digests.map((d: { scope: string }) => d.scope)).not.toContain("group");
    expect((await t.request("POST", `/api/v1/digests/${g.body.id}/send`, undefined, limited)).status).toBe(404);
  });

  it("a group of stores in two time zones: refused without a time zone; with one, every store's figures over that zone's day", async () => {
    await t.putLayout("nyc", smallLayout({ name: "Fifth Avenue", timezone: "America/New_York" }));
    const f = new EventFactory("door-n");
    const ny = (d: number, h: number, m = 0) => Date.UTC(2026, 10, d, h + 5, m); // New York = UTC-5 in November
    // New York's Monday 23 Nov: 8 enters at 00:30 and 7 at 22:00 (already Tuesday in Paris).
    await t.ingest("nyc", "door-n", [f.count("entrance", ny(23, 0, 30), 8, 0), f.count("entrance", ny(23, 22), 7, 0)]);
    expect((await t.request("POST", "/api/v1/groups", { id: "world", name: "Flagships", stores: ["shop", "nyc"] })).status).toBe(200);
    const body = { scope: "group", target: "world", frequency: "daily", recipients: ["hq@shop.example"], hour: 7 };
    const refused = await t.request("POST", "/api/v1/digests", body);
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/several time zones \(America\/New_York, Europe\/Paris\): give the digest a time zone/);
    expect((await t.request("POST", "/api/v1/digests", { ...body, timeZone: "Mars/Olympus" })).body.message).toMatch(/not an IANA time zone/);
    const g = await t.request("POST", "/api/v1/digests", { ...body, timeZone: "America/New_York" });
    expect(g.status).toBe(200);
    expect(g.body).toMatchObject({ timeZone: "America/New_York", zone: "America/New_York", problem: null });
    const sent = await t.request("POST", `/api/v1/digests/${g.body.id}/send`, { period: "2026-11-23" });
    expect(sent.status).toBe(200);
    const m = mails.at(-1)!;
    // Paris's Monday (50 enters) falls in New York's Monday, as do New York's 15; the Sunday before: Paris's 40.
    expect(m.subject).toBe("Footfall daily digest: Flagships, Mon 23 Nov 2026: 65 enters (+63 %)");
    expect(m.text).toContain("Times in America/New_York.");
    expect(m.text).toContain("Stores: Fifth Avenue, Rue de Rivoli");
    // A group that becomes mixed after its digest was made: listed with the problem, not sent, until given a zone.
    expect((await t.request("POST", "/api/v1/groups", { id: "europe", name: "Europe", stores: ["shop"] })).status).toBe(200);
    const e = await t.request("POST", "/api/v1/digests", { ...body, target: "europe" });
    expect(e.body).toMatchObject({ timeZone: null, zone: "Europe/Paris", problem: null });
    expect((await t.request("PATCH", "/api/v1/groups/europe", { stores: ["shop", "nyc"] })).status).toBe(200);
    const listed = (await t.request("GET", "/api/v1/digests")).body.digests.find((d: { id: string }) => d.id === e.body.id);
    expect(listed).toMatchObject({ zone: null, problem: expect.stringMatching(/several time zones/) });
    clock += 2 * 86_400_000;
    expect((await scheduler().tick()).filter((x) => x.id === e.body.id)).toEqual([]);
    expect((await t.request("POST", `/api/v1/digests/${e.body.id}/send`)).status).toBe(409);
  });

  it("a group in Berlin, Madrid and Rome needs no time zone: their clocks agree all year; one with London too is refused naming which zones keep one clock", async () => {
    for (const [id, timezone] of [["berlin", "Europe/Berlin"], ["madrid", "Europe/Madrid"], ["rome", "Europe/Rome"], ["london", "Europe/London"]] as const)
      await t.putLayout(id, smallLayout({ name: `Store ${id}`, timezone }));
    expect((await t.request("POST", "/api/v1/groups", { id: "south", name: "South", stores: ["berlin", "madrid", "rome"] })).status).toBe(200);
    const body = { scope: "group", target: "south", frequency: "daily", recipients: ["hq@shop.example"], hour: 7 };
    const made = await t.request("POST", "/api/v1/digests", body);
    expect(made.status).toBe(200);
    // Their days are the same instants: the digest follows the first zone, its days and hours those of all three.
    expect(made.body).toMatchObject({ timeZone: null, zone: "Europe/Berlin", problem: null });
    expect((await t.request("GET", `/api/v1/digests/${made.body.id}/preview?period=2026-11-23`)).body.text).toContain("Times in Europe/Berlin.");
    // London keeps another clock (an hour behind): refused, naming it apart from the three that agree.
    expect((await t.request("POST", "/api/v1/groups", { id: "west", name: "West", stores: ["berlin", "madrid", "rome", "london"] })).status).toBe(200);
    const refused = await t.request("POST", "/api/v1/digests", { ...body, target: "west" });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toBe(
      "body/timeZone: the group's stores are in several time zones (Europe/Berlin, Europe/Madrid and Europe/Rome, which keep one clock; Europe/London): give the digest a time zone",
    );
    expect((await t.request("POST", "/api/v1/digests", { ...body, target: "west", timeZone: "Europe/Madrid" })).body).toMatchObject({ zone: "Europe/Madrid", problem: null });
  });

  it("a group's visitors say how many stores they leave out: those whose entrance only door counters count, as the chain view's totals", async () => {
    // Cameras follow people through this store's entrance: 1 visitor on Sunday 22, 2 on Monday 23 (figures from the 16th).
    await t.putLayout("cams", smallLayout({ name: "Opéra cams" }));
    const c = new EventFactory("cam-c");
    await t.ingest("cams", "cam-c", [...c.visit("c0", "entrance", local(16, 9), 10_000), ...c.visit("c1", "entrance", local(22, 11), 10_000), ...c.visit("c2", "entrance", local(23, 11), 10_000), ...c.visit("c3", "entrance", local(23, 12), 10_000)]);
    expect((await t.request("POST", "/api/v1/groups", { id: "mixed", name: "Mixed", stores: ["shop", "cams"] })).status).toBe(200);
    const made = await t.request("POST", "/api/v1/digests", { scope: "group", target: "mixed", frequency: "daily", recipients: ["hq@shop.example"], hour: 7 });
    expect(made.status).toBe(200);
    const preview = (await t.request("GET", `/api/v1/digests/${made.body.id}/preview?period=2026-11-23`)).body;
    // The shop's door counter counts its 50 enters but nobody can count its visitors: the 2 are the cameras' store's only, and say so.
    expect(preview.text).toMatch(/Visitors\s+2 \(without 1 door-counter-only store\)\s+the day before: 1 \(without 1 door-counter-only store\)/);
    expect((await t.request("POST", `/api/v1/digests/${made.body.id}/send`, { period: "2026-11-23" })).status).toBe(200);
    expect(mails.at(-1)!.html).toContain("<b>2 (without 1 door-counter-only store)</b>");
    // The chain view's totals over the same day say the same.
    const overview = (await t.request("GET", `/api/v1/overview?group=mixed&from=${local(23, 0)}&to=${local(24, 0)}`)).body;
    expect(overview.totals).toMatchObject({ figures: { visitors: 2 }, visitorsLeftOut: 1 });
  });

  it("a store installed during the period before: no change against it, marked partial, with when its figures begin (subject, text, HTML, preview, its group's digest)", async () => {
    await t.putLayout("opera", smallLayout({ name: "Opera" }));
    const f = new EventFactory("door-o");
    const c = new EventFactory("cam-o");
    // Installed Tuesday 24 Nov at 14:xx: 30 enters that afternoon, 50 on Wednesday (a whole day).
    await t.ingest("opera", "door-o", [f.count("entrance", local(24, 14, 20), 30, 0), f.count("entrance", local(25, 10, 5), 50, 0)]);
    await t.ingest("opera", "cam-o", [...c.visit("o1", "fruit", local(24, 15), 60_000), ...c.visit("o2", "fruit", local(25, 11), 60_000), ...c.visit("o3", "fruit", local(25, 12), 60_000)]);
    const d = await t.request("POST", "/api/v1/digests", { scope: "store", target: "opera", frequency: "daily", recipients: ["opera@shop.example"], hour: 7 });
    expect(d.status).toBe(200);
    const note = "The day before is partial: this store's figures begin Tue 24 Nov 14:00, so its figures are marked (partial) and not compared.";
    expect((await t.request("POST", `/api/v1/digests/${d.body.id}/send`, { period: "2026-11-25" })).status).toBe(200);
    const m = mails.at(-1)!;
    expect(m.subject).toBe("Footfall daily digest: Opera, Wed 25 Nov 2026: 50 enters (the day before: 30, partial)");
    expect(m.text).toMatch(/Enters\s+50\s+the day before: 30 \(partial\)\n/);
    expect(m.text).not.toMatch(/%\)/); // no relative change (it was "+66.7 %")
    expect(m.text).toContain("  fruit: 2 (the day before: 1, partial)");
    expect(m.text).toContain(note);
    expect(m.html).toContain("<td>30 (partial)</td><td></td>");
    expect(m.html).toContain("fruit: 2 visits (the day before: 1, partial)");
    expect(m.html).toContain(note);
    const p = await t.request("GET", `/api/v1/digests/${d.body.id}/preview?period=2026-11-25`);
    expect(p.body).toMatchObject({ subject: m.subject });
    expect(p.body.text).toContain(note);
    // Thursday against a whole Wednesday: compared again.
    expect((await t.request("POST", `/api/v1/digests/${d.body.id}/send`, { period: "2026-11-26" })).status).toBe(200);
    expect(mails.at(-1)!.subject).toBe("Footfall daily digest: Opera, Thu 26 Nov 2026: 0 enters (−100 %)");
    expect(mails.at(-1)!.text).not.toContain("partial");

    // A group with the new store: its day before is partial too, naming how many stores; a fully covered store's zones are still compared.
    expect((await t.request("POST", "/api/v1/groups", { id: "newcomers", name: "Newcomers", stores: ["shop", "opera"] })).status).toBe(200);
    const g = await t.request("POST", "/api/v1/digests", { scope: "group", target: "newcomers", frequency: "daily", recipients: ["region@shop.example"], hour: 7 });
    expect((await t.request("POST", `/api/v1/digests/${g.body.id}/send`, { period: "2026-11-25" })).status).toBe(200);
    const gm = mails.at(-1)!;
    expect(gm.subject).toBe("Footfall daily digest: Newcomers, Wed 25 Nov 2026: 50 enters (the day before: 30, partial)");
    expect(gm.text).toMatch(/Enters\s+50\s+the day before: 30 \(partial\)\n/);
    expect(gm.text).toContain("Opera / fruit: 2 (the day before: 1, partial)");
    expect(gm.text).toContain("The day before is partial: the figures of 1 of the 2 stores begin during it (Opera from Tue 24 Nov 14:00), so its figures are marked (partial) and not compared.");
    const shopDay = await t.request("POST", `/api/v1/digests/${g.body.id}/send`, { period: "2026-11-23" });
    expect(shopDay.status).toBe(200);
    expect(mails.at(-1)!.subject).toBe("Footfall daily digest: Newcomers, Mon 23 Nov 2026: 50 enters (+25 %)");
    expect(mails.at(-1)!.text).toContain("Rue de Rivoli / fruit: 3 (+2, +200 %)");
  });

  it("a store installed during the period itself: its period before has no data ('no data', never 0), a group's is not compared (it would read as growth); conversion counts the sales from the day its figures begin", async () => {
    // Opera (the test above): counted from Tue 24 Nov 14:xx, 30 enters that day and 50 on Wednesday. Sales: 5 on Monday, before its
    // figures, and 6 on Tuesday (3 before 14:00: the first day counts whole, as the Sales page shows it).
    const sale = (d: number, h: number, i: number) => ({ ts: local(d, h, i), zone: "fruit", amount: 10, items: 1, transaction: `opera-${d}-${h}-${i}` });
    const sales = [0, 1, 2, 3, 4].map((i) => sale(23, 11, i)).concat([0, 1, 2].map((i) => sale(24, 10, i)), [0, 1, 2].map((i) => sale(24, 16, i)));
    expect((await t.request("POST", "/api/v1/stores/opera/sales", { sales })).body).toMatchObject({ accepted: 11 });
    const d = await t.request("POST", "/api/v1/digests", { scope: "store", target: "opera", frequency: "daily", recipients: ["opera@shop.example"], hour: 7 });
    expect((await t.request("POST", `/api/v1/digests/${d.body.id}/send`, { period: "2026-11-24" })).status).toBe(200);
    const m = mails.at(-1)!;
    const note = "This day is partial: this store's figures begin Tue 24 Nov 14:00, so it is not compared with the day before.";
    // Nothing of Opera was counted the day before: "no data", as every screen says it, not "0 (not compared)".
    expect(m.subject).toBe("Footfall daily digest: Opera, Tue 24 Nov 2026: 30 enters (the day before: no data)");
    expect(m.text).toMatch(/Enters\s+30\s+the day before: no data\n/);
    expect(m.text).toMatch(/Visitors\s+\S+\s+the day before: no data\n/);
    expect(m.text).toMatch(/Conversion\s+20(\.0)? %\s+the day before: no data\n/); // 6 / 30
    expect(m.text).toContain("  fruit: 1 (the day before: no data)");
    expect(m.text).not.toMatch(/the day before: (0\b|n\/a)/);
    expect(m.text).toContain(note);
    expect(m.html).toContain("<td>no data</td><td></td>");
    expect(m.html).not.toContain("not compared</td>");
    expect(m.html).toContain(note);
    expect((await t.request("GET", `/api/v1/digests/${d.body.id}/preview?period=2026-11-24`)).body.text).toContain(note);
    // The week of 23 Nov: its conversion is Tuesday's and Wednesday's sales over their 80 enters (6, not 11: 7.5 %, not 13.8 %).
    const w = await t.request("POST", "/api/v1/digests", { scope: "store", target: "opera", frequency: "weekly", recipients: ["opera@shop.example"], hour: 8 });
    expect((await t.request("POST", `/api/v1/digests/${w.body.id}/send`, { period: "2026-11-23" })).status).toBe(200);
    expect(mails.at(-1)!.subject).toBe("Footfall weekly digest: Opera, week of Mon 23 Nov 2026: 80 enters (the week before: no data)");
    expect(mails.at(-1)!.text).toMatch(/Conversion\s+7\.5 %\s+the week before: no data\n/);
    // A group with it: Tuesday is not compared with Monday (shop's 50 against shop's nothing and opera's 30), the fully covered store's zones still are.
    const g = (await t.request("GET", "/api/v1/digests")).body.digests.find((x: { target: string }) => x.target === "newcomers");
    expect((await t.request("POST", `/api/v1/digests/${g.id}/send`, { period: "2026-11-24" })).status).toBe(200);
    const gm = mails.at(-1)!;
    expect(gm.subject).toBe("Footfall daily digest: Newcomers, Tue 24 Nov 2026: 30 enters (the day before: 50, not compared)");
    expect(gm.text).toContain("This day is partial: the figures of 1 of the 2 stores begin during it (Opera from Tue 24 Nov 14:00), so it is not compared with the day before.");
    // The group's day before has shop's figures: not compared; Opera's zones had none then: no data.
    expect(gm.text).toContain("Opera / fruit: 1 (the day before: no data)");
    expect(gm.text).toContain("Rue de Rivoli / fruit: 0 (−3, −100 %)");
  });

  it("a server killed while sending: the period is sent again once its lease has run out, by the restarted server, once", async () => {
    clock = local(40, 12, 0); // Thursday 10 Dec
    const d = await t.request("POST", "/api/v1/digests", { scope: "store", target: "shop", frequency: "daily", recipients: ["crash@shop.example"], hour: 23 });
    const did: string = d.body.id;
    expect(d.body.lastPeriod).toBe("2026-12-08");
    const to = (m: ParsedMail) => (m.to && !Array.isArray(m.to) ? m.to.text : "");
    const mine = () => mails.filter((m) => to(m) === "crash@shop.example").map((m) => m.subject);
    const sentNow = async (s: DigestScheduler) => (await s.tick()).filter((x) => x.id === did).map((x) => x.period);
    try {
      // 23:00: a server takes the 9th's period, as its scheduler does right before sending, and is killed (kill -9: nothing settles).
      clock = local(40, 23, 0);
      expect(await t.server.services.storage.digests.claim(did, "2026-12-09", clock)).toBe(true);
      expect(mine()).toEqual([]);
      // Restarted at 23:01: the period is still taken (it might be sending elsewhere), so nothing goes yet...
      const restarted = new DigestScheduler(t.server.services);
      clock = local(40, 23, 1);
      expect(await sentNow(restarted)).toEqual([]);
      expect((await t.request("GET", "/api/v1/digests")).body.digests.find((x: { id: string }) => x.id === did)).toMatchObject({ lastPeriod: "2026-12-09", retryAt: local(40, 23, 15) });
      clock = local(40, 23, 15) - 1;
      expect(await sentNow(restarted)).toEqual([]);
      // ...and at 23:15, when its lease runs out, it goes, once.
      clock = local(40, 23, 15);
      expect(await sentNow(restarted)).toEqual(["2026-12-09"]);
      expect(mine()).toEqual([expect.stringMatching(/^Footfall daily digest: Rue de Rivoli, Wed 9 Dec 2026/)]);
      clock = local(41, 6, 0);
      expect(await sentNow(restarted)).toEqual([]);
      expect(await sentNow(new DigestScheduler(t.server.services))).toEqual([]);
      expect(mine()).toHaveLength(1);
      expect((await t.request("GET", "/api/v1/digests")).body.digests.find((x: { id: string }) => x.id === did)).toMatchObject({ lastPeriod: "2026-12-09", retryAt: null, lastError: null, lastSentAt: local(40, 23, 15) });
      // The next day's goes at its time as usual.
      clock = local(41, 23, 0);
      expect(await sentNow(restarted)).toEqual(["2026-12-10"]);
    } finally {
      await t.request("DELETE", `/api/v1/digests/${did}`);
    }
  });

  it("a send that stops the server every time is given up after FOOTFALL_DIGEST_ATTEMPTS attempts (logged, listed, sent again on request), not taken every 15 min for ever", async () => {
    clock = local(43, 12, 0); // Sunday 13 Dec
    const d = await t.request("POST", "/api/v1/digests", { scope: "store", target: "shop", frequency: "daily", recipients: ["oom@shop.example"], hour: 23 });
    const did: string = d.body.id;
    expect(d.body.lastPeriod).toBe("2026-12-11");
    const to = (m: ParsedMail) => (m.to && !Array.isArray(m.to) ? m.to.text : "");
    const mine = () => mails.filter((m) => to(m) === "oom@shop.example").map((m) => m.subject);
    const state = async () => (await t.request("GET", "/api/v1/digests")).body.digests.find((x: { id: string }) => x.id === did);
    const logged: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
    const log = Object.fromEntries(["error", "warn", "info", "debug"].map((level) => [level, (obj: Record<string, unknown>, msg: string) => logged.push({ level, obj, msg })]));
    /** A server started at `clock` whose send never ends (it is killed while sending, say for lack of memory): how many sends it began. */
    let begun = 0;
    const crashingServer = async () => {
      const s = new DigestScheduler(Object.assign(Object.create(t.server.services) as typeof t.server.services, { log }));
      const send = (s as unknown as { send: (x: { id: string }, ...rest: unknown[]) => Promise<unknown> }).send.bind(s);
      const started = new Promise<void>((resolve) =>
        Object.assign(s, { send: (x: { id: string }, ...rest: unknown[]) => (x.id === did ? (begun++, resolve(), new Promise(() => {})) : send(x, ...rest)) }),
      );
      // Until its send begins (it never ends) or its tick ends without one: no time limit to miss under load.
      await Promise.race([started, s.tick()]);
    };
    try {
      // 23:00, then every 15 min as each lease runs out: a restarted server takes the 12th's period again and dies sending it.
      const start = local(43, 23, 0);
      for (let k = 1; k <= 6; k++) {
        clock = start + (k - 1) * DIGEST_SEND_LEASE_MS;
        await crashingServer();
        expect(begun).toBe(k);
        expect(await state()).toMatchObject({ lastPeriod: "2026-12-12", retryAt: clock + DIGEST_SEND_LEASE_MS, gaveUpAt: null, ...(k > 1 ? { failedPeriod: "2026-12-12", attempts: k, lastError: DIGEST_INTERRUPTED } : { failedPeriod: null }) });
      }
      expect(logged.filter((l) => l.level === "warn").map((l) => l.obj.attempts)).toEqual([2]); // the first interruption found; later ones are retries
      // The 6th attempt was interrupted too: given up, as a failing send is, not begun a 7th time.
      clock = start + 6 * DIGEST_SEND_LEASE_MS;
      await crashingServer();
      expect(begun).toBe(6);
      expect(await state()).toMatchObject({ lastPeriod: "2026-12-12", failedPeriod: "2026-12-12", attempts: 6, retryAt: null, gaveUpAt: clock, lastError: DIGEST_INTERRUPTED, nextPeriod: null });
      expect(logged.filter((l) => l.level === "error")).toEqual([{ level: "error", obj: { digest: did, period: "2026-12-12", attempts: 6 }, msg: expect.stringMatching(/interrupted.*gave up \(an admin can send it again: Admin > Digests\)/) }]);
      // Nothing takes it again by itself, on any server...
      clock = start + 20 * DIGEST_SEND_LEASE_MS;
      await crashingServer();
      expect(begun).toBe(6);
      expect((await new DigestScheduler(t.server.services).tick()).filter((x) => x.id === did)).toEqual([]);
      expect(mine()).toEqual([]);
      // ...an admin sends it again (Admin > Digests: "Send 2026-12-12 again"), which clears the failure.
      expect((await t.request("POST", `/api/v1/digests/${did}/send`, { period: "2026-12-12" })).status).toBe(200);
      expect(mine()).toEqual([expect.stringMatching(/^Footfall daily digest: Rue de Rivoli, Sat 12 Dec 2026/)]);
      expect(await state()).toMatchObject({ failedPeriod: null, attempts: 0, gaveUpAt: null, lastError: null });
      // The next day's goes at its time as usual.
      clock = local(44, 23, 0);
      expect((await new DigestScheduler(t.server.services).tick()).filter((x) => x.id === did).map((x) => x.period)).toEqual(["2026-12-13"]);
    } finally {
      await t.request("DELETE", `/api/v1/digests/${did}`);
    }
  });

  it("one crash while sending: sent again once (at least once), the failure record cleared by that send", async () => {
    clock = local(45, 12, 0); // Tuesday 15 Dec
    const d = await t.request("POST", "/api/v1/digests", { scope: "store", target: "shop", frequency: "daily", recipients: ["once@shop.example"], hour: 23 });
    const did: string = d.body.id;
    const to = (m: ParsedMail) => (m.to && !Array.isArray(m.to) ? m.to.text : "");
    try {
      clock = local(45, 23, 0);
      expect(await t.server.services.storage.digests.claim(did, "2026-12-14", clock)).toBe(true); // then killed
      clock = local(45, 23, 15);
      expect((await new DigestScheduler(t.server.services).tick()).filter((x) => x.id === did).map((x) => x.period)).toEqual(["2026-12-14"]);
      expect(mails.filter((m) => to(m) === "once@shop.example")).toHaveLength(1);
      expect((await t.request("GET", "/api/v1/digests")).body.digests.find((x: { id: string }) => x.id === did)).toMatchObject({ lastPeriod: "2026-12-14", failedPeriod: null, attempts: 0, lastError: null, retryAt: null, gaveUpAt: null });
    } finally {
      await t.request("DELETE", `/api/v1/digests/${did}`);
    }
  });
});

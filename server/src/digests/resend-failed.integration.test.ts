/**
 * Sending a period again after its send failed: that period's webhook delivery goes once, and nothing already delivered
 * goes again. A send-now whose mail was refused had queued its webhook delivery (digest:<id>:<period>:<lastSentAt>);
 * pressed again, its mail is sent and the delivery is not queued twice. That held only while no other send completed
 * between the two presses: a later period sent meanwhile (by the schedule) moved the digest's lastSentAt, so the second
 * press queued the same period's webhook again under a new id and the receiver (deduping on the delivery id, as README
 * tells it to) took it twice. The server in this process on a test clock (SQLite file), a real SMTP server refusing while
 * told to, a real webhook receiver checking each signed request and counting deliveries by delivery id and period.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { startTestServer, type TestServer } from "../../../test/support/in-process.js";
import { setMailEnv, startSmtpSink, type SmtpSink } from "../../../test/support/smtp-sink.js";
import { waitFor } from "../../../test/support/wait.js";
import { WebhookReceiver } from "../../../test/support/webhook-receiver.js";
import { digestSchedulers } from "./scheduler.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Monday 30 Nov 2026 00:00 UTC (the store is in UTC). */
const D = Date.UTC(2026, 10, 30);
let clock = D + 9 * HOUR;
let t: TestServer;
let smtp: SmtpSink;
let refuse = false;
const subjects: string[] = [];
const receiver = new WebhookReceiver("", 300, () => clock);
let restoreMail = () => {};
let hook: string;

beforeAll(async () => {
  smtp = await startSmtpSink((m) => subjects.push(m.subject ?? ""), { refuseWhile: () => refuse });
  restoreMail = setMailEnv(smtp.url);
  receiver.port = 19200;
  await receiver.up();
  t = await startTestServer({ now: () => clock, maxAgeMs: 400 * DAY });
  await t.putLayout("shop", smallLayout({ name: "Rue de Rivoli" }));
  const door = new EventFactory("door-1");
  clock = D + 5 * DAY;
  await t.ingest("shop", "door-1", [door.count("entrance", D - 2 * DAY + 10 * HOUR, 4, 0), door.count("entrance", D + 10 * HOUR, 6, 0), door.count("entrance", D + DAY + 10 * HOUR, 8, 0)]);
  clock = D + 9 * HOUR;
  const created = await t.request("POST", "/api/v1/stores/shop/webhooks", { url: receiver.url, events: ["digest.*"] });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  hook = created.body.webhook.id as string;
  (receiver as { secret: string }).secret = created.body.secret as string;
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
  await receiver.down();
  restoreMail();
});

const scheduler = () => digestSchedulers.get(t.server.services)!;
/** The deliveries the receiver took for each period of digest `id` (each delivery id once), once the hook's queue is empty. */
async function delivered(id: string): Promise<Record<string, string[]>> {
  t.server.services.webhooks!.kick();
  await waitFor("the hook's queue sent", async () => {
    const log = (await t.get(`/api/v1/stores/shop/webhooks/${hook}/deliveries`)).body.deliveries as { status: string }[];
    return log.every((x) => x.status === "delivered") || undefined;
  });
  const byPeriod: Record<string, string[]> = {};
  for (const d of receiver.taken.filter((x) => x.id.startsWith(`digest:${id}:`))) (byPeriod[(d.body.data as { period: { key: string } }).period.key] ??= []).push(d.id);
  return byPeriod;
}
const digest = async (scope: Record<string, unknown> = {}) => {
  const d = await t.request("POST", "/api/v1/digests", { scope: "store", target: "shop", frequency: "daily", recipients: ["manager@shop.example"], hour: 7, webhook: hook, ...scope });
  expect(d.status, JSON.stringify(d.body)).toBe(200);
  return d.body.id as string;
};
const send = (id: string, period: string) => t.request("POST", `/api/v1/digests/${id}/send`, { period });

describe("sending a period again after its send failed", () => {
  it("a send-now whose mail was refused, sent again after a later period went out: its webhook once more, not twice", async () => {
    clock = D + 9 * HOUR;
    const id = await digest();
    // Tuesday 07:01: the schedule sends Monday's, by mail and to the hook.
    clock = D + DAY + 7 * HOUR + 60_000;
    expect((await scheduler().tick()).map((s) => s.period)).toEqual(["2026-11-30"]);
    expect(await delivered(id)).toEqual({ "2026-11-30": [`digest:${id}:2026-11-30`] });

    // Tuesday 09:00: Monday's sent again on purpose; the mail server refuses it, its webhook delivery goes on its own.
    clock = D + DAY + 9 * HOUR;
    refuse = true;
    const refused = await send(id, "2026-11-30");
    expect(refused.status, JSON.stringify(refused.body)).toBe(502);
    expect(refused.body.message).toMatch(/its webhook delivery "[^"]+" was queued \(the hook sends it on its own\): Send now again re-sends the mail only$/);
    refuse = false;
    const once = (await delivered(id))["2026-11-30"]!;
    expect(once).toHaveLength(2);

    // Wednesday 07:01: the schedule sends Tuesday's (the digest's last send is now that one).
    clock = D + 2 * DAY + 7 * HOUR + 60_000;
    expect((await scheduler().tick()).map((s) => s.period)).toEqual(["2026-12-01"]);

    // Wednesday 09:00: Monday's pressed again, as the 502 said: the mail goes, the webhook delivery is the one queued Tuesday.
    clock = D + 2 * DAY + 9 * HOUR;
    const mails = subjects.length;
    const again = await send(id, "2026-11-30");
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body).toMatchObject({ period: "2026-11-30", mailed: true, webhookDelivery: { id: once[1], queuedNow: false, status: "delivered" } });
    expect(subjects.length).toBe(mails + 1);
    expect(subjects.at(-1)).toMatch(/^Footfall daily digest: Rue de Rivoli, Mon 30 Nov 2026: 6 enters/);
    expect(await delivered(id)).toEqual({ "2026-11-30": once, "2026-12-01": [`digest:${id}:2026-12-01`] });
    expect(receiver.refused).toEqual([]);

    // That press went through: the next is a send on purpose again, a delivery of its own.
    const third = await send(id, "2026-11-30");
    expect(third.body.webhookDelivery).toMatchObject({ queuedNow: true });
    expect((await delivered(id))["2026-11-30"]).toHaveLength(3);
    await t.request("DELETE", `/api/v1/digests/${id}`);
  });

  it("a send-now whose mail was refused, then the period sent by the schedule: the next send-now is a delivery of its own", async () => {
    for (const d of (await t.get("/api/v1/digests")).body.digests as { id: string }[]) await t.request("DELETE", `/api/v1/digests/${d.id}`);
    // Monday 09:00, the digest made; Tuesday 06:30 (before its hour) Monday's sent now: the mail server refuses it.
    clock = D + 9 * HOUR;
    const id = await digest();
    clock = D + DAY + 6 * HOUR + 30 * 60_000;
    refuse = true;
    const refused = await send(id, "2026-11-30");
    expect(refused.status, JSON.stringify(refused.body)).toBe(502);
    refuse = false;
    const first = (await delivered(id))["2026-11-30"]!;
    expect(first).toEqual([`digest:${id}:2026-11-30:0`]);

    // Tuesday 07:01: the schedule sends Monday's (its own delivery): the period went through.
    clock = D + DAY + 7 * HOUR + 60_000;
    expect((await scheduler().tick()).filter((s) => s.id === id).map((s) => s.period)).toEqual(["2026-11-30"]);
    expect((await delivered(id))["2026-11-30"]).toEqual([first[0], `digest:${id}:2026-11-30`]);

    // Tuesday 09:00: Monday's sent now on purpose: mailed, and its webhook a new delivery the receiver takes.
    clock = D + DAY + 9 * HOUR;
    const mails = subjects.length;
    const again = await send(id, "2026-11-30");
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body).toMatchObject({ mailed: true, webhookDelivery: { queuedNow: true } });
    expect(again.body.webhookDelivery.id).not.toBe(first[0]);
    expect(subjects.length).toBe(mails + 1);
    expect((await delivered(id))["2026-11-30"]).toHaveLength(3);
    expect(receiver.refused).toEqual([]);
    await t.request("DELETE", `/api/v1/digests/${id}`);
  });

  it("a period the schedule gave up on, sent again after a later period went out: its webhook delivered once in all", async () => {
    for (const d of (await t.get("/api/v1/digests")).body.digests as { id: string }[]) await t.request("DELETE", `/api/v1/digests/${d.id}`);
    clock = D + 2 * DAY + 10 * HOUR;
    const id = await digest();
    // Thursday 07:01 on: Wednesday's mail is refused at every attempt (its webhook goes at the first), until Friday's check
    // gives it up for Thursday's, which goes.
    refuse = true;
    clock = D + 3 * DAY + 7 * HOUR + 60_000;
    await scheduler().tick();
    for (let i = 0; i < 8; i++) {
      clock += 70 * 60_000;
      await scheduler().tick();
    }
    refuse = false;
    clock = D + 4 * DAY + 7 * HOUR + 60_000;
    expect((await scheduler().tick()).filter((s) => s.id === id).map((s) => s.period)).toEqual(["2026-12-03"]);
    const listed = (await t.get("/api/v1/digests")).body.digests.find((x: { id: string }) => x.id === id);
    expect(listed).toMatchObject({ failedPeriod: "2026-12-02", lastPeriod: "2026-12-03" });
    expect(listed.gaveUpAt).not.toBeNull();

    // Send Wednesday's again (Admin > Digests' 'Send 2026-12-02 again'): the mail goes; its webhook, delivered at the first attempt, not again.
    const mails = subjects.length;
    const again = await send(id, "2026-12-02");
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body).toMatchObject({ mailed: true, webhookDelivery: { id: `digest:${id}:2026-12-02`, queuedNow: false, status: "delivered" } });
    expect(subjects.length).toBe(mails + 1);
    expect(await delivered(id)).toEqual({ "2026-12-02": [`digest:${id}:2026-12-02`], "2026-12-03": [`digest:${id}:2026-12-03`] });
    expect((await t.get("/api/v1/digests")).body.digests.find((x: { id: string }) => x.id === id)).toMatchObject({ failedPeriod: null, lastPeriod: "2026-12-03" });
  });
});

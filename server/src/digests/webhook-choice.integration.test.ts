/**
 * Which webhook a digest may go to, and "Send now" again after its mail failed: the server in this process (SQLite
 * file) on a test clock, real SMTP servers (one that refuses while told to), a real webhook receiver checking each
 * signed request. A store's digest goes only to that store's hooks, a group's to its stores' (digests/webhook.ts
 * digestHookStores); a retry after a failed mail sends the mail and does not queue the webhook a second time.
 */
import type { ParsedMail } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { startTestServer, type TestServer } from "../../../test/support/in-process.js";
import { setMailEnv, startSmtpSink, type SmtpSink } from "../../../test/support/smtp-sink.js";
import { waitFor } from "../../../test/support/wait.js";
import { WebhookReceiver } from "../../../test/support/webhook-receiver.js";
import { digestSchedulers } from "./scheduler.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Monday 30 Nov 2026, 00:00 UTC. */
const D = Date.UTC(2026, 10, 30); // the stores are in Paris (smallLayout): UTC+1
let clock = D + DAY + 6 * HOUR;

let t: TestServer;
let smtp: SmtpSink;
let refusing: SmtpSink;
let refuse = true;
const mails: ParsedMail[] = [];
const refusedMails: ParsedMail[] = [];
const receiver = new WebhookReceiver("", 300, () => clock);
let restoreMail = () => {};
/** Hooks by store: a and b are in group west, c is not. */
const hooks: Record<string, string> = {};

beforeAll(async () => {
  smtp = await startSmtpSink((m) => mails.push(m));
  refusing = await startSmtpSink((m) => refusedMails.push(m), { refuseWhile: () => refuse });
  restoreMail = setMailEnv(smtp.url);
  receiver.port = 18310;
  await receiver.up();
  t = await startTestServer({ now: () => clock, maxAgeMs: 400 * DAY });
  for (const store of ["a", "b", "c"]) {
    await t.putLayout(store, smallLayout({ name: `Store ${store}` }));
    const door = new EventFactory("door-1");
    await t.ingest(store, "door-1", [door.count("checkout", D - 7 * DAY, 1, 0), door.count("entrance", D + 10 * HOUR, 5, 0)]);
    // Store a's hook is the receiver (its secret checked); the others a port nobody listens on (never reached here).
    const created = await t.request("POST", `/api/v1/stores/${store}/webhooks`, { url: store === "a" ? receiver.url : "http://127.0.0.1:18399/none", events: ["digest.*"] });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    hooks[store] = created.body.webhook.id as string;
    if (store === "a") (receiver as { secret: string }).secret = created.body.secret as string;
  }
  const { storage } = t.server.services;
  await storage.groups.create("west", "Paris West", "region", clock);
  await storage.groups.setStores("west", ["a", "b"]);
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
  await refusing?.close();
  await receiver.down();
  restoreMail();
});

const digest = (scope: "store" | "group", target: string, webhook: string | null, recipients = ["area@shop.example"]) => ({ scope, target, frequency: "daily", recipients, hour: 7, webhook });
/** The deliveries of digest `id` in store a's hook's queue. */
const queued = async (id: string) =>
  ((await t.request("GET", `/api/v1/stores/a/webhooks/${hooks.a}/deliveries`)).body.deliveries as { deliveryId: string; status: string }[]).filter((x) => x.deliveryId.startsWith(`digest:${id}:`));

describe("the webhooks a digest may go to", () => {
  it("lists a store's digest its store's hooks, a group's its stores' hooks, and not another store's", async () => {
    const ids = async (scope: string, target: string) => {
      const r = await t.request("GET", `/api/v1/digests/webhooks?scope=${scope}&target=${target}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return (r.body.webhooks as { id: string; store: string; url: string }[]).map((h) => [h.store, h.id]);
    };
    expect(await ids("store", "b")).toEqual([["b", hooks.b]]);
    expect(await ids("group", "west")).toEqual([
      ["a", hooks.a],
      ["b", hooks.b],
    ]);
    const unknown = await t.request("GET", "/api/v1/digests/webhooks?scope=group&target=east");
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/no group "east": GET \/api\/v1\/groups lists them/);
  });

  it("refuses, in words, a hook of a store the digest does not cover, on POST and on PUT", async () => {
    const other = await t.request("POST", "/api/v1/digests", digest("store", "b", hooks.a!));
    expect(other.status, JSON.stringify(other.body)).toBe(400);
    expect(other.body.message).toBe(
      `body/webhook: webhook "${hooks.a}" is store "a"'s: a digest of store "b" goes only to that store's webhooks (GET /api/v1/digests/webhooks?scope=store&target=b lists those it may use), or none`,
    );
    const outside = await t.request("POST", "/api/v1/digests", digest("group", "west", hooks.c!));
    expect(outside.status).toBe(400);
    expect(outside.body.message).toMatch(new RegExp(`^body/webhook: webhook "${hooks.c}" is store "c"'s, not one of group "west"'s stores \\(a, b\\): a group's digest goes only to its stores' webhooks`));
    // A group's digest to a hook of one of its stores (the head office's receiver, say): taken.
    const group = await t.request("POST", "/api/v1/digests", digest("group", "west", hooks.b!));
    expect(group.status, JSON.stringify(group.body)).toBe(200);
    expect(group.body).toMatchObject({ webhook: hooks.b, webhookUrl: "http://127.0.0.1:18399/none" });
    // A store's digest moved to another store keeps a hook it may no longer use: refused (the client sent no webhook).
    const own = await t.request("POST", "/api/v1/digests", digest("store", "a", hooks.a!));
    expect(own.status).toBe(200);
    const moved = await t.request("PUT", `/api/v1/digests/${own.body.id}`, { scope: "store", target: "c", frequency: "daily", recipients: ["area@shop.example"], hour: 7 });
    expect(moved.status).toBe(400);
    expect(moved.body.message).toMatch(/^body\/webhook: webhook "wh_[0-9a-f]+" is store "a"'s: a digest of store "c" goes only/);
    expect((await t.request("PUT", `/api/v1/digests/${own.body.id}`, { ...digest("store", "c", hooks.c!) })).status).toBe(200);
    for (const id of [group.body.id, own.body.id]) await t.request("DELETE", `/api/v1/digests/${id}`);
  });
});

describe("send now again after the mail failed", () => {
  it("re-sends the mail and does not queue the webhook twice; says what happened to each channel", async () => {
    const created = await t.request("POST", "/api/v1/digests", digest("store", "a", hooks.a!));
    expect(created.status).toBe(200);
    const id = created.body.id as string;
    const restore = setMailEnv(refusing.url);
    try {
      refuse = true;
      const failed = await t.request("POST", `/api/v1/digests/${id}/send`, {});
      expect(failed.status).toBe(502);
      expect(failed.body.message).toMatch(/^the mail server did not take the digest: .*Mailbox busy.* \(FOOTFALL_SMTP_URL\); its webhook delivery "digest:[^"]+:2026-11-30:0" was queued \(the hook sends it on its own\): Send now again re-sends the mail only$/);
      await waitFor("the hook's delivery", () => (receiver.taken.length === 1 ? true : undefined));
      refuse = false;
      const again = await t.request("POST", `/api/v1/digests/${id}/send`, {});
      expect(again.status, JSON.stringify(again.body)).toBe(200);
      expect(again.body).toMatchObject({ period: "2026-11-30", webhook: hooks.a, mailed: true, webhookDelivery: { id: `digest:${id}:2026-11-30:0`, queuedNow: false, status: "delivered" } });
      expect(refusedMails.map((m) => m.subject)).toEqual([again.body.subject]);
      expect((await queued(id)).map((x) => x.deliveryId)).toEqual([`digest:${id}:2026-11-30:0`]);
      // Sent again on purpose once that send went: a delivery of its own.
      clock += 60_000;
      const third = await t.request("POST", `/api/v1/digests/${id}/send`, {});
      expect(third.body.webhookDelivery).toMatchObject({ queuedNow: true });
      expect((await queued(id)).length).toBe(2);
      await waitFor("the second delivery", () => (receiver.taken.length === 2 ? true : undefined));
    } finally {
      restore();
      refuse = true;
      await t.request("DELETE", `/api/v1/digests/${id}`);
    }
  });

  it("a failed scheduled period sent again goes by mail, its webhook delivery the schedule's, queued once", async () => {
    clock = D + 2 * DAY + 5 * HOUR; // 06:00 in Paris (the layout's zone): created before Wednesday's 07:00: its first scheduled period is Tuesday 1 December
    const created = await t.request("POST", "/api/v1/digests", digest("store", "a", hooks.a!));
    const id = created.body.id as string;
    const restore = setMailEnv(refusing.url);
    try {
      refuse = true;
      const taken = receiver.taken.length;
      clock += HOUR + 60_000;
      expect(await digestSchedulers.get(t.server.services)!.tick()).toEqual([]);
      const listed = ((await t.request("GET", "/api/v1/digests")).body.digests as { id: string; failedPeriod: string | null }[]).find((d) => d.id === id)!;
      expect(listed.failedPeriod, JSON.stringify(listed)).toBe("2026-12-01");
      refuse = false;
      const again = await t.request("POST", `/api/v1/digests/${id}/send`, { period: "2026-12-01" });
      expect(again.status, JSON.stringify(again.body)).toBe(200);
      expect(again.body.webhookDelivery).toMatchObject({ id: `digest:${id}:2026-12-01`, queuedNow: false });
      expect((await queued(id)).map((x) => x.deliveryId)).toEqual([`digest:${id}:2026-12-01`]);
      await waitFor("the hook's delivery", () => (receiver.taken.length === taken + 1 ? true : undefined));
      expect(refusedMails.at(-1)!.subject).toBe(again.body.subject);
    } finally {
      restore();
      await t.request("DELETE", `/api/v1/digests/${id}`);
    }
  });
});

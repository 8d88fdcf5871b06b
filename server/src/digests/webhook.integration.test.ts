/**
 * A digest by webhook as well as by mail, with links into the UI: the server in this process (SQLite) on a test clock,
 * a real SMTP server receiving the mail (parsed back), a real webhook receiver verifying each signed request as README
 * tells receivers to; the figures of the mail, of the webhook and of GET /overview for the same hours are one.
 */
import type { ParsedMail } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LayoutInput } from "@footfall/core";
import { EventFactory, rectZone, type FootfallEvent } from "../../../test/support/fixtures.js";
import { startTestServer, type TestServer } from "../../../test/support/in-process.js";
import { setMailEnv, startSmtpSink, type SmtpSink } from "../../../test/support/smtp-sink.js";
import { waitFor } from "../../../test/support/wait.js";
import { WebhookReceiver, type ReceivedDelivery } from "../../../test/support/webhook-receiver.js";
import { digestSchedulers } from "./scheduler.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Monday 30 Nov 2026, a whole UTC day (the stores are in UTC). */
const D = Date.UTC(2026, 10, 30);
const PUBLIC = "https://footfall.example.com/ops/";
let clock = D + DAY + 6 * HOUR;

const layout = (name: string): LayoutInput => ({
  name,
  validFrom: 0,
  timezone: "UTC",
  floor: { width: 30, height: 10 },
  zones: [rectZone("door", "entrance", 0, 0, 4, 10), rectZone("fruit", "zone", 4, 0, 6, 5), rectZone("bakery", "zone", 4, 5, 6, 5), rectZone("till", "checkout", 20, 0, 10, 5)],
});

let t: TestServer;
let smtp: SmtpSink;
const mails: ParsedMail[] = [];
const receiver = new WebhookReceiver("", 300, () => clock);
let restoreMail = () => {};
const savedPublic = process.env.FOOTFALL_PUBLIC_URL;

/** Store a ("Rue de Rivoli"): 6 enters on Monday, 3 on Sunday; store b ("Le Marais"): 3 on Monday, 4 on Sunday (door counters), visits to fruit and bakery. */
beforeAll(async () => {
  smtp = await startSmtpSink((m) => mails.push(m));
  restoreMail = setMailEnv(smtp.url);
  process.env.FOOTFALL_PUBLIC_URL = PUBLIC;
  receiver.port = 19700;
  await receiver.up();
  t = await startTestServer({ now: () => clock, maxAgeMs: 400 * DAY });
  const people: Record<string, [day: number, n: number][]> = {
    a: [
      [D - DAY, 3],
      [D, 6],
    ],
    b: [
      [D - DAY, 4],
      [D, 3],
    ],
  };
  for (const [store, name] of [
    ["a", "Rue de Rivoli"],
    ["b", "Le Marais"],
  ] as const) {
    await t.putLayout(store, layout(name));
    const f = new EventFactory("cam-1");
    const door = new EventFactory("door-1");
    const events: FootfallEvent[] = [];
    const counts: FootfallEvent[] = [door.count("till", D - 7 * DAY, 1, 0)];
    for (const [day, n] of people[store]!)
      for (let i = 0; i < n; i++) {
        const at = day + 10 * HOUR + i * 10 * 60_000;
        counts.push(door.count("door", at, 1, 0));
        events.push(...f.visit(`${store}-${day}-${i}`, i % 2 ? "bakery" : "fruit", at + 70_000, (30 + 10 * i) * 1000));
      }
    await t.ingest(store, "door-1", counts);
    await t.ingest(store, "cam-1", events);
  }
  const { storage } = t.server.services;
  await storage.groups.create("west", "Paris West", "region", clock);
  await storage.groups.setStores("west", ["a", "b"]);
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
  await receiver.down();
  restoreMail();
  if (savedPublic === undefined) delete process.env.FOOTFALL_PUBLIC_URL;
  else process.env.FOOTFALL_PUBLIC_URL = savedPublic;
});

const scheduler = () => digestSchedulers.get(t.server.services)!;
/** The hook of store a, taking digests (`digest.*`): its id and secret (shown once). */
async function hook(events: string[] = ["digest.*"]): Promise<string> {
  const created = await t.request("POST", "/api/v1/stores/a/webhooks", { url: receiver.url, events });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  (receiver as { secret: string }).secret = created.body.secret as string;
  return created.body.webhook.id as string;
}
const delivered = (type: string, n = 1) => waitFor(`${n} ${type} delivered`, () => (receiver.taken.filter((d) => d.type === type).length >= n ? receiver.taken.filter((d) => d.type === type) : undefined));

interface Figures {
  enters: number;
  visitors: number | null;
  conversion: number | null;
  dwellMedianS: number | null;
}
const pick = (f: Figures) => ({ enters: f.enters, visitors: f.visitors, conversion: f.conversion, dwellMedianS: f.dwellMedianS });

describe("a digest delivered to a webhook, with links into the UI", () => {
  let body: ReceivedDelivery["body"] & { text: string; data: Record<string, unknown> };
  let mail: ParsedMail;
  let digestId: string;

  it("goes at its hour by mail and to its webhook, signed, with the same figures as the mail and GET /overview", async () => {
    const hookId = await hook();
    const created = await t.request("POST", "/api/v1/digests", { scope: "group", target: "west", frequency: "daily", recipients: ["area@shop.example"], hour: 7, webhook: hookId });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body.webhook).toBe(hookId);
    digestId = created.body.id as string;
    clock = D + DAY + 7 * HOUR + 60_000;
    const sent = await scheduler().tick();
    expect(sent.map((s) => [s.period, s.webhook])).toEqual([["2026-11-30", hookId]]);
    const [d] = await delivered("digest.daily");
    body = d!.body as typeof body;
    mail = mails.at(-1)!;
    // One delivery id per digest and period (receivers dedupe on it), the hook's signature checked by the receiver.
    expect(d!.id).toBe(`digest:${digestId}:2026-11-30`);
    expect(receiver.refused).toEqual([]);
    expect(body.store).toBeNull();
    expect(body.text).toBe(mail.text!.trim());

    const overview = await t.request("GET", `/api/v1/overview?from=${D}&to=${D + DAY}&group=west`);
    expect(overview.status).toBe(200);
    const group = (overview.body.groups as { id: string; figures: Figures; previous: Figures }[]).find((g) => g.id === "west")!;
    const data = body.data as { now: Figures; before: Figures; stores: { store: string; name: string; enters: number; before: number; url: string }[] };
    expect(pick(data.now)).toEqual(pick(group.figures));
    expect(pick(data.before)).toEqual(pick(group.previous));
    expect(data.now.enters).toBe(9);
    const rows = overview.body.stores as { id: string; figures: Figures; previous: Figures }[];
    expect(data.stores.map((s) => [s.store, s.enters, s.before])).toEqual(
      ["b", "a"].map((id) => [id, rows.find((r) => r.id === id)!.figures.enters, rows.find((r) => r.id === id)!.previous.enters]),
    );
    // The mail says the same numbers: the group's enters and each store's row.
    expect(mail.text).toMatch(/^Enters\s+9\s+the day before: 7 \(\+29 %\)$/m);
    expect(mail.text).toContain("  Rue de Rivoli: 6 enters (+3, +100 %)");
    expect(mail.text).toContain("  Le Marais: 3 enters (−1, −25 %)");
  });

  it("links each store's row to its Report of that day and the chain view to the group's same hours, in the mail and the webhook", async () => {
    const report = (s: string) => `${PUBLIC}#/report/${s}?from=2026-11-30&to=2026-11-30`;
    const chain = `${PUBLIC}#/chain?from=${D}&to=${D + DAY}&group=west`;
    expect(mail.text).toContain(`  Rue de Rivoli: 6 enters (+3, +100 %)\n    ${report("a")}`);
    expect(mail.text).toContain(`Chain view of these stores: ${chain}`);
    expect(mail.html).toContain(`<a href="${report("b").replace(/&/g, "&amp;")}">Le Marais</a>`);
    expect(mail.html).toContain(`<a href="${chain.replace(/&/g, "&amp;")}">`);
    const data = body.data as { links: { chain: string; stores: Record<string, string> } };
    expect(data.links).toEqual({ chain, stores: { a: report("a"), b: report("b") } });
  });

  it("keeps its webhook when changed by a client that sends none (one written before webhooks), and drops it on null", async () => {
    const hookId = (await t.request("GET", "/api/v1/stores/a/webhooks")).body.webhooks[0].id as string;
    const change = { scope: "group", target: "west", frequency: "daily", recipients: ["area@shop.example"], hour: 8 };
    const kept = await t.request("PUT", `/api/v1/digests/${digestId}`, change);
    expect(kept.status, JSON.stringify(kept.body)).toBe(200);
    expect(kept.body).toMatchObject({ hour: 8, webhook: hookId });
    const dropped = await t.request("PUT", `/api/v1/digests/${digestId}`, { ...change, webhook: null });
    expect(dropped.body.webhook).toBeNull();
    await t.request("DELETE", `/api/v1/digests/${digestId}`);
  });

  it("goes without a mail server when it has a webhook and no recipients, and its hook retries a refused delivery", async () => {
    restoreMail();
    const hookId = (await t.request("GET", "/api/v1/stores/a/webhooks")).body.webhooks[0].id as string;
    const noWhere = await t.request("POST", "/api/v1/digests", { scope: "store", target: "b", frequency: "daily", recipients: [], hour: 8 });
    expect(noWhere.status).toBe(400);
    expect(noWhere.body.message).toMatch(/body\/recipients: give at least one address, or a webhook/);
    const unknown = await t.request("POST", "/api/v1/digests", { scope: "store", target: "b", frequency: "daily", recipients: [], hour: 8, webhook: "nope" });
    expect(unknown.body.message).toMatch(/body\/webhook: no webhook "nope"/);
    // Store a's digest (its hook is store a's: a store's digest goes only to that store's hooks).
    const created = await t.request("POST", "/api/v1/digests", { scope: "store", target: "a", frequency: "daily", recipients: [], hour: 8, webhook: hookId });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    receiver.failing = true;
    const mailsBefore = mails.length;
    clock = D + DAY + 8 * HOUR + 60_000;
    expect((await scheduler().tick()).map((s) => s.id)).toEqual([created.body.id]);
    await waitFor("the refused attempt", () => receiver.failed.length > 0 || undefined);
    receiver.failing = false;
    // The hook's backoff (about a second) on the server's clock: moved on, the queue is looked at again.
    clock += 5 * 60_000;
    t.server.services.webhooks!.kick();
    const [, d] = await delivered("digest.daily", 2);
    expect(d!.body.store).toBe("a");
    const data = d!.body.data as { now: Figures; links: { chain: string; stores: Record<string, string> } };
    const overview = await t.request("GET", `/api/v1/overview?from=${D}&to=${D + DAY}`);
    const row = (overview.body.stores as { id: string; figures: Figures }[]).find((s) => s.id === "a")!;
    expect(pick(data.now)).toEqual(pick(row.figures));
    expect(data.links.chain).toBe(`${PUBLIC}#/chain?from=${D}&to=${D + DAY}`);
    expect(mails.length).toBe(mailsBefore);
    const log = await t.request("GET", `/api/v1/stores/a/webhooks/${hookId}/deliveries`);
    expect(log.body.deliveries.find((x: { deliveryId: string }) => x.deliveryId === d!.id)).toMatchObject({ status: "delivered", attempts: 2 });

    // The hook deleted: the digest says so in its listing, before its next send fails.
    expect((await t.request("DELETE", `/api/v1/stores/a/webhooks/${hookId}`)).status).toBe(204);
    const listed = (await t.request("GET", "/api/v1/digests")).body.digests.find((x: { id: string }) => x.id === created.body.id);
    expect(listed.problem).toMatch(new RegExp(`^its webhook "${hookId}" was deleted: it is not sent until another is chosen, or none`));
  });
});

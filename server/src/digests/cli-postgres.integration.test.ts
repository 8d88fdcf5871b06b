/**
 * `footfall digest list|preview|send` on PostgreSQL: the built CLI run as a child process with FOOTFALL_DATABASE_URL,
 * on Debian's PostgreSQL in a temporary folder, beside a server running in this process on the same database; a real
 * SMTP server (one refusing while told to) and a real webhook receiver checking each signed request, counting deliveries
 * by delivery id. The CLI's list and preview are the server's; its send mails the digest and queues the webhook, which the
 * running server delivers at its digest check, once; a refused mail sent again after a later period went out is mailed
 * and its webhook not queued again; a webhook-only send says in words who sends it and when.
 */
import type { ParsedMail } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { footfall } from "../../../test/support/cli.js";
import { startTestServer, type TestServer } from "../../../test/support/in-process.js";
import { usePostgres } from "../../../test/support/postgres.js";
import { setMailEnv, startSmtpSink, type SmtpSink } from "../../../test/support/smtp-sink.js";
import { waitFor } from "../../../test/support/wait.js";
import { WebhookReceiver } from "../../../test/support/webhook-receiver.js";
import { digestSchedulers } from "./scheduler.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** When the events were sent, and from which the periods are counted back. */
const now = Date.now();
const pg = usePostgres();
let url: string;
let t: TestServer;
let smtp: SmtpSink;
let refusing: SmtpSink;
let refuse = true;
const mails: ParsedMail[] = [];
const receiver = new WebhookReceiver("");
let restoreMail = () => {};
let hook: string;
let id: string;
let hookOnly: string;

beforeAll(async () => {
  smtp = await startSmtpSink((m) => mails.push(m));
  refusing = await startSmtpSink((m) => mails.push(m), { refuseWhile: () => refuse });
  restoreMail = setMailEnv(smtp.url);
  receiver.port = 19201;
  await receiver.up();
  url = pg.database("footfall_digest_cli");
  t = await startTestServer({ maxAgeMs: 30 * DAY, config: { databaseUrl: url } });
  await t.putLayout("shop", smallLayout({ name: "Rue de Rivoli" }));
  const door = new EventFactory("door-1");
  await t.ingest("shop", "door-1", [door.count("checkout", now - 10 * DAY, 1, 0), door.count("entrance", now - 3 * DAY, 12, 0), door.count("entrance", now - 2 * DAY, 20, 0)]);
  const created = await t.request("POST", "/api/v1/stores/shop/webhooks", { url: receiver.url, events: ["digest.*"] });
  expect(created.status).toBe(201);
  hook = created.body.webhook.id as string;
  (receiver as { secret: string }).secret = created.body.secret as string;
  const d = await t.request("POST", "/api/v1/digests", { scope: "store", target: "shop", frequency: "daily", recipients: ["manager@shop.example"], hour: 7, webhook: hook });
  expect(d.status, JSON.stringify(d.body)).toBe(200);
  id = d.body.id as string;
  const w = await t.request("POST", "/api/v1/digests", { scope: "store", target: "shop", frequency: "weekly", recipients: [], hour: 8, webhook: hook });
  expect(w.status, JSON.stringify(w.body)).toBe(200);
  hookOnly = w.body.id as string;
}, 180_000);
afterAll(async () => {
  await t?.close();
  await smtp?.close();
  await refusing?.close();
  await receiver.down();
  restoreMail();
});

const cli = (args: string[], env: Record<string, string> = {}) => footfall(["digest", ...args], { dataDir: t.dataDir, env: { FOOTFALL_DATABASE_URL: url, ...env }, timeoutMs: 60_000 });
/** The deliveries the receiver took of digest `digest`, by period (each delivery id once), once the server's digest check sent the queue. */
async function delivered(digest: string, n: number): Promise<Record<string, string[]>> {
  await digestSchedulers.get(t.server.services)!.tick();
  await waitFor(`${n} deliveries of ${digest}`, () => receiver.taken.filter((x) => x.id.startsWith(`digest:${digest}:`)).length >= n || undefined, { timeoutMs: 30_000 });
  const byPeriod: Record<string, string[]> = {};
  for (const d of receiver.taken.filter((x) => x.id.startsWith(`digest:${digest}:`))) (byPeriod[(d.body.data as { period: { key: string } }).period.key] ??= []).push(d.id);
  return byPeriod;
}
/**
 * Its stderr, which has no word of its links: without FOOTFALL_PUBLIC_URL it links where the server running on the database
 * noted its digests link to (cli-links-postgres.integration tests the links themselves).
 */
const afterLinks = (stderr: string) => (expect(stderr).not.toMatch(/links use/), stderr);
/** The store's day (Paris) `daysAgo` days back: near midnight UTC the UTC date is the store's day before or after. */
const period = (daysAgo: number) => new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" }).format(now - daysAgo * DAY);

describe("footfall digest on PostgreSQL (FOOTFALL_DATABASE_URL)", () => {
  it("lists the digests and previews what the server's preview gives", async () => {
    const list = await cli(["list"]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout.split("\n")[0]).toMatch(/^ID\s+OF\s+WHEN\s+TO\s+LAST SENT\s+PROBLEM$/);
    expect(list.stdout).toMatch(new RegExp(`^${id}\\s+store shop\\s+daily at 07:00\\s+manager@shop\\.example, webhook ${receiver.url}\\s+not yet$`, "m"));
    expect(list.stdout).toMatch(new RegExp(`^${hookOnly}\\s+store shop\\s+weekly at 08:00\\s+webhook ${receiver.url}\\s+not yet$`, "m"));
    const json = await cli(["list", "--json"]);
    expect((JSON.parse(json.stdout) as { digests: { id: string }[] }).digests.map((d) => d.id).sort()).toEqual([id, hookOnly].sort());

    const server = await t.request("GET", `/api/v1/digests/${id}/preview?period=${period(2)}`);
    expect(server.status).toBe(200);
    const preview = await cli(["preview", id, "--period", period(2), "--json"]);
    expect(preview.code, preview.stderr).toBe(0);
    expect(JSON.parse(preview.stdout)).toMatchObject({ id, period: period(2), subject: server.body.subject, text: server.body.text, webhook: hook, mailProblem: null });
    expect(server.body.subject).toMatch(/: 20 enters/);
  });

  it("sends it: mailed, the webhook posted by the CLI, once (not by the running server too); refused, then sent again after a later period went: not queued twice", async () => {
    const before = mails.length;
    const sent = await cli(["send", id, "--period", period(3)]);
    expect(sent.code, sent.stderr).toBe(0);
    const r = JSON.parse(sent.stdout) as { period: string; subject: string; mailed: boolean; webhookDelivery: { id: string; queuedNow: boolean; status: string } };
    // The CLI posts it itself at once (claimed: the running server on this database does not post it too).
    expect(r).toMatchObject({ period: period(3), mailed: true, webhookDelivery: { queuedNow: true, status: "delivered" } });
    expect(afterLinks(sent.stderr)).toBe(`footfall: its webhook delivery "${r.webhookDelivery.id}" went to ${receiver.url} (HTTP 204)\n`);
    expect(mails.length).toBe(before + 1);
    expect(mails.at(-1)!.subject).toBe(r.subject);
    expect(await delivered(id, 1)).toEqual({ [period(3)]: [r.webhookDelivery.id] });
    const audit = await t.request("GET", "/api/v1/audit?action=digest.send");
    expect(audit.body.entries[0]).toMatchObject({ action: "digest.send", target: id, actor: { label: "cli" } });

    // The day after's period, sent again and refused by the mail server: its webhook goes on its own, once.
    refuse = true;
    const failed = await cli(["send", id, "--period", period(2)], { FOOTFALL_SMTP_URL: refusing.url });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/its webhook delivery "[^"]+" was queued \(the server sends it\): `footfall digest send .* --period .*` again re-sends the mail only\n$/);
    refuse = false;
    await delivered(id, 2);
    // Meanwhile another period goes out (the first again, on purpose: a delivery of its own); then the refused one, again.
    const other = await cli(["send", id, "--period", period(3)]);
    expect(other.code, other.stderr).toBe(0);
    await delivered(id, 3);
    const mailsBefore = mails.length;
    const again = await cli(["send", id, "--period", period(2)], { FOOTFALL_SMTP_URL: refusing.url });
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ period: period(2), mailed: true, webhookDelivery: { queuedNow: false, status: "delivered" } });
    expect(afterLinks(again.stderr)).toBe("");
    expect(mails.length).toBe(mailsBefore + 1);
    const byPeriod = await delivered(id, 3);
    expect(byPeriod[period(2)]).toHaveLength(1);
    expect(byPeriod[period(3)]).toHaveLength(2);
    expect(receiver.refused).toEqual([]);
  });

  it("a webhook-only digest goes without a mail server: posted by the CLI, said so in words, delivered once", async () => {
    const sent = await cli(["send", hookOnly], { FOOTFALL_SMTP_URL: "" });
    expect(sent.code, sent.stderr).toBe(0);
    const r = JSON.parse(sent.stdout) as { mailed: boolean; webhookDelivery: { id: string; status: string } };
    expect(r).toMatchObject({ mailed: false, webhookDelivery: { status: "delivered" } });
    expect(afterLinks(sent.stderr)).toBe(`footfall: its webhook delivery "${r.webhookDelivery.id}" went to ${receiver.url} (HTTP 204)\n`);
    const byPeriod = await delivered(hookOnly, 1);
    expect(Object.values(byPeriod).flat()).toEqual([r.webhookDelivery.id]);
    const list = await cli(["list"]);
    expect(list.stdout).toMatch(new RegExp(`^${hookOnly}\\s+store shop\\s+weekly at 08:00\\s+webhook ${receiver.url}\\s+\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC \\(`, "m"));
  });
});

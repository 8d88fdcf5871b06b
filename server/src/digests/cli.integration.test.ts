/**
 * `footfall digest list|preview|send`, the built CLI run as a child process on the data folder (a real SQLite file) of a
 * server running in this process, a real SMTP server (one refusing while told to) and a real webhook receiver checking
 * each signed request: the CLI's preview is the server's, its send mails it and queues the webhook, which the running
 * server sends within its digest check; a refused mail says what became of the webhook, and sending again queues it once.
 */
import type { ParsedMail } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { footfall } from "../../../test/support/cli.js";
import { startTestServer, type TestServer } from "../../../test/support/in-process.js";
import { setMailEnv, startSmtpSink, type SmtpSink } from "../../../test/support/smtp-sink.js";
import { waitFor } from "../../../test/support/wait.js";
import { WebhookReceiver } from "../../../test/support/webhook-receiver.js";
import { digestSchedulers } from "./scheduler.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let t: TestServer;
let smtp: SmtpSink;
let refusing: SmtpSink;
let refuse = true;
const mails: ParsedMail[] = [];
const receiver = new WebhookReceiver("");
let restoreMail = () => {};
const savedPublic = process.env.FOOTFALL_PUBLIC_URL;
let id: string;
let hook: string;

beforeAll(async () => {
  smtp = await startSmtpSink((m) => mails.push(m));
  refusing = await startSmtpSink((m) => mails.push(m), { refuseWhile: () => refuse });
  restoreMail = setMailEnv(smtp.url);
  process.env.FOOTFALL_PUBLIC_URL = "https://footfall.example.com/";
  receiver.port = 18340;
  await receiver.up();
  t = await startTestServer({ maxAgeMs: 30 * DAY });
  await t.putLayout("shop", smallLayout({ name: "Rue de Rivoli" }));
  const door = new EventFactory("door-1");
  const now = Date.now();
  await t.ingest("shop", "door-1", [door.count("checkout", now - 10 * DAY, 1, 0), door.count("entrance", now - 2 * DAY, 12, 0), door.count("entrance", now - DAY - 2 * HOUR, 30, 0)]);
  const created = await t.request("POST", "/api/v1/stores/shop/webhooks", { url: receiver.url, events: ["digest.*"] });
  expect(created.status).toBe(201);
  hook = created.body.webhook.id as string;
  (receiver as { secret: string }).secret = created.body.secret as string;
  const d = await t.request("POST", "/api/v1/digests", { scope: "store", target: "shop", frequency: "daily", recipients: ["manager@shop.example"], hour: 7, webhook: hook });
  expect(d.status, JSON.stringify(d.body)).toBe(200);
  id = d.body.id as string;
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
  await refusing?.close();
  await receiver.down();
  restoreMail();
  if (savedPublic === undefined) delete process.env.FOOTFALL_PUBLIC_URL;
  else process.env.FOOTFALL_PUBLIC_URL = savedPublic;
});

const cli = (args: string[], env: Record<string, string> = {}) => footfall(["digest", ...args], { dataDir: t.dataDir, env });
const digestDeliveries = async () =>
  ((await t.request("GET", `/api/v1/stores/shop/webhooks/${hook}/deliveries`)).body.deliveries as { deliveryId: string }[]).filter((x) => x.deliveryId.startsWith(`digest:${id}:`));

describe("footfall digest", () => {
  it("says what it does (--help) and lists the digests", async () => {
    const help = await cli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/list \[options\]\s+list the digests/);
    expect(help.stdout).toMatch(/preview \[options\] <id>/);
    expect(help.stdout).toMatch(/send \[options\] <id>/);
    expect(help.stdout).toContain("FOOTFALL_SMTP_URL");
    const list = await cli(["list"]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout.split("\n")[0]).toMatch(/^ID\s+OF\s+WHEN\s+TO\s+LAST SENT\s+PROBLEM$/);
    expect(list.stdout).toMatch(new RegExp(`^${id}\\s+store shop\\s+daily at 07:00\\s+manager@shop\\.example, webhook ${receiver.url}\\s+not yet`, "m"));
    const json = await cli(["list", "--json"]);
    expect((JSON.parse(json.stdout) as { digests: { id: string; webhook: string }[] }).digests).toMatchObject([{ id, webhook: hook }]);
  });

  it("previews what the server's preview gives, without a mail server", async () => {
    const server = await t.request("GET", `/api/v1/digests/${id}/preview`);
    expect(server.status).toBe(200);
    const preview = await cli(["preview", id, "--json"], { FOOTFALL_SMTP_URL: "" });
    expect(preview.code, preview.stderr).toBe(0);
    const p = JSON.parse(preview.stdout) as Record<string, unknown>;
    expect(p).toMatchObject({ id, period: server.body.period, subject: server.body.subject, text: server.body.text, webhook: hook });
    expect(p.mailProblem).toMatch(/FOOTFALL_SMTP_URL/);
    const text = await cli(["preview", id]);
    expect(text.stdout).toContain(`Subject: ${server.body.subject}\nTo: manager@shop.example, webhook ${receiver.url}\nPeriod: ${server.body.period}\n\n${server.body.text}`);
  });

  it("sends it: the mail goes, and the webhook, posted by the CLI itself, once (the running server does not post it again)", async () => {
    const before = mails.length;
    const sent = await cli(["send", id]);
    expect(sent.code, sent.stderr).toBe(0);
    const r = JSON.parse(sent.stdout) as { period: string; subject: string; mailed: boolean; webhookDelivery: { id: string; queuedNow: boolean } };
    expect(r).toMatchObject({ mailed: true, webhookDelivery: { queuedNow: true } });
    expect(mails.length).toBe(before + 1);
    expect(mails.at(-1)!.subject).toBe(r.subject);
    // Posted by the CLI; the server's digest check (every minute) looks at the queues and finds nothing to post.
    await digestSchedulers.get(t.server.services)!.tick();
    const [d] = await waitFor("the webhook delivered", () => (receiver.taken.length > 0 ? receiver.taken : undefined));
    expect(d!.id).toBe(r.webhookDelivery.id);
    expect(receiver.refused).toEqual([]);
    const audit = await t.request("GET", "/api/v1/audit?action=digest.send");
    expect(audit.body.entries[0]).toMatchObject({ action: "digest.send", target: id, actor: { label: "cli" } });
  });

  it("a refused mail says what became of the webhook; sent again, the mail goes and the webhook is not queued twice", async () => {
    const queued = (await digestDeliveries()).length;
    refuse = true;
    const failed = await cli(["send", id], { FOOTFALL_SMTP_URL: refusing.url });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(
      new RegExp(`^footfall: the mail server did not take the digest: .*Mailbox busy.* \\(check FOOTFALL_SMTP_URL\\); its webhook delivery "digest:${id}:[^"]+" was queued \\(the server sends it\\): \`footfall digest send ${id}\` again re-sends the mail only\\n$`),
    );
    expect((await digestDeliveries()).length).toBe(queued + 1);
    refuse = false;
    const again = await cli(["send", id], { FOOTFALL_SMTP_URL: refusing.url });
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ mailed: true, webhookDelivery: { queuedNow: false } });
    expect((await digestDeliveries()).length).toBe(queued + 1);
  });

  it("an unknown digest or a bad period says what to do", async () => {
    const unknown = await cli(["send", "nope"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('footfall: no digest "nope": `footfall digest list` shows the ids (Admin > Digests makes them)\n');
    const bad = await cli(["preview", id, "--period", "yesterday"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/"yesterday": give the local date the period starts on, YYYY-MM-DD/);
    const ahead = await cli(["preview", id, "--period", "2099-01-01"]);
    expect(ahead.stderr).toMatch(/^footfall: period "2099-01-01" has not finished yet/);
  });
});

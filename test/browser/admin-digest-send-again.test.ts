/**
 * Admin > Digests' Send now after the mail server refused it, in chromium against the built server, a real SMTP server
 * (refusing while told to) and a real webhook receiver checking each signed request: the error says the webhook's
 * delivery was queued and goes on its own; pressed again, the mail goes, and the page says the webhook was not queued
 * again; the receiver takes the digest once.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../support/index.js";
import { startSmtpSink, type SmtpSink } from "../support/smtp-sink.js";
import { WebhookReceiver } from "../support/webhook-receiver.js";
import { withShop } from "./helpers/shop.js";

const receiver = new WebhookReceiver("");
let refuse = true;
const subjects: string[] = [];
let smtp: SmtpSink;
let digestId = "";
/** The server's env: the sink's URL is put in before the server starts (this beforeAll runs before withShop's). */
const env: Record<string, string> = { FOOTFALL_MAIL_FROM: "Footfall <reports@shop.example>" };
beforeAll(async () => {
  smtp = await startSmtpSink((m) => subjects.push(m.subject ?? ""), { refuseWhile: () => refuse });
  env.FOOTFALL_SMTP_URL = smtp.url;
});

const t = withShop({
  server: {
    httpPort: 18350,
    mqttPort: 18351,
    metricsPort: 18352,
    env,
  },
  setup: async ({ shop }) => {
    receiver.port = 18353;
    await receiver.up();
    const created = await shop.api.request<{ webhook: { id: string }; secret: string }>("POST", `/api/v1/stores/${shop.store}/webhooks`, { url: receiver.url, events: ["digest.*"] });
    expect(created.status).toBe(201);
    (receiver as { secret: string }).secret = created.body.secret;
    const d = await shop.api.request<{ id: string }>("POST", "/api/v1/digests", { scope: "store", target: shop.store, frequency: "daily", recipients: ["manager@shop.example"], hour: 7, webhook: created.body.webhook.id });
    expect(d.status, JSON.stringify(d.body)).toBe(200);
    digestId = d.body.id;
  },
  teardown: async () => {
    await receiver.down();
    await smtp?.close();
  },
});

describe("Send now again after the mail server refused it", () => {
  it("says the webhook was queued, then mails it without queuing the webhook again", async () => {
    const page = await t.open(`/admin/${t.shop.store}?tab=digests`, t.shop.tokens.admin);
    const row = page.getByTestId(`digest-${digestId}`);
    await row.waitFor();
    await row.getByRole("button", { name: "Send now" }).click();
    const error = page.getByTestId("admin-error");
    await error.waitFor();
    expect(await error.textContent()).toMatch(/the mail server did not take the digest: .*; its webhook delivery "digest:[^"]+" was queued \(the hook sends it on its own\): Send now again re-sends the mail only/);
    await waitFor("the webhook's delivery", () => (receiver.taken.length === 1 ? true : undefined), { timeoutMs: 15_000 });

    refuse = false;
    await row.getByRole("button", { name: "Send now" }).click();
    const sent = page.getByTestId("digest-sent");
    await sent.waitFor();
    expect(await sent.textContent()).toMatch(
      /^Sent "Footfall daily digest: .*" to manager@shop\.example and not queued for its webhook again: an earlier attempt had queued it \(delivered; http:\/\/127\.0\.0\.1:18353\/hook: its delivery log\)\.$/,
    );
    expect(subjects).toHaveLength(1);
    expect(receiver.taken).toHaveLength(1);
    expect(receiver.refused).toEqual([]);
    await page.close();
  });
});

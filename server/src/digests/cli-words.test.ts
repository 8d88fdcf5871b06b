/**
 * What `footfall digest list` and `send` say, as an admin walking Admin > Digests and then the terminal read them:
 * - list's fourth column was LAST PERIOD, the digest's lastPeriod: a digest scheduled at 10:41 (never sent) read
 *   "2026-12-06", as if the day before had been sent, where Admin > Digests says "not yet" (a new digest's lastPeriod is
 *   the period before its first). Now LAST SENT: "not yet", or when and with which period. Its webhook was its id
 *   (wh_...), where Admin > Digests gives its URL.
 * - Send now without a mail server, of a digest with recipients and a webhook, said "no mail server: ... then restart
 *   the server" alone: nothing about its webhook (not sent either), and a restart is not what the CLI needs.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Services } from "../services.js";
import type { Digest } from "../storage/types.js";
import type { WebhookDelivery } from "../storage/types.js";
import { digestTable, sendDigestNow, sentWebhookWords } from "./cli.js";
import { DigestScheduler } from "./scheduler.js";

const digest = (over: Partial<Digest>): Digest => ({
  id: "demo-daily-2c5c68",
  scope: "store",
  target: "demo",
  frequency: "daily",
  recipients: ["manager@example.com"],
  hour: 7,
  createdAt: Date.UTC(2026, 11, 7, 9, 41),
  lastPeriod: "2026-12-06",
  lastSentAt: null,
  lastError: null,
  timeZone: null,
  failedPeriod: null,
  attempts: 0,
  retryAt: null,
  gaveUpAt: null,
  webhook: "wh_1a2595f2f0910299",
  ...over,
});
const hooks = new Map([["wh_1a2595f2f0910299", "http://127.0.0.1:18852/hook"]]);
const row = (table: string, id: string) => table.split("\n").find((l) => l.startsWith(id))!;

describe("footfall digest list", () => {
  it("says a digest never sent was not sent yet, and when and with which period one was", () => {
    const weekly = digest({ id: "demo-weekly-f5b9cb", frequency: "weekly", recipients: [], lastPeriod: "2026-11-30", lastSentAt: Date.UTC(2026, 11, 7, 9, 42, 26) });
    const table = digestTable([digest({}), weekly], hooks);
    expect(table.split("\n")[0]).toMatch(/^ID\s+OF\s+WHEN\s+TO\s+LAST SENT\s+PROBLEM$/);
    expect(row(table, "demo-daily-2c5c68")).toMatch(/manager@example\.com, webhook http:\/\/127\.0\.0\.1:18852\/hook\s+not yet$/);
    expect(row(table, "demo-daily-2c5c68")).not.toContain("2026-12-06");
    expect(row(table, "demo-weekly-f5b9cb")).toMatch(/ webhook http:\/\/127\.0\.0\.1:18852\/hook\s+2026-12-07 09:42 UTC \(2026-11-30\)$/);
  });

  it("names a deleted webhook by its id, said deleted", () => {
    expect(row(digestTable([digest({})], new Map()), "demo-daily-2c5c68")).toContain("webhook wh_1a2595f2f0910299 (deleted)");
  });
});

describe("send now without a mail server", () => {
  afterEach(() => vi.unstubAllEnvs());
  // Refused before anything is read: no storage needed.
  const services = {} as Services;

  it("says a digest with recipients and a webhook went nowhere, its webhook neither, and what to do", async () => {
    const err = (await new DigestScheduler(services, {}).sendNow(digest({})).catch((e: unknown) => e)) as Error & { statusCode?: number };
    expect(err.statusCode).toBe(503);
    expect(err.message).toMatch(/^no mail server: set FOOTFALL_SMTP_URL .*, then restart the server; nothing was sent, not even to its webhook: a digest with recipients goes to its webhook with its mail \(take its recipients off to send it to its webhook alone\)$/);
    // One without a webhook: the mail server's words alone, as before.
    const plain = (await new DigestScheduler(services, {}).sendNow(digest({ webhook: null })).catch((e: unknown) => e)) as Error;
    expect(plain.message).not.toContain("webhook");
  });

  it("tells the CLI's user to run the command again, not to restart a server", async () => {
    vi.stubEnv("FOOTFALL_SMTP_URL", "");
    const err = (await sendDigestNow(services, digest({})).catch((e: unknown) => e)) as Error;
    expect(err.message).toContain("then run `footfall digest send demo-daily-2c5c68` again (a running server needs a restart to send the scheduled ones); nothing was sent, not even to its webhook");
  });
});

describe("footfall digest send: what became of its webhook (it posts it itself)", () => {
  const q = { id: "digest:d:2026-12-06", queuedNow: true, status: "pending" };
  const url = "http://127.0.0.1:18852/hook";
  const delivery = (over: Partial<WebhookDelivery>): WebhookDelivery => ({
    deliveryId: q.id,
    hookId: "wh_1",
    seq: 1,
    type: "digest.daily",
    payload: "{}",
    createdAt: 0,
    attempts: 1,
    nextAttemptAt: 0,
    status: "delivered",
    lastError: null,
    responseStatus: 204,
    finishedAt: 1,
    ...over,
  });

  it("says where it went, or why it did not go and who sends it when", () => {
    const sent = { webhookDelivery: q };
    expect(sentWebhookWords(sent, { posted: true, delivery: delivery({}) }, url, "none")).toBe(`its webhook delivery "${q.id}" went to ${url} (HTTP 204)`);
    expect(sentWebhookWords(sent, { posted: true, delivery: delivery({ status: "pending", lastError: "HTTP 503", responseStatus: 503 }) }, url, { pid: 42 })).toBe(
      `its webhook delivery "${q.id}" was posted to ${url} and failed (HTTP 503): it stays queued: the server running on this data folder (pid 42) sends it within its next digest check (every FOOTFALL_DIGEST_CHECK_MS, 60 s by default); the hook's delivery log (Admin > Webhooks) says when it went`,
    );
    expect(sentWebhookWords(sent, { posted: true, delivery: delivery({ status: "pending", lastError: "ECONNREFUSED" }) }, url, "none")).toBe(
      `its webhook delivery "${q.id}" was posted to ${url} and failed (ECONNREFUSED): it stays queued: no Footfall server runs on this data folder, and the webhook goes out when one starts (\`footfall serve\`); the hook's delivery log (Admin > Webhooks) says when it went`,
    );
    expect(sentWebhookWords(sent, { posted: false, why: "claimed", delivery: delivery({ status: "pending" }) }, url, "unknown")).toMatch(/is being posted by a Footfall server right now/);
    expect(sentWebhookWords(sent, { posted: false, why: "behind", delivery: delivery({ status: "pending" }) }, url, "unknown")).toMatch(
      /^earlier deliveries of its webhook go first .*; its webhook delivery "digest:d:2026-12-06" is queued: a Footfall server on this database sends it/,
    );
    expect(sentWebhookWords(sent, { posted: false, why: "disabled", delivery: delivery({ status: "pending" }) }, url, "none")).toMatch(/the hook is disabled .* once the hook is enabled again$/);
    expect(sentWebhookWords(sent, { posted: false, why: "gone", delivery: delivery({}) }, url, "none")).toBe(`its webhook delivery "${q.id}" went already (a server posted it)`);
    // A delivery an earlier attempt had sent (a refused mail sent again): nothing to say.
    expect(sentWebhookWords({ webhookDelivery: { ...q, status: "delivered" } }, null, url, "none")).toBeNull();
    expect(sentWebhookWords({ webhookDelivery: null }, null, url, "none")).toBeNull();
  });
});

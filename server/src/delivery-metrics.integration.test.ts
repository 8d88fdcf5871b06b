/**
 * What IT's Prometheus sees of notifications that do not go out: webhook attempts refused by a real
 * receiver (HTTP 503) and digests refused by a real SMTP server (451), counted and gauged on the
 * metrics listener (scraped over HTTP, as Prometheus does), as the hook's delivery log and Admin >
 * Digests list them. Before, only the log and those listings said so.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { smallLayout } from "../../test/support/fixtures.js";
import { startTestServer, type TestServer } from "../../test/support/in-process.js";
import { startSmtpSink, type SmtpSink } from "../../test/support/smtp-sink.js";
import { DigestScheduler } from "./digests/scheduler.js";
import type { WebhookDelivery } from "./storage/types.js";

/** Paris local time (UTC+1 in December) for the digests; webhooks run on the real clock. */
const local = (d: number, h: number, m = 0) => Date.UTC(2026, 11, d, h - 1, m);
let clock: number | null = null;
let t: TestServer;
let smtp: SmtpSink;
/** A webhook receiver that answers every request 503 (down for maintenance). */
let refused = 0;
const receiver = createServer((req, res) => {
  refused++;
  req.resume();
  res.writeHead(503, { "content-type": "text/plain" }).end("down for maintenance");
});
let receiverUrl = "";
const WEBHOOK_ENV = { FOOTFALL_WEBHOOK_RETRY_BASE_MS: "2000", FOOTFALL_WEBHOOK_RETRY_MAX_MS: "2000", FOOTFALL_WEBHOOK_MAX_ATTEMPTS: "3", FOOTFALL_WEBHOOK_DISABLE_AFTER_FAILURES: "5" };
const saved = Object.fromEntries(Object.keys(WEBHOOK_ENV).map((k) => [k, process.env[k]]));

beforeAll(async () => {
  Object.assign(process.env, WEBHOOK_ENV);
  smtp = await startSmtpSink(() => {}, { refuseWhile: () => true });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  t = await startTestServer({ now: () => clock ?? Date.now(), maxAgeMs: 30 * 86_400_000, config: { metrics: { host: "127.0.0.1", port: 0 } } });
  await t.putLayout("shop", smallLayout({ name: "Rue de Rivoli" }));
});
afterAll(async () => {
  await t?.close();
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
  await smtp?.close();
  for (const [k, v] of Object.entries(saved))
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
});

/** One sample of the metrics listener's text, read over HTTP as Prometheus scrapes it. */
async function sample(name: string): Promise<number> {
  const res = await fetch(t.server.metricsUrl!);
  expect(res.status).toBe(200);
  const text = await res.text();
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`${name} is not on ${t.server.metricsUrl}`);
  return Number(line.slice(name.length + 1));
}

/** Resolves with the first delivery attempt of the dispatcher that `pass` takes. */
const attempt = (pass: (d: WebhookDelivery) => boolean) =>
  new Promise<WebhookDelivery>((resolve) => {
    const off = t.server.services.webhooks!.onAttempt((d) => {
      if (!pass(d)) return;
      off();
      resolve(d);
    });
  });

describe("failed notifications on the metrics listener", () => {
  it("webhook attempts refused by the receiver are counted, the hook retrying is gauged, a delivery given up and a hook disabled are counted", async () => {
    expect(await sample("footfall_webhook_failures_total")).toBe(0);
    const hook = (await t.request("POST", "/api/v1/stores/shop/webhooks", { url: receiverUrl })).body.webhook as { id: string };
    const first = attempt((d) => d.attempts === 1);
    expect((await t.request("POST", `/api/v1/stores/shop/webhooks/${hook.id}/test`)).status).toBeLessThan(300);
    expect(await first).toMatchObject({ status: "pending", lastError: "HTTP 503" });
    // The next attempt comes 1-2 s later: the hook is retrying now.
    expect(await sample("footfall_webhooks_retrying")).toBe(1);
    expect(await sample("footfall_webhook_failures_total")).toBe(1);
    // Given up after FOOTFALL_WEBHOOK_MAX_ATTEMPTS (3): no longer retrying.
    expect(await attempt((d) => d.status === "given_up")).toMatchObject({ attempts: 3 });
    expect(await sample("footfall_webhook_failures_total")).toBe(3);
    expect(await sample("footfall_webhook_given_up_total")).toBe(1);
    expect(await sample("footfall_webhooks_retrying")).toBe(0);
    expect(await sample("footfall_webhooks_disabled_total")).toBe(0);
    // Two more failures in a row (5): the hook is disabled, its delivery waits (not given up, not retrying).
    const second = attempt((d) => d.attempts === 2);
    await t.request("POST", `/api/v1/stores/shop/webhooks/${hook.id}/test`);
    expect(await second).toMatchObject({ status: "pending" });
    expect((await t.request("GET", "/api/v1/stores/shop/webhooks")).body.webhooks[0]).toMatchObject({ enabled: false, consecutiveFailures: 5 });
    expect(await sample("footfall_webhook_failures_total")).toBe(5);
    expect(await sample("footfall_webhooks_disabled_total")).toBe(1);
    expect(await sample("footfall_webhook_given_up_total")).toBe(1);
    expect(await sample("footfall_webhooks_retrying")).toBe(0);
    expect(refused).toBe(5);
  });

  it("digest sends the mail server refuses are counted, and the digest gauged as retrying, then given up", async () => {
    clock = local(7, 9);
    const d = await t.request("POST", "/api/v1/digests", { scope: "store", target: "shop", frequency: "daily", recipients: ["manager@shop.example"], hour: 7 });
    expect(d.status).toBe(200);
    const s = new DigestScheduler(t.server.services, { ...process.env, FOOTFALL_SMTP_URL: smtp.url, FOOTFALL_DIGEST_ATTEMPTS: "2" });
    expect(await sample('footfall_digests_failing{state="retrying"}')).toBe(0);
    // Tuesday 08:00: Monday's is due; the mail server refuses it.
    clock = local(8, 8);
    expect(await s.tick()).toEqual([]);
    expect(smtp.tries()).toBe(1);
    expect(await sample("footfall_digest_failures_total")).toBe(1);
    expect(await sample("footfall_digest_given_up_total")).toBe(0);
    expect(await sample('footfall_digests_failing{state="retrying"}')).toBe(1);
    expect(await sample('footfall_digests_failing{state="given_up"}')).toBe(0);
    // Its retry 2 min later fails too: the second of FOOTFALL_DIGEST_ATTEMPTS (2), given up.
    clock = local(8, 8, 3);
    await s.tick();
    expect(smtp.tries()).toBe(2);
    expect(await sample("footfall_digest_failures_total")).toBe(2);
    expect(await sample("footfall_digest_given_up_total")).toBe(1);
    expect(await sample('footfall_digests_failing{state="retrying"}')).toBe(0);
    expect(await sample('footfall_digests_failing{state="given_up"}')).toBe(1);
    // As Admin > Digests lists it.
    const listed = (await t.request("GET", "/api/v1/digests")).body.digests.find((x: { id: string }) => x.id === d.body.id);
    expect(listed).toMatchObject({ failedPeriod: "2026-12-07", attempts: 2, gaveUpAt: local(8, 8, 3) });
  });
});

/**
 * Admin > Digests with a webhook, in chromium against the built server (no mail server): a digest scheduled to the
 * store's webhook and no recipients is listed with it, and "Send now" delivers it to a real receiver that checks the
 * signature as README tells receivers to, with the figures the preview gives.
 */
import { describe, expect, it } from "vitest";
import { waitFor } from "../support/index.js";
import { WebhookReceiver } from "../support/webhook-receiver.js";
import { withShop } from "./helpers/shop.js";
import { trips } from "./helpers/store.js";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const receiver = new WebhookReceiver("");

const t = withShop({
  server: { httpPort: 19720, mqttPort: 19721, metricsPort: 19722, maxEventAgeMs: 10 * DAY },
  setup: async ({ server, shop }) => {
    receiver.port = 19723;
    await receiver.up();
    await shop.publish(trips(shop.events, Date.now() - 2 * DAY, HOUR, 6, 5));
    const res = await fetch(`${server.httpUrl}/api/v1/stores/${shop.store}/webhooks`, {
      method: "POST",
      headers: { authorization: `Bearer ${shop.tokens.admin}`, "content-type": "application/json" },
      body: JSON.stringify({ url: receiver.url, events: ["digest.*"] }),
    });
    expect(res.status).toBe(201);
    (receiver as { secret: string }).secret = ((await res.json()) as { secret: string }).secret;
  },
  teardown: () => receiver.down(),
});

describe("a digest to a webhook, set up in Admin > Digests", () => {
  it("is scheduled with the store's webhook and no recipients, listed with it, and Send now delivers it signed without a mail server", async () => {
    const page = await t.open(`/admin/${t.shop.store}?tab=digests`, t.shop.tokens.admin);
    await page.getByTestId("digest-form").waitFor();
    const hookOption = page.getByLabel("Webhook").locator("option", { hasText: receiver.url });
    await hookOption.waitFor({ state: "attached" });
    await page.getByLabel("Webhook").selectOption({ label: `webhook ${receiver.url}` });
    await page.getByRole("button", { name: "Schedule" }).click();
    const row = page.locator(`[data-testid^="digest-${t.shop.store}-daily-"]`);
    await row.waitFor();
    expect(await row.getByTestId("digest-webhook").textContent()).toBe(`webhook ${receiver.url}`);
    // Old UI: no Webhook field; the form asks for recipients.

    await row.getByRole("button", { name: "Preview" }).click();
    const preview = page.getByTestId("digest-preview");
    await preview.waitFor();
    expect(await preview.textContent()).toContain(`To webhook ${receiver.url}; the `);
    expect(await preview.getByTestId("digest-preview-problem").count()).toBe(0);
    const enters = /^Enters\s+(\d+|no data)\s/m.exec((await preview.locator("pre").first().textContent()) ?? "")?.[1];

    await row.getByRole("button", { name: "Send now" }).click();
    // Not mailed: the webhook's words alone (was 'Sent "..." queued for its webhook').
    expect(await page.getByTestId("digest-sent").textContent()).toMatch(/^Queued "Footfall daily digest: .*" for its webhook \(http:\/\/127\.0\.0\.1:19723\/hook: its delivery log says when it went\)\.$/);
    const [d] = await waitFor("the digest delivered", () => (receiver.taken.length > 0 ? receiver.taken : undefined), { timeoutMs: 15_000 });
    expect(receiver.refused).toEqual([]);
    expect(d!.type).toBe("digest.daily");
    const data = d!.body.data as { digest: { target: string }; now: { enters: number } | null };
    expect(data.digest.target).toBe(t.shop.store);
    expect(data.now === null ? "no data" : String(data.now.enters)).toBe(enters);
    await page.close();
  });

  it("says a digest with recipients and a webhook, sent now without a mail server, went to its webhook neither", async () => {
    const page = await t.open(`/admin/${t.shop.store}?tab=digests`, t.shop.tokens.admin);
    await page.getByTestId("digest-form").waitFor();
    await page.getByLabel("Webhook").locator("option", { hasText: receiver.url }).waitFor({ state: "attached" });
    await page.getByLabel("How often").selectOption("weekly");
    await page.getByLabel("Recipients").fill("manager@shop.example");
    await page.getByLabel("Webhook").selectOption({ label: `webhook ${receiver.url}` });
    await page.getByRole("button", { name: "Schedule" }).click();
    const row = page.locator(`[data-testid^="digest-${t.shop.store}-weekly-"]`);
    await row.waitFor();
    // The list says it first: a digest with recipients does not go, to its webhook neither (old words: 'No digest goes
    // out by mail, whatever its schedule (those with a webhook and no recipients do)', as if those went by mail).
    expect(await page.getByTestId("digests-mail-problem").textContent()).toMatch(
      /^No digest with recipients goes out, by mail or to its webhook, whatever its schedule \(one with a webhook and no recipients goes to its webhook\): no mail server: /,
    );
    const taken = receiver.taken.length;
    await row.getByRole("button", { name: "Send now" }).click();
    // Old server: "no mail server: set FOOTFALL_SMTP_URL ..., then restart the server" alone.
    await expect
      .poll(() => page.getByTestId("admin-error").textContent())
      .toMatch(/^no mail server: set FOOTFALL_SMTP_URL .*; nothing was sent, not even to its webhook: a digest with recipients goes to its webhook with its mail \(take its recipients off to send it to its webhook alone\)$/);
    expect(await page.getByTestId("digest-sent").count()).toBe(0);
    expect(receiver.taken.length).toBe(taken);
    await page.close();
  });
});

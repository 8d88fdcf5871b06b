/**
 * Webhooks in the admin page (issue 14.4), chromium against the built server and a real local
 * receiver that verifies signatures: an admin adds a hook (the secret shown once), its receiver is
 * down, test pings fail until the hook is disabled with the reason shown; with the receiver up
 * again the admin enables it and the delivery log shows the queued pings delivered, in order.
 * Short backoff settings (FOOTFALL_WEBHOOK_*) so that this plays in seconds.
 */
import { describe, expect, it } from "vitest";
import { waitFor } from "../support/index.js";
import { WebhookReceiver } from "../support/webhook-receiver.js";
import { shot } from "./helpers/browser.js";
import { withShop } from "./helpers/shop.js";

const receiver = new WebhookReceiver("");

const t = withShop({
  server: { env: { FOOTFALL_WEBHOOK_RETRY_BASE_MS: "50", FOOTFALL_WEBHOOK_RETRY_MAX_MS: "200", FOOTFALL_WEBHOOK_DISABLE_AFTER_FAILURES: "3" } },
  setup: async () => {
    // A port that was free a moment ago: the receiver comes up there later.
    await receiver.up();
    await receiver.down();
  },
  teardown: () => receiver.down(),
});

describe("webhooks in the admin page", () => {
  it("adds a hook with its secret shown once, shows why it was disabled, enables it again and logs the deliveries", async () => {
    const page = await t.open("/admin/shop?tab=webhooks", t.shop.tokens.admin);
    await page.getByTestId("webhook-form").waitFor();
    // The tab says whose webhooks these are (the store picked at the top right), by its name, and none yet.
    const name = (await t.shop.api.stores()).stores.find((s) => s.id === "shop")!.name;
    expect(await page.getByTestId("webhooks-of").textContent()).toBe(`Webhooks of ${name}`);
    expect(await page.getByTestId("webhooks-scope").textContent()).toMatch(/this store's notifications only.*pick it in the Store menu at the top right/);
    await page.getByText(`No webhook for ${name} yet.`).waitFor({ timeout: 10_000 });
    await shot(page, "webhooks-of-store");
    await page.getByLabel("Webhook URL").fill(receiver.url);
    await page.getByRole("button", { name: "Add webhook" }).click();
    await page.getByTestId("webhook-secret").waitFor();
    const secret = await page.getByLabel("The signing secret").inputValue();
    expect(secret).toMatch(/^whsec_/);
    (receiver as { secret: string }).secret = secret;
    await shot(page, "webhooks-added");

    // The receiver is down: test pings fail until the hook is disabled, with the reason.
    const row = page.locator('[data-testid^="webhook-wh_"]');
    await row.getByRole("button", { name: "Send test" }).click();
    await row.getByRole("button", { name: "Send test" }).click();
    await waitFor("the hook disabled", async () => {
      await page.reload();
      await row.waitFor();
      return (await row.getByTestId("webhook-state").textContent()) === "disabled";
    }, { timeoutMs: 20_000 });
    expect(await row.getByTestId("webhook-reason").textContent()).toMatch(/disabled after 3 failed attempts in a row since .*ECONNREFUSED.*enable the hook again/);
    await shot(page, "webhooks-disabled");

    // Receiver up, hook enabled: the two queued pings go out, in order, and the log says so.
    await receiver.up();
    await row.getByRole("button", { name: "Enable again" }).click();
    await waitFor("both pings taken", () => receiver.taken.length === 2, { timeoutMs: 20_000 });
    expect(receiver.taken.every((d) => d.type === "ping")).toBe(true);
    expect(receiver.refused).toEqual([]);
    await row.getByRole("button", { name: "Delivery log" }).click();
    const log = page.getByTestId("webhook-log");
    await waitFor("the log shows them delivered", async () => {
      const rows = await log.getByTestId("webhook-delivery").allTextContents();
      return rows.length === 2 && rows.every((r) => r.includes("delivered"));
    }, { timeoutMs: 15_000 });
    const ids = await log.getByTestId("webhook-delivery").locator("td:first-child").allTextContents();
    // Newest first in the log; the receiver took them oldest first.
    expect([...ids].reverse()).toEqual(receiver.taken.map((d) => d.id));
    expect(await row.getByTestId("webhook-state").textContent()).toBe("enabled");
    await shot(page, "webhooks-log");
    await page.close();
  }, 90_000);

  it("shows a log longer than a page 50 at a time, the older ones on 'Older…', each delivery once, as the API pages it", async () => {
    // A disabled hook keeps its 60 test pings queued (nothing sends them): more than the log's first page of 50.
    const created = await t.shop.api.request<{ webhook: { id: string } }>("POST", "/api/v1/stores/shop/webhooks", { url: "http://127.0.0.1:18911/nobody" });
    const id = created.body.webhook.id;
    await t.shop.api.request("PATCH", `/api/v1/stores/shop/webhooks/${id}`, { enabled: false });
    for (let i = 0; i < 60; i++) expect((await t.shop.api.request("POST", `/api/v1/stores/shop/webhooks/${id}/test`)).status).toBe(202);
    type Page = { deliveries: { deliveryId: string }[]; nextBefore: number | null };
    const first = (await t.shop.api.request<Page>("GET", `/api/v1/stores/shop/webhooks/${id}/deliveries?limit=50`)).body;
    const second = (await t.shop.api.request<Page>("GET", `/api/v1/stores/shop/webhooks/${id}/deliveries?limit=50&before=${first.nextBefore}`)).body;
    expect(second.nextBefore).toBeNull();
    const all = [...first.deliveries, ...second.deliveries].map((d) => d.deliveryId);
    expect(new Set(all).size).toBe(60);

    const page = await t.open("/admin/shop?tab=webhooks", t.shop.tokens.admin);
    const row = page.getByTestId(`webhook-${id}`);
    await row.getByRole("button", { name: "Delivery log" }).click();
    const log = page.getByTestId("webhook-log");
    const shown = () => log.getByTestId("webhook-delivery").locator("td:first-child").allTextContents();
    await waitFor("the newest 50", async () => (await shown()).length === 50, { timeoutMs: 15_000 });
    expect(await shown()).toEqual(all.slice(0, 50));
    await log.getByTestId("webhook-log-older").click();
    await waitFor("the 10 older ones below them", async () => (await shown()).length === 60, { timeoutMs: 15_000 });
    expect(await shown()).toEqual(all);
    // The oldest is shown: no more "Older…".
    expect(await log.getByTestId("webhook-log-older").count()).toBe(0);
    await shot(page, "webhooks-log-older");
    await page.close();
  }, 90_000);
});

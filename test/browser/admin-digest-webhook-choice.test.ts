/**
 * Admin > Digests' Webhook field, in chromium against the built server: it lists the hooks the digest being made may
 * go to, as the server rules (a store's digest: that store's hooks; a group's: its stores'), not those of the store
 * picked at the top right; a group's digest is scheduled with a hook of another of its stores.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { withShop } from "./helpers/shop.js";
import { shopLayout } from "./helpers/store.js";

const t = withShop({ server: { httpPort: 18320, mqttPort: 18321, metricsPort: 18322 } });
/** Receiver URLs by store (nothing is sent to them here: no digest goes out). */
const url = (store: string) => `http://127.0.0.1:18330/${store}`;

beforeAll(async () => {
  const api = t.shop.api;
  await api.putLayout("lyon", { ...shopLayout(), name: "Lyon Part-Dieu" });
  await api.putLayout("nice", { ...shopLayout(), name: "Nice Massena" });
  expect((await api.request("POST", "/api/v1/groups", { id: "north", name: "North", stores: ["shop", "lyon"] })).status).toBe(200);
  for (const store of ["shop", "lyon", "nice"]) expect((await api.request("POST", `/api/v1/stores/${store}/webhooks`, { url: url(store), events: ["digest.*"] })).status).toBe(201);
});

describe("the Webhook field of a new digest", () => {
  it("offers a store's digest that store's hooks and a group's digest its stores' hooks, whatever store is picked at the top right", async () => {
    const page = await t.open("/admin/shop?tab=digests", t.shop.tokens.admin);
    await page.getByTestId("digest-form").waitFor();
    const options = () => page.getByLabel("Webhook", { exact: true }).locator("option").allTextContents();
    await expect.poll(options, { timeout: 15_000 }).toEqual(["no webhook", `webhook ${url("shop")}`]);

    // Another store's digest: its hooks (old UI: the hooks of the store at the top right, shop's).
    await page.getByLabel("Which", { exact: true }).selectOption("lyon");
    await expect.poll(options, { timeout: 15_000 }).toEqual(["no webhook", `webhook ${url("lyon")}`]);

    // A group's digest: the hooks of its stores (by store id), each with its store's name; none of a store outside it.
    await page.getByLabel("Of", { exact: true }).selectOption("group");
    await expect.poll(() => page.getByLabel("Which", { exact: true }).locator("option").allTextContents(), { timeout: 15_000 }).toEqual(["North"]);
    await expect.poll(options, { timeout: 15_000 }).toEqual(["no webhook", `webhook ${url("lyon")} (Lyon Part-Dieu)`, `webhook ${url("shop")} (Rivoli test shop)`]);
    await page.getByLabel("Webhook", { exact: true }).selectOption({ label: `webhook ${url("lyon")} (Lyon Part-Dieu)` });
    await page.getByLabel("Recipients").fill("area@shop.example");
    await page.getByRole("button", { name: "Schedule" }).click();
    const row = page.locator('[data-testid^="digest-north-daily-"]');
    await row.waitFor();
    expect(await row.getByTestId("digest-webhook").textContent()).toBe(`; webhook ${url("lyon")}`);
    expect(await page.getByTestId("admin-error").count()).toBe(0);
    await page.close();

    // Listed under another store picked at the top right: the hook still named by its URL (the list's webhookUrl), not its id.
    const other = await t.open("/admin/nice?tab=digests", t.shop.tokens.admin);
    const listed = other.locator('[data-testid^="digest-north-daily-"]');
    await listed.waitFor();
    expect(await listed.getByTestId("digest-webhook").textContent()).toBe(`; webhook ${url("lyon")}`);
    await other.close();
  });
});

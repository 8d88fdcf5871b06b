/**
 * The admin forms that take a name say, before they send it, what the server's name rule refuses
 * (core nameFlaw's words, the name written out), and keep their button disabled: a token's label
 * (new and renamed), a new group's name, the store's name and an alert rule's name. Real chromium
 * and server; a name of any script is sent and saved as before.
 */
import { describe, expect, it } from "vitest";
import { withShop } from "./helpers/shop.js";

const t = withShop({ server: { httpPort: 8191, mqttPort: 18891, metricsPort: 8192 } });

const ESC = "holds U+001B (ESC, a control character): a name is one line of plain text; remove it";
const RLO = "holds U+202E (RIGHT-TO-LEFT OVERRIDE, a bidirectional control), which makes a name read in another order where it is shown: remove it (right-to-left text needs none)";

describe("names in the admin forms", () => {
  it("a token's label, new or renamed: said before Create or Save, which stay disabled", async () => {
    const made = await t.shop.api.request<{ id: string }>("POST", "/api/v1/tokens", { role: "staff", store: "shop", label: "Tablet 1" });
    const page = await t.open("/admin/shop?tab=tokens", t.shop.tokens.admin);
    await page.getByLabel("Label", { exact: true }).fill("Anna\u001b[2J");
    expect(await page.getByTestId("token-label-problem").textContent()).toBe(`Label “Anna\\u{1b}[2J” ${ESC}`);
    expect(await page.getByRole("button", { name: "Create token" }).isDisabled()).toBe(true);
    await page.getByLabel("Label", { exact: true }).fill("Anna's laptop \u05d7\u05dc\u05d1");
    await page.getByTestId("token-label-problem").waitFor({ state: "detached" });
    expect(await page.getByRole("button", { name: "Create token" }).isDisabled()).toBe(false);

    const row = page.getByTestId(`token-${made.body.id}`);
    await row.getByRole("button", { name: `Rename token ${made.body.id}` }).click();
    await row.getByLabel(`New label of token ${made.body.id}`).fill("Tablet \u202e1");
    expect(await row.getByTestId("token-relabel-problem").textContent()).toBe(`Label “Tablet \\u{202e}1” ${RLO}`);
    expect(await row.getByRole("button", { name: "Save" }).isDisabled()).toBe(true);
    await page.close();
  });

  it("a new group's name and the store's name", async () => {
    const page = await t.open("/admin/shop?tab=store", t.shop.tokens.admin);
    const group = page.getByTestId("group-form");
    await group.getByLabel("New group's name").fill("North\u2028Bcc");
    expect(await group.getByTestId("group-name-problem").textContent()).toBe(
      "Name “North\\u{2028}Bcc” holds U+2028 (LINE SEPARATOR, a control character): a name is one line of plain text; remove it",
    );
    expect(await group.getByRole("button", { name: "Create group with this store" }).isDisabled()).toBe(true);
    const basics = page.getByTestId("store-basics");
    await basics.getByLabel("Store name").fill("Rivoli \u202eexe.pdf");
    expect(await basics.getByTestId("store-name-problem").textContent()).toBe(`Name “Rivoli \\u{202e}exe.pdf” ${RLO}`);
    expect(await basics.getByRole("button", { name: /^Save/ }).isDisabled()).toBe(true);
    await page.close();
  });

  it("an alert rule's name", async () => {
    const page = await t.open("/alerts/shop", t.shop.tokens.admin);
    await page.getByTestId("rule-add").click();
    await page.getByTestId("rule-name").fill("Busy\u0007");
    expect(await page.getByTestId("rule-name-problem").textContent()).toBe("Name “Busy\\u{7}” holds U+0007 (BEL, a control character): a name is one line of plain text; remove it");
    expect(await page.getByTestId("rule-save").isDisabled()).toBe(true);
    await page.getByTestId("rule-name").fill("Busy \u6771\u4eac");
    await page.getByTestId("rule-name-problem").waitFor({ state: "detached" });
    await page.getByTestId("rule-save").click();
    await page.getByText("Busy \u6771\u4eac").waitFor();
    await page.close();
  });
});

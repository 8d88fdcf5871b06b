/**
 * Admin > Tokens renames a token in chromium against the built server: "Rename…" opens the label in
 * place, Save lists the new label (after a reload too), and the token keeps working.
 */
import { describe, expect, it } from "vitest";
import { withShop } from "./helpers/shop.js";

const t = withShop();

describe("renaming a token in Admin > Tokens", () => {
  it("the new label is listed and kept, and the token still works", async () => {
    const made = await t.shop.api.request<{ token: string; id: string }>("POST", "/api/v1/tokens", { role: "staff", store: "shop", label: "Tablet 1" });
    const page = await t.open("/admin/shop?tab=tokens", t.shop.tokens.admin);
    const row = page.getByTestId(`token-${made.body.id}`);
    await row.waitFor();
    await row.getByRole("button", { name: `Rename token ${made.body.id}` }).click();
    const field = row.getByLabel(`New label of token ${made.body.id}`);
    expect(await field.inputValue()).toBe("Tablet 1");
    await field.fill("Tablet by the tills");
    await row.getByRole("button", { name: "Save" }).click();
    await page.waitForFunction((id) => document.querySelector(`[data-testid="token-${id}"]`)?.textContent?.includes("Tablet by the tills") && !document.querySelector(`[data-testid="token-${id}"] input`), made.body.id);
    await page.reload();
    await row.waitFor();
    expect(await row.textContent()).toMatch(/staff.*Tablet by the tills/);
    const me = await fetch(`${t.server.httpUrl}/api/v1/me`, { headers: { authorization: `Bearer ${made.body.token}` } });
    expect(me.status).toBe(200);
    await page.close();
  });
});

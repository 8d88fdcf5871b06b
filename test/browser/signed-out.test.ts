/**
 * A token revoked while its page is open, in chromium against the built server: the next view that
 * asks the server says "Signed out" and offers to sign in again (not "Try again", which the server
 * would refuse each time), and that button leads to the sign-in form. Signing in takes the token
 * out of what IT copies it from: `footfall token add`'s JSON line, a kiosk link.
 */
import { describe, expect, it } from "vitest";
import { withShop } from "./helpers/shop.js";

const t = withShop();

describe("a token revoked while signed in", () => {
  it("the next view says Signed out and leads to the sign-in form", async () => {
    const made = await t.shop.api.request<{ token: string; id: string }>("POST", "/api/v1/tokens", { role: "viewer", label: "laptop to revoke" });
    expect(made.status).toBe(200);
    const page = await t.open("/heatmap/shop", made.body.token);
    await page.getByTestId("heatmap").waitFor();
    expect((await t.shop.api.request("DELETE", `/api/v1/tokens/${made.body.id}`)).status).toBe(200);

    await page.evaluate(() => (location.hash = "#/flows/shop"));
    const refused = page.getByRole("alert").filter({ hasText: "Signed out" }).first();
    await refused.waitFor();
    expect(await refused.textContent()).toContain("Your token is no longer accepted (revoked or expired). Sign in again with a valid token: an admin makes one in Admin > Tokens.");
    expect(await refused.getByRole("button", { name: "Try again" }).count()).toBe(0);
    await refused.getByRole("button", { name: "Sign in again" }).click();
    await page.getByLabel("Access token").waitFor();
    await page.close();
  });
});

describe("signing in with what the token was copied from", () => {
  it.each([
    ["footfall token add's JSON line", (token: string) => JSON.stringify({ token, id: "78710432ac0d", role: "viewer", store: null })],
    ["a kiosk link", (token: string) => `${t.server.httpUrl}/#/live/shop?kiosk=1&token=${token}`],
  ])("takes the token out of %s", async (_what, pasted) => {
    const made = await t.shop.api.request<{ token: string }>("POST", "/api/v1/tokens", { role: "viewer", label: "pasted" });
    const page = await t.browser.page();
    // Signed out: no token kept by an earlier case, removed before the app loads (clearing it after the load raced the app).
    await page.addInitScript(() => localStorage.removeItem("footfall.token"));
    await page.goto(`${t.server.httpUrl}/`);
    await page.getByLabel("Access token").fill(pasted(made.body.token));
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByTestId("heatmap").waitFor();
    expect(await page.evaluate(() => localStorage.getItem("footfall.token"))).toBe(made.body.token);
    await page.close();
  });
});


describe("a kiosk link whose token is refused", () => {
  it("says the link's token was not accepted and what to ask for, not 'Your saved token'", async () => {
    // A tablet given a kiosk link made with a token since revoked: nothing was ever saved on it.
    const made = await t.shop.api.request<{ token: string; id: string }>("POST", "/api/v1/tokens", { role: "staff", store: "shop", label: "front tablet" });
    expect((await t.shop.api.request("DELETE", `/api/v1/tokens/${made.body.id}`)).status).toBe(200);
    const page = await t.browser.page({ width: 768, height: 1024 });
    await page.addInitScript(() => localStorage.removeItem("footfall.token"));
    await page.goto(`${t.server.httpUrl}/#/live/shop?kiosk=1&token=${made.body.token}`);
    const refused = page.getByRole("alert").filter({ hasText: "accepted" }).first();
    await refused.waitFor();
    expect(await refused.textContent()).toContain(
      "The token in the link you opened was not accepted: it is wrong, expired or revoked. Ask an admin for a new link (or a token to paste here).",
    );
    expect(await page.getByText("Your saved token").count()).toBe(0);
    // The token is out of the address bar (it never reaches a server log or a screenshot of the tablet).
    expect(await page.evaluate(() => location.hash)).toBe("#/live/shop?kiosk=1");
    await page.close();
  });
});

/**
 * The UI under the server's Content-Security-Policy, in chromium: every view renders with a
 * data: floor-plan image and live push, and the browser reports no CSP violation (no script,
 * style, image or connection the policy refuses). A merchandiser gets the analytics, the layout
 * editor, new experiments and the Sales view's departments (not its import), and nothing of agents
 * or live.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { addToken } from "../support/index.js";
import { withShop } from "./helpers/shop.js";
import { shot } from "./helpers/browser.js";
import { axeViolations } from "./helpers/axe.js";
import { shopLayout } from "./helpers/store.js";

/** A 2x2 PNG, as the editor's image upload stores it. */
const PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAYAAABytg0kAAAAFklEQVR4nGNgYPj/n4GBgYGJgYGBAQAYBAH/0uRkNwAAAABJRU5ErkJggg==";

const t = withShop({
  setup: async (t) => {
    const layout = shopLayout();
    await t.shop.api.putLayout(t.shop.store, { ...layout, floor: { ...layout.floor, image: PNG } });
  },
});

/** Opens a page that records what the browser refuses under the CSP, and page errors. */
async function watchedPage(): Promise<{ page: Page; problems: string[] }> {
  const page = await t.browser.page();
  const problems: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => console.error(`Refused to load (CSP ${e.violatedDirective}): ${e.blockedURI}`));
  });
  return { page, problems };
}

const VIEWS: [string, string][] = [
  ["heatmap", "/heatmap/shop"],
  ["flows", "/flows/shop"],
  ["funnel", "/funnel/shop"],
  ["experiments", "/experiments/shop"],
  ["editor", "/editor/shop"],
  ["sales", "/sales/shop"],
  ["agents", "/agents/shop"],
  ["live", "/live/shop"],
];

describe("the UI under the Content-Security-Policy", () => {
  it("sends the policy with the page", async () => {
    const res = await fetch(`${t.server.httpUrl}/`);
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
  });

  it.each(VIEWS)("renders %s with nothing refused", async (name, hash) => {
    const { page, problems } = await watchedPage();
    try {
      await page.goto(`${t.server.httpUrl}/#${hash}?token=${t.shop.tokens.admin}`);
      await page.getByTestId(name).waitFor({ timeout: 15_000 });
      if (name === "live") await page.locator('[data-testid="live"][data-status="live"]').waitFor({ timeout: 10_000 });
      await page.waitForTimeout(500);
      await shot(page, `csp-${name}`);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("renders the interactive API documentation (/api/docs) with nothing refused", async () => {
    const { page, problems } = await watchedPage();
    try {
      await page.goto(`${t.server.httpUrl}/api/docs`);
      await page.locator(".swagger-ui .opblock").first().waitFor({ timeout: 15_000 });
      expect(await page.locator(".swagger-ui .opblock").count()).toBeGreaterThan(10);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("draws the data: floor-plan image in the editor (no 'could not be loaded')", async () => {
    const { page, problems } = await watchedPage();
    try {
      await page.goto(`${t.server.httpUrl}/#/editor/shop?token=${t.shop.tokens.admin}`);
      await page.getByTestId("editor").waitFor({ timeout: 15_000 });
      await page.waitForTimeout(500);
      expect(await page.getByText("Background image could not be loaded").count()).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

describe("a merchandiser in the UI", () => {
  it("gets the analytics, the layout editor, new experiments and Sales; not live or agents", async () => {
    const token = await addToken(t.server.dataDir, "merchandiser", "shop");
    const { page, problems } = await watchedPage();
    try {
      await page.goto(`${t.server.httpUrl}/#/experiments/shop?token=${token}`);
      await page.getByTestId("experiments").waitFor({ timeout: 15_000 });
      const nav = await page.locator("header nav a, header a.nav-link, nav a").allTextContents();
      expect(nav.join(" ")).toMatch(/Heatmap[\s\S]*Flows[\s\S]*Funnels[\s\S]*Experiments[\s\S]*Layout[\s\S]*Sales/);
      expect(nav.join(" ")).not.toMatch(/Live|Agents/);
      expect(await page.getByTestId("exp-new").count()).toBe(1);
      await shot(page, "merchandiser-experiments");
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("maps departments to zones in the Sales view, as the server lets it, and is told that an admin imports sales", async () => {
    const token = await addToken(t.server.dataDir, "merchandiser", "shop");
    const { page, problems } = await watchedPage();
    // Every answer the view gets: none may be a refusal (each GET it reads is a viewer's, PUT departments a merchandiser's).
    const refused: string[] = [];
    page.on("response", (r) => {
      if (r.url().includes("/api/") && r.status() >= 400) refused.push(`${r.status()} ${r.request().method()} ${r.url()}`);
    });
    try {
      await page.goto(`${t.server.httpUrl}/#/sales/shop?token=${token}`);
      const departments = page.getByTestId("departments");
      await departments.getByTestId("dept-name").waitFor({ timeout: 15_000 });
      expect(await page.getByText(/needs an admin token/).count()).toBe(0);
      // The import is not offered as a form that would answer 403: it says who imports.
      expect(await page.getByTestId("sales-drop").count()).toBe(0);
      expect(await page.getByTestId("sales-file").count()).toBe(0);
      expect(await page.getByTestId("sales-import-by-admin").textContent()).toContain("An admin imports sales");
      // What was recorded reads as for an admin.
      await page.getByTestId("newest-sale").waitFor({ timeout: 10_000 });
      expect(await page.getByTestId("newest-sale").textContent()).toBe("No sale recorded yet");

      await departments.getByTestId("dept-name").fill("Fresh food");
      await departments.getByTestId("dept-add").click();
      const fresh = page.getByTestId("dept-Fresh food");
      await fresh.getByRole("button", { name: "Fruit & veg" }).click();
      await fresh.getByRole("button", { name: "Bakery" }).click();
      await page.getByTestId("dept-save").click();
      await expect.poll(() => page.getByTestId("dept-message").textContent()).toBe("Saved 1 department.");
      expect((await t.shop.api.request<{ departments: Record<string, string[]> }>("GET", "/api/v1/stores/shop/departments")).body.departments).toEqual({ "Fresh food": ["bakery", "fruit"] });
      await shot(page, "merchandiser-sales");
      expect(await axeViolations(page)).toEqual([]);
      expect(refused).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

describe("a link with a token", () => {
  it("signs in when opened in a tab already showing the sign-in page (only the fragment changes, no new load)", async () => {
    const { page, problems } = await watchedPage();
    try {
      // Signed out: the browser's context keeps the tokens of the pages before. Cleared before the
      // app's own scripts run (as the a11y test does): cleared after a first load, a sign-in with the
      // kept token still in flight stored it again before the reload, and the page opened signed in (CI).
      await page.addInitScript(() => (localStorage.clear(), sessionStorage.clear()));
      await page.goto(`${t.server.httpUrl}/#/signin`);
      await page.getByLabel("Access token").waitFor({ timeout: 15_000 });
      await page.evaluate((token) => (location.hash = `#/agents/shop?token=${token}`), t.shop.tokens.admin);
      await page.getByRole("button", { name: "Sign out" }).waitFor({ timeout: 15_000 });
      expect(page.url()).toMatch(/#\/agents\/shop$/);
      expect(problems.filter((p) => !/401/.test(p))).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

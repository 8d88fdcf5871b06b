import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { REPO_ROOT } from "../../support/index.js";

/** Debian's chromium (`.ci/run` installs it); override with FOOTFALL_CHROMIUM. */
export const CHROMIUM = process.env.FOOTFALL_CHROMIUM ?? "/usr/bin/chromium";
export const SCREENSHOTS = join(REPO_ROOT, "test-output", "screenshots");

const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];

export interface Browser {
  context: BrowserContext;
  /** A new tab of the given size. */
  page(viewport?: { width: number; height: number }): Promise<Page>;
  close(): Promise<void>;
}

/** Headless chromium with a fresh profile (no stored token, no cache), removed on close. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium), or set FOOTFALL_CHROMIUM`);
  const ui = join(REPO_ROOT, "floorplan-ui", "dist", "index.html");
  if (!existsSync(ui)) throw new Error(`${ui} is missing: build the UI first (npm run build)`);
  const profile = mkdtempSync(join(tmpdir(), "footfall-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1366, height: 900 },
    deviceScaleFactor: 1,
    timezoneId: "Europe/Paris",
    locale: "en-GB",
  });
  // The persistent context opens a blank tab; tests open their own.
  for (const p of context.pages()) await p.close();
  return {
    context,
    async page(viewport = { width: 1366, height: 900 }) {
      const page = await context.newPage();
      await page.setViewportSize(viewport);
      page.on("pageerror", (err) => console.error(`[page error] ${err.message}`));
      return page;
    },
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a screenshot as test-output/screenshots/<name>.png (look at them: they are the UI a person sees). */
export async function shot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: opts.fullPage ?? false });
  return path;
}

/**
 * The set-up most browser test files share: a server, the seeded shop (layout, a token of each
 * role, an agent on MQTT) and a headless chromium, started before the file's tests and closed
 * after them, and `open` for a view signed in with a token.
 */
import { afterAll, beforeAll } from "vitest";
import type { Page } from "playwright-core";
import { ServerProcess, type ServerProcessOptions } from "../../support/index.js";
import { launchBrowser, type Browser } from "./browser.js";
import { seedStore, type SeededStore } from "./store.js";

export interface BrowserShop {
  server: ServerProcess;
  shop: SeededStore;
  browser: Browser;
  /** A new tab on `#hash` signed in with `token` (in the fragment, as a kiosk URL carries it). */
  open(hash: string, token: string, viewport?: { width: number; height: number }): Promise<Page>;
}

/**
 * Registers the file's beforeAll/afterAll and returns the shop they fill in. `store` is the shop's
 * id (default "shop"). `setup` runs once the server, the shop and the browser are up (to publish
 * history, open a page, ...); `teardown` before they close.
 */
export function withShop(
  opts: { server?: ServerProcessOptions; store?: string; setup?: (t: BrowserShop) => Promise<void>; teardown?: () => Promise<void>; timeoutMs?: number } = {},
): BrowserShop {
  const t = {
    async open(hash: string, token: string, viewport?: { width: number; height: number }) {
      const page = await t.browser.page(viewport);
      await page.goto(`${t.server.httpUrl}/#${hash}${hash.includes("?") ? "&" : "?"}token=${token}`);
      return page;
    },
  } as BrowserShop;
  beforeAll(async () => {
    t.server = await ServerProcess.start(opts.server);
    t.shop = await seedStore(t.server, opts.store);
    t.browser = await launchBrowser();
    await opts.setup?.(t);
  }, opts.timeoutMs ?? 60_000);
  afterAll(async () => {
    await opts.teardown?.();
    await t.browser?.close();
    await t.shop?.close();
    await t.server?.dispose();
  });
  return t;
}

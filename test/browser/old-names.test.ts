/**
 * Names stored before the name rule (core names.ts) are shown written out in the UI's views, as the
 * digests and Home Assistant write them: a store named 'Rivoli <U+202E>exe.pdf' and a zone named
 * 'Fruit<ESC>[2J', written into the server's SQLite file as an older version stored them (the API
 * refuses such names now). The store menu, the tab's title, the tablet's heading, its zone list and
 * the labels drawn on the plan (Konva) show 'Rivoli \u{202e}exe.pdf' and 'Fruit\u{1b}[2J', and the
 * text after the override reads left to right; the layout editor's fields keep the stored text, so it
 * can be mended. Real chromium and server.
 */
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { withShop } from "./helpers/shop.js";

const STORE = "Rivoli \u202eexe.pdf";
const ZONE = "Fruit\u001b[2J";
const STORE_SHOWN = "Rivoli \\u{202e}exe.pdf";
const ZONE_SHOWN = "Fruit\\u{1b}[2J";
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const RAW = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
/** The same in a page's text, where lines and cells are separated by line feeds and tabs. */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const RAW_IN_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const t = withShop({
  server: { httpPort: 19201, mqttPort: 19202, metricsPort: 19203 },
  setup: async (t) => {
    // What a server before the rule saved: the names as sent, in the store row and every layout version.
    await t.server.stop();
    const db = new Database(join(t.server.dataDir, "footfall.db"));
    try {
      db.prepare("UPDATE stores SET name = ? WHERE id = ?").run(STORE, t.shop.store);
      const rows = db.prepare("SELECT version, body FROM layouts WHERE store = ?").all(t.shop.store) as { version: number; body: string }[];
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) {
        const body = JSON.parse(r.body) as { name?: string; zones: { id: string; name: string }[] };
        body.name = STORE;
        for (const z of body.zones) if (z.id === "fruit") z.name = ZONE;
        db.prepare("UPDATE layouts SET body = ? WHERE store = ? AND version = ?").run(JSON.stringify(body), t.shop.store, r.version);
      }
    } finally {
      db.close();
    }
    await t.server.restart();
  },
});

/** Where the first and the last character of `part` are drawn in `el`'s text, px from the left. */
const charsAt = (page: Page, testId: string, part: string) =>
  page.getByTestId(testId).evaluate((el, part) => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.nodeValue ?? "";
      const i = text.indexOf(part);
      if (i < 0) continue;
      const left = (at: number) => {
        const r = document.createRange();
        r.setStart(n!, at);
        r.setEnd(n!, at + 1);
        return r.getBoundingClientRect().left;
      };
      return { first: left(i), last: left(i + part.length - 1) };
    }
    return null;
  }, part);

describe("names stored before the name rule, in the views", () => {
  it("the API still answers them as stored", async () => {
    const layout = await t.shop.api.request<{ name: string; zones: { id: string; name: string }[] }>("GET", `/api/v1/stores/${t.shop.store}/layout`);
    expect([layout.body.name, layout.body.zones.find((z) => z.id === "fruit")?.name]).toEqual([STORE, ZONE]);
  });

  it("the tablet, the store menu and the tab's title write them out, read in order, on the plan too", async () => {
    const page = await t.open(`/live/${t.shop.store}`, t.shop.tokens.admin, { width: 1024, height: 768 });
    await page.locator('[data-testid="live"][data-status="live"]').waitFor();
    const heading = page.locator("h1.live-store");
    expect(await heading.textContent()).toBe(STORE_SHOWN);
    expect(await page.getByTestId("live-zone-fruit").locator(".zname").textContent()).toBe(ZONE_SHOWN);
    expect(await page.getByLabel("Store", { exact: true }).locator("option:checked").textContent()).toBe(STORE_SHOWN);
    await expect.poll(() => page.title()).toBe(`Live · ${STORE_SHOWN} · Footfall`);
    // The text after the override reads left to right: "exe.pdf", not "fdp.exe".
    await heading.evaluate((el) => (el.dataset.testid = "old-name-heading"));
    const at = await charsAt(page, "old-name-heading", "exe.pdf");
    expect(at).not.toBeNull();
    expect(at!.last).toBeGreaterThan(at!.first);
    // No control character or override anywhere in the page's text.
    expect(await page.locator("body").innerText()).not.toMatch(RAW_IN_TEXT);
    // The zone's label on the plan (a Konva text), written out too.
    const labels = await page.evaluate(() => {
      type Node = { find(sel: string): Node[]; text(): string };
      return (window as unknown as { Konva: { stages: Node[] } }).Konva.stages.flatMap((st) => st.find("Text").map((n) => n.text()));
    });
    expect(labels).toContain(ZONE_SHOWN);
    expect(labels.filter((l) => RAW.test(l))).toEqual([]);
    await page.close();
  });

  it("the layout editor lists and draws them written out, and its fields keep the stored text to mend", async () => {
    const page = await t.open(`/editor/${t.shop.store}`, t.shop.tokens.admin);
    const list = page.getByTestId("zone-list");
    await list.waitFor();
    expect(await list.locator(".zl-name").allTextContents()).toContain(ZONE_SHOWN);
    expect(await page.getByTestId("store-name").inputValue()).toBe(STORE);
    const labels = await page.evaluate(() => {
      type Node = { find(sel: string): Node[]; text(): string };
      return (window as unknown as { Konva: { stages: Node[] } }).Konva.stages.flatMap((st) => st.find("Text").map((n) => n.text()));
    });
    expect(labels).toContain(ZONE_SHOWN);
    expect(labels.filter((l) => RAW.test(l))).toEqual([]);
    await list.getByText(ZONE_SHOWN).click();
    expect(await page.getByTestId("zone-name").inputValue()).toBe(ZONE);
    await page.close();
  });
});

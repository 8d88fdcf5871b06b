/**
 * The live tablet view in chromium against a real server: figures that follow MQTT events within
 * a second, the over-capacity alert, both tablet orientations without scrolling, and recovery
 * after the server restarts; since when the door count runs, touch-sized controls, and a revoked
 * token that says to sign in again.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { waitFor } from "../support/index.js";
import { withShop } from "./helpers/shop.js";
import { shot } from "./helpers/browser.js";

let page: Page;
let visitor = 0;

const t = withShop({
  setup: async (t) => {
    page = await t.browser.page({ width: 1024, height: 768 });
    // The kiosk URL a tablet keeps open: one store, the token in the fragment.
    await page.goto(`${t.server.httpUrl}/#/live/${t.shop.store}?kiosk=1&token=${t.shop.tokens.staff}`);
    await page.locator('[data-testid="live"][data-status="live"]').waitFor({ timeout: 10_000 });
  },
});

const zoneCount = (zone: string) => page.getByTestId(`live-zone-${zone}`).getAttribute("data-occupancy").then(Number);
const total = () => page.getByTestId("live-total").getAttribute("data-total").then(Number);

/** Visitors entering `zone` now, published over MQTT. */
async function enter(zone: string, n = 1): Promise<void> {
  const now = Date.now();
  await t.shop.publish(Array.from({ length: n }, () => t.shop.events.enter(`live-${visitor++}`, zone, now)));
}

/** Resolves with how long after `start` the page showed `zone` at `expected`, within `timeoutMs`. */
async function seenWithin(zone: string, expected: number, start: number, timeoutMs: number): Promise<number> {
  await page.waitForFunction(
    ([z, n]) => document.querySelector(`[data-testid="live-zone-${z}"]`)?.getAttribute("data-occupancy") === String(n),
    [zone, expected] as const,
    { timeout: timeoutMs, polling: "raf" },
  );
  return Date.now() - start;
}

/**
 * What is wrong with the plan's zone labels, read from Konva's own nodes and from the pixels they draw:
 * two labels of a zone that overlap, a label that leaves its zone, or a label whose glyphs are drawn
 * outside its own line box (each label drawn alone; the boxes can be right and the text still land on
 * its neighbour). Empty when every label is clear.
 */
function labelProblems(p: Page): Promise<string[]> {
  return p.evaluate(() => {
    type Rect = { x: number; y: number; width: number; height: number };
    type Node = {
      getClientRect(): Rect;
      find(sel: string): Node[];
      text?: () => string;
      id(): string;
      getTextWidth?: () => number;
      width(): number;
      visible(v?: boolean): boolean;
      toCanvas?: (o: { pixelRatio: number }) => HTMLCanvasElement;
    };
    const K = (window as unknown as { Konva: { stages: Node[] } }).Konva;
    const problems: string[] = [];
    /** The rows [top, bottom) where `stage` drawn with only `label` visible has ink; null when none. */
    const inkRows = (stage: Node, label: Node): [number, number] | null => {
      const shapes = stage.find("Shape");
      const shown = shapes.map((s) => s.visible());
      shapes.forEach((s) => s.visible(s === label));
      const canvas = stage.toCanvas!({ pixelRatio: 1 });
      shapes.forEach((s, i) => s.visible(shown[i]));
      const { data, width, height } = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
      let top = -1,
        bottom = -1;
      for (let y = 0; y < height; y++)
        for (let x = 0; x < width; x++)
          if (data[(y * width + x) * 4 + 3]! > 64) {
            if (top < 0) top = y;
            bottom = y + 1;
            break;
          }
      return top < 0 ? null : [top, bottom];
    };
    for (const stage of K.stages) {
      for (const group of stage.find(".live-zone")) {
        const zone = group.find("Line")[0]!.getClientRect();
        const labels = group.find(".zone-label");
        const rects = labels.map((l) => ({ t: l.text!(), r: l.getClientRect() }));
        for (const l of labels) if (l.getTextWidth!() > l.width() + 0.01) problems.push(`${group.id()}: "${l.text!()}" is wider than its zone`);
        for (const { t, r } of rects) {
          if (r.x < zone.x - 0.5 || r.y < zone.y - 0.5 || r.x + r.width > zone.x + zone.width + 0.5 || r.y + r.height > zone.y + zone.height + 0.5)
            problems.push(`${group.id()}: "${t}" leaves its zone`);
        }
        for (let i = 0; i < rects.length; i++)
          for (let j = i + 1; j < rects.length; j++) {
            const [a, b] = [rects[i]!.r, rects[j]!.r];
            if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height - 0.5 && b.y < a.y + a.height - 0.5)
              problems.push(`${group.id()}: "${rects[i]!.t}" overlaps "${rects[j]!.t}"`);
          }
        labels.forEach((l, i) => {
          const ink = inkRows(stage, l);
          const r = rects[i]!.r;
          if (ink && (ink[0] < r.y - 1 || ink[1] > r.y + r.height + 1))
            problems.push(
              `${group.id()}: "${rects[i]!.t}" is drawn at rows ${ink[0]}-${ink[1]}, outside its line ${Math.round(r.y)}-${Math.round(r.y + r.height)}`,
            );
        });
      }
    }
    return problems;
  });
}

describe("live view", () => {
  it("shows the store's occupancy, zone by zone, with states in words", async () => {
    expect(await total()).toBe(0);
    expect(await page.getByTestId("live-zone-fruit").textContent()).toContain("OK");
    expect(await page.getByTestId("live-status").textContent()).toContain("Live");
  });

  // How fast is measured by `node test/bench/ui-bench.mjs` (live: publish to shown), not asserted here.
  it("shows an event published over MQTT without a reload", async () => {
    const before = await zoneCount("promo");
    await Promise.all([enter("promo"), seenWithin("promo", before + 1, Date.now(), 10_000)]);
    expect(await total()).toBe(before + 1);
  });

  it("turns a zone busy at 80 %, at capacity, then over by how many, and alerts over capacity with since when", async () => {
    // clothing has capacity 15, fruit 4.
    await enter("clothing", 11);
    await seenWithin("clothing", 11, Date.now(), 2000);
    expect(await page.getByTestId("live-zone-clothing").getAttribute("data-state")).toBe("ok");
    await enter("clothing", 1);
    await seenWithin("clothing", 12, Date.now(), 2000);
    expect(await page.getByTestId("live-zone-clothing").getAttribute("data-state")).toBe("busy");
    expect(await page.getByTestId("live-zone-clothing").textContent()).toContain("Busy");
    await enter("fruit", 3);
    await seenWithin("fruit", 3, Date.now(), 2000);
    expect(await page.getByTestId("live-zone-fruit").getAttribute("data-state")).toBe("ok");
    await enter("fruit", 1);
    await seenWithin("fruit", 4, Date.now(), 2000);
    expect(await page.getByTestId("live-zone-fruit").getAttribute("data-state")).toBe("full");
    expect(await page.getByTestId("live-zone-fruit").textContent()).toContain("At capacity");
    expect(await page.getByTestId("live-alert").count()).toBe(0);
    await enter("fruit", 1);
    const overAt = Date.now();
    await seenWithin("fruit", 5, overAt, 2000);
    expect(await page.getByTestId("live-zone-fruit").getAttribute("data-state")).toBe("over");
    expect(await page.getByTestId("live-zone-fruit").textContent()).toContain("Over by 1");
    // "over since", in the store's time (Paris), labelled with its zone.
    const since = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Paris", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    const alert = await page.getByTestId("live-alert").textContent();
    expect(alert).toContain("Over capacity · Fruit & veg: 5 of 4, over by 1");
    expect([since.format(overAt - 1000), since.format(overAt + 1000)].some((t) => alert!.includes(`since ${t} CE`))).toBe(true);
    // The zone over capacity comes first in the list, and the store card is not green under a red banner.
    expect(await page.getByTestId("live-zone-list").locator("li").first().getAttribute("data-testid")).toBe("live-zone-fruit");
    expect(await page.getByTestId("live-total").getAttribute("data-attention")).toBe("over");
    // The store itself is fine: the card says which zones make it red, after its own figure, on one line of text.
    expect(await page.getByTestId("live-state").textContent()).toMatch(/^OK · \d+ ?% · Fruit & veg over, Clothing busy$/);
    // In the same run of text as the figure (as flex items of their own, "OK · 3%" was squeezed into a narrow column).
    expect(await page.getByTestId("live-state-reason").evaluate((el) => el.parentElement!.textContent)).toMatch(/^OK · /);
    await shot(page, "live-landscape-1024x768-alert");
  });

  it("fits a 1024x768 and a 768x1024 tablet without scrolling, the app's header included, with text that never overlaps", async () => {
    // The kiosk, and the same view under the app's header (an admin's, with every view in it).
    const withHeader = await t.browser.page({ width: 1024, height: 768 });
    await withHeader.goto(`${t.server.httpUrl}/#/live/${t.shop.store}?token=${t.shop.tokens.admin}`);
    await withHeader.locator('[data-testid="live"][data-status="live"]').waitFor({ timeout: 10_000 });
    for (const [p, name] of [
      [page, "kiosk"],
      [withHeader, "header"],
    ] as const) {
      for (const size of [
        { width: 1024, height: 768 },
        { width: 768, height: 1024 },
      ]) {
        await p.setViewportSize(size);
        await p.waitForTimeout(200);
        const at = `${name} ${size.width}x${size.height}`;
        const fit = await p.evaluate(() => {
          const over = (el: Element | null) => (el ? el.scrollHeight - el.clientHeight : 0);
          const off = [...document.querySelectorAll(".app-header a, .app-header button, .app-header select, .app-header summary, .live-top *")]
            .filter((el) => (el as HTMLElement).offsetParent !== null)
            .map((el) => ({ el: el.textContent?.trim().slice(0, 20), r: el.getBoundingClientRect() }))
            .filter(({ r }) => r.width > 0 && (r.left < 0 || r.right > window.innerWidth + 0.5 || r.top < 0 || r.bottom > window.innerHeight));
          return {
            scrollH: document.documentElement.scrollHeight - window.innerHeight,
            scrollW: document.documentElement.scrollWidth - window.innerWidth,
            list: over(document.querySelector(".live-zones")),
            header: document.querySelector(".app-header")
              ? document.querySelector(".app-header")!.scrollWidth - document.querySelector(".app-header")!.clientWidth
              : 0,
            off: off.map((o) => o.el),
          };
        });
        expect(fit.scrollH, `page scrolls vertically (${at})`).toBeLessThanOrEqual(0);
        expect(fit.scrollW, `page scrolls sideways (${at})`).toBeLessThanOrEqual(0);
        expect(fit.list, `zone list needs scrolling (${at})`).toBeLessThanOrEqual(0);
        expect(fit.header, `header overflows (${at})`).toBeLessThanOrEqual(0);
        expect(fit.off, `cut off (${at})`).toEqual([]);
        expect(await labelProblems(p), `plan labels (${at})`).toEqual([]);
        await shot(p, `live-${name}-${size.width}x${size.height}`);
      }
    }
    await withHeader.close();
    await page.setViewportSize({ width: 1024, height: 768 });
  });

  it("shows that it is reconnecting while the server is down, and recovers by itself", async () => {
    const before = await zoneCount("drinks");
    await t.server.stop();
    await page.locator('[data-testid="live"][data-status="reconnecting"]').waitFor({ timeout: 5000 });
    expect(await page.getByTestId("live-status").textContent()).toContain("Reconnecting");
    expect(await page.getByTestId("live-stale").textContent()).toContain("may be out of date");
    await shot(page, "live-reconnecting");
    await t.server.restart();
    await page.locator('[data-testid="live"][data-status="live"]').waitFor({ timeout: 15_000 });
    // Figures survive the restart, and new events show up again without touching the page.
    await waitFor("the MQTT client to reconnect", () => t.shop.mqtt.connected, { timeoutMs: 10_000 });
    const start = Date.now();
    await Promise.all([enter("drinks"), seenWithin("drinks", before + 1, start, 3000)]);
    expect(await zoneCount("fruit")).toBe(5);
    await shot(page, "live-recovered");
  });

  it("says since when the door count runs: since midnight for a store without opening hours", async () => {
    await t.shop.publish([t.shop.events.count("entrance", Date.now(), 3, 1)]);
    await page.getByTestId("live-source").filter({ hasText: "in minus out" }).waitFor({ timeout: 5000 });
    expect(await page.getByTestId("live-source").textContent()).toContain("door count (in minus out since midnight)");
  });

  it("makes every button and link of the tablet view touch-sized: 44 x 44 px at least, in both orientations", async () => {
    const withHeader = await t.open(`/live/${t.shop.store}`, t.shop.tokens.staff, { width: 1024, height: 768 });
    await withHeader.locator('[data-testid="live"][data-status="live"]').waitFor({ timeout: 20_000 });
    for (const p of [page, withHeader]) {
      for (const size of [
        { width: 1024, height: 768 },
        { width: 768, height: 1024 },
      ]) {
        await p.setViewportSize(size);
        const small = await p.evaluate(() =>
          [...document.querySelectorAll(".live button, .live a")]
            .filter((el) => (el as HTMLElement).offsetParent !== null)
            .map((el) => ({ text: el.textContent?.trim().slice(0, 24), r: el.getBoundingClientRect() }))
            .filter(({ r }) => r.height < 44 || r.width < 44)
            .map(({ text, r }) => `${text} ${Math.round(r.width)}x${Math.round(r.height)}`),
        );
        expect(small, `${size.width}x${size.height}`).toEqual([]);
      }
    }
    // The view's own controls are there to be measured: the sound toggle, and kiosk mode under the header.
    expect(await withHeader.getByTestId("alert-sound").count()).toBe(1);
    expect(await withHeader.getByText("Kiosk mode").count()).toBe(1);
    await withHeader.close();
    await page.setViewportSize({ width: 1024, height: 768 });
  });

  it("a revoked token: the tablet says the token was revoked and to sign in again (no spinner, no waiting), and the button leads to sign-in", async () => {
    const made = await t.shop.api.request<{ token: string; id: string }>("POST", "/api/v1/tokens", { role: "staff", store: t.shop.store, label: "tablet to revoke" });
    expect(made.body.token).toBeTruthy();
    const tablet = await t.open(`/live/${t.shop.store}?kiosk=1`, made.body.token, { width: 1024, height: 768 });
    await tablet.locator('[data-testid="live"][data-status="live"]').waitFor({ timeout: 20_000 });
    expect((await t.shop.api.request("DELETE", `/api/v1/tokens/${made.body.id}`)).status).toBeLessThan(300);
    await tablet.locator('[data-testid="live-stale"][data-sign-in="true"]').waitFor({ timeout: 10_000 });
    const notice = (await tablet.getByTestId("live-stale").textContent()) ?? "";
    expect(notice).toContain("token was revoked: sign in again");
    expect(notice).toContain("may be out of date");
    expect(await tablet.locator('[data-testid="live-stale"] .spinner').count()).toBe(0);
    await shot(tablet, "live-token-revoked");
    await tablet.getByTestId("live-sign-in").click();
    await tablet.getByRole("heading", { name: "Sign in" }).waitFor({ timeout: 5000 });
    await tablet.close();
  });
});

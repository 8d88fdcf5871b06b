/**
 * Checkout queues in chromium against a real server (issue 14.1): the live tablet's queue tile
 * shows the people waiting and the estimated wait, says "Open another till" when the line is long
 * and stops saying it once people are served; the analytics view shows the wait by weekday and
 * hour and exports it as CSV, the same as the API.
 */
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import type { FootfallEvent } from "@footfall/core";
import type { EventFactory } from "../support/index.js";
import { shot } from "./helpers/browser.js";
import { withShop } from "./helpers/shop.js";
import { shopWithQueueLayout } from "./helpers/store.js";

const S = 1000;
const M = 60 * S;
let start: number;

/**
 * 135 people over the last 3 hours, one every 80 s: each queued 60-100 s (often behind someone) and
 * paid; one in ten gave up (the queue was the last zone of their trip).
 */
function history(f: EventFactory, now: number): FootfallEvent[] {
  const out: FootfallEvent[] = [];
  for (let i = 0; i < 135; i++) {
    const v = `h${i}`;
    const at = now - 185 * M + i * 80 * S; // the last one paid by 3 minutes ago
    const wait = (60 + ((i * 13) % 40)) * S;
    out.push(...f.visit(v, "entrance", at, 20 * S), ...f.visit(v, "promo", at + 25 * S, 60 * S), ...f.visit(v, "line", at + 90 * S, wait));
    if (i % 10 !== 3) out.push(...f.visit(v, "checkout", at + 90 * S + wait + 2 * S, 60 * S));
  }
  return out;
}

const t = withShop({
  setup: async (t) => {
    await t.shop.api.putLayout(t.shop.store, shopWithQueueLayout());
    start = Date.now();
    await t.shop.publish(history(t.shop.events, start));
  },
});

const tile = (page: Page) => page.getByTestId("queue-tile-line");

/**
 * How the tile's figures lie: whether the tills' divider starts a line of its own (drawn at the
 * start of a line, nothing beside it), whether the tills and the wait each keep to one line, and
 * whether their text stays inside the tile's figures.
 */
const tileLayout = (page: Page) =>
  tile(page).evaluate((el) => {
    const figs = el.querySelector(".queue-figs")!.getBoundingClientRect();
    const big = el.querySelector(".queue-big")!.getBoundingClientRect();
    const tillsEl = el.querySelector(".queue-tills") as HTMLElement;
    const waitEl = el.querySelector(".queue-wait") as HTMLElement;
    const [tills, wait] = [tillsEl.getBoundingClientRect(), waitEl.getBoundingClientRect()];
    const sameRow = (a: DOMRect, b: DOMRect) => a.top < b.bottom && b.top < a.bottom;
    const oneLine = (e: HTMLElement) => e.getBoundingClientRect().height < parseFloat(getComputedStyle(e).fontSize) * 2;
    // The divider is the tills' left border, the first pixel of its box: the figures clip what lies left of their box.
    const dividerShown = tills.left >= figs.left - 0.5;
    const tillsText = tills.left + parseFloat(getComputedStyle(tillsEl).borderLeftWidth) + parseFloat(getComputedStyle(tillsEl).paddingLeft);
    return {
      dividerStartsALine: dividerShown && !sameRow(big, tills),
      tillsOneLine: oneLine(tillsEl),
      waitOneLine: oneLine(waitEl),
      textInside: tillsText >= figs.left - 0.5 && tills.right <= figs.right + 0.5 && wait.right <= figs.right + 0.5,
    };
  });
const TILE_CLEAN = { dividerStartsALine: false, tillsOneLine: true, waitOneLine: true, textInside: true };

describe("the live tablet's queue tile", () => {
  let page: Page;

  it("shows the people waiting and the estimated wait, and 'Open another till' at 5 waiting", async () => {
    page = await t.open(`/live/${t.shop.store}?kiosk=1`, t.shop.tokens.staff, { width: 1024, height: 768 });
    await page.locator('[data-testid="live"][data-status="live"]').waitFor({ timeout: 10_000 });
    const now = Date.now();
    await t.shop.publish(["w1", "w2", "w3", "w4", "w5"].flatMap((v, i) => [t.shop.events.enter(v, "line", now - (50 - i * 10) * S)]));
    await page.locator('[data-testid="queue-tile-line"][data-length="5"]').waitFor({ timeout: 15_000 });
    expect(await tile(page).getAttribute("data-open-till")).toBe("yes");
    await expect.poll(() => page.getByTestId("queue-open-till-line").textContent()).toContain("Open another till");
    const api = (await t.shop.api.request<{ queues: { zone: string; length: number; estimatedWaitS: number | null }[] }>("GET", `/api/v1/stores/${t.shop.store}/queues/live`)).body.queues[0]!;
    expect(api.length).toBe(5);
    // About six service intervals of ~27 s (each recent person waited 60-100 s behind about two others).
    expect(api.estimatedWaitS).toBeGreaterThan(60);
    expect(api.estimatedWaitS).toBeLessThan(600);
    expect(await page.getByTestId("queue-wait-line").textContent()).toMatch(/Wait: about \d+ min/);
    // The tablet still fits without scrolling.
    expect(await page.evaluate(() => document.documentElement.scrollHeight <= window.innerHeight + 1)).toBe(true);
    // At 1024 px the tills and the wait go under the count: the tills' divider does not start a line, no text breaks.
    await tile(page).getByTestId("queue-tills-line").waitFor();
    expect(await tileLayout(page)).toEqual(TILE_CLEAN);
    await shot(page, "live-queue-open-till");
  });

  it("stops saying it when the people are served: 2 left, no till to open", async () => {
    const now = Date.now();
    await t.shop.publish(["w1", "w2", "w3"].flatMap((v, i) => [t.shop.events.exit(v, "line", now + i), t.shop.events.enter(v, "checkout", now + 1000 + i)]));
    await page.locator('[data-testid="queue-tile-line"][data-length="2"]').waitFor({ timeout: 15_000 });
    expect(await tile(page).getAttribute("data-open-till")).toBe("no");
    expect(await page.getByTestId("queue-open-till-line").count()).toBe(0);
    // The three served are at the tills: three tills open.
    await expect.poll(() => page.getByTestId("queue-tills-line").textContent(), { timeout: 15_000 }).toBe("3 tills open");
  });

  it("says the people waiting the map and the zone list say, within a second or two, not at the next 5-second read", async () => {
    // Just after a read of the queue figures: the next one is 5 s away.
    await page.waitForResponse((r) => r.url().includes("/queues/live"), { timeout: 15_000 });
    const now = Date.now();
    await t.shop.publish(["x1", "x2", "x3"].map((v, i) => t.shop.events.enter(v, "line", now - 1000 + i)));
    const at = Date.now();
    // The live push brings the line's 5 to the map...
    await page.locator('[data-testid="live-zone-line"][data-occupancy="5"]').waitFor({ timeout: 5_000 });
    // ...and the tile follows it (it waited for its next read, up to 5 s, saying 2 beside a map saying 5).
    await page.locator('[data-testid="queue-tile-line"][data-length="5"]').waitFor({ timeout: 3_000 });
    expect(Date.now() - at).toBeLessThan(3_000);
  });

  it("on a portrait tablet (800x1280) shows the store, the queue and the alert without scrolling, and every zone in the list, names whole; the alert's people waiting now beside its worst", async () => {
    // Five in the line (from the test before) and a queue rule at 3: the banner fires.
    const rule = await t.shop.api.request<{ id: string }>("POST", `/api/v1/stores/${t.shop.store}/alert-rules`, { kind: "queue-length", zone: "line", threshold: 3, forSeconds: 0, cooldownSeconds: 0, enabled: true });
    expect(rule.status).toBe(201);
    try {
      const portrait = await t.open(`/live/${t.shop.store}?kiosk=1`, t.shop.tokens.staff, { width: 800, height: 1280 });
      await portrait.locator('[data-testid="live"][data-status="live"]').waitFor({ timeout: 10_000 });
      await portrait.locator('[data-testid="alert-banner"][data-firing="true"]').waitFor({ timeout: 15_000 });
      await portrait.locator('[data-testid="queue-tile-line"][data-open-till="yes"]').waitFor({ timeout: 15_000 });
      const seen = await portrait.evaluate(() => {
        const inView = (id: string) => {
          const r = document.querySelector(`[data-testid="${id}"]`)?.getBoundingClientRect();
          return r ? r.top >= 0 && r.bottom <= window.innerHeight && r.left >= 0 && r.right <= window.innerWidth : false;
        };
        const list = document.querySelector(".live-zones")!;
        return {
          total: inView("live-total"),
          queue: inView("queue-tile-line"),
          banner: inView("alert-banner"),
          pageScrolls: document.documentElement.scrollHeight > window.innerHeight + 1,
          listScrolls: list.scrollHeight > list.clientHeight + 1,
          cutNames: [...document.querySelectorAll(".live-zones .zname")].filter((n) => n.scrollWidth > n.clientWidth).map((n) => n.textContent),
        };
      });
      await shot(portrait, "live-queue-portrait-800x1280");
      expect(seen).toEqual({ total: true, queue: true, banner: true, pageScrolls: false, listScrolls: false, cutNames: [] });

      // A sixth joins (the alert's message keeps 6, the worst), then two are served: the tile and the banner say 4 now.
      const now = Date.now();
      await t.shop.publish([t.shop.events.enter("y1", "line", now)]);
      await portrait.getByTestId(`alert-${rule.body.id}`).filter({ hasText: "6 waiting" }).waitFor({ timeout: 15_000 });
      await t.shop.publish(["y1", "x1"].map((v, i) => t.shop.events.exit(v, "line", now + 1000 + i)));
      await portrait.locator('[data-testid="queue-tile-line"][data-length="4"]').waitFor({ timeout: 15_000 });
      await expect.poll(() => portrait.getByTestId("queue-open-till-line").textContent(), { timeout: 5_000 }).toMatch(/6 waiting .*· now 4 waiting$/);
      await expect.poll(() => portrait.getByTestId(`alert-now-${rule.body.id}`).textContent(), { timeout: 5_000 }).toBe(" · now 4 waiting");
    } finally {
      await t.shop.api.request("DELETE", `/api/v1/stores/${t.shop.store}/alert-rules/${rule.body.id}`);
    }
  });
});

describe("the live tablet on a busy day, landscape", () => {
  it("at 1280x800 and 1024x768 with two alerts firing and a queue tile saying 'Open another till' shows every zone of the list, whole, and the alerts' text, without scrolling", async () => {
    // Four more in the line (whatever the tests before left): a queue rule at 3 and the line's own occupancy rule at 30 % both fire.
    const now = Date.now();
    const waiting = ["busy1", "busy2", "busy3", "busy4"];
    await t.shop.publish(waiting.map((v, i) => t.shop.events.enter(v, "line", now + i)));
    const rules: string[] = [];
    try {
      for (const body of [
        { kind: "queue-length", zone: "line", threshold: 3 },
        { kind: "occupancy", zone: "line", threshold: 0.3, name: "Till queue filling up" },
      ]) {
        const made = await t.shop.api.request<{ id: string }>("POST", `/api/v1/stores/${t.shop.store}/alert-rules`, { ...body, forSeconds: 0, cooldownSeconds: 0, enabled: true });
        expect(made.status).toBe(201);
        rules.push(made.body.id);
      }
      const tablet = await t.open(`/live/${t.shop.store}?kiosk=1`, t.shop.tokens.staff, { width: 1280, height: 800 });
      await tablet.locator('[data-testid="live"][data-status="live"]').waitFor({ timeout: 10_000 });
      for (const id of rules) await tablet.locator(`[data-testid="alert-${id}"][data-state="firing"]`).waitFor({ timeout: 15_000 });
      await tablet.locator('[data-testid="queue-tile-line"][data-open-till="yes"]').waitFor({ timeout: 15_000 });
      // Who acknowledges can type a name: the field shows while an alert fires.
      await tablet.getByTestId("alert-ack-name").waitFor();
      const zones = (await t.shop.api.request<{ zones: { id: string }[] }>("GET", `/api/v1/stores/${t.shop.store}/layout`)).body.zones.map((z) => z.id);
      expect(zones).toHaveLength(9);
      const messages = (await t.shop.api.request<{ alerts: { ruleId: string; message: string }[] }>("GET", `/api/v1/stores/${t.shop.store}/alerts`)).body.alerts;

      for (const size of [
        { width: 1280, height: 800 },
        { width: 1024, height: 768 },
      ]) {
        await tablet.setViewportSize(size);
        await tablet.waitForTimeout(300);
        const at = `${size.width}x${size.height}`;
        const seen = await tablet.evaluate(
          ({ zones, rules }) => {
            const list = document.querySelector(".live-zones")!.getBoundingClientRect();
            /** The test id of each element that is not wholly on the screen (and, for a zone's row, inside the list's visible box). */
            const off = (ids: string[], inList = false) =>
              ids.filter((id) => {
                const r = document.querySelector(`[data-testid="${id}"]`)?.getBoundingClientRect();
                if (!r || r.height === 0) return true;
                const onScreen = r.top >= 0 && r.left >= 0 && r.bottom <= window.innerHeight && r.right <= window.innerWidth;
                return !onScreen || (inList && (r.top < list.top - 0.5 || r.bottom > list.bottom + 0.5));
              });
            const listEl = document.querySelector(".live-zones")!;
            return {
              zonesOff: off(zones.map((z) => `live-zone-${z}`), true),
              othersOff: off(["live-total", "queue-tile-line", "queue-open-till-line", "alert-ack-name", ...rules.map((r) => `alert-${r}`), ...rules.map((r) => `ack-${r}`)]),
              pageScrolls: document.documentElement.scrollHeight > window.innerHeight + 1 || document.documentElement.scrollWidth > window.innerWidth + 1,
              listScrolls: listEl.scrollHeight > listEl.clientHeight + 1,
              cutNames: [...document.querySelectorAll(".live-zones .zname")].filter((n) => n.scrollWidth > n.clientWidth).map((n) => n.textContent),
              alertTexts: rules.map((r) => document.querySelector(`[data-testid="alert-${r}"]`)?.textContent ?? ""),
            };
          },
          { zones, rules },
        );
        await shot(tablet, `live-queue-alerts-${at}`);
        expect(await tileLayout(tablet), `the queue tile's figures (${at})`).toEqual(TILE_CLEAN);
        expect(seen.zonesOff, `zone rows off the screen or scrolled out of the list (${at})`).toEqual([]);
        expect(seen.othersOff, `cut off (${at})`).toEqual([]);
        expect({ pageScrolls: seen.pageScrolls, listScrolls: seen.listScrolls, cutNames: seen.cutNames }, at).toEqual({ pageScrolls: false, listScrolls: false, cutNames: [] });
        // Each alert's message, as the server words it, is on the tablet.
        for (const [i, id] of rules.entries()) expect(seen.alertTexts[i], at).toContain(messages.find((m) => m.ruleId === id)!.message);
        for (const id of rules) expect(await tablet.getByTestId(`alert-${id}`).locator("b").isVisible()).toBe(true);
      }
      await tablet.close();
    } finally {
      for (const id of rules) await t.shop.api.request("DELETE", `/api/v1/stores/${t.shop.store}/alert-rules/${id}`);
      await t.shop.publish(waiting.map((v, i) => t.shop.events.exit(v, "line", Date.now() + i)));
    }
  }, 60_000);
});

describe("the waits by weekday and hour in analytics", () => {
  it("shows each queue's median wait per hour as the API gives it, and exports it as CSV", async () => {
    // The last four hours: the trips of the first two are over, so those who gave up count as such (later ones may be pending).
    const page = await t.open(`/heatmap/${t.shop.store}?from=${Math.floor(start / 3_600_000) * 3_600_000 - 4 * 3_600_000}&to=${start + M}`, t.shop.tokens.viewer);
    const heat = page.locator('[data-testid="heatmap"][data-from]');
    await heat.waitFor();
    const range = { from: Number(await heat.getAttribute("data-from")), to: Number(await heat.getAttribute("data-to")) };
    await page.getByTestId("queue-grid-line").waitFor({ timeout: 15_000 });
    type Report = { queues: { zone: string; name: string; joins: number; abandoned: number; wait_s: { median: number } | null; byWeekdayHour: { weekday: number; hour: number; wait_s: { median: number } | null }[] }[] };
    const report = (await t.shop.api.request<Report>("GET", `/api/v1/stores/${t.shop.store}/queues?from=${range.from}&to=${range.to}`)).body.queues[0]!;
    expect(report.joins).toBeGreaterThanOrEqual(135);
    expect(report.abandoned).toBeGreaterThanOrEqual(3);
    expect(await page.getByTestId("queue-joins-line").textContent()).toBe(`${report.joins} joined`);
    for (const c of report.byWeekdayHour) {
      const cell = page.getByTestId(`queue-cell-line-${c.weekday}-${c.hour}`);
      expect(Number(await cell.getAttribute("data-median"))).toBe(c.wait_s?.median ?? 0);
    }
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-queues").click()]);
    const csv = (await readFile((await download.path())!, "utf8")).replace(/^\uFEFF/, "");
    const lines = csv.trim().split("\r\n");
    expect(lines[0]).toBe("range_from,range_to,queue,queue_for,weekday,hour,joins,waits,median_wait_s,p90_wait_s,mean_wait_s,served,abandoned,row,queue_name,queue_for_name");
    // The hours, then the queue's line of the screen over the range: its joins and its median wait (not a median of the hours').
    expect(lines).toHaveLength(1 + report.byWeekdayHour.length + 1);
    expect(lines.slice(1, -1).reduce((s, l) => s + Number(l.split(",")[6]), 0)).toBe(report.joins);
    const total = lines.at(-1)!.split(",");
    // Each row names the queue as the view heads its table ('Till queue'), its id in `queue`.
    expect([total[2], total[6], total[13], total[14]]).toEqual(["line", String(report.joins), "total", report.name]);
    expect(await page.getByTestId("queue-report-line").locator(".queue-summary b").textContent()).toBe(total[14]);
    expect(`${total[6]} joined`).toBe(await page.getByTestId("queue-joins-line").textContent());
    expect(total[8]).toBe(report.wait_s!.median.toFixed(1));
    // The view's range on every row, to the whole second as the Heatmap's own exports write it (the view's range ends at a millisecond).
    const second = (ts: number) => Math.floor(ts / 1000) * 1000;
    for (const l of lines.slice(1)) expect(l.split(",").slice(0, 2).map((x) => Date.parse(x))).toEqual([second(range.from), second(range.to)]);
    expect(lines.slice(1).every((l) => !l.split(",").slice(0, 2).some((x) => x.includes(".")))).toBe(true);
    await shot(page, "queue-waits");
  });
});

/**
 * The live tablet's queue tile when nothing counts the line any more: the only camera over the line
 * (here the shop's agent cam-1) goes offline with five people waiting. The tile once went on saying
 * "5 people waiting · Wait: about 4 min · Open another till" under "Live · updated just now", then,
 * three minutes later, "0 people waiting · no wait" with the five "lost by the tracking": figures
 * nobody counted, and a till opened or not on their word. Now it says the line is not counted since
 * when, which agent is offline and how many were waiting then, gives no wait and no advice; a
 * queue alert's "now" says "not counted now"; and it is the tile of old again once the agent is back.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import type { FootfallEvent } from "@footfall/core";
import type { EventFactory } from "../support/index.js";
import { shot } from "./helpers/browser.js";
import { withShop } from "./helpers/shop.js";
import { agentStatus, shopWithQueueLayout } from "./helpers/store.js";

const S = 1000;
const M = 60 * S;

/** An hour of people queueing 60-100 s and paying, then five in the line now. */
function events(f: EventFactory, now: number): FootfallEvent[] {
  const out: FootfallEvent[] = [];
  for (let i = 0; i < 40; i++) {
    const at = now - 65 * M + i * 90 * S;
    const wait = (60 + ((i * 13) % 40)) * S;
    out.push(...f.visit(`h${i}`, "line", at, wait), ...f.visit(`h${i}`, "checkout", at + wait + 2 * S, 60 * S));
  }
  for (let i = 0; i < 5; i++) out.push(f.enter(`w${i}`, "line", now - (50 - i * 10) * S));
  return out;
}

let page: Page;
let ruleId: string;
const status = (state: "online" | "offline") => agentStatus(t.shop, state);

const t = withShop({
  setup: async (t) => {
    await t.shop.api.putLayout(t.shop.store, shopWithQueueLayout());
    await agentStatus(t.shop, "online");
    await t.shop.publish(events(t.shop.events, Date.now()));
    const rule = await t.shop.api.request<{ id: string }>("POST", `/api/v1/stores/${t.shop.store}/alert-rules`, { kind: "queue-length", zone: "line", threshold: 3, forSeconds: 0, cooldownSeconds: 0, enabled: true });
    expect(rule.status).toBe(201);
    ruleId = rule.body.id;
  },
});

type LiveQueues = { queues: { zone: string; length: number; offlineSince: number | null; offlineAgents: string[] }[] };
const apiQueue = async () => (await t.shop.api.request<LiveQueues>("GET", `/api/v1/stores/${t.shop.store}/queues/live`)).body.queues[0]!;

describe("the queue tile of a line whose camera is offline", () => {
  it("while the camera counts: five waiting, a wait and 'Open another till', as the API says", async () => {
    page = await t.open(`/live/${t.shop.store}?kiosk=1`, t.shop.tokens.staff, { width: 1024, height: 768 });
    await page.locator('[data-testid="queue-tile-line"][data-length="5"][data-open-till="yes"]').waitFor({ timeout: 15_000 });
    await page.getByTestId(`alert-${ruleId}`).waitFor({ timeout: 15_000 });
    expect(await apiQueue()).toMatchObject({ length: 5, offlineSince: null, offlineAgents: [] });
    expect(await page.getByTestId("queue-wait-line").textContent()).toMatch(/Wait: about \d+ min/);
  });

  it("once it is offline: 'not counted since', the agent, the five waiting then, no wait and no till advice; the alert says 'not counted now'", async () => {
    await status("offline");
    const tile = page.locator('[data-testid="queue-tile-line"][data-offline-since]');
    await tile.waitFor({ timeout: 15_000 });
    const api = await apiQueue();
    expect(api, JSON.stringify(api)).toMatchObject({ length: 5, offlineAgents: ["cam-1"] });
    expect(Number(await tile.getAttribute("data-offline-since"))).toBe(api.offlineSince);
    const at = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Paris", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(api.offlineSince!);
    expect(await page.getByTestId("queue-offline-line").textContent()).toMatch(new RegExp(`^Since ${at} CES?T \\(cam-1 offline\\)\\. 5 people were waiting then: look at the line yourself\\.$`));
    expect(await tile.getAttribute("data-open-till")).toBe("no");
    expect(await page.getByTestId("queue-open-till-line").count()).toBe(0);
    expect(await tile.textContent()).toContain("Not counted now");
    for (const figure of ["queue-wait-line", "queue-tills-line", "queue-length-line"]) expect(await page.getByTestId(figure).count(), figure).toBe(0);
    await expect.poll(() => page.getByTestId(`alert-now-${ruleId}`).textContent(), { timeout: 15_000 }).toBe(" · not counted now");
    for (const size of [
      { width: 1024, height: 768 },
      { width: 768, height: 1024 },
    ]) {
      await page.setViewportSize(size);
      await shot(page, `live-queue-offline-${size.width}x${size.height}`);
      // The page does not scroll, and the tile's words are all on the screen, none cut by the column.
      const fits = await page.evaluate(() => {
        const note = document.querySelector('[data-testid="queue-offline-line"]')!;
        const r = note.getBoundingClientRect();
        let bottom = window.innerHeight;
        for (let el = note.parentElement; el; el = el.parentElement) if (getComputedStyle(el).overflowY !== "visible") bottom = Math.min(bottom, el.getBoundingClientRect().bottom);
        return { noScroll: document.documentElement.scrollHeight <= window.innerHeight + 1 && document.documentElement.scrollWidth <= window.innerWidth + 1, noteWhole: r.top >= 0 && r.bottom <= bottom + 0.5 };
      });
      expect(fits, `${size.width}x${size.height}`).toEqual({ noScroll: true, noteWhole: true });
    }
  });

  it("is the counted tile again once the camera is back online", async () => {
    await status("online");
    await page.locator('[data-testid="queue-tile-line"]:not([data-offline-since])').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId("queue-offline-line").count()).toBe(0);
    expect((await apiQueue()).offlineSince).toBeNull();
  });
});

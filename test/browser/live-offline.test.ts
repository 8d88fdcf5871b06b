/**
 * The live tablet's map, zone list and store total when nothing counts a zone any more: cam-2, the
 * only camera over the till queue, goes offline with five people in the line. The queue tile said
 * "Not counted now" (e89999e), but the plan and the list went on saying "Till queue 5/10" as if live
 * until the visit timeout, half an hour on, and the store total counted the five without a word. Now
 * the zone's row and its place on the plan say "Not counted now", since when and which agent, as the
 * queue tile does (the same rule, the same time), with no figure; the total says it is partial; the
 * zones cam-1 still counts are as before. Once cam-2 is back, all is counted again.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { shot } from "./helpers/browser.js";
import { withQueueCameraShop } from "./helpers/queue-camera.js";

let page: Page;
const t = withQueueCameraShop();

type Occ = { total: number; partial: boolean; zones: { zone: string; occupancy: number; offlineSince: number | null; offlineAgents: string[] }[] };
const apiOcc = async () => (await t.shop.api.request<Occ>("GET", `/api/v1/stores/${t.shop.store}/occupancy`)).body;

/** The text of a zone's label on the plan ("Till queue · 5/10"), read from Konva's nodes. */
const planLabel = (zone: string) =>
  page.evaluate((id) => {
    type Node = { find(sel: string): Node[]; text?: () => string };
    const K = (window as unknown as { Konva: { stages: Node[] } }).Konva;
    return K.stages.flatMap((s) => s.find(`#zone-${id}`)).flatMap((g) => g.find(".zone-label").map((l) => l.text!())).join(" ");
  }, zone);

describe("the live map and zone list when an agent is offline", () => {
  it("while both cameras count: the till queue 5/10 on the plan and in the list, the total 8 and whole", async () => {
    page = await t.open(`/live/${t.shop.store}?kiosk=1`, t.shop.tokens.staff, { width: 1024, height: 768 });
    await page.locator('[data-testid="live-zone-line"][data-occupancy="5"]').waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="live-total"][data-total="8"]').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId("live-zone-line").getAttribute("data-state")).not.toBe("not-counted");
    expect(await page.getByTestId("live-total").getAttribute("data-partial")).toBe("no");
    expect(await page.getByTestId("live-partial").count()).toBe(0);
    await expect.poll(() => planLabel("line"), { timeout: 15_000 }).toContain("5/10");
    expect(await apiOcc()).toMatchObject({ total: 8, partial: false });
  });

  it("once cam-2 is offline: the queue's row and plan say 'Not counted now' since the queue tile's time, with no figure, and the total says it is partial", async () => {
    await t.status("cam-1", "online");
    await t.status("cam-2", "offline");
    const row = page.locator('[data-testid="live-zone-line"][data-state="not-counted"]');
    await row.waitFor({ timeout: 15_000 });
    const api = await apiOcc();
    const line = api.zones.find((z) => z.zone === "line")!;
    expect(line, JSON.stringify(api)).toMatchObject({ occupancy: 5, offlineAgents: ["cam-2"] });
    expect(api).toMatchObject({ total: 8, partial: true });
    // The same time as the API's and as the queue tile's (one rule in core).
    expect(Number(await row.getAttribute("data-offline-since"))).toBe(line.offlineSince);
    await page.locator('[data-testid="queue-tile-line"][data-offline-since]').waitFor({ timeout: 15_000 });
    expect(Number(await page.getByTestId("queue-tile-line").getAttribute("data-offline-since"))).toBe(line.offlineSince);
    const at = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Paris", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(line.offlineSince!);
    expect(await page.getByTestId("live-zone-offline-line").textContent()).toMatch(new RegExp(`^Since ${at} CES?T \\(cam-2 offline\\)$`));
    const rowText = (await row.textContent()) ?? "";
    expect(rowText).toContain("Not counted now");
    expect(rowText).not.toMatch(/\d+\s*\/\s*10|\b5\b/);
    // The plan: the words instead of "5/10".
    await expect.poll(() => planLabel("line"), { timeout: 15_000 }).toContain("Not counted");
    expect(await planLabel("line")).not.toContain("5/10");
    // The total keeps its figure (the five may still be there) and says it is partial.
    expect(await page.getByTestId("live-total").getAttribute("data-total")).toBe("8");
    expect(await page.getByTestId("live-partial").textContent()).toBe("Partial: Till queue not counted now");
    // What cam-1 counts is as before.
    const fruit = page.getByTestId("live-zone-fruit");
    expect([await fruit.getAttribute("data-state"), await fruit.getAttribute("data-occupancy")]).toEqual(["ok", "2"]);
    for (const size of [
      { width: 1024, height: 768 },
      { width: 768, height: 1024 },
    ]) {
      await page.setViewportSize(size);
      await shot(page, `live-offline-${size.width}x${size.height}`);
      const fits = await page.evaluate(() => {
        const note = document.querySelector('[data-testid="live-zone-offline-line"]')!;
        const r = note.getBoundingClientRect();
        let bottom = window.innerHeight;
        for (let el = note.parentElement; el; el = el.parentElement) if (getComputedStyle(el).overflowY !== "visible") bottom = Math.min(bottom, el.getBoundingClientRect().bottom);
        return { noScroll: document.documentElement.scrollHeight <= window.innerHeight + 1, noteWhole: r.top >= 0 && r.bottom <= bottom + 0.5 && note.scrollWidth <= note.clientWidth + 1 };
      });
      expect(fits, `${size.width}x${size.height}`).toEqual({ noScroll: true, noteWhole: true });
    }
  });

  it("is counted again once cam-2 is back online", async () => {
    await t.status("cam-2", "online");
    await page.locator('[data-testid="live-zone-line"]:not([data-state="not-counted"])').waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="live-total"][data-partial="no"]').waitFor({ timeout: 15_000 });
    await expect.poll(() => planLabel("line"), { timeout: 15_000 }).toContain("5/10");
    expect((await apiOcc()).partial).toBe(false);
  });
});

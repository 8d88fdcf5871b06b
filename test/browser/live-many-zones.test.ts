/**
 * The live tablet, landscape (1280x800), for a store without checkout queues but with twelve zones,
 * two of them over capacity (the "Over capacity" strip on top, their rows a line taller with since
 * when) and an alert firing (its banner on top too): floor staff see every zone of the list, whole,
 * without scrolling the page or the list.
 */
import { describe, expect, it } from "vitest";
import type { LayoutInput, ZoneId } from "@footfall/core";
import { shot } from "./helpers/browser.js";
import { withShop } from "./helpers/shop.js";
import { shopLayout } from "./helpers/store.js";

/** The test shop and four more zones along its free wall: twelve, none a queue. */
function twelveZones(): LayoutInput {
  const base = shopLayout();
  const more = [
    ["household", "Household & cleaning", 20.5],
    ["frozen", "Frozen food", 23],
    ["dairy", "Dairy", 25.5],
    ["pets", "Pet food", 28],
  ] as const;
  const zones = more.map(([id, name, x]) => ({ id: id as ZoneId, name, kind: "zone" as const, capacity: 6, polygon: [[x, 14.2], [x + 2, 14.2], [x + 2, 14.9], [x, 14.9]] as [number, number][] }));
  return { ...base, zones: [...base.zones, ...zones] };
}

const t = withShop({
  setup: async (t) => {
    await t.shop.api.putLayout(t.shop.store, twelveZones());
  },
});

describe("the live tablet with twelve zones and no queues", () => {
  it("at 1280x800 with two zones over capacity and an alert firing shows every zone's row, whole, without scrolling", async () => {
    const now = Date.now();
    // Fitting rooms (capacity 4) and promo (8) over capacity.
    await t.shop.publish([...Array.from({ length: 6 }, (_, i) => t.shop.events.enter(`f${i}`, "fitting", now + i)), ...Array.from({ length: 10 }, (_, i) => t.shop.events.enter(`p${i}`, "promo", now + i))]);
    // And an alert rule on the fitting rooms: its banner fires above the list too.
    const rule = await t.shop.api.request<{ id: string }>("POST", `/api/v1/stores/${t.shop.store}/alert-rules`, { kind: "occupancy", zone: "fitting", threshold: 1, forSeconds: 0, cooldownSeconds: 0, enabled: true, name: "Fitting rooms over capacity" });
    expect(rule.status).toBe(201);
    const zones = (await t.shop.api.request<{ zones: { id: string }[] }>("GET", `/api/v1/stores/${t.shop.store}/layout`)).body.zones.map((z) => z.id);
    expect(zones).toHaveLength(12);
    const page = await t.open(`/live/${t.shop.store}?kiosk=1`, t.shop.tokens.staff, { width: 1280, height: 800 });
    await page.locator('[data-testid="live"][data-status="live"]').waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="live-zone-fitting"][data-state="over"]').waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="live-zone-promo"][data-state="over"]').waitFor({ timeout: 15_000 });
    await page.locator(`[data-testid="alert-${rule.body.id}"][data-state="firing"]`).waitFor({ timeout: 15_000 });
    await page.waitForTimeout(300);
    const seen = await page.evaluate((zones) => {
      const list = document.querySelector(".live-zones")!;
      const box = list.getBoundingClientRect();
      return {
        strip: document.querySelector(".live-alert") !== null,
        zonesOff: zones.filter((z) => {
          const r = document.querySelector(`[data-testid="live-zone-${z}"]`)?.getBoundingClientRect();
          return !r || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5 || r.bottom > window.innerHeight;
        }),
        pageScrolls: document.documentElement.scrollHeight > window.innerHeight + 1,
        listScrolls: list.scrollHeight > list.clientHeight + 1,
        cutNames: [...document.querySelectorAll(".live-zones .zname, .live-zones .zsince")].filter((n) => n.scrollWidth > n.clientWidth).map((n) => n.textContent),
      };
    }, zones);
    await shot(page, "live-twelve-zones-1280x800");
    expect(seen).toEqual({ strip: true, zonesOff: [], pageScrolls: false, listScrolls: false, cutNames: [] });
    await page.close();
  });

  it("on a portrait tablet (768x1024) with the same two over and the alert shows every zone's row, whole, the plan taking what is left", async () => {
    const zones = (await t.shop.api.request<{ zones: { id: string }[] }>("GET", `/api/v1/stores/${t.shop.store}/layout`)).body.zones.map((z) => z.id);
    const page = await t.open(`/live/${t.shop.store}?kiosk=1`, t.shop.tokens.staff, { width: 768, height: 1024 });
    await page.locator('[data-testid="live"][data-status="live"]').waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="live-zone-promo"][data-state="over"]').waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="alert-banner"][data-firing="true"]').waitFor({ timeout: 15_000 });
    await page.waitForTimeout(300);
    const seen = await page.evaluate((zones) => {
      const list = document.querySelector(".live-zones")!;
      const box = list.getBoundingClientRect();
      return {
        zonesOff: zones.filter((z) => {
          const r = document.querySelector(`[data-testid="live-zone-${z}"]`)?.getBoundingClientRect();
          return !r || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5 || r.bottom > window.innerHeight;
        }),
        pageScrolls: document.documentElement.scrollHeight > window.innerHeight + 1,
        listScrolls: list.scrollHeight > list.clientHeight + 1,
        planAtLeast200: document.querySelector(".live-plan")!.getBoundingClientRect().height >= 199.5,
      };
    }, zones);
    await shot(page, "live-twelve-zones-768x1024");
    expect(seen).toEqual({ zonesOff: [], pageScrolls: false, listScrolls: false, planAtLeast200: true });
    await page.close();
  });
});

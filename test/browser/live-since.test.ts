/**
 * The live tablet opened while zones are already over capacity, in chromium against a real server.
 * Where the server has an alert that says a zone is over (an occupancy rule at 100 % or more), the
 * "Over capacity" strip and the zone list say "since" the alert's time, the one the banner shows
 * ("above the limit since 06:35"): they said "already at" the moment the tablet opened (06:36) for
 * the same zone. A "busy" rule's alert (below 100 %) began before the zone was over, so its time is
 * not taken; a zone over with no alert keeps the tablet's own "already at". At 1280x800 the time
 * under a long zone name in the narrow list is whole ("already a…" was cut off beside the name).
 */
import { describe, expect, it } from "vitest";
import { waitFor } from "../support/index.js";
import { axeViolations } from "./helpers/axe.js";
import { shot } from "./helpers/browser.js";
import { withShop } from "./helpers/shop.js";

const t = withShop();

interface Alert {
  ruleId: string;
  zone?: string;
  since: number;
}
const hhmm = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Paris", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
const minute = (ts: number) => Math.floor(ts / 60_000);

async function addRule(zone: string, threshold: number, name: string): Promise<string> {
  const r = await t.shop.api.request<{ id: string }>("POST", `/api/v1/stores/${t.shop.store}/alert-rules`, {
    kind: "occupancy",
    zone,
    threshold,
    forSeconds: 0,
    cooldownSeconds: 60,
    enabled: true,
    name,
  });
  expect(r.status).toBe(201);
  return r.body.id;
}
const activeAlerts = async () => (await t.shop.api.request<{ alerts: Alert[] }>("GET", `/api/v1/stores/${t.shop.store}/alerts`)).body.alerts;

describe("live tablet opened with zones already over capacity", () => {
  it("says since the server's alert began where one says the zone is over, as the banner does, and 'already at' only where none does; the time is whole at 1280x800", async () => {
    // Fitting rooms (capacity 4) over: 5 people, and a rule that fires above 100 %.
    const overRule = await addRule("fitting", 1, "Fitting rooms over capacity");
    const start = Date.now();
    await t.shop.publish(Array.from({ length: 5 }, (_, i) => t.shop.events.enter(`fit-${i}`, "fitting", start)));
    const over = await waitFor("the over-capacity alert", async () => (await activeAlerts()).find((a) => a.ruleId === overRule) ?? false, {
      timeoutMs: 15_000,
    });
    // Clothing (capacity 15) over with no rule on it.
    await t.shop.publish(Array.from({ length: 16 }, (_, i) => t.shop.events.enter(`clo-${i}`, "clothing", Date.now())));
    // The tablet opens in a later minute than the alert began, so the two times differ.
    await waitFor("the next minute", () => minute(Date.now()) > minute(over.since), { timeoutMs: 65_000, intervalMs: 200 });
    // A "busy" rule on the same zone (above 50 %): its alert begins now, not when the zone went over.
    const busyRule = await addRule("fitting", 0.5, "Fitting rooms busy");
    const busy = await waitFor("the busy alert", async () => (await activeAlerts()).find((a) => a.ruleId === busyRule) ?? false, { timeoutMs: 15_000 });
    expect(minute(busy.since)).toBeGreaterThan(minute(over.since));

    const opened = Date.now();
    const tablet = await t.open(`/live/${t.shop.store}?kiosk=1`, t.shop.tokens.staff, { width: 1280, height: 800 });
    await tablet.locator('[data-testid="live"][data-status="live"]').waitFor({ timeout: 10_000 });
    await tablet.getByTestId(`alert-${busyRule}`).waitFor({ timeout: 10_000 });
    await tablet.locator('[data-testid="live-zone-clothing"][data-state="over"]').waitFor({ timeout: 10_000 });

    const since = `since ${hhmm.format(over.since)} CE`;
    expect(await tablet.getByTestId(`alert-${overRule}`).textContent()).toContain(`above the limit ${since}`);
    // The strip and the list: the alert's time, "since", as the banner.
    const strip = (await tablet.getByTestId("live-alert-fitting").textContent()) ?? "";
    expect(strip).toContain("Fitting rooms: 5 of 4, over by 1");
    expect(strip).toContain(`(${since}`);
    expect(strip).not.toContain("already at");
    const fittingSince = tablet.getByTestId("live-zone-fitting").locator(".zsince");
    expect(await fittingSince.textContent()).toMatch(new RegExp(`^${since}`));
    // No alert on clothing: the tablet's own time, the moment it opened.
    const openedAt = [hhmm.format(opened), hhmm.format(Date.now())];
    const clothingSince = (await tablet.getByTestId("live-zone-clothing").locator(".zsince").textContent()) ?? "";
    expect(
      openedAt.some((at) => clothingSince.startsWith(`already at ${at} CE`)),
      clothingSince,
    ).toBe(true);
    const clothingStrip = (await tablet.getByTestId("live-alert-clothing").textContent()) ?? "";
    expect(
      openedAt.some((at) => clothingStrip.includes(`(already at ${at} CE`)),
      clothingStrip,
    ).toBe(true);

    // The time under the zone's name is whole and inside its row: not cut off, not over the next row.
    for (const zone of ["fitting", "clothing"]) {
      const fit = await tablet.getByTestId(`live-zone-${zone}`).evaluate((li) => {
        const el = li.querySelector(".zsince") as HTMLElement;
        const r = el.getBoundingClientRect();
        const row = li.getBoundingClientRect();
        const clip = li.querySelector(".zname")!.getBoundingClientRect();
        // The old markup had the time inside the name's cell (which clips with an ellipsis): the time must stay within the clip of every box it is in.
        const clipper = el.parentElement === li ? row : clip;
        return { cut: el.scrollWidth - el.clientWidth, right: r.right - Math.min(clipper.right, row.right), below: r.bottom - row.bottom, width: r.width };
      });
      expect(fit.width, `${zone}: the time takes no room`).toBeGreaterThan(0);
      expect(fit.cut, `${zone}: the time is cut off`).toBeLessThanOrEqual(0);
      expect(fit.right, `${zone}: the time runs past its box`).toBeLessThanOrEqual(0.5);
      expect(fit.below, `${zone}: the time runs below its row`).toBeLessThanOrEqual(0.5);
    }
    // The time under the name reads for everyone (contrast on the row, no serious axe violation on the page).
    expect(await axeViolations(tablet)).toEqual([]);
    await shot(tablet, "live-since-1280x800");
    await tablet.close();
  }, 150_000);
});

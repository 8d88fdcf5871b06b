/**
 * Alert rules in chromium against a real server: an admin adds a rule and opening hours (dated
 * exceptions too, then shown in Admin > Store settings; a bad one refused; staff see them
 * read-only) in the Alerts view, people crowd a zone over MQTT, the rule fires and the live tablet
 * shows the banner ("above the limit since HH:MM" in the store's zone, the store card red), staff acknowledge it there, and the
 * sound setting is remembered on the device. Prints how long the banner took to show (no assertion
 * on it).
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { shot } from "./helpers/browser.js";
import { withShop } from "./helpers/shop.js";

let admin: Page;
let tablet: Page;

const t = withShop();

interface Rule {
  id: string;
  kind: string;
  zone?: string;
  threshold: number;
  forSeconds: number;
  cooldownSeconds: number;
  enabled: boolean;
}

describe("alert rules, banner and acknowledgement", () => {
  it("an admin adds a rule with the editor; the API has it", async () => {
    admin = await t.open(`/alerts/${t.shop.store}`, t.shop.tokens.admin);
    await admin.getByTestId("rule-add").click();
    await admin.getByTestId("rule-kind").selectOption("occupancy");
    await admin.getByTestId("rule-zone").selectOption("fruit");
    await admin.getByTestId("rule-threshold").fill("50");
    await admin.getByTestId("rule-for").fill("0");
    await admin.getByTestId("rule-cooldown").fill("60");
    await admin.getByTestId("rule-name").fill("Fruit & veg busy");
    await admin.getByTestId("rule-save").click();
    await admin.getByTestId("rule-list").getByText("Fruit & veg busy").waitFor({ timeout: 10_000 });
    const rules = (await t.shop.api.request<{ rules: Rule[] }>("GET", `/api/v1/stores/${t.shop.store}/alert-rules`)).body.rules;
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({ kind: "occupancy", zone: "fruit", threshold: 0.5, forSeconds: 0, cooldownSeconds: 60, enabled: true });
  });

  it("staff read the rules with the zone's name, and a store without opening hours as always open (not a week of closed days)", async () => {
    const staff = await t.open(`/alerts/${t.shop.store}`, t.shop.tokens.staff, { width: 1024, height: 768 });
    const rule = staff.getByTestId("rule-list").locator("tbody tr").first();
    await rule.waitFor({ timeout: 10_000 });
    expect(await rule.locator("td").nth(1).textContent()).toBe("Fruit & veg");
    await staff.getByTestId("hours-none").waitFor({ timeout: 10_000 });
    expect(await staff.getByTestId("hours-none").textContent()).toContain("always open");
    expect(await staff.getByTestId("hours-weekly").count()).toBe(0);
    expect(await staff.getByText("closed", { exact: true }).count()).toBe(0);
    await staff.close();
  });

  it("refuses a threshold that is not a number, and says so", async () => {
    await admin.getByTestId("rule-add").click();
    await admin.getByTestId("rule-threshold").fill("lots");
    await admin.getByTestId("rule-save").click();
    await expect(admin.getByTestId("rule-error").textContent()).resolves.toContain("must be numbers");
    expect((await t.shop.api.request<{ rules: Rule[] }>("GET", `/api/v1/stores/${t.shop.store}/alert-rules`)).body.rules).toHaveLength(1);
  });

  it("an admin sets opening hours (weekly and dated exceptions); they come back from the API and show in Admin > Store settings", async () => {
    const hours = admin.getByTestId("hours-editor");
    // No hours yet: the store counts as always open (the unticked days are not closed yet).
    expect(await hours.getByTestId("hours-none").textContent()).toMatch(/always open/);
    // Monday 09:00-12:30 and 14:00-19:00.
    await admin.getByLabel("Monday open", { exact: true }).check();
    await admin.getByLabel("Monday closes", { exact: true }).fill("12:30");
    await admin.getByRole("button", { name: "Add an interval on Monday" }).click();
    await admin.getByLabel("Monday opens (interval 2)", { exact: true }).fill("14:00");
    await admin.getByLabel("Monday closes (interval 2)", { exact: true }).fill("19:00");
    // Christmas closed, and a short Christmas Eve with a note, entered out of date order.
    await admin.getByTestId("hours-add-exception").click();
    await admin.getByLabel("Exception 1 date", { exact: true }).fill("2026-12-25");
    await admin.getByLabel("Exception 1 note", { exact: true }).fill("Christmas");
    await admin.getByTestId("hours-add-exception").click();
    await admin.getByLabel("Exception 2 date", { exact: true }).fill("2026-12-24");
    await admin.getByLabel("Exception 2 open", { exact: true }).check();
    await admin.getByLabel("Exception 2 closes", { exact: true }).fill("14:00");
    await admin.getByLabel("Exception 2 note", { exact: true }).fill("Christmas Eve");
    await admin.getByTestId("hours-save").click();
    // The message follows the save's round trip: wait for it, then read it.
    await admin.getByTestId("hours-message").filter({ hasText: "saved" }).waitFor();
    await expect(admin.getByTestId("hours-message").textContent()).resolves.toContain("saved");
    const stored = async () => (await t.shop.api.request<{ hours: { weekly: Record<string, unknown[]>; exceptions: unknown[] } }>("GET", `/api/v1/stores/${t.shop.store}/hours`)).body.hours;
    const hoursSaved = await stored();
    expect(hoursSaved.weekly.mon).toEqual([
      { open: "09:00", close: "12:30" },
      { open: "14:00", close: "19:00" },
    ]);
    // Sorted by date on save.
    expect(hoursSaved.exceptions).toEqual([
      { date: "2026-12-24", intervals: [{ open: "09:00", close: "14:00" }], note: "Christmas Eve" },
      { date: "2026-12-25", intervals: [], note: "Christmas" },
    ]);
    // Saved: a day left unticked is closed, and reads so.
    expect(hoursSaved.weekly.wed).toEqual([]);
    await expect.poll(() => hours.getByTestId("hours-none").count()).toBe(0);
    expect(await admin.getByTestId("hours-row-wed").textContent()).toContain("closed");

    // Admin > Store settings shows the same hours, in the same editor.
    const settings = await t.open(`/admin/${t.shop.store}?tab=store`, t.shop.tokens.admin);
    await settings.getByTestId("hours-exceptions").waitFor({ timeout: 10_000 });
    expect(await settings.getByLabel("Monday opens (interval 2)", { exact: true }).inputValue()).toBe("14:00");
    expect(await settings.getByLabel("Exception 1 date", { exact: true }).inputValue()).toBe("2026-12-24");
    expect(await settings.getByLabel("Exception 1 closes", { exact: true }).inputValue()).toBe("14:00");
    expect(await settings.getByLabel("Exception 1 note", { exact: true }).inputValue()).toBe("Christmas Eve");
    expect(await settings.getByLabel("Exception 2 date", { exact: true }).inputValue()).toBe("2026-12-25");
    expect(await settings.getByLabel("Exception 2 note", { exact: true }).inputValue()).toBe("Christmas");
    await settings.close();
  });

  it("a bad exception is refused with a message naming its row, and nothing is saved", async () => {
    const before = (await t.shop.api.request<{ hours: unknown }>("GET", `/api/v1/stores/${t.shop.store}/hours`)).body.hours;
    await admin.getByTestId("hours-add-exception").click();
    await admin.getByLabel("Exception 3 date", { exact: true }).fill("2026-12-31");
    await admin.getByLabel("Exception 3 open", { exact: true }).check();
    await admin.getByLabel("Exception 3 opens", { exact: true }).fill("20:00");
    await admin.getByLabel("Exception 3 closes", { exact: true }).fill("02:00");
    await admin.getByTestId("hours-save").click();
    await admin.getByTestId("hours-problems").waitFor();
    expect(await admin.getByTestId("hours-problems").textContent()).toBe("31 Dec 2026: 20:00-02:00 closes before it opens (a night opening ends at 24:00 and starts again at 00:00 the next day)");
    // A row without a date is named by its place.
    await admin.getByLabel("Exception 3 date", { exact: true }).fill("");
    await admin.getByLabel("Exception 3 open", { exact: true }).uncheck();
    await admin.getByTestId("hours-save").click();
    await admin.getByTestId("hours-problems").filter({ hasText: "Exception 3" }).waitFor();
    expect(await admin.getByTestId("hours-problems").textContent()).toBe("Exception 3: pick a date");
    expect(await admin.getByTestId("hours-message").count()).toBe(0);
    expect((await t.shop.api.request<{ hours: unknown }>("GET", `/api/v1/stores/${t.shop.store}/hours`)).body.hours).toEqual(before);
    await admin.getByRole("button", { name: "Remove exception 3 (Exception 3)" }).click();
    expect(await admin.getByTestId("hours-exception-3").count()).toBe(0);
  });

  it("today's hourly traffic chart shades the hours the store is closed", async () => {
    // A walk-in through the entrance a few seconds ago (in and out: nobody stays), so today has a chart to shade
    // (since ab80a3f a range with no enter and no forecast says "No enters in this range" and shades nothing).
    const at = Date.now() - 10_000;
    await t.shop.publish(t.shop.events.visit("walk-in", "entrance", at, 2_000));
    const { store, api } = t.shop;
    await expect
      .poll(async () => (await api.request<{ buckets: { enters: number }[] }>("GET", `/api/v1/stores/${store}/traffic?from=${at - 3_600_000}&to=${Date.now() + 3_600_000}&bucket=hour`)).body.buckets.reduce((n, b) => n + b.enters, 0), { timeout: 15_000 })
      .toBe(1);
    const page = await t.open(`/heatmap/${t.shop.store}`, t.shop.tokens.viewer);
    const closed = page.getByTestId("traffic-closed");
    await closed.waitFor({ timeout: 15_000 });
    // Monday 09:00-12:30 and 14:00-19:00 (another day: closed all day): at least the night hours are shaded.
    expect(Number(await closed.getAttribute("data-hours"))).toBeGreaterThanOrEqual(9);
    await page.close();
  });

  it("the rule fires when the zone fills: the tablet shows the banner with 'above the limit since' in the store's time, the store card turns red", async () => {
    tablet = await t.open(`/live/${t.shop.store}?kiosk=1`, t.shop.tokens.staff, { width: 1024, height: 768 });
    await tablet.locator('[data-testid="live"][data-status="live"]').waitFor({ timeout: 10_000 });
    expect(await tablet.getByTestId("alert-banner").count()).toBe(0);
    const start = Date.now();
    // 3 of the fruit zone's 4: 75 % > 50 %.
    await t.shop.publish(["a", "b", "c"].map((v) => t.shop.events.enter(`alert-${v}`, "fruit", start)));
    await tablet.getByTestId("alert-banner").waitFor({ timeout: 15_000 });
    console.log(`alert banner on the tablet ${Date.now() - start} ms after the events were published`);
    const item = tablet.getByTestId("alert-fruit-veg-busy").or(tablet.locator('[data-testid^="alert-occupancy-"]'));
    const text = (await tablet.getByTestId("alert-banner").textContent()) ?? "";
    expect(text).toContain("Fruit & veg busy at 75 % of capacity");
    const since = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Paris", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    const expected = [since.format(start - 60_000), since.format(start), since.format(Date.now())];
    expect(expected.some((hhmm) => text.includes(`above the limit since ${hhmm}`)), text).toBe(true);
    expect(await item.count()).toBeGreaterThan(0);
    expect(await tablet.getByTestId("live-total").getAttribute("data-attention")).toBe("over");
    await shot(tablet, "alert-banner-1024x768");
  });

  it("staff acknowledge on the tablet with their name: the banner names who, on which tablet, and when, the API has it, the button is gone", async () => {
    const ack = tablet.locator('[data-testid^="ack-"]');
    expect(await ack.count()).toBe(1);
    // A touch target on a tablet: 44 x 44 px at least.
    const box = (await ack.boundingBox())!;
    expect(box.height).toBeGreaterThanOrEqual(44);
    expect(box.width).toBeGreaterThanOrEqual(44);
    // A shared tablet: who acknowledges types a name or initials (optional), kept on the tablet for the shift.
    const name = tablet.getByTestId("alert-ack-name");
    expect((await name.boundingBox())!.height).toBeGreaterThanOrEqual(44);
    await name.fill("Ana");
    await ack.click();
    await tablet.locator('[data-testid="alert-banner"][data-firing="false"]').waitFor({ timeout: 10_000 });
    expect(await tablet.getByTestId("alert-banner").textContent()).toMatch(/acknowledged by Ana \(.+\) at \d\d:\d\d/);
    expect(await tablet.evaluate(() => JSON.parse(localStorage.getItem("footfall.ackName") ?? "{}").name)).toBe("Ana");
    expect(await tablet.locator('[data-testid^="ack-"]').count()).toBe(0);
    const { alerts } = (await t.shop.api.request<{ alerts: { state: string; acknowledgedBy?: string }[] }>("GET", `/api/v1/stores/${t.shop.store}/alerts`)).body;
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ state: "acknowledged" });
    expect(alerts[0]!.acknowledgedBy).toMatch(/^Ana \(.+\)$/);
    // The card follows the banner: no longer red once acknowledged (the zone is busy, not over).
    expect(await tablet.getByTestId("live-total").getAttribute("data-attention")).not.toBe("over");
  });

  it("the sound toggle is remembered on the device", async () => {
    const toggle = tablet.getByTestId("alert-sound");
    expect(await toggle.getAttribute("aria-pressed")).toBe("false");
    await toggle.click();
    expect(await toggle.getAttribute("aria-pressed")).toBe("true");
    await tablet.reload();
    await tablet.locator('[data-testid="live"][data-status="live"]').waitFor({ timeout: 10_000 });
    expect(await tablet.getByTestId("alert-sound").getAttribute("aria-pressed")).toBe("true");
  });

  it("the banner keeps the worst share the alert reached and says the share now beside it", async () => {
    // A fourth person: 4 of 4, the alert's figure rises to 100 %; they leave: 75 % now.
    await t.shop.publish([t.shop.events.enter("alert-d", "fruit", Date.now())]);
    await tablet.getByText("Fruit & veg busy at 100 % of capacity").waitFor({ timeout: 15_000 });
    expect(await tablet.locator('[data-testid^="alert-now-"]').count()).toBe(0);
    await t.shop.publish([t.shop.events.exit("alert-d", "fruit", Date.now())]);
    await tablet.locator('[data-testid^="alert-now-"]').filter({ hasText: "now 75 %" }).waitFor({ timeout: 15_000 });
    // The figure now and since when apart ("now 75 % above the limit since" read as 75 % over the limit).
    expect(await tablet.getByTestId("alert-banner").textContent()).toMatch(/Fruit & veg busy at 100 % of capacity \(above 50 %\) · now 75 % · above the limit since \d\d:\d\d/);
  });

  it("when the zone empties the alert resolves: the banner goes, the history lists it acknowledged", async () => {
    const now = Date.now();
    await t.shop.publish(["a", "b", "c"].map((v) => t.shop.events.exit(`alert-${v}`, "fruit", now)));
    await tablet.getByTestId("alert-banner").waitFor({ state: "detached", timeout: 15_000 });
    await admin.reload();
    const history = admin.getByTestId("alert-history");
    await history.waitFor({ timeout: 10_000 });
    expect(await history.textContent()).toMatch(/Fruit & veg busy.*acknowledged|Fruit & veg busy.* at \d\d:\d\d/);
  });

  it("a viewer gets no editor", async () => {
    const viewer = await t.open(`/alerts/${t.shop.store}`, t.shop.tokens.viewer, { width: 1024, height: 768 });
    // Viewers are not offered the view (the API lets them read rules and history).
    await viewer.getByText("Not available with this token").waitFor({ timeout: 10_000 });
    expect(await viewer.getByTestId("rule-add").count()).toBe(0);
    expect(await viewer.getByTestId("hours-save").count()).toBe(0);
  });

  it("staff see the opening hours read-only: the same editor, every input disabled, no button", async () => {
    const staff = await t.open(`/alerts/${t.shop.store}`, t.shop.tokens.staff, { width: 1024, height: 768 });
    const hours = staff.getByTestId("hours-editor");
    await hours.getByTestId("hours-exceptions").waitFor({ timeout: 10_000 });
    expect(await staff.getByLabel("Monday opens (interval 1)", { exact: true }).inputValue()).toBe("09:00");
    expect(await staff.getByLabel("Exception 1 date", { exact: true }).inputValue()).toBe("2026-12-24");
    expect(await staff.getByLabel("Exception 1 note", { exact: true }).inputValue()).toBe("Christmas Eve");
    const inputs = hours.locator("input");
    expect(await inputs.count()).toBeGreaterThan(10);
    expect(await hours.locator("input:enabled").count()).toBe(0);
    expect(await hours.getByRole("button").count()).toBe(0);
    await staff.close();
  });
});

/**
 * A store manager edits opening hours scheduled ahead in the hours editor (Admin > Store settings),
 * in chromium against a real server, instead of cancelling them and scheduling them again: Edit… on
 * the Christmas hours (Sunday closed, two weeks ahead) opens them in the form with their date; Saturday
 * closed too and a week later, saved in one step; after a reload edited again at the same date;
 * staff see the list without Edit…; at last "from now" puts them in force at once. GET .../hours
 * agrees at each step: the hours in force stay, `scheduled` holds the one version, edited, then none.
 * The page's clock runs (not paused: React Query's timers froze on a loaded machine).
 */
import { describe, expect, it } from "vitest";
import { localDate, localMidnight, type HoursVersion, type OpeningHours } from "@footfall/core";
import { shot } from "./helpers/browser.js";
import { withShop } from "./helpers/shop.js";
import { putDailyHours } from "./helpers/store.js";

const TZ = "Europe/Paris";
const DAY = 86_400_000;
const NINE_TO_SEVEN = [{ open: "09:00", close: "19:00" }];
const t = withShop({
  server: { httpPort: 19540, mqttPort: 19541, metricsPort: 19542 },
  setup: ({ shop }) => putDailyHours(shop, "09:00", "19:00"),
});

const stored = async () =>
  (await t.shop.api.request<{ hours: OpeningHours | null; timezone: string; scheduled?: HoursVersion[] }>("GET", `/api/v1/stores/${t.shop.store}/hours`)).body;
/** How every screen names a day (model/format.ts formatLocalDate): "Sun, 20 Dec 2026". */
const named = (date: string) => new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", weekday: "short", day: "numeric", month: "short", year: "numeric" }).format(Date.parse(`${date}T12:00:00Z`));
const startOf = (date: string) => localMidnight(Date.parse(`${date}T12:00:00Z`), TZ);

describe("opening hours scheduled ahead, edited in the editor", () => {
  it("open in the form with their date, are saved in one step (moved, then at the same date, then now), and staff see no Edit", async () => {
    const first = localDate(Date.now() + 14 * DAY, TZ);
    const moved = localDate(Date.now() + 21 * DAY, TZ);
    const page = await t.open(`/admin/${t.shop.store}?tab=store`, t.shop.tokens.admin);
    const editor = page.getByTestId("hours-editor");
    await editor.getByTestId("hours-weekly").waitFor();
    const day = (name: string) => editor.locator("tr", { hasText: name }).getByRole("checkbox");
    const item = editor.getByTestId("hours-scheduled-item");
    const message = editor.getByTestId("hours-message");

    // Scheduled: Sunday closed from two weeks ahead.
    await day("Sunday").uncheck();
    await editor.getByTestId("hours-applies-date").check();
    await editor.getByTestId("hours-from").fill(first);
    await editor.getByTestId("hours-save").click();
    await expect.poll(() => item.count()).toBe(1);
    let answer = await stored();
    expect(answer.hours?.weekly.sun).toEqual(NINE_TO_SEVEN);
    expect(answer.scheduled?.map((v) => v.from)).toEqual([startOf(first)]);

    // Edit…: the form holds the scheduled hours (Sunday closed) and their date.
    await item.getByRole("button", { name: `Edit the hours scheduled from ${named(first)}…` }).click();
    expect(await editor.getByTestId("hours-editing").textContent()).toContain(`Editing the hours scheduled from ${named(first)}`);
    expect(await day("Sunday").isChecked()).toBe(false);
    expect(await day("Saturday").isChecked()).toBe(true);
    expect(await editor.getByTestId("hours-applies-date").isChecked()).toBe(true);
    expect(await editor.getByTestId("hours-from").inputValue()).toBe(first);
    // Saturday closed too, a week later.
    await day("Saturday").uncheck();
    await editor.getByTestId("hours-from").fill(moved);
    const save = editor.getByTestId("hours-save");
    expect(await save.textContent()).toBe(`Save changes, from ${named(moved)}`);
    await save.click();
    await message.waitFor();
    expect(await message.textContent()).toBe(`Saved: the hours scheduled from ${named(first)} apply from ${named(moved)} instead. The form shows the hours in force now again.`);
    expect(await editor.getByTestId("hours-editing").count()).toBe(0);
    expect(await day("Sunday").isChecked()).toBe(true);
    answer = await stored();
    expect(answer.hours?.weekly.sat).toEqual(NINE_TO_SEVEN);
    expect(answer.scheduled?.map((v) => v.from)).toEqual([startOf(moved)]);
    expect(answer.scheduled?.[0]?.hours?.weekly.sat).toEqual([]);
    expect(answer.scheduled?.[0]?.hours?.weekly.sun).toEqual([]);
    await expect.poll(() => item.locator("span").first().textContent()).toBe(`From ${named(moved)}: Mon-Fri 09:00-19:00; Sat-Sun closed`);
    await shot(page, "hours-edited", { fullPage: true });

    // After a reload: edited again, at the same date (Monday closed too).
    await page.reload();
    await expect.poll(() => editor.getByTestId("hours-scheduled-item").count(), { timeout: 10_000 }).toBe(1);
    expect(await item.locator("span").first().textContent()).toBe(`From ${named(moved)}: Mon-Fri 09:00-19:00; Sat-Sun closed`);
    await item.getByTestId("hours-edit").click();
    expect(await editor.getByTestId("hours-from").inputValue()).toBe(moved);
    await day("Monday").uncheck();
    await save.click();
    await expect.poll(() => message.textContent()).toBe(`Saved: the hours scheduled from ${named(moved)} are changed. The form shows the hours in force now again.`);
    answer = await stored();
    expect(answer.scheduled?.map((v) => v.from)).toEqual([startOf(moved)]);
    expect(answer.scheduled?.[0]?.hours?.weekly.mon).toEqual([]);
    expect(answer.scheduled?.[0]?.hours?.weekly.tue).toEqual(NINE_TO_SEVEN);
    expect(answer.hours?.weekly.mon).toEqual(NINE_TO_SEVEN);

    // Staff read the list, without Edit… (nor Cancel…): in the Alerts view, signed in on a page of their own.
    const staff = await t.open(`/alerts/${t.shop.store}`, t.shop.tokens.staff);
    await expect.poll(() => staff.getByTestId("hours-scheduled-item").count(), { timeout: 10_000 }).toBe(1);
    expect(await staff.getByTestId("hours-edit").count()).toBe(0);
    expect(await staff.getByTestId("hours-cancel").count()).toBe(0);
    await staff.close();
    // (the tabs share the sign-in: the admin's page signs in again)
    await page.goto(`${t.server.httpUrl}/#/admin/${t.shop.store}?tab=store&token=${t.shop.tokens.admin}`);
    await expect.poll(() => editor.getByTestId("hours-scheduled-item").count(), { timeout: 10_000 }).toBe(1);

    // Edit… and "from now": the edited hours are in force at once, nothing left scheduled.
    await item.getByTestId("hours-edit").click();
    await editor.getByTestId("hours-applies-now").check();
    expect(await save.textContent()).toBe("Save changes, in force now");
    await save.click();
    await expect.poll(() => message.textContent()).toBe(`Saved: these hours apply now, instead of from ${named(moved)}.`);
    await editor.getByTestId("hours-scheduled-none").waitFor();
    answer = await stored();
    expect(answer.scheduled).toBeUndefined();
    expect(answer.hours?.weekly.mon).toEqual([]);
    expect(answer.hours?.weekly.sat).toEqual([]);
    expect(answer.hours?.weekly.tue).toEqual(NINE_TO_SEVEN);
    await page.reload();
    await editor.getByTestId("hours-scheduled-none").waitFor({ timeout: 10_000 });
    expect(await day("Monday").isChecked()).toBe(false);
    expect(await day("Tuesday").isChecked()).toBe(true);
    await page.close();
  });
});

describe("a scheduled change open in the editor when the hours in force change meanwhile", () => {
  it("keeps the change's hours in the form (a refetch does not put the hours in force there), and saves them", async () => {
    await putDailyHours(t.shop, "09:00", "19:00");
    const first = localDate(Date.now() + 14 * DAY, TZ);
    const other = localDate(Date.now() + 28 * DAY, TZ);
    const path = `/api/v1/stores/${t.shop.store}/hours`;
    const daily = (open: string, close: string): OpeningHours["weekly"] =>
      Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, [{ open, close }]])) as OpeningHours["weekly"];
    const sundayClosed = { weekly: { ...daily("09:00", "19:00"), sun: [] }, exceptions: [] };
    expect((await t.shop.api.request("PUT", path, { hours: sundayClosed, validFrom: first })).status).toBe(200);
    expect((await t.shop.api.request("PUT", path, { hours: { weekly: daily("08:00", "20:00"), exceptions: [] }, validFrom: other })).status).toBe(200);
    const page = await t.open(`/admin/${t.shop.store}?tab=store`, t.shop.tokens.admin);
    const editor = page.getByTestId("hours-editor");
    await expect.poll(() => editor.getByTestId("hours-scheduled-item").count(), { timeout: 10_000 }).toBe(2);
    const day = (name: string) => editor.locator("tr", { hasText: name }).getByRole("checkbox");
    const item = (date: string) => editor.locator(`[data-testid="hours-scheduled-item"][data-from="${startOf(date)}"]`);

    // Edit… the first: Sunday closed; Saturday closed too.
    await item(first).getByTestId("hours-edit").click();
    expect(await day("Sunday").isChecked()).toBe(false);
    await day("Saturday").uncheck();
    // Another desk changes the hours in force (10:00-18:00 every day); this desk cancels the other change, and the
    // page fetches the hours again: the hours in force are not those the form was opened with any more.
    expect((await t.shop.api.request("PUT", path, { hours: { weekly: daily("10:00", "18:00"), exceptions: [] } })).status).toBe(200);
    await item(other).getByTestId("hours-cancel").click();
    await item(other).getByTestId("hours-cancel-yes").click();
    await expect.poll(() => editor.getByTestId("hours-scheduled-item").count(), { timeout: 10_000 }).toBe(1);
    // Still the change being edited, with its hours and the edit made: not the hours in force.
    expect(await editor.getByTestId("hours-editing").count()).toBe(1);
    expect(await day("Sunday").isChecked()).toBe(false);
    expect(await day("Saturday").isChecked()).toBe(false);
    expect(await day("Monday").isChecked()).toBe(true);
    await editor.getByTestId("hours-save").click();
    await expect.poll(() => editor.getByTestId("hours-message").textContent()).toBe(
      `Saved: the hours scheduled from ${named(first)} are changed. The form shows the hours in force now again.`,
    );
    const answer = await stored();
    expect(answer.hours?.weekly.mon).toEqual([{ open: "10:00", close: "18:00" }]);
    expect(answer.scheduled?.map((v) => v.from)).toEqual([startOf(first)]);
    expect(answer.scheduled?.[0]?.hours?.weekly.sat).toEqual([]);
    expect(answer.scheduled?.[0]?.hours?.weekly.sun).toEqual([]);
    expect(answer.scheduled?.[0]?.hours?.weekly.mon).toEqual(NINE_TO_SEVEN);
    // "Stop editing"/after the save: the form shows the hours in force as fetched now.
    expect(await day("Sunday").isChecked()).toBe(true);
    expect(await editor.locator("tr", { hasText: "Monday" }).locator("input[type=time]").first().inputValue()).toBe("10:00");
    await page.close();
  });
});

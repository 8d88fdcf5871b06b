/**
 * The experiment form proposes periods that fit the store's history: a shop whose layout changed
 * three days ago but whose data begins only a day and a half before the change (its first layout
 * is from long before: the counting started later). The form proposes the day before and the day
 * after the change, not three days reaching back to before any data, and says why.
 */
import { describe, expect, it } from "vitest";
import type { Experiment } from "../../floorplan-ui/src/api/types.js";
import { formatDateTimeZ } from "../../floorplan-ui/src/model/format.js";
import { toLocalInput } from "../../floorplan-ui/src/model/range.js";
import { shot } from "./helpers/browser.js";
import { promoTrips, shopLayoutAfter } from "./helpers/experiment-store.js";
import { withShop } from "./helpers/shop.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const changeAt = Math.floor((Date.now() - 3 * DAY) / HOUR) * HOUR;
const dataFrom = changeAt - 36 * HOUR;

const t = withShop({
  server: { maxEventAgeMs: 30 * DAY },
  setup: async ({ shop }) => {
    await shop.api.putLayout("shop", shopLayoutAfter(changeAt));
    await shop.publish([...promoTrips(shop.events, dataFrom, 36 * HOUR, 200, 0.2, 1), ...promoTrips(shop.events, changeAt, 3 * DAY - 2 * HOUR, 300, 0.45, 2)]);
  },
});

describe("the experiment form on a store whose data begins after its first layout", () => {
  it("proposes equal periods that start no earlier than the data, says so, and creates the experiment with them", async () => {
    const tz = (await t.shop.api.layout("shop")).timezone;
    const page = await t.open("/experiments/shop", t.shop.tokens.admin);
    await page.getByTestId("exp-new").click();
    await expect.poll(() => page.getByTestId("exp-version").inputValue()).toBe("2");
    // Its first data (the first hour with a trip), and why the periods are a day and not three.
    await expect.poll(() => page.getByTestId("exp-checks").textContent()).toContain(`The store's data begins ${formatDateTimeZ(dataFrom, tz)}: the periods are 1 day each, as long as the data before the change allows.`);
    expect(await page.getByTestId("period-before").textContent()).toContain("24 h");
    expect(await page.getByTestId("period-after").textContent()).toContain("24 h");
    expect(await page.getByTestId("before-from").inputValue()).toBe(toLocalInput(changeAt - DAY, tz));
    expect(await page.getByTestId("after-to").inputValue()).toBe(toLocalInput(changeAt + DAY, tz));
    await expect.poll(() => page.getByTestId("experiment-form").locator('[data-zone="promo"]').getAttribute("aria-pressed")).toBe("true");
    await expect.poll(() => page.getByTestId("exp-create").isEnabled()).toBe(true);
    await shot(page, "experiment-form-history", { fullPage: true });
    await page.getByTestId("exp-create").click();
    await page.getByTestId("verdict-table").waitFor();
    const id = new URLSearchParams(page.url().split("?")[1]).get("id")!;
    const created = (await t.shop.api.request<Experiment>("GET", `/api/v1/experiments/${id}`)).body;
    expect(created.before).toEqual({ from: changeAt - DAY, to: changeAt });
    expect(created.after).toEqual({ from: changeAt, to: changeAt + DAY });
    expect(created.before.from).toBeGreaterThanOrEqual(dataFrom);
    await page.close();
  });
});


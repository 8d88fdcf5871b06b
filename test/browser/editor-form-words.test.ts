/**
 * A merchandiser's slips in the layout editor's own fields: a cleared Time zone took the whole editor
 * down ("This view failed: unknown time zone"), and a "Valid from" in 2100 was sent and came back as the
 * API's 400 ("body/validFrom ... epoch milliseconds ..."). Both are listed under "Fix before saving" in
 * the form's words, Save waits, and the editor keeps working.
 */
import { describe, expect, it } from "vitest";
import { addToken } from "../support/index.js";
import { withShop } from "./helpers/shop.js";

const t = withShop({ store: "words", server: { httpPort: 19900, mqttPort: 19901, metricsPort: 19902 } });

describe("layout editor: its own fields' problems in its words", () => {
  it("lists a cleared time zone without failing, and takes a time zone typed again", async () => {
    const page = await t.open("/editor/words", await addToken(t.server.dataDir, "merchandiser"));
    await page.getByTestId("zone-list").waitFor();
    const tz = page.getByLabel("Time zone");
    await tz.fill("");
    await tz.press("Enter");
    await expect.poll(() => page.getByTestId("problems").locator("li").allTextContents()).toEqual(["Time zone: none is chosen: pick the store's in its Time zone field (e.g. Europe/Paris)"]);
    expect(await page.getByTestId("view-failed").count()).toBe(0);
    expect(await page.getByTestId("save-layout").isDisabled()).toBe(true);
    await tz.fill("Europe/London");
    await tz.press("Enter");
    await expect.poll(() => page.getByTestId("problems").count()).toBe(0);
    await page.close();
  });
  it("lists a “Valid from” in 2100 before saving, not the API's 400", async () => {
    const page = await t.open("/editor/words", await addToken(t.server.dataDir, "merchandiser"));
    await page.getByTestId("zone-list").waitFor();
    await page.getByTestId("zone-list").getByRole("button", { name: /Promo/ }).click();
    await page.getByTestId("zone-name").fill("Promo 2");
    await page.getByTestId("zone-name").press("Enter");
    await page.getByTestId("valid-from").fill("2100-03-01T10:00");
    await expect.poll(() => page.getByTestId("problems").locator("li").allTextContents()).toEqual(["Valid from: a layout version takes effect before the year 2100 (1 Jan 2100, UTC); choose an earlier date"]);
    expect(await page.getByTestId("save-layout").isDisabled()).toBe(true);
    await page.getByTestId("valid-from").fill("2099-03-01T10:00");
    await expect.poll(() => page.getByTestId("problems").count()).toBe(0);
    expect(await page.getByTestId("save-layout").isDisabled()).toBe(false);
    await page.close();
  });
});

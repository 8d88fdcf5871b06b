/**
 * Two ways the layout editor let a merchandiser rewrite the store's history without a word (real chromium, a real server
 * and its SQLite file):
 * - A new zone's id typed by hand as a removed zone's ("promo") brought that zone back, its visits, dwell, paths and
 *   experiments joining the new zone's, with nothing asked (the name's path asks: "Bring back “Promo”"). Now the form
 *   asks: bring it back, with its history, or use promo-2.
 * - "Valid from" set to the very time of a past version (the refit's 09:00, once in force) saved a version that took its
 *   place for ever. Now the editor says so before the save and the save waits for another time; the server refuses it (409).
 */
import { describe, expect, it } from "vitest";
import { formatDateTimeZ } from "../../floorplan-ui/src/model/format.js";
import { toLocalInput } from "../../floorplan-ui/src/model/range.js";
import { shopLayout } from "./helpers/store.js";
import { withShop } from "./helpers/shop.js";
import { drawAisleZone } from "./helpers/plan.js";

const DAY = 86_400_000;
const MIN = 60_000;
const t = withShop({ store: "typed", server: { httpPort: 18500, mqttPort: 18501, metricsPort: 18502 } });

describe("layout editor: a removed zone's id typed, and a past version's time", () => {
  it("asks before a typed id brings a removed zone back, with its history, or gives the zone an id of its own", async () => {
    // Version 2, in force now: the promo table removed.
    const base = shopLayout();
    await t.shop.api.putLayout("typed", { ...base, validFrom: Date.now() - MIN, zones: base.zones.filter((z) => z.id !== "promo") });
    const page = await t.open("/editor/typed", t.shop.tokens.admin);
    await page.getByTestId("zone-list").waitFor();
    const id = await drawAisleZone(page);
    const drawn = await id.inputValue();
    expect(drawn).toMatch(/^zone-\d+$/);
    await id.fill("promo");
    await id.press("Enter");
    // Old editor: the id is promo at once, the removed table's history joined to this zone's, nothing asked.
    const ask = page.getByTestId("zone-id-removed");
    await ask.waitFor({ timeout: 10_000 });
    expect(await ask.textContent()).toContain(
      "“promo” was the id of the removed zone “Promo” (last in version 1): bring it back, with its history (its visits, dwell, paths and experiments carry on under it)? Or use promo-2, a new zone counted from the save.",
    );
    expect(await id.inputValue()).toBe(drawn);
    await page.getByTestId("zone-id-own").click();
    await expect.poll(() => id.inputValue()).toBe("promo-2");
    expect(await ask.count()).toBe(0);
    // Asked again, and this time brought back on purpose.
    await id.fill("promo");
    await id.press("Enter");
    await ask.waitFor();
    await page.getByTestId("zone-id-bring-back").click();
    await expect.poll(() => id.inputValue()).toBe("promo");
    expect(await page.getByTestId("zone-brought-back").textContent()).toContain("Brings back “Promo” of version 1: its history carries on under promo");
    // An id no version had is taken without a question.
    await id.fill("stand");
    await id.press("Enter");
    await expect.poll(() => id.inputValue()).toBe("stand");
    expect(await ask.count()).toBe(0);
    await id.fill("promo");
    await id.press("Enter");
    await page.getByTestId("zone-id-bring-back").click();
    await expect.poll(() => id.inputValue()).toBe("promo");
    await page.getByTestId("save-layout").click();
    await expect.poll(() => page.getByTestId("editor-message").textContent()).toContain("Saved as version 3");
    expect((await t.shop.api.layout("typed")).zones.map((z) => z.id)).toContain("promo");
    await page.close();
  });

  it("says a save at a past version's very time would replace it, and saves a minute later", async () => {
    // The refit, in force since three days ago at a whole minute (as a typed "Valid from" is).
    const refit = Math.floor((Date.now() - 3 * DAY) / MIN) * MIN;
    await t.shop.api.putLayout("typed", { ...shopLayout(), name: "After the refit", validFrom: refit });
    const page = await t.open("/editor/typed", t.shop.tokens.admin);
    await page.getByTestId("zone-list").waitFor();
    await page.getByTestId("zone-list").getByRole("button", { name: /Bakery/ }).click();
    await page.getByTestId("zone-capacity").fill("12");
    await page.getByTestId("zone-capacity").press("Enter");
    await page.getByTestId("valid-from").fill(toLocalInput(refit, "Europe/Paris"));
    const note = page.getByTestId("valid-from-past-version");
    // Old editor: no note, the save enabled (and the old server saved version 5 at the refit's time, version 4 never in force).
    await note.waitFor({ timeout: 10_000 });
    const version = (await t.shop.api.layouts("typed")).layouts.at(-1)!.version;
    expect(await note.textContent()).toBe(
      `Version ${version} was in force from ${formatDateTimeZ(refit, "Europe/Paris")} until ${formatDateTimeZ((await t.shop.api.layouts("typed")).layouts.find((l) => l.validFrom > refit)!.validFrom, "Europe/Paris")}, the time in “Valid from”: a past version is not replaced (history is kept: the figures were counted on it). To change the layout from now, set “Valid from” to now; to change how the figures are read since then, choose a later time (a minute later, say): version ${version} stays in force until it.`,
    );
    expect(await page.getByTestId("save-layout").isDisabled()).toBe(true);
    // A minute later: a new version from then.
    await page.getByTestId("valid-from").fill(toLocalInput(refit + MIN, "Europe/Paris"));
    await expect.poll(() => note.count()).toBe(0);
    await page.getByTestId("save-layout").click();
    await expect.poll(() => page.getByTestId("editor-message").textContent()).toContain(`Saved as version ${version + 1}`);
    const listed = (await t.shop.api.layouts("typed")).layouts;
    expect(listed.filter((l) => l.validFrom === refit).map((l) => l.version)).toEqual([version]);
    expect(listed.find((l) => l.version === version + 1)?.validFrom).toBe(refit + MIN);
    await page.close();
  });

  it("says why not, and what to do, when someone else saved at that very past time after the editor opened", async () => {
    // Two hours after a past refit: no version then when the editor opens, so no note and the save enabled.
    const refit = Math.floor((Date.now() - 2 * DAY) / MIN) * MIN;
    await t.shop.api.putLayout("typed", { ...shopLayout(), name: "Refit two", validFrom: refit });
    const at = refit + 120 * MIN;
    const page = await t.open("/editor/typed", t.shop.tokens.admin);
    await page.getByTestId("zone-list").waitFor();
    await page.getByTestId("zone-list").getByRole("button", { name: /Bakery/ }).click();
    await page.getByTestId("zone-capacity").fill("14");
    await page.getByTestId("zone-capacity").press("Enter");
    await page.getByTestId("valid-from").fill(toLocalInput(at, "Europe/Paris"));
    await expect.poll(() => page.getByTestId("save-layout").isDisabled()).toBe(false);
    expect(await page.getByTestId("valid-from-past-version").count()).toBe(0);
    // Another desk saves at that very time meanwhile.
    await t.shop.api.putLayout("typed", { ...shopLayout(), name: "Other desk", validFrom: at });
    const theirs = (await t.shop.api.layouts("typed")).layouts.at(-1)!.version;
    await page.getByTestId("save-layout").click();
    // Old editor: 'press “Save as new version” again to save yours over theirs', and that second press refused too (409).
    await expect
      .poll(() => page.getByTestId("editor-message").textContent())
      .toContain(
        `Not saved: someone else saved version ${theirs} from ${formatDateTimeZ(at, "Europe/Paris")}, the very time in “Valid from”, after you opened the editor: a past version is not replaced (history is kept: the figures were counted on it), so saving again would be refused too. Your changes are still here: choose a later time in “Valid from” (a minute later, say) to save them as a version from then, or reload the page to start from theirs (yours would be lost).`,
      );
    // The note says when theirs was in force (the versions saved from now, above, replaced it since), and the save waits for another time.
    await page.getByTestId("valid-from-past-version").waitFor();
    expect(await page.getByTestId("valid-from-past-version").textContent()).toMatch(new RegExp(`^Version ${theirs} (was in force from|has been in force since) ${formatDateTimeZ(at, "Europe/Paris")}`));
    expect(await page.getByTestId("save-layout").isDisabled()).toBe(true);
    await page.getByTestId("valid-from").fill(toLocalInput(at + MIN, "Europe/Paris"));
    await page.getByTestId("save-layout").click();
    // When it applies and until which version (a later one is in force now), not "Saved as version N." alone (session 47).
    await expect
      .poll(() => page.getByTestId("editor-message").textContent())
      .toMatch(new RegExp(`^Saved as version ${theirs + 1}, in force from ${formatDateTimeZ(at + MIN, "Europe/Paris")} until version \\d+ on .+: a past span, whose figures are now read on it\\. The layout in force now is unchanged\\.`));
    const listed = (await t.shop.api.layouts("typed")).layouts;
    expect(listed.filter((l) => l.validFrom === at).map((l) => l.version)).toEqual([theirs]);
    // Saved: no warning that the version at that time (the one just saved) "is not replaced" under "Saved as version ...",
    // once the Versions list shows it. Old editor: the note named the version just saved, as if the save had been refused.
    await page.locator(`.versions li[data-version="${theirs + 1}"]`).waitFor();
    expect(await page.getByTestId("valid-from-past-version").count()).toBe(0);
    await page.close();
  });
});

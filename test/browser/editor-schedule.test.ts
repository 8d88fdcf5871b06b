/**
 * A merchandiser saves next Monday's refit from the layout editor ("Valid from" a week ahead). The
 * editor must say the save is for later (nothing changes until then), not just "Saved as version 2"
 * under a heading "version 2" as if it were in force; and it is not: the API's layout and the
 * retained layout the store's agents read are still version 1.
 */
import { describe, expect, it } from "vitest";
import { topics, type Layout } from "@footfall/core";
import { formatDateTimeZ } from "../../floorplan-ui/src/model/format.js";
import { fromLocalInput, toLocalInput } from "../../floorplan-ui/src/model/range.js";
import { addToken } from "../support/index.js";
import { withShop } from "./helpers/shop.js";

const DAY = 86_400_000;
const t = withShop({ store: "monday", server: { httpPort: 19640, mqttPort: 19641, metricsPort: 19642 } });

describe("layout editor: a version saved for later", () => {
  it("says it is scheduled and from when, while the store and its agents keep the version in force", async () => {
    const merchandiser = await addToken(t.server.dataDir, "merchandiser");
    const page = await t.open("/editor/monday", merchandiser);
    await page.getByTestId("zone-list").waitFor();
    await page.getByTestId("zone-list").getByRole("button", { name: /Promo/ }).click();
    await page.getByTestId("zone-name").fill("Promo Noël");
    await page.getByTestId("zone-name").press("Enter");
    const typed = toLocalInput(Date.now() + 7 * DAY, "Europe/Paris");
    const monday = fromLocalInput(typed, "Europe/Paris")!;
    await page.getByTestId("valid-from").fill(typed);
    await page.getByTestId("save-layout").click();

    const when = formatDateTimeZ(monday, "Europe/Paris");
    await expect.poll(() => page.getByTestId("editor-message").textContent()).toContain(`Saved as version 2, scheduled: it takes effect from ${when}`);
    await expect.poll(() => page.locator(".page-h .sub").textContent()).toBe(`Rivoli test shop · version 2, scheduled from ${when}: not in force yet`);

    // Nothing changed yet: the layout in force and the one the agents read are version 1.
    const inForce = await t.shop.api.layout("monday");
    expect([inForce.version, inForce.zones.find((z) => z.id === "promo")?.name]).toEqual([1, "Promo"]);
    expect((await t.shop.api.layout("monday", monday)).zones.find((z) => z.id === "promo")?.name).toBe("Promo Noël");
    const retained = new Promise<Layout>((resolve) => t.shop.mqtt.on("message", (topic, payload) => topic === topics.layout("monday") && resolve(JSON.parse(payload.toString()) as Layout)));
    await t.shop.mqtt.subscribeAsync(topics.layout("monday"), { qos: 1 });
    const agents = await retained;
    expect([agents.version, agents.zones.find((z) => z.id === "promo")?.name]).toEqual([1, "Promo"]);
    await page.close();
  });
});

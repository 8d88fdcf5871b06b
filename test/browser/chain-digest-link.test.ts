/**
 * A digest's "Chain view" link, opened in chromium against the built server: the chain view shows the digest's day (its
 * `from`/`to` hours), with the enters the digest gives, not the view's default last 7 days; picking a preset leaves it.
 */
import { describe, expect, it } from "vitest";
import { waitFor } from "../support/index.js";
import { withShop } from "./helpers/shop.js";
import { trips } from "./helpers/store.js";

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** The Paris date `daysAgo` days before today there, YYYY-MM-DD. */
const parisDay = (daysAgo: number) => new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" }).format(Date.now() - daysAgo * DAY);
/** Noon in Paris (11:00 UTC in winter, 10:00 in summer: either is that day) `daysAgo` days before today there. */
const noon = (daysAgo: number) => Date.parse(`${parisDay(daysAgo)}T10:30:00Z`);

const t = withShop({
  server: { httpPort: 19710, mqttPort: 19711, metricsPort: 19712, maxEventAgeMs: 10 * DAY },
  setup: async ({ shop }) => {
    // Three days ago 10 shoppers, two days ago 4: the week holds 14.
    await shop.publish([...trips(shop.events, noon(3), HOUR, 10, 3), ...trips(shop.events, noon(2), HOUR, 4, 4)]);
    await waitFor("the trips stored", async () => (await api("GET", `/overview?from=${Math.floor((Date.now() - 9 * DAY) / HOUR) * HOUR}`)).stores?.[0]?.figures?.enters === 14, {
      timeoutMs: 30_000,
      intervalMs: 250,
    });
  },
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the API's JSON, read field by field below
const api = async (method: string, path: string, body?: unknown): Promise<any> =>
  (
    await fetch(`${t.server.httpUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${t.shop.tokens.admin}`, ...(body ? { "content-type": "application/json" } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    })
  ).json();

describe("a digest's link to the chain view", () => {
  it("opens the chain view on the digest's day with its enters, and a preset picked leaves it", async () => {
    const digest = await api("POST", "/digests", { scope: "store", target: t.shop.store, frequency: "daily", recipients: ["area@shop.example"], hour: 7 });
    const preview = await api("GET", `/digests/${digest.id}/preview?period=${parisDay(3)}`);
    expect(preview.text).toMatch(/^Enters\s+10\s/m);
    const link = /^Chain view: (\S+)$/m.exec(preview.text as string)![1]!;
    const hash = link.slice(link.indexOf("#") + 1);
    expect(hash).toMatch(/^\/chain\?from=\d+&to=\d+$/);

    const page = await t.open(hash, t.shop.tokens.viewer);
    const enters = page.locator(`tr[data-store="${t.shop.store}"] td[data-figure="enters"]`);
    await enters.waitFor({ timeout: 15_000 });
    // The digest's day, not the last 7 days (14 enters); old UI: the link's hours ignored.
    await expect.poll(async () => (await enters.textContent())?.match(/^\d+/)?.[0]).toBe("10");
    const shown = await page.getByTestId("chain-range").textContent();
    expect(shown).not.toMatch(/so far/);
    expect(await page.locator('[aria-label="Date range"] button[aria-pressed="true"]').count()).toBe(0);

    await page.locator('[aria-label="Date range"] button', { hasText: "Last 7 days" }).click();
    await expect.poll(async () => (await enters.textContent())?.match(/^\d+/)?.[0]).toBe("14");
    expect(page.url()).not.toMatch(/from=/);
    await page.close();
  });
});

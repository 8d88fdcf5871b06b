/**
 * The retention horizon where it matters (issue 11): a server that keeps raw events 3 days
 * (FOOTFALL_RETENTION_DAYS=3) says so in the views whose figures need raw events (Experiments)
 * or whose range reaches past it (Flows, Funnels), and stays quiet for a range within it. A range
 * before the horizon that is not on whole hours is refused by the server with a 400 that names
 * the horizon, and the view shows that message.
 */
import { describe, expect, it } from "vitest";
import { shot } from "./helpers/browser.js";
import { withShop } from "./helpers/shop.js";

const STORE = "rivoli";
const t = withShop({ server: { env: { FOOTFALL_RETENTION_DAYS: "3" } }, store: STORE, timeoutMs: 120_000 });
const open = (hash: string, token = t.shop.tokens.viewer) => t.open(hash, token);

describe("the retention horizon in the UI", () => {
  it("the API says how long raw events are kept", async () => {
    const res = await fetch(`${t.server.httpUrl}/api/v1/stores`, { headers: { authorization: `Bearer ${t.shop.tokens.viewer}` } });
    const body = (await res.json()) as { retention: { rawDays: number; rawSince: number } };
    expect(body.retention.rawDays).toBe(3);
    expect(Math.abs(body.retention.rawSince - (Date.now() - 3 * 86_400_000))).toBeLessThan(600_000);
  });

  it("Funnels over the last 30 days say raw events are kept 3 days and that older ranges show aggregates only", async () => {
    const page = await open(`/funnel/${STORE}?range=last30&steps=fruit,checkout`);
    const note = page.getByTestId("retention-note");
    await note.waitFor();
    expect(await note.textContent()).toMatch(/^Raw events are kept 3 days \(since .+\): older ranges show aggregates only, so they must start and end on whole hours\.$/);
    await shot(page, "retention-funnel-last30");
    await page.close();
  });

  it("a range before the horizon that is not on whole hours: the view shows the server's 400, which names the horizon", async () => {
    const from = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 10 * 86_400_000 + 30 * 60_000;
    const page = await open(`/funnel/${STORE}?from=${from}&to=${from + 86_400_000}&steps=fruit,checkout`);
    await page.getByTestId("retention-note").waitFor();
    await page.getByText(/needs raw events, and those before \d{4}-\d\d-\d\dT[\d:.]+Z are no longer kept \(FOOTFALL_RETENTION_DAYS\)/).first().waitFor();
    await page.close();
  });

  it("Funnels and Flows of today say nothing about it (the range is within the horizon)", async () => {
    for (const hash of [`/funnel/${STORE}?range=today&steps=fruit,checkout`, `/flows/${STORE}?range=today`]) {
      const page = await open(hash);
      await page.getByTestId("retention-quiet").waitFor({ state: "attached" });
      expect(await page.getByTestId("retention-note").count()).toBe(0);
      await page.close();
    }
  });

  it("Flows over the last 30 days say older ranges show aggregates only", async () => {
    const page = await open(`/flows/${STORE}?range=last30`);
    const note = page.getByTestId("retention-note");
    await note.waitFor();
    expect(await note.textContent()).toMatch(/^Raw events are kept 3 days \(since .+\): older ranges show aggregates only/);
    await page.close();
  });

  it("Experiments say their periods need raw events", async () => {
    const page = await open(`/experiments/${STORE}`, t.shop.tokens.admin);
    const note = page.getByTestId("retention-note");
    await note.waitFor();
    expect(await note.textContent()).toMatch(/Raw events are kept 3 days .*Experiments' per-visit statistics and their CSV exports need raw events: choose periods from then on/);
    await page.close();
  });
});

/**
 * The Chain view (issue 15.1) in chromium against the built server: two stores fed over MQTT with
 * this week's, last week's and last year's visits, and an outlet only a door counter counts; the
 * table shows each store's enters as the server counts them with arrows against the previous period
 * and last year, the outlet's visitors as "–" (a door counter cannot tell them), sorts by a column
 * both ways, filters to a group (with the group's totals), and a click opens the store.
 */
import { readFile } from "node:fs/promises";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import type { Locator, Page } from "playwright-core";
import { formatDate } from "../../floorplan-ui/src/model/format.js";
import { addAgent, waitFor, type EventFactory } from "../support/index.js";
import { shot } from "./helpers/browser.js";
import { withShop } from "./helpers/shop.js";
import { seedStore, trips, type SeededStore } from "./helpers/store.js";

const DAY = 86_400_000;
let mall: SeededStore;
let outlet: SeededStore;

/**
 * Around noon in Paris (the browser's zone), `daysAgo` days before today there: the view's days are
 * Paris days. (Noon UTC of the UTC day failed between 23:00 and 24:00 UTC, when Paris is already a
 * day ahead: "last 7 days" then held 6 days and an hour, and its previous period lost a day.)
 */
const noon = (daysAgo: number) => {
  const [y, m, d] = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" }).format(Date.now()).split("-").map(Number);
  return Date.UTC(y!, m! - 1, d! - daysAgo, 11);
};

/** `n` trips on each of the given days ago, one batch per store. */
function history(f: EventFactory, perDay: Record<number, number>, seed: number) {
  return Object.entries(perDay).flatMap(([ago, n], i) => trips(f, noon(Number(ago)), 3_600_000, n, seed * 100 + i));
}

const t = withShop({
  server: { maxEventAgeMs: 400 * DAY },
  setup: async ({ server, shop }) => {
    mall = await seedStore(server, "mall");
    outlet = await seedStore(server, "outlet");
    // This week: the shop busier than last week and last year; the mall quieter than last week.
    await shop.publish(history(shop.events, { 1: 12, 2: 12, 3: 12, 4: 12, 5: 12, 9: 8, 10: 8, 11: 8, 12: 8, 366: 5, 367: 5 }, 1));
    await mall.publish(history(mall.events, { 1: 4, 2: 4, 3: 4, 9: 10, 10: 10 }, 2));
    // The outlet: a door counter on its entrance and no camera, 5 in this week and 3 the week before.
    await outlet.publish([outlet.events.count("entrance", noon(2), 5, 5), outlet.events.count("entrance", noon(9), 3, 3)]);
    const res = await fetch(`${server.httpUrl}/api/v1/groups`, {
      method: "POST",
      headers: { authorization: `Bearer ${shop.tokens.admin}`, "content-type": "application/json" },
      body: JSON.stringify({ id: "malls", name: "Malls", kind: "format", stores: ["mall"] }),
    });
    expect(res.status).toBe(200);
    // Every trip is stored (one entrance visit each).
    const to = Math.ceil(Date.now() / 3_600_000) * 3_600_000;
    await waitFor(
      "every trip stored",
      async () => {
        const o = await get(`/overview?from=${to - 400 * DAY}&to=${to}`);
        const enters = Object.fromEntries((o.stores as { id: string; figures: { enters: number } }[]).map((s) => [s.id, s.figures.enters]));
        return enters.shop === 102 && enters.mall === 32 && enters.outlet === 8;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
  },
  teardown: async () => {
    await mall?.close();
    await outlet?.close();
  },
  timeoutMs: 90_000,
});

const get = (path: string) => fetch(`${t.server.httpUrl}/api/v1${path}`, { headers: { authorization: `Bearer ${t.shop.tokens.admin}` } }).then((r) => r.json());

describe("the Chain view", () => {
  it("lists every store with its figures and comparison arrows, sorts by a column, filters to a group and opens a store", async () => {
    const page = await t.open("/chain/shop?range=last7", t.shop.tokens.viewer);
    const table = page.getByTestId("chain-table");
    await table.waitFor();
    const rowIds = () => page.locator("[data-testid=chain-table] tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-store")));
    const cell = (store: string, figure: string) => page.locator(`tr[data-store="${store}"] td[data-figure="${figure}"]`);

    // Enters of the last 7 days, as the server counts them; sorted by enters, most first.
    expect(await rowIds()).toEqual(["shop", "mall", "outlet"]);
    expect(await cell("shop", "enters").locator(".v").textContent()).toBe("60");
    expect(await cell("mall", "enters").locator(".v").textContent()).toBe("12");
    // Under the mall's name, its group as the Group filter names it, not its id "malls"; a store in no group shows its id.
    await page.locator('tr[data-store="mall"] [data-testid=store-groups]').filter({ hasText: "Malls" }).waitFor({ timeout: 10_000 });
    expect(await page.locator('tr[data-store="mall"] [data-testid=store-groups]').textContent()).toBe("Malls");
    expect(await page.locator('tr[data-store="outlet"] [data-testid=store-groups]').textContent()).toBe("outlet");
    // Like-for-like: the shop, counted all last week, is up on it (60 vs 32); its figures begin 367 days ago, inside last year's
    // week (10 enters over 2 of its days): "new", no %. The mall's begin 10 days ago, inside last week (12 vs 20 read -40 %): "new" both ways.
    const changes = (store: string) => cell(store, "enters").locator(".chg").evaluateAll((els) => els.map((e) => e.getAttribute("data-change") ?? "none"));
    expect(await changes("shop")).toEqual(["up", "new"]);
    expect(await changes("mall")).toEqual(["new", "new"]);
    expect(await cell("mall", "enters").locator(".chg").first().textContent()).toBe("— new prev");
    expect(await cell("mall", "enters").locator(".chg").first().getAttribute("title")).toMatch(/^Counted from .*: the previous period is not complete, so a change would overstate growth$/);
    expect(await cell("mall", "enters").locator(".chg").last().getAttribute("title")).toMatch(/the same weekdays last year has no figures to compare with/);
    expect(await cell("shop", "enters").locator(".chg").last().getAttribute("title")).toMatch(/the same weekdays last year are not complete/);
    expect(await cell("shop", "enters").locator(".chg").first().textContent()).toMatch(/▲ \+88 %/);
    // The totals' changes are over the stores counted through both periods, and say so; the totals themselves are every store's.
    expect(await page.getByTestId("chain-lfl").textContent()).toBe("Changes like-for-like: 1 of 3 stores against the previous period, 0 of 3 against last year");
    expect(await page.locator('[data-testid=chain-totals] [data-total="enters"] .chg').first().textContent()).toMatch(/▲ \+88 %/);
    // The outlet's door counted 5 in; it cannot tell visitors apart: "–" with the reason, and nothing to compare.
    expect(await cell("outlet", "enters").locator(".v").textContent()).toBe("5");
    expect(await cell("outlet", "visitors").locator(".v").textContent()).toBe("–");
    expect(await cell("outlet", "visitors").getAttribute("title")).toMatch(/door counters/);
    // ...said on the page too (a tablet shows no title), and only where it applies.
    expect(await cell("outlet", "visitors").getByTestId("visitors-door-only").textContent()).toBe("door counters only");
    expect(await page.getByTestId("visitors-door-only").count()).toBe(1);
    expect(await cell("outlet", "visitors").locator(".chg").count()).toBe(0);
    // Its occupancy is the door count: since midnight, or since the last closing with opening hours (as the live tablet says).
    expect(await cell("outlet", "occupancy").getAttribute("title")).toBe("door counters' net count (in minus out) since local midnight, or since the last closing for a store with opening hours");
    expect(Number(await cell("shop", "visitors").locator(".v").textContent())).toBeGreaterThan(0);
    // No sale recorded yet (no till feed): no conversion or basket ("–", titled "No data"), not 0 %; the totals neither (no store has sales data).
    for (const figure of ["conversion", "averageBasket"]) {
      expect(await cell("shop", figure).locator(".v").textContent(), figure).toBe("–");
      expect(await cell("shop", figure).getAttribute("title"), figure).toMatch(/^No data: no sale is recorded up to the end of this period/);
      const total = page.locator(`[data-testid=chain-totals] [data-total="${figure}"]`);
      expect(await total.locator(".v").textContent(), figure).toBe("–");
      expect(await total.getAttribute("title"), figure).toMatch(/^No data: no sale is recorded/);
    }
    // A median dwell reads as on every other screen ("2 min 05 s", was "2m05"), and its header says what it is the median of.
    expect(await cell("shop", "dwellMedianS").locator(".v").textContent()).toMatch(/^\d+ min \d\d s$/);
    expect(await page.locator('[data-testid=chain-totals] [data-total="dwellMedianS"] .v').textContent()).toMatch(/^\d+ min \d\d s$/);
    expect(await page.locator('th:has(button[data-sort="dwellMedianS"])').getAttribute("title")).toMatch(/median length of the period's zone visits/);
    await shot(page, "chain-overview");

    // A click on the column sorts the other way; again, back.
    await page.locator('button[data-sort="enters"]').click();
    expect(await rowIds()).toEqual(["outlet", "mall", "shop"]);
    expect(await page.locator('th:has(button[data-sort="enters"])').getAttribute("aria-sort")).toBe("ascending");
    await page.locator('button[data-sort="enters"]').click();
    expect(await rowIds()).toEqual(["shop", "mall", "outlet"]);
    // The sort is in the link: it survives a reload (or opening a store and coming back).
    await page.locator('button[data-sort="name"]').click();
    const shown = await page.locator("[data-testid=chain-table] tbody tr").evaluateAll((trs) => trs.map((tr) => [tr.querySelector(".store-name")!.textContent!, tr.getAttribute("data-store")!]));
    expect(shown).toEqual([...shown].sort(([a, x], [b, y]) => a!.localeCompare(b!, "en", { sensitivity: "base", numeric: true }) || (x! < y! ? -1 : 1)));
    expect(page.url()).toContain("sort=name");
    const byName = await rowIds();
    await page.reload();
    await page.locator('tr[data-store="shop"]').waitFor();
    expect(await rowIds()).toEqual(byName);
    expect(await page.locator('th:has(button[data-sort="name"])').getAttribute("aria-sort")).toBe("ascending");
    await page.locator('button[data-sort="enters"]').click();
    expect(page.url()).not.toContain("sort=");
    expect(await rowIds()).toEqual(["shop", "mall", "outlet"]);

    // The totals are the sum of the stores; visitors the sum of the stores that count them.
    expect(await page.locator('[data-testid=chain-totals] [data-total="enters"] .v').textContent()).toBe("77");
    const visitors = async (at: string) => Number(await page.locator(at).textContent());
    expect(await visitors('[data-testid=chain-totals] [data-total="visitors"] .v')).toBe(
      (await visitors('tr[data-store="shop"] td[data-figure="visitors"] .v')) + (await visitors('tr[data-store="mall"] td[data-figure="visitors"] .v')),
    );
    // ... and they say so under the figure: the outlet (door counters only) is not in it. A group of camera stores says nothing.
    expect(await page.locator('[data-testid=chain-totals] [data-total="visitors"] [data-testid=visitors-left-out]').textContent()).toBe("without 1 door-counter-only store");
    expect(await page.locator('[data-testid=group-totals] tr[data-group="malls"] [data-testid=visitors-left-out]').count()).toBe(0);
    // Group totals, then the group alone.
    expect(await page.locator('[data-testid=group-totals] tr[data-group="malls"] td[data-figure="enters"] .v').textContent()).toBe("12");
    expect(await page.locator('[data-testid=group-totals] tr[data-group="malls"]').textContent()).toContain("1 store");
    expect(await page.locator('[data-testid=group-totals] tr[data-group="malls"]').textContent()).not.toContain("1 stores");
    // The group's one store is new both ways: its changes say so.
    expect(await page.locator('[data-testid=group-totals] tr[data-group="malls"] [data-testid=group-lfl]').textContent()).toBe("Changes like-for-like: 0 of 1 store");
    await page.getByTestId("group-filter").selectOption("malls");
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=chain-table] tbody tr").length === 1);
    expect(await rowIds()).toEqual(["mall"]);
    expect(await page.locator("[data-testid=chain-totals]").textContent()).toContain("Malls");
    expect(page.url()).toContain("group=malls");
    await shot(page, "chain-group");

    // A click on a store opens it on the period its row showed (last 7 days, not today); back comes to the chain as it was.
    await page.locator('tr[data-store="mall"]').click();
    await page.waitForURL(/#\/heatmap\/mall\?range=last7$/);
    await page.getByRole("button", { name: "Last 7 days", pressed: true }).waitFor();
    await page.goBack();
    await page.waitForURL(/#\/chain\/shop\?.*group=malls/);
    expect(page.url()).toContain("range=last7");
    await page.close();
  });

  it("exports the table as it is shown (sorted, filtered) with the API's figures over the view's range", async () => {
    const page = await t.open("/chain/shop?range=last7&sort=name&order=asc", t.shop.tokens.viewer);
    await page.locator('tr[data-store="outlet"]').waitFor();
    const shownIds = await page.locator("[data-testid=chain-table] tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-store")));
    const [d] = await Promise.all([page.waitForEvent("download"), page.getByTestId("chain-export").click()]);
    const raw = await readFile((await d.path())!, "utf8");
    expect(raw.charCodeAt(0), "a BOM for Excel").toBe(0xfeff);
    const all = parse(raw.slice(1), { columns: true }) as Record<string, string>[];
    const rows = all.filter((r) => r.row === "store");
    expect(d.suggestedFilename()).toMatch(/^footfall-chain-\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv$/);
    // The rows in the view's order; each store's figures the API's for the range every row names.
    expect(rows.map((r) => r.store)).toEqual(shownIds);
    const from = Date.parse(rows[0]!.range_from!);
    // The running range ends now, when the view read its figures (as its heading says), not at the end of the hour it asked the overview to.
    const end = Date.parse(rows[0]!.range_to!);
    expect(end).toBeLessThanOrEqual(Date.now());
    expect(Date.now() - end).toBeLessThan(5 * 60_000);
    const heading = await page.getByTestId("chain-range").textContent();
    expect(heading).toContain(`so far, to ${rows[0]!.range_to!.slice(11, 16)} `);
    const to = Math.ceil(end / 3_600_000) * 3_600_000;
    type F = { enters: number | null; visitors: number | null; transactions: number | null; sales: number | null };
    const api = (await get(`/overview?from=${from}&to=${to}`)) as { stores: { id: string; name: string; figures: F; previous: F; lastYear: F; agents: { health: string } }[] };
    // No data is an empty cell, never 0 (the API's null).
    const cellOf = (x: number | null) => (x === null ? "" : String(x));
    for (const r of rows) {
      const s = api.stores.find((x) => x.id === r.store)!;
      expect([r.name, r.enters, r.enters_previous, r.enters_last_year, r.agents_health]).toEqual([s.name, cellOf(s.figures.enters), cellOf(s.previous.enters), cellOf(s.lastYear.enters), s.agents.health]);
      expect(r.visitors).toBe(cellOf(s.figures.visitors));
      // No store has a sale recorded yet (no till feed): transactions and sales empty, not 0, in every period.
      expect([r.transactions, r.sales, r.conversion, r.transactions_previous, r.sales_last_year], r.store).toEqual(["", "", "", "", ""]);
      expect([s.figures.transactions, s.previous.sales, s.lastYear.transactions], r.store).toEqual([null, null, null]);
    }
    expect(rows.find((r) => r.store === "shop")!.enters).toBe("60");
    // Like-for-like as the view says it: the shop compared with last week only, the mall new both ways.
    const lfl = (id: string) => ["like_for_like_previous", "like_for_like_last_year", "not_like_for_like_previous", "not_like_for_like_last_year"].map((c) => rows.find((r) => r.store === id)![c]);
    expect(lfl("shop")).toEqual(["true", "false", "", "new"]);
    expect(lfl("mall")).toEqual(["false", "false", "new", "new"]);
    // Then the totals the view shows, named as it names them: every store's enters, and the like-for-like ones (the shop's 60 against 32: the +88 %).
    const totals = all.filter((r) => r.row === "total").map((r) => [r.name, r.stores, r.enters, r.enters_previous]);
    expect(totals).toEqual([
      ["All stores", "3", "77", ""],
      ["All stores, like-for-like against the previous period: 1 of 3 stores", "1", "60", "32"],
      ["All stores, like-for-like against last year: 0 of 3 stores", "0", "0", ""],
    ]);
    expect(all.filter((r) => r.row === "group").map((r) => r.name)).toEqual(["Malls", "Malls, like-for-like against the previous period: 0 of 1 store", "Malls, like-for-like against last year: 0 of 1 store"]);
    // The outlet's door cannot tell visitors apart: an empty cell, not 0; the total's visitors leave it out and say so.
    expect(rows.find((r) => r.store === "outlet")!.visitors).toBe("");
    expect(all.filter((r) => r.row === "total").map((r) => r.visitors_stores_left_out)).toEqual(["1", "", ""]);
    // Filtered to one store: only it.
    await page.getByRole("searchbox", { name: "Filter stores" }).fill("mall");
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=chain-table] tbody tr").length === 1);
    const [one] = await Promise.all([page.waitForEvent("download"), page.getByTestId("chain-export").click()]);
    const oneRows = parse((await readFile((await one.path())!, "utf8")).slice(1), { columns: true }) as Record<string, string>[];
    expect(oneRows.filter((r) => r.row === "store").map((r) => r.store)).toEqual(["mall"]);
    await page.close();
  });

  it("shows each store's average basket in its own currency, and adds no amounts across currencies", async () => {
    const admin = { authorization: `Bearer ${t.shop.tokens.admin}`, "content-type": "application/json" };
    // The shop sells in euros and the mall in pounds (a new version of each layout, from now on), each with sales this week.
    for (const [store, currency, amounts] of [
      ["shop", "EUR", [10, 14]],
      ["mall", "GBP", [30]],
    ] as const) {
      const { version: _v, store: _s, ...layout } = (await fetch(`${t.server.httpUrl}/api/v1/stores/${store}/layout`, { headers: admin }).then((r) => r.json())) as Record<string, unknown>;
      expect((await fetch(`${t.server.httpUrl}/api/v1/stores/${store}/layout`, { method: "PUT", headers: admin, body: JSON.stringify({ ...layout, currency, validFrom: Date.now() }) })).status).toBe(200);
      const sales = amounts.map((amount, i) => ({ ts: noon(2), zone: "entrance", amount, transaction: `${store}-${i}` }));
      const res = await fetch(`${t.server.httpUrl}/api/v1/stores/${store}/sales`, { method: "POST", headers: admin, body: JSON.stringify({ sales }) });
      expect(((await res.json()) as { accepted: number }).accepted).toBe(amounts.length);
    }
    const page = await t.open("/chain/shop?range=last7", t.shop.tokens.viewer);
    await page.getByTestId("chain-table").waitFor();
    const basket = (store: string) => page.locator(`tr[data-store="${store}"] td[data-figure="averageBasket"]`);
    await page.waitForFunction(() => document.querySelector('tr[data-store="shop"] td[data-figure="averageBasket"] .v')?.textContent !== "–");
    expect(await basket("shop").locator(".v").textContent()).toBe("€12.00");
    expect(await basket("mall").locator(".v").textContent()).toBe("£30.00");
    // The totals: no euros and pounds added up; "–" saying why. Conversion is a ratio: it adds up.
    const total = page.locator('[data-testid=chain-totals] [data-total="averageBasket"]');
    expect(await total.locator(".v").textContent()).toBe("–");
    expect(await total.getAttribute("title")).toBe("These stores sell in EUR and GBP: amounts in different currencies are not added up");
    // ... and says so on the page too, where a tablet shows no title (it showed a bare "–" beside each store's basket).
    expect(await total.getByTestId("basket-currencies").textContent()).toBe("EUR and GBP: not added up");
    expect(await page.locator('[data-testid=chain-totals] [data-total="conversion"] .v').textContent()).not.toBe("–");
    // The malls group sells in pounds only: its basket is in pounds.
    expect(await page.locator('[data-testid=group-totals] tr[data-group="malls"] td[data-figure="averageBasket"] .v').textContent()).toBe("£30.00");
    await shot(page, "chain-currencies");
    await page.close();
  });

  it("says under a store's conversion that its sales count from the day its figures begin, when that is inside the range", async () => {
    // The mall is counted from 10 days ago (its sale: 2 days ago); the shop for more than a year.
    const page = await t.open("/chain/shop?range=last30", t.shop.tokens.viewer);
    await page.getByTestId("chain-table").waitFor();
    const conversion = (store: string) => page.locator(`tr[data-store="${store}"] td[data-figure="conversion"]`);
    await page.waitForFunction(() => document.querySelector('tr[data-store="mall"] td[data-figure="conversion"] .v')?.textContent !== "–");
    const to = Math.ceil(Date.now() / 3_600_000) * 3_600_000;
    const o = (await get(`/overview?from=${to - 30 * DAY}&to=${to}`)) as { stores: { id: string; since: number | null; timezone: string }[] };
    const mall = o.stores.find((s) => s.id === "mall")!;
    // The API's since, the local midnight of the mall's first day, said in the mall's time zone; nothing said for the shop.
    expect(mall.since).toBeGreaterThan(Date.now() - 11 * DAY);
    expect(await conversion("mall").getByTestId("conversion-since").textContent()).toBe(`since ${formatDate(mall.since!, mall.timezone)}`);
    expect(await conversion("shop").getByTestId("conversion-since").count()).toBe(0);
    await page.close();
  });

  it("says under a store's agent health how many of its agents need attention, as the Agents view counts them, and links an admin to them", async () => {
    // A door counter added to the outlet and never started: never seen.
    await addAgent(t.server.dataDir, "outlet", "door-9", "door");
    const needing = (await get("/agents?problems=1&store=outlet")) as { total: number; agents: { agent: string }[] };
    expect(needing.agents.map((a) => a.agent)).toContain("door-9");
    const words = `${needing.total} need${needing.total === 1 ? "s" : ""} attention`;

    // A viewer reads the count, without a link (the Agents view is IT's).
    const viewer = await t.open("/chain/shop?range=last7", t.shop.tokens.viewer);
    const seen = viewer.getByTestId("agents-attention-outlet");
    await seen.waitFor({ timeout: 20_000 });
    expect(await seen.textContent()).toBe(words);
    expect(await seen.locator("a").count()).toBe(0);
    expect(await attentionColour(seen.locator("span"))).toEqual(await warnColour(viewer));
    await viewer.close();

    // At a laptop's size, opened first (no other view's styles loaded): the link reads in the view's
    // amber for "worth a look", as the "Some offline" health does, not in a link's indigo.
    const page = await t.open("/chain/shop?range=last7", t.shop.tokens.admin, { width: 1280, height: 800 });
    const cell = page.getByTestId("agents-attention-outlet");
    await cell.waitFor({ timeout: 20_000 });
    expect(await cell.textContent()).toBe(words);
    const amber = await warnColour(page);
    expect(amber).toBe("rgb(180, 83, 9)");
    expect(await attentionColour(cell.getByRole("link"))).toEqual(amber);
    expect(await cell.getByRole("link").evaluate((a) => getComputedStyle(a).fontWeight)).toBe("600");
    await cell.scrollIntoViewIfNeeded();
    await shot(page, "chain-agents-attention-1280");
    await cell.getByRole("link").click();
    // The Agents view, every store's list narrowed to the outlet's agents needing attention: the same ones.
    const rows = page.getByTestId("all-agents-table").locator("tbody tr");
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(needing.total);
    expect(page.url()).toMatch(/#\/agents\/outlet\?scope=all&problems=1&only=outlet/);
    expect(await rows.evaluateAll((trs) => trs.map((r) => r.getAttribute("data-testid")))).toEqual(needing.agents.map((a) => `all-agent-outlet-${a.agent}`));
    await page.close();
  });

  it("says a group in the link does not exist (deleted, or not this token's) and offers every store, instead of the API's 404", async () => {
    const page = await t.open("/chain/shop?range=last7&group=gone", t.shop.tokens.viewer);
    await page.getByRole("heading", { name: "No group “gone”" }).waitFor({ timeout: 20_000 });
    expect(await page.locator(".state").textContent()).toContain("deleted, or whose stores your token may not see");
    expect(await page.getByRole("alert").count()).toBe(0);
    await shot(page, "chain-unknown-group");
    await page.getByTestId("chain-all-stores").click();
    await page.getByTestId("chain-table").waitFor({ timeout: 20_000 });
    expect(page.url()).not.toContain("group=");
    expect(await page.locator("[data-testid=chain-table] tbody tr").count()).toBe(3);
    await page.close();
  });
});

/** The text colour of an element, as `rgb(r, g, b)`. */
const attentionColour = (el: Locator) => el.evaluate((e) => getComputedStyle(e).color);

/** The UI's amber for "worth a look" (`--warn`), as the page computes it. */
const warnColour = (page: Page) =>
  page.evaluate(() => {
    const probe = document.createElement("span");
    probe.style.color = "var(--warn)";
    document.body.append(probe);
    const c = getComputedStyle(probe).color;
    probe.remove();
    return c;
  });


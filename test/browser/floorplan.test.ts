/**
 * The floor-plan UI in Debian's chromium against a real `footfall serve` with a seeded store:
 * sign-in, the heatmap against the API's figures, flows, the layout editor and agents.
 */
import Database from "better-sqlite3";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { interpolateViridis } from "d3-scale-chromatic";
import { topics, type ZoneDwell } from "@footfall/core";
import { withShop } from "./helpers/shop.js";
import { shot } from "./helpers/browser.js";
import { canvasColourAt, colourDistance, pagePoint, planTransform } from "./helpers/plan.js";
import { shopLayout, trips } from "./helpers/store.js";

// Seeded trips lie in [from, from + 2 h), three hours ago: inside the server's 7-day window, never in the future.
const from = Math.floor((Date.now() - 3 * 3_600_000) / 60_000) * 60_000;
const to = from + 2 * 3_600_000 + 30 * 60_000;

const t = withShop({
  setup: async (t) => {
    await t.shop.publish(trips(t.shop.events, from, 2 * 3_600_000, 120));
  },
});

/**
 * The agent's stored statuses as if they had arrived `ms` earlier (the server's database): a second
 * status then comes that much after the first without waiting for it (a clock is measured once two
 * statuses 20 s or more apart agree).
 */
function arrivedEarlier(agent: string, ms: number): void {
  const db = new Database(join(t.server.dataDir, "footfall.db"));
  try {
    db.pragma("busy_timeout = 5000");
    const row = db.prepare("SELECT clock_samples AS samples FROM agents WHERE store = ? AND agent = ?").get(t.shop.store, agent) as { samples: string | null };
    const moved = (JSON.parse(row.samples ?? "[]") as number[][]).map(([at, ...rest]) => [at! - ms, ...rest]);
    db.prepare("UPDATE agents SET clock_samples = ? WHERE store = ? AND agent = ?").run(JSON.stringify(moved), t.shop.store, agent);
  } finally {
    db.close();
  }
}

const url = (hash: string, token?: string) => `${t.server.httpUrl}/#${hash}${token ? `${hash.includes("?") ? "&" : "?"}token=${token}` : ""}`;

describe("sign-in", () => {
  it("says clearly that a wrong token was not accepted", async () => {
    const page = await t.browser.page();
    await page.goto(url("/signin"));
    await page.locator('input[name="token"]').fill("ff_not_a_real_token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByTestId("signin-error").textContent()).toContain("not accepted");
    await shot(page, "signin-bad-token");
    await page.close();
  });

  it("signs a viewer in and shows only the views a viewer may use", async () => {
    const page = await t.browser.page();
    await page.goto(url("/signin"));
    await page.locator('input[name="token"]').fill(t.shop.tokens.viewer);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByTestId("heatmap").waitFor();
    expect(await page.locator("nav[aria-label=Views] a").allTextContents()).toEqual(["Chain", "Heatmap", "Flows", "Funnels", "Experiments", "Report"]);
    expect(page.url()).toContain("#/heatmap/shop");
    await page.close();
  });

  it("gives an admin every view", async () => {
    const page = await t.open("/heatmap/shop", t.shop.tokens.admin);
    await page.getByTestId("heatmap").waitFor();
    expect(await page.locator("nav[aria-label=Views] a").allTextContents()).toEqual([
      "Chain",
      "Heatmap",
      "Flows",
      "Funnels",
      "Experiments",
      "Live",
      "Alerts",
      "Layout",
      "Sales",
      "Agents",
      "Report",
      "Admin",
    ]);
    // The token has left the address bar, and stays stored for the next visit.
    expect(page.url()).not.toContain("token=");
    await page.close();
  });
});

describe("heatmap", () => {
  const zoneCentre = new Map(shopLayout().zones.map((z) => [z.id as string, z.polygon]));
  /** A point inside a rectangular zone, clear of the label at its centre. */
  const inside = (zone: string): [number, number] => {
    const p = zoneCentre.get(zone)!;
    const [x0, y0] = p[0]!,
      [x1, y1] = p[2]!;
    return [x0 + (x1 - x0) * 0.12, y0 + (y1 - y0) * 0.12];
  };

  for (const metric of ["visits", "median"] as const) {
    it(`colours and labels every zone with the API's ${metric} for the range`, async () => {
      const { zones } = await t.shop.api.dwell(t.shop.store, { from, to });
      const value = (d: ZoneDwell | undefined) => (metric === "visits" ? (d?.visits ?? null) : (d?.dwell_s?.median ?? null));
      const max = Math.max(...zones.map((d) => value(d) ?? 0));
      expect(max).toBeGreaterThan(0);

      const page = await t.open(`/heatmap/shop?from=${from}&to=${to}&metric=${metric}`, t.shop.tokens.admin);
      await page.getByTestId("ranking").waitFor();
      for (const zone of shopLayout().zones) {
        const d = zones.find((z) => z.zone === zone.id);
        const v = value(d);
        const row = page.getByTestId(`heat-row-${zone.id}`);
        if (v === null) {
          expect(await row.getAttribute("data-value")).toBe("");
          continue;
        }
        const colour = interpolateViridis(v / max);
        expect(Number(await row.getAttribute("data-value"))).toBe(v);
        expect(await row.getAttribute("data-fill")).toBe(colour);
        const label = await row.locator(".heat-value").textContent();
        if (metric === "visits") expect(label).toBe(String(v));
        else expect(label).toBe(v < 60 ? `${Math.round(v)} s` : `${Math.floor(Math.round(v) / 60)} min ${String(Math.round(v) % 60).padStart(2, "0")} s`);
        // The plan itself: the canvas shows the same colour inside the zone.
        expect(colourDistance(await canvasColourAt(page, inside(zone.id)), colour)).toBeLessThanOrEqual(3);
      }
      // Hovering a zone shows all of its figures.
      const fruit = zones.find((z) => z.zone === "fruit")!;
      const at = await pagePoint(page, inside("fruit"));
      await page.mouse.move(at.x, at.y);
      const tip = page.getByTestId("tooltip");
      await tip.waitFor();
      expect(await tip.textContent()).toContain(`Visits${fruit.visits}`);
      expect(await tip.textContent()).toContain(`Visitors${fruit.visitors}`);
      await page.mouse.move(0, 0);
      await shot(page, `heatmap-${metric}`);
      await page.close();
    });
  }

  it("shows the people a door counter counts in as the entrance's visits, with no visitors or dwell for it", async () => {
    // A door counter on the entrance, a day before the trips: 3 reports, 25 + 40 + 35 people in.
    const doorFrom = from - 30 * 3_600_000;
    const doorTo = doorFrom + 2 * 3_600_000;
    await t.shop.publish([25, 40, 35].map((n, i) => t.shop.events.count("entrance", doorFrom + (i + 1) * 1_800_000, n, n - 5)));
    const page = await t.open(`/heatmap/shop?from=${doorFrom}&to=${doorTo}&metric=visits`, t.shop.tokens.admin);
    const row = page.getByTestId("heat-row-entrance");
    await expect.poll(() => row.getAttribute("data-value")).toBe("100");
    expect(await row.locator(".heat-value").textContent()).toBe("100");
    expect(await row.getAttribute("data-fill")).toBe(interpolateViridis(1));
    const at = await pagePoint(page, inside("entrance"));
    await page.mouse.move(at.x, at.y);
    expect(await page.getByTestId("tooltip-door").textContent()).toBe("100");
    await page.mouse.move(0, 0);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-csv").click()]);
    const csv = (await (await import("node:fs/promises")).readFile((await download.path())!, "utf8")).replace(/^\uFEFF/, "");
    expect(csv.split("\r\n")[0]).toBe("range_from,range_to,zone,name,kind,visits,visitors,dwell_mean_s,dwell_median_s,dwell_p90_s,visits_tracked,door_in,not_counted_hours");
    // The entrance's visits are the door's 100 people in, none followed: no visitors or dwell (empty, not 0).
    expect(csv).toContain(",entrance,Entrance,entrance,100,,,,,0,100");
    await shot(page, "heatmap-door-counted");
    // A door counter cannot tell visitors apart: no figure rather than a misleading 0.
    await page.getByRole("button", { name: "Visitors" }).click();
    await expect.poll(() => row.getAttribute("data-value")).toBe("");
    await page.close();
  });

  it("compares with the previous period and exports the CSV of what is shown", async () => {
    const page = await t.open(`/heatmap/shop?from=${from}&to=${to}&metric=visits&compare=1`, t.shop.tokens.admin);
    await page.getByTestId("ranking").waitFor();
    // The previous period (the same length just before) has no visits: every zone with visits is "new".
    expect(await page.getByTestId("heat-row-fruit").locator("td").nth(2).textContent()).toBe("new");
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-csv").click()]);
    const csv = (await (await import("node:fs/promises")).readFile((await download.path())!, "utf8")).replace(/^\uFEFF/, "");
    const { zones } = await t.shop.api.dwell(t.shop.store, { from, to });
    const fruit = zones.find((z) => z.zone === "fruit")!;
    expect(csv.split("\r\n")[0]).toBe(
      "range_from,range_to,zone,name,kind,visits,visitors,dwell_mean_s,dwell_median_s,dwell_p90_s,visits_tracked,door_in,visits_previous,visits_change,not_counted_hours",
    );
    expect(csv).toContain(`,fruit,Fruit & veg,zone,${fruit.visits},${fruit.visitors},`);
    await page.getByTestId("traffic-chart").waitFor();
    await page.getByTestId("week-grid").waitFor();
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await shot(page, "heatmap-compare-charts");
    await page.close();
  });
});

describe("the range bar", () => {
  it("keeps custom days when the last day is typed before the first (the first moves back), not dropping back to today", async () => {
    const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
    const page = await t.open(`/heatmap/shop?from=${day(3)}&to=${day(2)}`, t.shop.tokens.viewer);
    const first = page.getByLabel("First day");
    const last = page.getByLabel("Last day");
    await first.waitFor();
    expect([await first.inputValue(), await last.inputValue()]).toEqual([day(3), day(2)]);
    // As when a month is typed before the year: for a moment the last day is before the first.
    await last.fill(day(40));
    await expect.poll(() => page.evaluate(() => location.hash)).toContain(`from=${day(40)}&to=${day(40)}`);
    expect(await page.getByRole("button", { name: "Custom" }).getAttribute("aria-pressed")).toBe("true");
    expect([await first.inputValue(), await last.inputValue()]).toEqual([day(40), day(40)]);
    await last.fill(day(38));
    expect([await first.inputValue(), await last.inputValue()]).toEqual([day(40), day(38)]);
    await page.close();
  });
});

describe("flows", () => {
  it("lists the API's top paths and draws the first steps after the entrance", async () => {
    const report = await t.shop.api.paths(t.shop.store, { from, to }, 500);
    const page = await t.open(`/flows/shop?from=${from}&to=${to}`, t.shop.tokens.viewer);
    const list = page.getByTestId("top-paths");
    await list.waitFor();
    const first = list.locator("li").first();
    const names = new Map(shopLayout().zones.map((z) => [z.id as string, z.name]));
    expect(await first.locator(".step").allTextContents()).toEqual(report.paths[0]!.zones.map((z) => names.get(z)));
    expect(await first.locator("b").textContent()).toBe(String(report.paths[0]!.count));
    await page.getByTestId("sankey").waitFor();
    const trips = report.paths.reduce((s, p) => s + p.count, 0);
    expect(await page.getByTestId("dropoff").textContent()).toContain(`${trips}trips`);
    const onlyEntrance = report.paths.filter((p) => p.zones.length === 1 && p.zones[0] === "entrance").reduce((s, p) => s + p.count, 0);
    expect(await page.getByTestId("dropoff").textContent()).toContain(`left right after the entrance (${onlyEntrance})`);
    // The busiest move's count is on the plan, without hovering.
    const busiest = report.transitions.filter((t) => t.from !== t.to).sort((x, y) => y.count - x.count)[0]!;
    const counts = await page.evaluate(() => {
      type Node = { find(sel: string): Node[]; findOne(sel: string): Node; text(): string };
      return (window as unknown as { Konva: { stages: Node[] } }).Konva.stages.flatMap((st) => st.find(".arrow-count").map((g) => g.findOne("Text").text()));
    });
    expect(counts.length).toBeGreaterThan(0);
    expect(counts[0]).toBe(busiest.count.toLocaleString("en"));
    // Zone names stay readable where traffic is heaviest: drawn over every arrow, on a tag, and no count badge covers one.
    const drawn = await page.evaluate(() => {
      type Rect = { x: number; y: number; width: number; height: number };
      type Node = { find(sel: string): Node[]; getClassName(): string; zIndex(): number; id(): string; getClientRect(): Rect; findOne(sel: string): Node | undefined };
      const layer = (window as unknown as { Konva: { stages: Node[] } }).Konva.stages.flatMap((st) => st.find("Layer"))[0]!;
      const arrows = layer.find("Arrow").map((a) => a.zIndex());
      const names = layer.find(".zone-name");
      const badges = layer.find(".arrow-count").map((b) => b.getClientRect());
      const overlap = (a: Rect, b: Rect) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
      return {
        arrows: arrows.length,
        names: names.map((n) => n.id()),
        namesUnderAnArrow: names.filter((n) => arrows.some((z) => z > n.zIndex())).map((n) => n.id()),
        namesWithoutTag: names.filter((n) => !n.findOne("Rect")).map((n) => n.id()),
        coveredByACount: names.filter((n) => badges.some((b) => overlap(b, n.getClientRect()))).map((n) => n.id()),
      };
    });
    expect(drawn.arrows).toBeGreaterThan(0);
    expect(drawn.names).toEqual(shopLayout().zones.map((z) => `zone-name-${z.id}`));
    expect(drawn).toMatchObject({ namesUnderAnArrow: [], namesWithoutTag: [], coveredByACount: [] });
    // The arrows' control says it counts arrows (not the top paths listed beside it), and draws that many at most.
    const arrowsControl = page.getByRole("group", { name: "Arrows drawn on the plan" });
    expect(await arrowsControl.getByRole("button").allTextContents()).toEqual(["10 arrows", "25 arrows", "60 arrows"]);
    const moves = report.transitions.filter((m) => m.from !== m.to).length;
    expect(await page.getByTestId("transitions-table").locator("tbody tr").count()).toBe(Math.min(10, moves));
    await arrowsControl.getByRole("button", { name: "25 arrows" }).click();
    await expect.poll(() => page.getByTestId("transitions-table").locator("tbody tr").count()).toBe(Math.min(25, moves));
    expect(page.url()).toContain("top=25");
    await page.waitForTimeout(400); // the Sankey's entry animation
    await shot(page, "flows", { fullPage: true });
    await page.close();
  });
});

describe("layout editor", () => {
  async function clickFloor(page: Page, p: [number, number]) {
    const at = await pagePoint(page, p);
    await page.mouse.click(at.x, at.y);
  }

  it("draws a zone, saves it as a new version, and shows it after a reload", async () => {
    const before = await t.shop.api.layout(t.shop.store);
    const page = await t.open("/editor/shop", t.shop.tokens.admin);
    await page.getByTestId("draw-zone").click();
    // A free corner of the shop: 11..19 x 8.5..9.5 is taken by nothing? Use the strip between drinks and promo.
    for (const p of [
      [11, 8.2],
      [19, 8.2],
      [19, 9.6],
      [11, 9.6],
    ] as [number, number][])
      await clickFloor(page, p);
    await shot(page, "editor-drawing");
    await clickFloor(page, [11, 8.2]);
    await page.getByTestId("zone-form").waitFor();
    await page.getByTestId("zone-name").fill("Coffee bar");
    await page.getByTestId("zone-name").press("Enter");
    await page.getByTestId("zone-capacity").fill("5");
    await page.getByTestId("zone-capacity").press("Enter");
    await page.getByTestId("zone-kind").selectOption("other");
    await page.getByTestId("save-layout").click();
    await expect.poll(() => page.getByTestId("editor-message").textContent()).toContain(`Saved as version ${before.version + 1}`);
    await shot(page, "editor-saved");

    const saved = await t.shop.api.layout(t.shop.store);
    expect(saved.version).toBe(before.version + 1);
    expect(saved.zones.find((z) => z.name === "Coffee bar")).toMatchObject({
      kind: "other",
      capacity: 5,
      polygon: [
        [11, 8.2],
        [19, 8.2],
        [19, 9.6],
        [11, 9.6],
      ],
    });

    await page.reload();
    await page.getByTestId("zone-list").waitFor();
    expect(await page.getByTestId("zone-list").textContent()).toContain("Coffee bar");
    await page.close();
  });

  it("refuses a zone that crosses itself, with the reason", async () => {
    const page = await t.open("/editor/shop", t.shop.tokens.admin);
    await page.getByTestId("draw-zone").click();
    for (const p of [
      [1, 1],
      [8, 8],
      [8, 1],
      [1, 8],
    ] as [number, number][])
      await clickFloor(page, p);
    await page.getByTestId("finish-zone").click();
    await expect.poll(() => page.getByTestId("editor-message").textContent()).toContain("crosses itself");
    await shot(page, "editor-refused");
    await page.close();
  });
});

describe("layout editor: moving and overlapping zones", () => {
  /** A zone's polygon as the editor's plan draws it (metres). */
  const polygonOf = (page: Page, zone: string) =>
    page.evaluate((id) => {
      type Node = { findOne(sel: string): { points(): number[] } | undefined };
      const line = (window as unknown as { Konva: { stages: Node[] } }).Konva.stages.map((st) => st.findOne(`#zone-${id}`)).find(Boolean)!;
      const p = line.points();
      return p.flatMap((v, i) => (i % 2 === 0 ? [[v, p[i + 1]!] as [number, number]] : []));
    }, zone);
  async function drag(page: Page, from: [number, number], by: [number, number]) {
    const a = await pagePoint(page, from);
    const { scale } = await planTransform(page);
    await page.mouse.move(a.x, a.y);
    await page.mouse.down();
    for (let i = 1; i <= 8; i++) await page.mouse.move(a.x + (by[0] * scale * i) / 8, a.y + (by[1] * scale * i) / 8);
    await page.mouse.up();
  }

  it("moves a zone dragged by its body by the dragged distance in 0.25 m steps, without panning, and warns when zones overlap", async () => {
    const page = await t.open("/editor/shop", t.shop.tokens.admin);
    await page.getByTestId("zone-list").waitFor();
    const before = await polygonOf(page, "promo");
    expect(before).toEqual([
      [12, 10],
      [18, 10],
      [18, 15],
      [12, 15],
    ]);
    const pan = await planTransform(page);
    expect(await page.getByTestId("overlaps").count()).toBe(0);

    // 1.06 m left and 0.45 m down: nothing within snapping reach, so the grid's 0.25 m steps: 1 m and 0.5 m.
    await drag(page, [15, 12.5], [-1.06, 0.45]);
    await expect.poll(() => polygonOf(page, "promo")).toEqual(before.map(([x, y]) => [x - 1, y + 0.5]));
    const after = await planTransform(page);
    expect([after.x, after.y]).toEqual([pan.x, pan.y]);
    expect(await page.getByTestId("zone-name").inputValue()).toBe("Promo"); // the moved zone is selected
    expect(await page.getByTestId("overlaps").count()).toBe(0);

    // Down onto the entrance (y 16..20): the editor names both and the area they share, and says so at the save button.
    await drag(page, [14, 13], [0, 2]);
    const moved = await polygonOf(page, "promo");
    expect(moved).toEqual(before.map(([x, y]) => [x - 1, y + 2.5]));
    const warning = page.getByTestId("overlaps");
    await warning.waitFor();
    // Promo is now 11..17 x 12.5..17.5; the entrance 12..18 x 16..20: 5 m by 1.5 m.
    expect(await warning.locator("li").allTextContents()).toEqual(["Entrance and Promo share 7.5 m²"]);
    expect(await page.getByTestId("save-layout").textContent()).toBe("Save anyway (zones overlap)");
    await shot(page, "editor-overlap");

    // Undo takes the whole drag back in one step, and the warning goes.
    await page.keyboard.press("Control+z");
    await expect.poll(() => polygonOf(page, "promo")).toEqual(before.map(([x, y]) => [x - 1, y + 0.5]));
    await expect.poll(() => page.getByTestId("overlaps").count()).toBe(0);
    await page.close();
  });
});

describe("empty and refused states", () => {
  it("says so when a range has no data, a store has no layout, or a role may not open a view", async () => {
    const page = await t.open(`/heatmap/shop?from=${from - 10 * 86_400_000}&to=${from - 9 * 86_400_000}`, t.shop.tokens.admin);
    await page.getByTestId("ranking").waitFor();
    // Before the store's first figures: no data, not zero visits.
    await page.getByTestId("no-data").waitFor();
    expect(await page.getByText("No visits in this range").count()).toBe(0);
    expect(await page.getByText("No data in this range").count()).toBeGreaterThan(0);
    await shot(page, "heatmap-empty-range");
    await page.goto(url("/editor/new-store"));
    await page.getByTestId("editor").waitFor();
    expect(await page.getByText("New store “new-store”: no layout saved yet").count()).toBe(1);
    await shot(page, "editor-new-store");
    await page.close();

    const viewer = await t.open("/live/shop", t.shop.tokens.viewer);
    await viewer.getByText("Not available with this token").waitFor();
    await shot(viewer, "live-refused-for-viewer");
    await viewer.close();
  });
});

describe("agents", () => {
  it("shows each agent with its events, and why events were refused", async () => {
    // An event older than the server keeps: refused as too old, and the view says so.
    await t.shop.publish([t.shop.events.enter("late-1", "fruit", Date.now() - 9 * 86_400_000)]);
    await expect.poll(async () => (await t.shop.api.agents(t.shop.store)).agents[0]!.rejects).toBeGreaterThan(0);
    const { agents } = await t.shop.api.agents(t.shop.store);
    const page = await t.open("/agents/shop", t.shop.tokens.admin);
    const row = page.getByTestId("agent-cam-1");
    await row.waitFor();
    expect(await row.locator("td").nth(9).textContent()).toBe(agents[0]!.events.toLocaleString("en"));
    expect(await page.getByTestId("rejects-cam-1").locator('[data-reason="too_old"]').textContent()).toBe("too old: 1");
    // What the agent holds, as its status says (an outage's backlog): 384 events, the oldest 68 s old.
    const status = { state: "online", ts: Date.now(), kind: "sim", version: "0.1.0", queued: 384, oldestQueuedAgeMs: 68_111, outboxDropped: 0 };
    await t.shop.mqtt.publishAsync(topics.status(t.shop.store, "cam-1"), JSON.stringify(status), { qos: 1, retain: true });
    await expect.poll(() => page.getByTestId("backlog-cam-1").textContent(), { timeout: 15_000 }).toBe("384, oldest 1 min 08 s");
    // One status alone measures no clock (it may have waited in a broker's queue): not measured yet, and why.
    expect(await page.getByTestId("clock-cam-1").textContent()).toBe("–");
    expect(await page.getByTestId("clock-cam-1").getAttribute("title")).toMatch(/^Not measured yet: .*once two of them agree\.$/);
    // The next status, 30 s later (its predecessor's arrival moved back 30 s, not waited for), agrees: in step, nothing to check.
    arrivedEarlier("cam-1", 30_000);
    await t.shop.mqtt.publishAsync(topics.status(t.shop.store, "cam-1"), JSON.stringify({ ...status, ts: Date.now() }), { qos: 1, retain: true });
    await expect.poll(() => page.getByTestId("clock-cam-1").textContent(), { timeout: 15_000 }).toBe("in step");
    expect(await page.getByTestId("clock-hint-cam-1").count()).toBe(0);
    // Held over a minute: amber, the UI's one amber for text worth a look (base.css --warn), not a colour of its own.
    const warn = await page.evaluate(() => {
      const probe = document.body.appendChild(document.createElement("span"));
      probe.style.color = "var(--warn)";
      const color = getComputedStyle(probe).color;
      probe.remove();
      return color;
    });
    expect(warn).toBe("rgb(180, 83, 9)");
    expect(await page.getByTestId("backlog-cam-1").evaluate((el) => getComputedStyle(el).color)).toBe(warn);
    expect(await page.getByTestId("backlog-cam-1").getAttribute("style")).toBeNull();
    // Statuses stamped 10 minutes ahead (the agent's clock is), two 30 s apart: the Clock column says so in the shared amber, with what to check.
    arrivedEarlier("cam-1", 30_000);
    await t.shop.mqtt.publishAsync(topics.status(t.shop.store, "cam-1"), JSON.stringify({ ...status, ts: Date.now() + 10 * 60_000 }), { qos: 1, retain: true });
    await expect.poll(async () => (await t.shop.api.agents(t.shop.store)).agents[0]!.lastStatusTs, { timeout: 15_000 }).toBeGreaterThan(Date.now() + 9 * 60_000);
    arrivedEarlier("cam-1", 30_000);
    await t.shop.mqtt.publishAsync(topics.status(t.shop.store, "cam-1"), JSON.stringify({ ...status, ts: Date.now() + 10 * 60_000 }), { qos: 1, retain: true });
    await expect.poll(() => page.getByTestId("clock-hint-cam-1").textContent(), { timeout: 15_000 }).toBe("check NTP");
    const clock = page.getByTestId("clock-cam-1");
    expect(await clock.textContent()).toBe("10 min aheadcheck NTP");
    expect(await clock.evaluate((el) => [getComputedStyle(el).color, getComputedStyle(el).fontWeight, el.getAttribute("style"), el.className])).toEqual([warn, "600", null, "warn-text strong"]);
    expect(await clock.getAttribute("title")).toMatch(/10 min ahead of the server's.*rejects them \(in the future\).*timedatectl/);
    expect(await page.locator("th", { hasText: /^Clock$/ }).count()).toBe(1);
    await shot(page, "agents");
    await page.close();
  });
});

/**
 * The live plan read at arm's length on a kiosk, on the demo's layout (real server, chromium). A walk-through found at
 * 1024x768 "E… · door" in the Entrance's 80x58 px shape, "Fro… · 1/12", "Check… · 2/20" and "F… · 1/6" although the
 * name fitted whole over its figure; and on a phone with the agent offline "Prom…" with no sign it was not counted, and
 * the thin Checkout queue with no label at all. Now a name is whole on its own line(s) whenever the shape's box holds it
 * at the smallest sizes (11 px name, 11 px figure), a zone nothing counts is hatched and says "Not counted" or "—", and
 * a shape too thin for a label inside gets a tag beside it.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { DEMO_LAYOUT } from "@footfall/core";
import { shot } from "./helpers/browser.js";
import { agentStatus, DEMO_ZONES, withDemoShop } from "./helpers/demo-shop.js";

const NAMES = Object.fromEntries(DEMO_LAYOUT.zones.map((z) => [z.id as string, z.name]));

const t = withDemoShop({
  server: { httpPort: 20020, mqttPort: 20021, metricsPort: 20022 },
});

const status = (state: "online" | "offline") => agentStatus(t.shop, state);

/** Each zone's label on the plan: its texts (the name's line(s) first), whether the shape is hatched, the text of its tag beside it if any, and its shape's size, px. */
const planLabels = (page: Page) =>
  page.evaluate(() => {
    type Node = { id(): string; find(sel: string): Node[]; text?: () => string; getClientRect(): { width: number; height: number } };
    const K = (window as unknown as { Konva: { stages: Node[] } }).Konva;
    const stage = K.stages[0]!;
    const tags = Object.fromEntries(stage.find(".live-zone-tag").map((g) => [g.id().replace(/^zone-tag-/, ""), g.find(".zone-tag-label").map((l) => l.text!()).join(" ")]));
    return stage.find(".live-zone").map((g) => {
      const id = g.id().replace(/^zone-/, "");
      const r = g.find("Line")[0]!.getClientRect();
      return { id, texts: g.find(".zone-label").map((l) => l.text!()), hatched: g.find(".not-counted-hatch").length > 0, tag: tags[id] ?? null, width: r.width, height: r.height };
    });
  });

/** The same, with whether the name whole at 11 px (in the plan's font) over an 11 px line fits the shape less 4 px a side (and its 1 px of stroke). */
const labels = async (page: Page) => {
  const ls = await planLabels(page);
  const widths = await page.evaluate((names) => {
    const ctx = document.createElement("canvas").getContext("2d")!;
    ctx.font = "600 11px Inter, sans-serif";
    return Object.fromEntries(Object.entries(names).map(([id, n]) => [id, ctx.measureText(n).width]));
  }, NAMES);
  return ls.map((l) => ({ ...l, name: NAMES[l.id]!, fitsWhole: widths[l.id]! <= l.width - 10 && 22 * 1.25 <= l.height - 10 }));
};

describe("the live plan on a kiosk: labels read at arm's length", () => {
  it("at 1024x768 and 768x1024 a name that fits whole over its figure is whole on its own line, never 'E… · door'", async () => {
    await status("online");
    const page = await t.open(`/live/${t.shop.store}?kiosk=1`, t.shop.tokens.staff, { width: 1024, height: 768 });
    await page.locator('[data-testid="live-zone-bakery"][data-occupancy="1"]').waitFor({ timeout: 20_000 });
    for (const size of [{ width: 1024, height: 768 }, { width: 768, height: 1024 }]) {
      await page.setViewportSize(size);
      await expect.poll(async () => (await labels(page)).length, { timeout: 10_000 }).toBe(DEMO_ZONES.length);
      await page.waitForTimeout(300);
      await shot(page, `live-kiosk-labels-${size.width}x${size.height}`);
      const ls = await labels(page);
      const cut = ls.filter((l) => l.fitsWhole && !(l.texts.join(" ").startsWith(l.name) && !l.texts.join(" ").startsWith(`${l.name} · `)));
      expect({ size, cut: cut.map((l) => ({ id: l.id, texts: l.texts, w: Math.round(l.width), h: Math.round(l.height) })) }).toEqual({ size, cut: [] });
      // The plan uses the room it has (it drew the 30x20 m floor 433 px wide in a 465x650 panel beside a half-width side
      // column at 1024x768), with every zone's row still in the list and the window.
      const fit = await page.evaluate((zones) => {
        const plan = document.querySelector('[data-testid="plan"]') as HTMLElement;
        const list = document.querySelector(".live-zones")!.getBoundingClientRect();
        const inSight = zones.filter((z) => {
          const r = document.querySelector(`[data-testid="live-zone-${z}"]`)!.getBoundingClientRect();
          return r.top >= list.top - 0.5 && r.bottom <= list.bottom + 0.5 && r.bottom <= window.innerHeight + 0.5 && r.right <= window.innerWidth + 0.5;
        }).length;
        return { floorWidth: Number(plan.dataset.scale) * 30, inSight, pageScrolls: document.documentElement.scrollHeight > window.innerHeight + 1 };
      }, DEMO_ZONES);
      expect({ size, inSight: fit.inSight, pageScrolls: fit.pageScrolls }).toEqual({ size, inSight: DEMO_ZONES.length, pageScrolls: false });
      if (size.width === 1024) expect(fit.floorWidth, JSON.stringify(fit)).toBeGreaterThanOrEqual(540);
      // The walk-through's four, by name: whole, with the figure on a line of its own.
      if (size.width === 1024) for (const id of ["entrance", "frozen", "checkout", "fitting-room"]) expect(ls.find((l) => l.id === id)!.texts.join(" "), id).toMatch(new RegExp(`^${NAMES[id]!.replace(/ /g, "\\s")}\\s(door|\\d+/\\d+)`));
    }
    await page.close();
  });

  it("on a phone (390x844) with the agent offline: every shape says it is not counted, hatched, and the thin Checkout queue is named beside its shape", async () => {
    await status("offline");
    const page = await t.open(`/live/${t.shop.store}?kiosk=1`, t.shop.tokens.staff, { width: 390, height: 844 });
    await page.locator('[data-testid="live-zone-promo"][data-state="not-counted"]').waitFor({ timeout: 20_000 });
    await page.locator('[data-testid="live-zone-checkout-queue"][data-state="not-counted"]').waitFor({ timeout: 20_000 });
    await expect.poll(async () => (await labels(page)).filter((l) => l.hatched).length, { timeout: 10_000 }).toBe(DEMO_ZONES.length);
    await page.waitForTimeout(300);
    await shot(page, "live-kiosk-labels-390x844-offline");
    const ls = await labels(page);
    const promo = ls.find((l) => l.id === "promo")!;
    expect(promo.texts.join(" ")).toMatch(/Not counted|—/);
    // Every zone shows its state: in its shape ("Not counted", "—") or on its tag; none shows a name alone.
    const silent = ls.filter((l) => !/Not counted|not counted|—/.test([...l.texts, l.tag ?? ""].join(" ")));
    expect(silent.map((l) => ({ id: l.id, texts: l.texts, tag: l.tag }))).toEqual([]);
    const queue = ls.find((l) => l.id === "checkout-queue")!;
    expect([...queue.texts, queue.tag ?? ""].join(" ")).toMatch(/^\s*Checkout queue|Checkout queue/);
    await page.close();
  });
});

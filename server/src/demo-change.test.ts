/**
 * The demo store's past layout change to judge (`seedDemoLayouts`), on a real SQLite data folder:
 * its first run saves the layout before the change and the change itself, a day before and a day
 * after it inside the back-filled history; a restart on the same folder (the demo keeps it) saves
 * nothing more.
 */
import { afterAll, describe, expect, it } from "vitest";
import { DEMO_LAYOUT, type Layout } from "@footfall/core";
import { tempDir } from "../../test/support/wait.js";
import { DEMO_LAYOUT_BEFORE_CHANGE, demoChange, demoChangeLine, demoSimSettings, seedDemoLayouts } from "./demo.js";
import { LayoutCache } from "./ingest/layouts.js";
import { openStorage } from "./storage.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const promo = (l: Pick<Layout, "zones">) => l.zones.find((z) => z.id === "promo")!.polygon;

describe("the demo store's past layout change", () => {
  const dir = tempDir("footfall-demo-change-");
  afterAll(() => dir.remove());

  it("is saved at the first run, as the editor saves a version, and not again at a restart", async () => {
    const now = Date.UTC(2026, 11, 5, 14, 0);
    const run = async (at: number) => {
      const storage = await openStorage(dir.path);
      const layouts = new LayoutCache(storage);
      const told: number[] = [];
      const saved = await seedDemoLayouts({ storage, layouts, onLayoutSaved: async (l) => void told.push(l.version) }, at, 48);
      const versions = await storage.stores.layouts("demo");
      const inForce = layouts.current("demo", at);
      await storage.close();
      return { saved, told, versions, inForce };
    };

    const first = await run(now);
    expect(first.saved.map((l) => l.version)).toEqual([1, 2]);
    // The agents and the schedule are told of each version, as after the editor's save.
    expect(first.told).toEqual([1, 2]);
    expect(first.versions.map((l) => l.version)).toEqual([1, 2]);
    const [before, change] = first.versions as [Layout, Layout];
    // The first layout is in force from before the back-filled history (48 h), with Promotions in the back corner.
    expect(before.validFrom).toBeLessThan(now - 48 * HOUR);
    expect(promo(before)).toEqual(promo(DEMO_LAYOUT_BEFORE_CHANGE));
    // Exactly one past change: the demo layout, a full day before it and a full day after it inside the 48 h of history.
    expect(change.validFrom).toBeLessThan(now);
    expect(change.validFrom - DAY).toBeGreaterThanOrEqual(now - 48 * HOUR);
    expect(change.validFrom + DAY).toBeLessThanOrEqual(now);
    expect(promo(change)).toEqual(promo(DEMO_LAYOUT));
    expect(promo(change)).not.toEqual(promo(before));
    expect(first.inForce?.version).toBe(2);
    expect(demoChange(first.versions, now)).toMatchObject({ version: 2, validFrom: change.validFrom });

    // A restart a day later on the same folder: nothing saved, the same two versions.
    const again = await run(now + DAY);
    expect(again.saved).toEqual([]);
    expect(again.told).toEqual([]);
    expect(again.versions.map((l) => [l.version, l.validFrom])).toEqual(first.versions.map((l) => [l.version, l.validFrom]));
    expect(demoChange(again.versions, now + DAY)?.version).toBe(2);
  });

  it("has the simulator's history follow both versions, and the banner name the change in the store's time", () => {
    const versions = [
      { ...DEMO_LAYOUT_BEFORE_CHANGE, validFrom: 1 },
      { ...DEMO_LAYOUT, validFrom: 2 },
    ];
    const settings = demoSimSettings({ speed: 1, backfillHours: 48, heldTs: null, layouts: versions, sales: { url: "http://x/sales", token: "t" } });
    expect(settings.backfillLayouts?.map((l) => [l.validFrom, promo(l)])).toEqual([
      [1, promo(DEMO_LAYOUT_BEFORE_CHANGE)],
      [2, promo(DEMO_LAYOUT)],
    ]);
    // One version: nothing to follow.
    expect(demoSimSettings({ speed: 1, backfillHours: 48, heldTs: null, layouts: versions.slice(1), sales: { url: "http://x/sales", token: "t" } })).not.toHaveProperty("backfillLayouts");
    expect(demoChangeLine(Date.parse("2026-12-04T15:49:00+01:00"), "Europe/Paris")).toBe(
      "a past layout change: Promotions moved from the back corner to the centre aisle on Fri 4 Dec, 15:49 (Experiments > New experiment compares the day before and after it)",
    );
  });

  it("says there is no day before it to compare when the store's history begins later (--backfill-hours under 48), instead of promising one", () => {
    const at = Date.parse("2026-12-04T15:49:00+01:00");
    const promise = "(Experiments > New experiment compares the day before and after it)";
    expect(demoChangeLine(at, "Europe/Paris", at - 3 * DAY)).toContain(promise);
    expect(demoChangeLine(at, "Europe/Paris", at - DAY)).toContain(promise);
    // --backfill-hours 0: the history begins now, after the change.
    expect(demoChangeLine(at, "Europe/Paris", at + DAY)).toBe(
      "a past layout change: Promotions moved from the back corner to the centre aisle on Fri 4 Dec, 15:49, but the store's history begins after it: Experiments has no day before it to compare (a demo on a new data folder with --backfill-hours 72, the default, has both)",
    );
    expect(demoChangeLine(at, "Europe/Paris", at - 6 * HOUR)).toContain("but the store's history begins on Fri 4 Dec, 09:49, less than a day before it: Experiments has no day before it to compare");
    expect(demoChangeLine(at, "Europe/Paris", at - 6 * HOUR)).not.toContain(promise);
  });

  it("is not claimed for a store whose history is another (a demo folder from before, or a store edited since)", () => {
    expect(demoChange([{ ...DEMO_LAYOUT, version: 1, validFrom: 0 }], 10)).toBeNull();
    const other = [
      { ...DEMO_LAYOUT, version: 1, validFrom: 0 },
      { ...DEMO_LAYOUT_BEFORE_CHANGE, version: 2, validFrom: 5 },
    ];
    expect(demoChange(other, 10)).toBeNull();
  });
});

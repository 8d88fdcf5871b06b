import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Layout } from "@footfall/core";
import { changedZones, checkExperiment, controlUnavailable, controlZoneProblems, stageLabel, storeHistoryStart, storeNames, uncomparableZoneNotes, defaultWindows, experimentReducer, initialExperiment, toExperimentInput, type ExperimentForm } from "./experiment.js";
import { clockIn2026 } from "./clock-year.testing.js";

// Its fixtures are dated in 2026, and dates of another year than now's say their year.
clockIn2026();

const H = 3_600_000;
const D = 24 * H;
const T0 = Date.UTC(2026, 10, 2); // the change
const sq = (x: number) => [[x, 0], [x + 1, 0], [x + 1, 1], [x, 1]];
const layout = (zones: [string, number][]) => ({ zones: zones.map(([id, x]) => ({ id, name: id, kind: "zone", polygon: sq(x) })) }) as unknown as Pick<Layout, "zones">;

function ready(now = T0 + 30 * D): ExperimentForm {
  let f = initialExperiment("shop", now);
  f = experimentReducer(f, { type: "versionsLoaded", versions: [{ version: 1, validFrom: 0 }, { version: 2, validFrom: T0 }] });
  return experimentReducer(f, { type: "toggleZone", zone: "promo" });
}

describe("defaultWindows", () => {
  it("takes the longest whole number of weeks that fits on both sides", () => {
    expect(defaultWindows(T0, 0, null, T0 + 20 * D)).toEqual({ before: { from: T0 - 14 * D, to: T0 }, after: { from: T0, to: T0 + 14 * D } });
  });
  it("falls back to whole days, and gives none under a day", () => {
    expect(defaultWindows(T0, T0 - 3.5 * D, null, T0 + 10 * D)!.after).toEqual({ from: T0, to: T0 + 3 * D });
    // Under a full day on either side there is nothing worth comparing yet.
    expect(defaultWindows(T0, 0, null, T0 + 4 * H + 60_000)).toBeNull();
    expect(defaultWindows(T0, T0 - 20 * H, null, T0 + 3 * D)).toBeNull();
  });
  it("stops at the next layout version", () => {
    expect(defaultWindows(T0, 0, T0 + 8 * D, T0 + 60 * D)!.after.to).toBe(T0 + 7 * D);
  });
  it("has nothing to offer for a change that has not happened yet", () => {
    expect(defaultWindows(T0, 0, null, T0 - H)).toBeNull();
  });
});

describe("a change with no full day to compare yet", () => {
  const versions = (...v: [number, number][]) => v.map(([version, validFrom]) => ({ version, validFrom }));
  const problemsAt = (now: number, vs: { version: number; validFrom: number }[], version: number) => {
    let f = experimentReducer(initialExperiment("shop", now), { type: "versionsLoaded", versions: vs });
    f = experimentReducer(experimentReducer(f, { type: "pickVersion", version }), { type: "toggleZone", zone: "promo" });
    expect(f.before).toBeNull();
    return checkExperiment(f, { controlZones: new Map(), timeZone: "Europe/Paris", zoneName: (z) => z, storeName: (s) => s }).problems;
  };
  it("says when a version just saved can be compared: a full day after it took effect", () => {
    // The merchandiser saves version 2 at 12:45 and opens the form ten minutes later.
    const change = Date.UTC(2026, 11, 5, 11, 45);
    expect(problemsAt(change + 10 * 60_000, versions([1, change - 8 * D], [2, change]), 2)).toEqual([
      "Version 2 took effect Sat 5 Dec, 12:45 CET: a period needs a full day after the change, so this experiment can be created from Sun 6 Dec, 12:45 CET.",
    ]);
  });
  it("says so too for a version scheduled for later", () => {
    const change = Date.UTC(2026, 11, 7, 7, 0);
    expect(problemsAt(change - 2 * D, versions([1, change - 30 * D], [2, change]), 2)).toEqual([
      "Version 2 takes effect Mon 7 Dec, 08:00 CET: a period needs a full day after the change, so this experiment can be created from Tue 8 Dec, 08:00 CET.",
    ]);
  });
  it("names the version in force less than a day, before or after the change, rather than 'not yet'", () => {
    const v1 = Date.UTC(2026, 10, 1, 8);
    const v2 = v1 + 20 * H;
    expect(problemsAt(v2 + 10 * D, versions([1, v1], [2, v2]), 2)[0]).toMatch(/^Version 2 replaced version 1 less than a day after it took effect \(Sun 1 Nov, 09:00 CET\): there is no full day before the change/);
    expect(problemsAt(v2 + 10 * D, versions([1, v1 - 10 * D], [2, v1], [3, v2]), 2)[0]).toMatch(/^Version 3 replaced version 2 less than a day after it took effect \(Mon 2 Nov, 05:00 CET\): there is no full day after the change/);
  });
});

describe("periods within the store's history", () => {
  // The demo left running a week: version 1 from 15 days ago, the change 8 days ago, data since 9 days ago (08:00 Paris, its opening).
  const now = Date.UTC(2026, 11, 12, 14);
  const change = now - 8 * D;
  const firstData = Date.UTC(2026, 11, 3, 7);
  const ctx = { controlZones: new Map(), timeZone: "Europe/Paris", zoneName: (z: string) => z, storeName: (s: string) => s };
  const open = (from: number, to: number) => ({ from, to });
  const form = (historyFrom: number | null, first = historyFrom) => {
    let f = experimentReducer(initialExperiment("demo", now), { type: "versionsLoaded", versions: [{ version: 1, validFrom: now - 15 * D }, { version: 2, validFrom: change }] });
    f = experimentReducer(f, { type: "historyLoaded", store: "demo", historyFrom, firstData: first });
    return experimentReducer(f, { type: "toggleZone", zone: "promo" });
  };
  it("proposes the day before and after the change, not a week reaching back six days before the first data, and says why", () => {
    // Closed the night before its first data (21:30 to 08:00): its history begins at the closing.
    const historyFrom = storeHistoryStart(firstData, [open(firstData - D, firstData - 10.5 * H), open(firstData, firstData + 13.5 * H)]);
    expect(historyFrom).toBe(firstData - 10.5 * H);
    const f = form(historyFrom, firstData);
    expect(f.before).toEqual({ from: change - D, to: change });
    expect(f.after).toEqual({ from: change, to: change + D });
    const check = checkExperiment(f, ctx);
    expect(check.problems).toEqual([]);
    expect(check.notes).toContain("The store's data begins Thu 3 Dec, 08:00 CET: the periods are 1 day each, as long as the data before the change allows.");
    // Without the history the form proposed a week, from 15 days ago.
    expect(form(null).before).toEqual({ from: change - 7 * D, to: change });
  });
  it("says when there is no full day of data before the change, and notes a before period a person starts before the data", () => {
    expect(form(change - 20 * H).before).toBeNull();
    expect(checkExperiment(form(change - 20 * H), ctx).problems).toContain(
      "The store's data begins Thu 3 Dec, 19:00 CET, less than a day before version 2 took effect (Fri 4 Dec, 15:00 CET): there is no full day of data before the change to compare with. Pick a later change.",
    );
    const f = experimentReducer(form(change - 2 * D), { type: "setPeriod", which: "before", edge: "from", ts: change - 3 * D });
    expect(checkExperiment(f, ctx).notes).toContain(
      "The before period starts Tue 1 Dec, 15:00 CET, before the store's data begins (Wed 2 Dec, 15:00 CET): the time without data counts no trips, so its figures cover less than the period says. Start it Wed 2 Dec, 15:00 CET or later.",
    );
  });
});

describe("experimentReducer", () => {
  it("picks the latest change, names the experiment after it and sets equal windows around it", () => {
    const f = ready();
    expect(f.version).toBe(2);
    expect(f.name).toBe("shop: layout version 2");
    expect(f.before).toEqual({ from: T0 - 28 * D, to: T0 });
    expect(f.after).toEqual({ from: T0, to: T0 + 28 * D });
  });
  it("keeps a typed name when another version is picked", () => {
    let f = experimentReducer(ready(), { type: "setName", name: "Promo by the door" });
    f = experimentReducer(f, { type: "versionsLoaded", versions: [{ version: 1, validFrom: 0 }, { version: 2, validFrom: T0 }, { version: 3, validFrom: T0 + 10 * D }] });
    f = experimentReducer(f, { type: "pickVersion", version: 3 });
    expect(f.name).toBe("Promo by the door");
    expect(f.before!.to).toBe(T0 + 10 * D);
  });
  it("starts with the zones the change touched, and leaves a person's choice alone afterwards", () => {
    const before = layout([["promo", 0], ["fruit", 2]]);
    const after = layout([["promo", 5], ["fruit", 2], ["coffee", 8]]);
    let f = experimentReducer(initialExperiment("shop", T0 + D), { type: "layoutsLoaded", before, after });
    expect(f.zones).toEqual(["promo", "coffee"]);
    f = experimentReducer(f, { type: "toggleZone", zone: "coffee" });
    expect(experimentReducer(f, { type: "layoutsLoaded", before, after }).zones).toEqual(["promo"]);
  });
  it("never takes the test store as its own control", () => {
    const f = experimentReducer(ready(), { type: "toggleControl", store: "shop" });
    expect(f.controls).toEqual([]);
    expect(experimentReducer(f, { type: "toggleControl", store: "lyon" }).controls).toEqual(["lyon"]);
  });
  it("names the experiment after the store as people know it, not its id", () => {
    const versions = [{ version: 1, validFrom: 0 }, { version: 2, validFrom: T0 }];
    let f = experimentReducer(initialExperiment("store-0001", T0 + 30 * D, "Footfall Market Paris"), { type: "versionsLoaded", versions });
    expect(f.name).toBe("Footfall Market Paris: layout version 2");
    f = experimentReducer(f, { type: "setStore", store: "store-0003", storeName: "Footfall Market Paris 2" });
    expect(experimentReducer(f, { type: "versionsLoaded", versions }).name).toBe("Footfall Market Paris 2: layout version 2");
    // A store without a name: its id.
    expect(experimentReducer(initialExperiment("shop", T0 + 30 * D, " "), { type: "versionsLoaded", versions }).name).toBe("shop: layout version 2");
  });
  it("forgets versions and zones when the store changes", () => {
    const f = experimentReducer(ready(), { type: "setStore", store: "lyon" });
    expect(f).toMatchObject({ store: "lyon", versions: null, version: null, zones: [], before: null });
  });
});

describe("uncomparableZoneNotes", () => {
  const zoneName = (id: string) => ({ coffee: "Coffee kiosk", promo: "Promotions", till: "Old till (removed)" })[id] ?? id;
  it("says before creating that a zone the change added or removed will not be comparable, and what to pick instead", () => {
    const before = layout([["promo", 0], ["till", 4]]);
    const after = layout([["promo", 5], ["coffee", 8]]);
    // The default pick is the zones the change touched: the moved promo table and the new coffee kiosk.
    let f = experimentReducer(ready(), { type: "layoutsLoaded", before, after });
    f = experimentReducer(experimentReducer(f, { type: "toggleZone", zone: "coffee" }), { type: "toggleZone", zone: "till" });
    expect(uncomparableZoneNotes(f, { zoneName })).toEqual([
      "“Coffee kiosk” was not on the layout before the change: there is nothing to compare it with, so the result will say “not comparable”. To see what it changed, pick the zones around it too.",
      "“Old till” is not on the layout after the change: the result will say “not comparable” for it.",
    ]);
    const check = checkExperiment(f, { controlZones: new Map(), zoneName, storeName: (s) => s });
    expect(check.notes).toContain(uncomparableZoneNotes(f, { zoneName })[0]);
    expect(check.problems).toEqual([]);
    // A control store cannot have a zone the change added: the remedy is to leave the zone out, not to pick another store.
    const withControl = { ...f, zones: ["promo", "coffee"], controls: ["lyon"] };
    const controlZones = new Map([["lyon", { before: new Set(["promo"]), after: new Set(["promo"]) }]]);
    expect(checkExperiment(withControl, { controlZones, zoneName, storeName: (s) => `Store ${s}` }).problems).toEqual([
      "Store lyon does not have the zone “Coffee kiosk” all through both periods, and no store can: the change added or removed it. Leave it out of the zones of interest (it cannot be compared anyway), or leave out the control stores.",
    ]);
    // Zones on both layouts: nothing to say.
    expect(uncomparableZoneNotes({ ...f, zones: ["promo"] }, { zoneName })).toEqual([]);
    // The default pick of a change that added a zone says so at once.
    const fresh = experimentReducer(initialExperiment("shop", T0 + D), { type: "layoutsLoaded", before, after });
    expect(fresh.zones).toEqual(["promo", "coffee"]);
    expect(uncomparableZoneNotes(fresh, { zoneName })).toHaveLength(1);
  });
});

describe("checkExperiment", () => {
  it("accepts a complete form and builds the request", () => {
    const f = experimentReducer(ready(), { type: "toggleControl", store: "lyon" });
    expect(checkExperiment(f).problems).toEqual([]);
    expect(toExperimentInput(f)).toEqual({
      name: "shop: layout version 2",
      testStores: ["shop"],
      controlStores: ["lyon"],
      layoutVersion: 2,
      before: { from: T0 - 28 * D, to: T0 },
      after: { from: T0, to: T0 + 28 * D },
      zones: ["promo"],
    });
  });
  it("refuses a before period that runs past the change", () => {
    const f = experimentReducer(ready(), { type: "setPeriod", which: "before", edge: "to", ts: T0 + H });
    expect(checkExperiment(f).problems).toContain("The before period must end by the change.");
    expect(toExperimentInput(f)).toBeNull();
  });
  it("says before sending that a name holds a control character or a bidi override, as the server would, and takes any script", () => {
    const esc = experimentReducer(ready(), { type: "setName", name: " Promo\u001b[2J " });
    expect(checkExperiment(esc).problems).toEqual(["The name “Promo\\u{1b}[2J” holds U+001B (ESC, a control character): a name is one line of plain text; remove it"]);
    expect(toExperimentInput(esc)).toBeNull();
    const rlo = experimentReducer(ready(), { type: "setName", name: "Promo \u202eexe" });
    expect(checkExperiment(rlo).problems).toEqual([
      "The name “Promo \\u{202e}exe” holds U+202E (RIGHT-TO-LEFT OVERRIDE, a bidirectional control), which makes a name read in another order where it is shown: remove it (right-to-left text needs none)",
    ]);
    const fine = experimentReducer(ready(), { type: "setName", name: "Caf\u00e9 \u6771\u4eac \u05d7\u05dc\u05d1\u200f \ud83c\udf4e" });
    expect(checkExperiment(fine).problems).toEqual([]);
  });
  it("writes out a control character of a store name saved before the name rule in the default name, so the default is sent as it is", () => {
    let f = initialExperiment("old", T0 + 30 * D, "Old\u001b[31m store");
    f = experimentReducer(f, { type: "versionsLoaded", versions: [{ version: 1, validFrom: 0 }, { version: 2, validFrom: T0 }] });
    f = experimentReducer(f, { type: "toggleZone", zone: "promo" });
    expect(f.name).toBe("Old\\u{1b}[31m store: layout version 2");
    expect(checkExperiment(f).problems).toEqual([]);
    expect(toExperimentInput(f)?.name).toBe("Old\\u{1b}[31m store: layout version 2");
  });
  it("refuses a store with a single layout: there is no before", () => {
    const f = experimentReducer(initialExperiment("shop", T0), { type: "versionsLoaded", versions: [{ version: 1, validFrom: 0 }] });
    expect(checkExperiment(f).problems.some((p) => /one layout version/.test(p))).toBe(true);
  });
  it("notes periods of different lengths without refusing them", () => {
    const f = experimentReducer(ready(), { type: "setPeriod", which: "after", edge: "to", ts: T0 + 3 * D });
    expect(checkExperiment(f).problems).toEqual([]);
    expect(checkExperiment(f).notes.join(" ")).toMatch(/differ in length/);
  });
  it("refuses a period shorter than a day, and says a week compares like with like", () => {
    const hours = experimentReducer(ready(), { type: "setPeriod", which: "after", edge: "to", ts: T0 + 5 * 3_600_000 });
    expect(checkExperiment(hours).problems.join(" ")).toMatch(/after period is shorter than a day/);
    expect(toExperimentInput(hours)).toBeNull();
    const days = experimentReducer(ready(), { type: "setPeriod", which: "after", edge: "to", ts: T0 + 3 * D });
    expect(checkExperiment(days).notes.join(" ")).toMatch(/shorter than a week/);
  });
  it("refuses a control store that lacks a zone of interest in a period, naming the store and the zones, and waits for its layouts", () => {
    let f = experimentReducer(ready(), { type: "toggleZone", zone: "tills" });
    f = experimentReducer(experimentReducer(f, { type: "toggleControl", store: "milan" }), { type: "toggleControl", store: "lyon" });
    const set = (...z: string[]) => new Set(z);
    const context = {
      // Milan (fashion) has neither zone; Lyon had no promo table before the change; Nice is not loaded yet.
      controlZones: new Map([
        ["milan", { before: set("tills", "shoes"), after: set("tills", "shoes") }],
        ["lyon", { before: set("tills"), after: set("tills", "promo") }],
      ]),
      zoneName: (z: string) => ({ promo: "Promotions", tills: "Tills" })[z] ?? z,
      storeName: (s: string) => `Store ${s}`,
    };
    expect(checkExperiment(f, context).problems).toEqual([
      "Store milan does not have the zone “Promotions” all through both periods: a control store needs every zone of interest, so pick one with the same zones or leave it out.",
      "Store lyon does not have the zone “Promotions” all through both periods: a control store needs every zone of interest, so pick one with the same zones or leave it out.",
    ]);
    expect(toExperimentInput(f, context)).toBeNull();
    const fine = experimentReducer(experimentReducer(f, { type: "toggleControl", store: "milan" }), { type: "toggleControl", store: "lyon" });
    expect(checkExperiment(experimentReducer(fine, { type: "toggleControl", store: "nice" }), context).problems).toEqual([]);
    const both = { ...context, controlZones: new Map([["milan", { before: set("shoes"), after: set("shoes") }]]) };
    expect(checkExperiment(experimentReducer(fine, { type: "toggleControl", store: "milan" }), both).problems).toEqual([
      "Store milan does not have the zones “Promotions”, “Tills” all through both periods: a control store needs every zone of interest, so pick one with the same zones or leave it out.",
    ]);
  });
  it("asks for zones of interest", () => {
    const f = experimentReducer(ready(), { type: "toggleZone", zone: "promo" });
    expect(checkExperiment(f).problems).toContain("Pick at least one zone of interest.");
  });
});

describe("changedZones", () => {
  it("is every zone when there was no layout before", () => {
    expect(changedZones(null, layout([["a", 0]]))).toEqual(["a"]);
  });
});

describe("storeNames", () => {
  it("names stores as people know them, falling back to the id", () => {
    const stores = [{ id: "store-0001", name: "Footfall Market Paris" }, { id: "store-0003", name: "" }];
    expect(storeNames(["store-0001", "store-0003", "gone"], stores)).toBe("Footfall Market Paris, store-0003, gone");
    expect(storeNames([], stores)).toBe("");
  });
});

describe("stageLabel", () => {
  const e = { before: { from: 1_000, to: 2_000 }, after: { from: 3_000, to: 4_000 } };
  it("says where the experiment stands, with the share of a running after period", () => {
    expect([500, 1_500, 2_500, 3_250, 4_000].map((now) => stageLabel(e, now))).toEqual([
      "Planned",
      "Before period running",
      "Waiting for the after period",
      "After period running (25 %)",
      "Over",
    ]);
  });
});

describe("controlUnavailable", () => {
  const set = (...ids: string[]) => new Set(ids);
  const ctx = {
    zoneName: (z: string) => ({ promo: "Promotions", fruit: "Fruit", old: "Old till (removed)" })[z] ?? z,
    controlZones: new Map([
      ["fashion", { before: set("shoes"), after: set("shoes") }],
      ["grocer", { before: set("promo", "fruit"), after: set("promo", "fruit") }],
      ["late", { before: set("fruit"), after: set("promo", "fruit") }],
      ["gone", { before: set("promo", "fruit", "old"), after: set("fruit") }],
    ]),
  };
  it("names the zones of interest a store lacks, so the picker can mark it before it is picked", () => {
    expect(controlUnavailable("fashion", { zones: ["promo"] }, ctx)).toBe("no “Promotions” zone");
    expect(controlUnavailable("fashion", { zones: ["promo", "fruit"] }, ctx)).toBe("no “Promotions”, “Fruit” zones");
    expect(controlUnavailable("late", { zones: ["promo"] }, ctx)).toBe("no “Promotions” zone in the before period");
    expect(controlUnavailable("gone", { zones: ["promo", "old"] }, ctx)).toBe("no “Promotions”, “Old till” zones in the after period");
    expect(controlUnavailable("grocer", { zones: ["promo", "fruit"] }, ctx)).toBeNull();
    // No zone picked yet, or its zones not loaded: nothing to say (the server still judges it).
    expect(controlUnavailable("fashion", { zones: [] }, ctx)).toBeNull();
    expect(controlUnavailable("unknown", { zones: ["promo"] }, ctx)).toBeNull();
  });
  it("marks exactly the stores the form would refuse once picked (controlZoneProblems' rule)", () => {
    fc.assert(
      fc.property(fc.subarray(["promo", "fruit", "old", "shoes"]), fc.constantFrom("fashion", "grocer", "late", "gone"), (zones, store) => {
        const refused = controlZoneProblems({ controls: [store], zones }, { ...ctx, storeName: (s) => s }).length > 0;
        expect(controlUnavailable(store, { zones }, ctx) !== null).toBe(refused);
      }),
    );
  });
});

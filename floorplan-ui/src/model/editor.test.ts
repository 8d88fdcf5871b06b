import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Layout } from "@footfall/core";
import { arrowKeyAction, canRedo, editParam, canUndo, draftProblems, draftWarnings, editorReducer, editorTimeZone, freeIdLike, initialEditor, isDirty, removedById, removedLike, slugId, snap, supersededBy, toLayoutInput, validFromProblems, zoneOverlaps, withBounds, zoneBounds, type EditorAction, type EditorState } from "./editor.js";

const layout = {
  store: "demo",
  version: 3,
  validFrom: 0,
  timezone: "Europe/Paris",
  floor: { width: 20, height: 10 },
  zones: [{ id: "fruit", name: "Fruit", kind: "zone", polygon: [[1, 1], [5, 1], [5, 4], [1, 4]], capacity: 10 }],
} as unknown as Layout;

const run = (s: EditorState, ...actions: EditorAction[]) => actions.reduce(editorReducer, s);
const corner = (x: number, y: number): EditorAction => ({ type: "addCorner", point: [x, y], closeRadius: 0.3 });
const start = () => initialEditor("demo", layout);

describe("drawing a zone", () => {
  it("adds a zone when the first corner is clicked again", () => {
    const s = run(start(), { type: "startDrawing" }, corner(10, 2), corner(14, 2), corner(14, 6), corner(10.1, 2.1));
    expect(s.drawing).toBeNull();
    expect(s.draft.zones).toHaveLength(2);
    expect(s.draft.zones[1]).toMatchObject({ id: "zone-2", name: "Zone 2", kind: "zone", polygon: [[10, 2], [14, 2], [14, 6]] });
    expect(s.selected).toBe("zone-2");
  });
  it("snaps corners to a 10 cm grid", () => {
    const s = run(start(), { type: "startDrawing" }, corner(10.04, 2.06));
    expect(s.drawing).toEqual([[10, 2.1]]);
    expect(snap(-0.04)).toBe(0);
    expect(Object.is(snap(-0.04), -0)).toBe(false);
  });
  it("refuses a corner outside the floor and says why", () => {
    const s = run(start(), { type: "startDrawing" }, corner(25, 2));
    expect(s.drawing).toEqual([]);
    expect(s.message).toMatchObject({ tone: "error", text: expect.stringContaining("outside the floor") });
  });
  it("refuses a polygon that crosses itself with layoutProblems' message", () => {
    const s = run(start(), { type: "startDrawing" }, corner(10, 2), corner(14, 6), corner(14, 2), corner(10, 6), { type: "finishDrawing" });
    expect(s.draft.zones).toHaveLength(1);
    expect(s.drawing).toHaveLength(4);
    expect(s.message?.text).toContain('zone "zone-2" crosses itself');
  });
  it("needs three corners", () => {
    const s = run(start(), { type: "startDrawing" }, corner(10, 2), corner(14, 6), { type: "finishDrawing" });
    expect(s.message?.text).toBe("A zone needs at least 3 corners.");
  });
  it("can take back the last corner", () => {
    const s = run(start(), { type: "startDrawing" }, corner(10, 2), corner(14, 6), { type: "removeLastCorner" });
    expect(s.drawing).toEqual([[10, 2]]);
  });
});

describe("dragging a corner", () => {
  it("moves the corner and makes one undo step of the whole drag", () => {
    const s = run(start(), { type: "dragCorner", zone: "fruit", index: 2, point: [6, 5] }, { type: "dragCorner", zone: "fruit", index: 2, point: [7, 6] }, { type: "endDrag" });
    expect(s.draft.zones[0]!.polygon[2]).toEqual([7, 6]);
    expect(s.past).toHaveLength(1);
    expect(run(s, { type: "undo" }).draft.zones[0]!.polygon[2]).toEqual([5, 4]);
  });
  it("puts the corner back when the zone would cross itself", () => {
    const s = run(start(), { type: "dragCorner", zone: "fruit", index: 1, point: [1, 6] }, { type: "endDrag" });
    expect(s.draft.zones[0]!.polygon[1]).toEqual([5, 1]);
    expect(s.message?.text).toContain("crosses itself");
    expect(s.past).toHaveLength(0);
  });
  it("puts the corner back when it leaves the floor", () => {
    const s = run(start(), { type: "dragCorner", zone: "fruit", index: 2, point: [25, 4] }, { type: "endDrag" });
    expect(s.draft.zones[0]!.polygon[2]).toEqual([5, 4]);
    expect(s.message?.text).toContain("leaves the floor");
  });
});

describe("corners", () => {
  it("inserts a corner after another", () => {
    const s = run(start(), { type: "insertCorner", zone: "fruit", after: 0, point: [3, 0.5] });
    expect(s.draft.zones[0]!.polygon).toHaveLength(5);
    expect(s.draft.zones[0]!.polygon[1]).toEqual([3, 0.5]);
  });
  it("keeps at least three corners", () => {
    const tri = run(start(), { type: "deleteCorner", zone: "fruit", index: 0 });
    expect(run(tri, { type: "deleteCorner", zone: "fruit", index: 0 }).message?.text).toBe("A zone needs at least 3 corners.");
  });
});

describe("zone properties", () => {
  it("renames, changes kind and capacity in one undo step", () => {
    const s = run(start(), { type: "updateZone", zone: "fruit", changes: { name: "Fresh fruit", kind: "checkout", capacity: 4 } });
    expect(s.draft.zones[0]).toMatchObject({ name: "Fresh fruit", kind: "checkout", capacity: 4 });
    expect(run(s, { type: "undo" }).draft.zones[0]).toMatchObject({ name: "Fruit", capacity: 10 });
  });
  it("clears the capacity", () => {
    const s = run(start(), { type: "updateZone", zone: "fruit", changes: { capacity: null } });
    expect("capacity" in s.draft.zones[0]!).toBe(false);
  });
  it("refuses a malformed or duplicate id", () => {
    expect(run(start(), { type: "updateZone", zone: "fruit", changes: { id: "Fruit Bowl" } }).message?.text).toContain("not valid");
    const two = run(start(), { type: "startDrawing" }, corner(10, 2), corner(14, 2), corner(14, 6), { type: "finishDrawing" });
    expect(run(two, { type: "updateZone", zone: "zone-2", changes: { id: "fruit" } }).message?.text).toContain("already used");
  });
  it("refuses a negative or fractional capacity", () => {
    expect(run(start(), { type: "updateZone", zone: "fruit", changes: { capacity: 2.5 } }).message?.tone).toBe("error");
  });
  it("deletes a zone", () => {
    expect(run(start(), { type: "deleteZone", zone: "fruit" }).draft.zones).toEqual([]);
  });
});

describe("undo and redo", () => {
  it("walks back and forth through changes", () => {
    const s = run(start(), { type: "setFloor", floor: { width: 30 } }, { type: "setFloor", floor: { height: 15 } });
    const back = run(s, { type: "undo" }, { type: "undo" });
    expect(back.draft.floor).toEqual({ width: 20, height: 10 });
    expect(canUndo(back)).toBe(false);
    const fwd = run(back, { type: "redo" });
    expect(fwd.draft.floor).toEqual({ width: 30, height: 10 });
    expect(canRedo(fwd)).toBe(true);
  });
  it("forgets redo after a new change", () => {
    const s = run(start(), { type: "setFloor", floor: { width: 30 } }, { type: "undo" }, { type: "setFloor", floor: { width: 40 } });
    expect(canRedo(s)).toBe(false);
  });
  it("tells unsaved changes until saved", () => {
    const s = run(start(), { type: "setFloor", floor: { width: 30 } });
    expect(isDirty(s)).toBe(true);
    const saved = run(s, { type: "saved", layout: { ...layout, version: 4 } });
    expect(isDirty(saved)).toBe(false);
    expect(saved.version).toBe(4);
  });
});

describe("the saved layout", () => {
  it("is what PUT expects", () => {
    expect(toLayoutInput(start().draft, 1234)).toEqual({ validFrom: 1234, timezone: "Europe/Paris", floor: { width: 20, height: 10 }, zones: layout.zones });
  });
  it("lists zones that a smaller floor would cut, by name", () => {
    const s = run(start(), { type: "setFloor", floor: { width: 4 } });
    expect(draftProblems(s.draft)).toEqual([{ zone: "fruit", text: expect.stringContaining("Fruit: zone \"fruit\" leaves the floor") }]);
  });
  it("says in plain words that a zone has no name, or too long a one, and what to do", () => {
    const s = run(initialEditor("demo", layout), { type: "updateZone", zone: "fruit", changes: { name: "" } });
    expect(draftProblems(s.draft)).toEqual([{ zone: "fruit", text: "fruit: the zone has no name; type one in its Name field" }]);
    const long = run(initialEditor("demo", layout), { type: "updateZone", zone: "fruit", changes: { name: "F".repeat(101) } });
    expect(draftProblems(long.draft)).toEqual([{ zone: "fruit", text: `${"F".repeat(101)}: the name is longer than 100 characters; shorten it` }]);
  });
  it("says before saving that a name holds a control character or a bidi override, which one, and shows it written out", () => {
    const esc = run(start(), { type: "updateZone", zone: "fruit", changes: { name: "Fruit\u001b[2J" } });
    expect(draftProblems(esc.draft)).toEqual([{ zone: "fruit", text: "Fruit\\u{1b}[2J: holds U+001B (ESC, a control character): a name is one line of plain text; remove it" }]);
    const store = run(start(), { type: "setName", name: "Rivoli \u202eexe.pdf" });
    expect(draftProblems(store.draft)).toEqual([
      { zone: null, text: "name: holds U+202E (RIGHT-TO-LEFT OVERRIDE, a bidirectional control), which makes a name read in another order where it is shown: remove it (right-to-left text needs none)" },
    ]);
    // Ordinary text of any script is a name.
    const fine = run(start(), { type: "updateZone", zone: "fruit", changes: { name: "Caf\u00e9 \u6771\u4eac \u05d7\u05dc\u05d1\u200f \ud83c\udf4e" } }, { type: "setName", name: "\u0645\u062a\u062c\u0631 Z\u00fcrich" });
    expect(draftProblems(fine.draft)).toEqual([]);
  });
  it("says what a queue lacks in the words of its form's “Queue for” field, not the API's", () => {
    const tills = { id: "tills", name: "Tills", kind: "checkout", polygon: [[6, 5], [9, 5], [9, 8], [6, 8]] };
    const queue = { id: "line", name: "Till queue", kind: "queue", queueFor: "tills", polygon: [[6, 1], [9, 1], [9, 3], [6, 3]] };
    const s = initialEditor("demo", { ...layout, zones: [...layout.zones, tills, queue] } as unknown as Layout);
    expect(draftProblems(s.draft)).toEqual([]);
    // The tills deleted: the queue names a zone that is gone.
    expect(draftProblems(run(s, { type: "deleteZone", zone: "tills" }).draft)).toEqual([
      { zone: "line", text: "Till queue: it queues for “tills”, which is no longer a zone of this layout: choose another in its “Queue for” field" },
    ]);
    // A zone made a queue, its tills not chosen yet.
    expect(draftProblems(run(s, { type: "updateZone", zone: "fruit", changes: { kind: "queue" } }).draft)).toEqual([
      { zone: "fruit", text: "Fruit: a queue needs the zone people wait to be served in: choose it in its “Queue for” field (e.g. the checkout)" },
    ]);
  });
  it("says once, in the words of its Time zone field, that the store's time zone is cleared or is none", () => {
    const cleared = run(start(), { type: "setTimezone", timezone: "" });
    expect(draftProblems(cleared.draft)).toEqual([{ zone: null, text: "Time zone: none is chosen: pick the store's in its Time zone field (e.g. Europe/Paris)" }]);
    expect(draftProblems(run(start(), { type: "setTimezone", timezone: "Europe/Pari" }).draft)).toEqual([
      { zone: null, text: "Time zone: “Europe/Pari” is not a time zone: pick one from its Time zone field's list (e.g. Europe/Paris)" },
    ]);
    // Longer than the schema's 64 characters: one problem, not the schema's length besides.
    expect(draftProblems(run(start(), { type: "setTimezone", timezone: "Europe/" + "P".repeat(70) }).draft)).toEqual([{ zone: null, text: expect.stringMatching(/^Time zone: “Europe\/P+” is not a time zone: pick one/) }]);
  });
  it("reads times in the time zone last saved while the Time zone field holds none, so the editor still draws", () => {
    expect(editorTimeZone(start())).toBe("Europe/Paris");
    expect(editorTimeZone(run(start(), { type: "setTimezone", timezone: "America/New_York" }))).toBe("America/New_York");
    expect(editorTimeZone(run(start(), { type: "setTimezone", timezone: "" }))).toBe("Europe/Paris");
    expect(editorTimeZone(run(start(), { type: "setTimezone", timezone: "Europe/Pari" }))).toBe("Europe/Paris");
    const fresh = initialEditor("new", null, "");
    expect(editorTimeZone(run(fresh, { type: "setTimezone", timezone: "nowhere" }))).toBe("UTC");
  });
  it("says in the words of “Valid from” that a version takes effect before 2100, and that the field is empty", () => {
    expect(validFromProblems(Date.UTC(2026, 11, 14, 9))).toEqual([]);
    expect(validFromProblems(0)).toEqual([]);
    expect(validFromProblems(Date.UTC(2099, 11, 31, 23, 59))).toEqual([]);
    const late = [{ zone: null, text: "Valid from: a layout version takes effect before the year 2100 (1 Jan 2100, UTC); choose an earlier date" }];
    expect(validFromProblems(Date.UTC(2100, 0, 1))).toEqual(late);
    expect(validFromProblems(Date.UTC(2100, 2, 1, 9))).toEqual(late);
    expect(validFromProblems(Date.UTC(1969, 11, 31, 9))).toEqual([{ zone: null, text: "Valid from: a layout version takes effect from 1970 on; choose a later date" }]);
    expect(validFromProblems(null)).toEqual([{ zone: null, text: "Valid from: no date and time is set: choose when this version takes effect" }]);
  });
  it("keeps no spaces around a zone's name, and takes a name of spaces only for no name", () => {
    expect(run(start(), { type: "updateZone", zone: "fruit", changes: { name: "  Fruit & veg " } }).draft.zones[0]!.name).toBe("Fruit & veg");
    const blank = run(start(), { type: "updateZone", zone: "fruit", changes: { name: "   " } });
    expect(draftProblems(blank.draft)).toEqual([{ zone: "fruit", text: "fruit: the zone has no name; type one in its Name field" }]);
  });
  it("warns, without refusing, that a layout with no entrance counts no store visitors", () => {
    const door = run(start(), { type: "updateZone", zone: "fruit", changes: { kind: "entrance" } });
    expect(draftWarnings(door.draft)).toEqual([]);
    expect(draftWarnings(start().draft)).toEqual([{ zone: null, text: expect.stringContaining("No zone is an entrance") }]);
    expect(draftProblems(start().draft)).toEqual([]);
    // An empty store being drawn is not warned about yet.
    expect(draftWarnings(initialEditor("new", null).draft)).toEqual([]);
  });
  it("names the zones that share a name, whatever its case", () => {
    const s = run(start(), { type: "startDrawing" }, corner(6, 1), corner(9, 1), corner(9, 4), corner(6, 1), { type: "updateZone", zone: "zone-2", changes: { name: "fruit", kind: "entrance" } });
    expect(draftWarnings(s.draft)).toEqual([{ zone: "zone-2", text: "2 zones are named “Fruit” (fruit, zone-2): the heatmap, reports and exports show zones by name, so they could not be told apart. Give each its own name." }]);
  });
  it("starts an empty store with a default floor", () => {
    expect(initialEditor("new", null, "Europe/Paris").draft).toEqual({ timezone: "Europe/Paris", floor: { width: 30, height: 20 }, zones: [] });
  });
});

describe("editParam (the scheduled version the editor corrects)", () => {
  it("is a version number, else null (the version in force)", () => {
    expect(editParam("3")).toBe(3);
    expect(editParam("120")).toBe(120);
    for (const bad of [undefined, "", "0", "03", "-1", "1.5", "2e3", "x", " 3", "9999999999"]) expect(editParam(bad)).toBeNull();
    fc.assert(fc.property(fc.integer({ min: 1, max: 999_999_999 }), (n) => editParam(String(n)) === n));
  });
});

describe("slugId", () => {
  it("makes an id from a name, without accents or punctuation", () => {
    expect(slugId("Fruits & légumes", [])).toBe("fruits-legumes");
  });
  it("keeps ids unique", () => {
    expect(slugId("Fruit", layout.zones)).toBe("fruit-2");
    expect(slugId("Fruit", layout.zones, "fruit")).toBe("fruit");
  });
  it("gives nothing for a name with no letters or digits", () => {
    expect(slugId("!!!", [])).toBeNull();
  });
  it("never gives a new zone an id a saved version had: a new Coffee bar after the old one was removed has its own", () => {
    expect(slugId("Coffee bar", layout.zones, "zone-2", ["fruit", "coffee-bar"])).toBe("coffee-bar-2");
    // The zone's own id is its own (a drawn zone renamed again).
    expect(slugId("Coffee bar", layout.zones, "coffee-bar-2", ["fruit", "coffee-bar", "coffee-bar-2"])).toBe("coffee-bar-2");
  });
});

describe("a new zone and the zones earlier versions had", () => {
  const used = [
    { id: "coffee-bar", name: "Coffee bar", version: 2, validFrom: 10 },
    { id: "fruit", name: "Fruit", version: 3, validFrom: 20 },
    { id: "zone-2", name: "Zone 2", version: 1, validFrom: 0 },
  ];
  it("is drawn under a zone-N id no version had", () => {
    const s = run({ ...start(), used: used.map((u) => u.id) }, { type: "startDrawing" }, corner(10, 2), corner(14, 2), corner(14, 6), corner(10.1, 2.1));
    expect(s.draft.zones[1]).toMatchObject({ id: "zone-3", name: "Zone 3" });
    // Read after the layout: the action sets them.
    expect(run(start(), { type: "zonesUsed", ids: ["zone-2"] }).used).toEqual(["zone-2"]);
  });
  it("names the removed zone it is named like (or whose id its name makes), never one the draft still has", () => {
    const zone = (name: string, id = "coffee-bar-2") => ({ id, name, kind: "zone", polygon: [[10, 2], [14, 2], [14, 6]] }) as unknown as Layout["zones"][number];
    expect(removedLike(zone(" coffee  BAR "), layout.zones, used)?.id).toBe("coffee-bar");
    expect(removedLike(zone("Coffee-bar!"), layout.zones, used)?.id).toBe("coffee-bar");
    expect(removedLike(zone("Fruit"), layout.zones, used)).toBeNull();
    expect(removedLike(zone("Coffee bar", "coffee-bar"), layout.zones, used)).toBeNull();
    expect(removedLike(zone("Tea room"), layout.zones, used)).toBeNull();
  });
});

describe("a zone id typed by hand", () => {
  const used = [
    { id: "fruit", name: "Fruit", version: 3, validFrom: 0 },
    { id: "promo", name: "Promo", version: 4, validFrom: 0 },
  ];
  it("is a removed zone's (the form asks before bringing it back) only when the draft no longer has it", () => {
    expect(removedById("promo", "zone-2", layout.zones, used)).toEqual(used[1]);
    expect(removedById("fruit", "zone-2", layout.zones, used)).toBeNull(); // in the draft: the reducer refuses it
    expect(removedById("promo", "promo", layout.zones, used)).toBeNull(); // its own
    expect(removedById("tea", "zone-2", layout.zones, used)).toBeNull();
  });
  it("has a free id like it: itself when free, else -2, -3..., a valid id none of the taken ones", () => {
    expect(freeIdLike("promo", new Set(["promo"]))).toBe("promo-2");
    expect(freeIdLike("promo", new Set(["promo", "promo-2"]))).toBe("promo-3");
    expect(freeIdLike("tea", new Set(["promo"]))).toBe("tea");
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,63}$/), fc.array(fc.nat(12), { maxLength: 12 }), (id, ns) => {
        fc.pre(id !== "constructor");
        const taken = new Set([id, ...ns.map((n) => `${id.slice(0, 63 - String(n).length).replace(/[-_]+$/, "")}-${n}`)]);
        const free = freeIdLike(id, taken);
        expect(taken.has(free)).toBe(false);
        expect(free).toMatch(/^(?!constructor$)[a-z0-9][a-z0-9_-]{0,63}$/);
        expect(free.startsWith(id.slice(0, 1))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe("the store's currency", () => {
  it("is kept with the layout, in capitals, and refused when it is no ISO 4217 code", () => {
    const s = run(start(), { type: "setCurrency", currency: "eur" });
    expect(toLayoutInput(s.draft, 0).currency).toBe("EUR");
    const bad = run(s, { type: "setCurrency", currency: "euro" });
    expect(bad.draft.currency).toBe("EUR");
    expect(bad.message?.text).toMatch(/not a currency code/);
    expect(toLayoutInput(run(s, { type: "setCurrency", currency: "" }).draft, 0).currency).toBeUndefined();
  });
});

describe("moving a zone by its body", () => {
  const two = () => initialEditor("demo", { ...layout, zones: [...layout.zones, { id: "promo", name: "Promo", kind: "zone", polygon: [[10, 1], [12, 1], [12, 3], [10, 3]] }] } as unknown as Layout);
  const ON = { on: true, tolerance: 0.2 };
  it("moves every corner by the dragged distance in 0.25 m steps, as one undo step", () => {
    const s = run(start(), { type: "moveZone", zone: "fruit", delta: [1, 1], snap: ON }, { type: "moveZone", zone: "fruit", delta: [2.1, 0.9], snap: ON }, { type: "endDrag" });
    expect(s.draft.zones[0]!.polygon).toEqual([[3, 2], [7, 2], [7, 5], [3, 5]]);
    expect(s.past).toHaveLength(1);
    expect(run(s, { type: "undo" }).draft.zones[0]!.polygon).toEqual(layout.zones[0]!.polygon);
  });
  it("snaps onto a neighbour's edge when it comes near one", () => {
    const s = run(two(), { type: "moveZone", zone: "fruit", delta: [4.9, 0.3], snap: ON }, { type: "endDrag" });
    // Fruit's right edge (x = 5 + 4.9) lands on Promo's left edge (x = 10).
    expect(s.draft.zones[0]!.polygon.map((p) => p[0])).toEqual([6, 10, 10, 6]);
    expect(zoneOverlaps(s.draft)).toEqual([]);
  });
  it("puts the zone back when the move would leave the floor", () => {
    const s = run(start(), { type: "moveZone", zone: "fruit", delta: [30, 0], snap: ON }, { type: "endDrag" });
    expect(s.draft.zones[0]!.polygon).toEqual(layout.zones[0]!.polygon);
    expect(s.message?.text).toContain("Move undone");
  });
});

describe("zoneOverlaps", () => {
  it("names the zones that share floor and how much, but not zones that only touch", () => {
    const s = initialEditor("demo", { ...layout, zones: [...layout.zones, { id: "promo", name: "Promo", kind: "zone", polygon: [[4, 2], [8, 2], [8, 5], [4, 5]] }, { id: "deli", name: "Deli", kind: "zone", polygon: [[8, 2], [9, 2], [9, 5], [8, 5]] }] } as unknown as Layout);
    const o = zoneOverlaps(s.draft);
    expect(o.map((x) => [x.a.id, x.b.id])).toEqual([["fruit", "promo"]]);
    expect(o[0]!.area).toBeCloseTo(2, 9);
  });
});

describe("supersededBy", () => {
  const versions = [
    { version: 1, validFrom: 0 },
    { version: 3, validFrom: 300 },
    { version: 2, validFrom: 200 },
  ];
  it("names the earliest saved version that starts after the new one: it takes over then", () => {
    expect(supersededBy(versions, 100)).toEqual({ version: 2, validFrom: 200 });
    expect(supersededBy(versions, 250)).toEqual({ version: 3, validFrom: 300 });
  });
  it("is null when the new version starts with or after every saved one (it becomes the current layout)", () => {
    expect(supersededBy(versions, 300)).toBeNull();
    expect(supersededBy(versions, 1_000)).toBeNull();
    expect(supersededBy([], 0)).toBeNull();
  });
});

describe("the keyboard: moving and resizing the selected zone", () => {
  const key = (s: EditorState, k: string, shift = false, ctrl = false, repeat = false) => {
    const zone = s.draft.zones.find((z) => z.id === s.selected)!;
    return editorReducer(s, arrowKeyAction(zone, k, { shift, ctrl, repeat })!);
  };
  const selected = () => run(start(), { type: "select", zone: "fruit" });
  it("moves by 0.1 m with an arrow and by 1 m with Shift, each press one undo step", () => {
    let s = key(selected(), "ArrowRight");
    expect(s.draft.zones[0]!.polygon).toEqual([[1.1, 1], [5.1, 1], [5.1, 4], [1.1, 4]]);
    s = key(s, "ArrowDown", true);
    expect(zoneBounds(s.draft.zones[0]!)).toEqual({ x: 1.1, y: 2, w: 4, h: 3 });
    s = key(key(s, "ArrowLeft"), "ArrowUp");
    expect(zoneBounds(s.draft.zones[0]!)).toEqual({ x: 1, y: 1.9, w: 4, h: 3 });
    expect(s.selected).toBe("fruit");
    expect(isDirty(s)).toBe(true);
    s = run(s, { type: "undo" }, { type: "undo" });
    expect(zoneBounds(s.draft.zones[0]!)).toEqual({ x: 1.1, y: 2, w: 4, h: 3 });
  });
  it("resizes from the top-left corner with Ctrl+arrows", () => {
    let s = key(selected(), "ArrowRight", false, true);
    expect(s.draft.zones[0]!.polygon).toEqual([[1, 1], [5.1, 1], [5.1, 4], [1, 4]]);
    s = key(key(s, "ArrowUp", true, true), "ArrowLeft", false, true);
    expect(zoneBounds(s.draft.zones[0]!)).toEqual({ x: 1, y: 1, w: 4, h: 2 });
  });
  it("refuses a move off the floor and says why, the zone staying put", () => {
    let s = run(start(), { type: "setBounds", zone: "fruit", bounds: { x: 16 } });
    expect(zoneBounds(s.draft.zones[0]!).x).toBe(16);
    s = key({ ...s, selected: "fruit" }, "ArrowRight", true);
    expect(zoneBounds(s.draft.zones[0]!).x).toBe(16);
    expect(s.message).toMatchObject({ tone: "error", text: expect.stringMatching(/^Not moved: zone "fruit" leaves the floor/) });
    s = run(s, { type: "setBounds", zone: "fruit", bounds: { h: 0 } });
    expect(s.message?.text).toBe("A zone is at least 0.1 m wide and 0.1 m high.");
    expect(run(s, { type: "setBounds", zone: "fruit", bounds: { w: Number.NaN } }).message?.text).toBe("W must be a number of metres.");
  });
  it("makes one undo step of a held arrow key, however long the hold (property)", () => {
    // Each hold: a key, how many auto-repeats follow its first press, and whether Ctrl resizes.
    const hold = fc.record({ k: fc.constantFrom("ArrowRight", "ArrowDown"), repeats: fc.integer({ min: 0, max: 8 }), ctrl: fc.boolean() });
    fc.assert(
      fc.property(fc.array(hold, { minLength: 1, maxLength: 4 }), (holds) => {
        const before = selected();
        let s = before;
        const afterEach: EditorState[] = [];
        for (const h of holds) {
          s = key(s, h.k, false, h.ctrl);
          for (let i = 0; i < h.repeats; i++) s = key(s, h.k, false, h.ctrl, true);
          afterEach.push(s);
        }
        expect(s.past.length).toBe(holds.length);
        // Undo walks back hold by hold, to the zone as it was before the first press.
        for (let i = holds.length - 2; i >= -1; i--) {
          s = run(s, { type: "undo" });
          expect(s.draft).toEqual(i >= 0 ? afterEach[i]!.draft : before.draft);
        }
      }),
    );
  });
  it("does not join a held key to the step before it when that step was not the key's", () => {
    let s = run(selected(), { type: "setBounds", zone: "fruit", bounds: { x: 2 } });
    // Auto-repeats whose first press made no step (the field edit came between) are steps of their own.
    s = key(s, "ArrowRight", false, false, true);
    expect(s.past.length).toBe(2);
    s = run(s, { type: "undo" });
    expect(zoneBounds(s.draft.zones[0]!).x).toBe(2);
  });
  it("ignores other keys", () => {
    expect(arrowKeyAction(selected().draft.zones[0]!, "a", { shift: false, ctrl: false })).toBeNull();
  });
  it("sets the box a zone is given and keeps its shape (property)", () => {
    const pt = fc.tuple(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 2000 })).map(([x, y]) => [x / 100, y / 100] as [number, number]);
    fc.assert(
      fc.property(fc.array(pt, { minLength: 3, maxLength: 8 }), fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 10, max: 2000 }), fc.integer({ min: 10, max: 2000 }), (polygon, x, y, w, h) => {
        const zone = { polygon } as unknown as Parameters<typeof zoneBounds>[0];
        const b0 = zoneBounds(zone);
        fc.pre(b0.w >= 0.1 && b0.h >= 0.1);
        const want = { x: x / 100, y: y / 100, w: w / 100, h: h / 100 };
        const moved = withBounds(zone, { x: want.x, y: want.y });
        if (typeof moved === "string") throw new Error(moved);
        // A move keeps every corner's offset from the first one.
        moved.polygon.forEach((p, i) => {
          expect(p[0] - moved.polygon[0]![0]).toBeCloseTo(polygon[i]![0] - polygon[0]![0], 2);
          expect(p[1] - moved.polygon[0]![1]).toBeCloseTo(polygon[i]![1] - polygon[0]![1], 2);
        });
        const set = withBounds(zone, want);
        if (typeof set === "string") throw new Error(set);
        const got = zoneBounds(set);
        for (const k of ["x", "y", "w", "h"] as const) expect(Math.abs(got[k] - want[k])).toBeLessThanOrEqual(0.002);
        expect(withBounds(zone, {})).toBe(zone);
      }),
    );
  });
});

describe("deleting a zone", () => {
  it("says which zone went and that Undo brings it back", () => {
    const s = run(start(), { type: "select", zone: "fruit" }, { type: "deleteZone", zone: "fruit" });
    expect(s.draft.zones).toEqual([]);
    expect(s.selected).toBeNull();
    expect(s.message).toEqual({ tone: "info", text: "Zone “Fruit” deleted. Undo (Ctrl+Z) brings it back." });
    expect(run(s, { type: "undo" }).draft.zones.map((z) => z.name)).toEqual(["Fruit"]);
  });
});

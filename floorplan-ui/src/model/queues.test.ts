import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Layout } from "@footfall/core";
import type { LiveQueueRow } from "../api/queues.js";
import { draftProblems, editorReducer, initialEditor, toLayoutInput, type EditorAction, type EditorState } from "./editor.js";
import { formatWait, OPEN_TILL_AT, queueAlertNow, queueCellTitle, queueFiguresBehind, queueRowAlertNow, queueTiles, waitGrid, waitText } from "./queues.js";
import { formatDuration } from "./format.js";

const row = (length: number, estimatedWaitS: number | null): LiveQueueRow => ({
  zone: "line",
  name: "Checkout queue",
  queueFor: "checkout",
  queueForName: "Checkout",
  length,
  lost: 0,
  capacity: 12,
  estimatedWaitS,
  method: "recent-waits",
  servedPerMin: 1,
  arrivalsPerMin: 1,
  tillsOpen: 2,
  lastHour: null,
  offlineSince: null,
  offlineAgents: [],
});

describe("queueTiles", () => {
  it("says how many tills are open when the server sees them, nothing when it does not", () => {
    expect(queueTiles([row(2, 60)])[0]).toMatchObject({ tillsOpen: 2, tillsText: "2 tills open" });
    expect(queueTiles([{ ...row(2, 60), tillsOpen: 1 }])[0]!.tillsText).toBe("1 till open");
    expect(queueTiles([{ ...row(2, 60), tillsOpen: null }])[0]!.tillsText).toBeNull();
  });

  it("says open another till at the simple rule's length or wait, busy half way, ok below", () => {
    expect(queueTiles([row(OPEN_TILL_AT.length, 60)])[0]).toMatchObject({ openTill: true, state: "open-till", reason: "4 people waiting" });
    expect(queueTiles([row(1, OPEN_TILL_AT.waitS)])[0]).toMatchObject({ openTill: true, reason: "wait about 3 min" });
    expect(queueTiles([row(2, 30)])[0]).toMatchObject({ openTill: false, state: "busy", reason: null });
    expect(queueTiles([row(0, 3)])[0]).toMatchObject({ openTill: false, state: "ok", waitText: "no wait" });
  });
  it("follows a firing queue rule of the store, with its message", () => {
    const tile = queueTiles([row(1, 20)], [{ kind: "queue-wait", zone: "line", state: "firing", message: "Queue wait above 10 s" }])[0]!;
    expect(tile).toMatchObject({ openTill: true, reason: "Queue wait above 10 s" });
    expect(queueTiles([row(1, 20)], [{ kind: "queue-wait", zone: "other", state: "firing", message: "x" }])[0]!.openTill).toBe(false);
  });
  it("says the figure now beside a rule's message that keeps the worst reached, as the message rounds it", () => {
    const fired = (kind: string, value: number) => [{ kind, zone: "line", state: "firing", message: "M", value }];
    expect(queueTiles([row(2, 20)], fired("queue-length", 8))[0]!.reason).toBe("M · now 2 waiting");
    expect(queueTiles([row(8, 20)], fired("queue-length", 8))[0]!.reason).toBe("M");
    expect(queueTiles([row(2, 70)], fired("queue-wait", 240))[0]!.reason).toBe("M · now about 1 min");
    expect(queueTiles([row(2, 230)], fired("queue-wait", 240))[0]!.reason).toBe("M"); // both "4 min" in whole minutes
    expect(queueTiles([row(2, 1)], fired("queue-wait", 240))[0]!.reason).toBe("M · now under a minute"); // the tile's wait (5 s at least)
    expect(queueTiles([row(2, 20)], [{ kind: "queue-length", zone: "line", state: "firing", message: "M" }])[0]!.reason).toBe("M"); // no value
  });
  it("says a queue alert's figure now exactly when it reads otherwise than the message (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.double({ min: 0, max: 60, noNaN: true }), fc.option(fc.integer({ min: 0, max: 3600 })), fc.double({ min: 0, max: 3600, noNaN: true }), (length, worst, waitS, worstWait) => {
        expect(queueAlertNow({ kind: "queue-length", value: worst }, length, waitS)).toBe(length === Math.round(worst) ? null : `now ${length} waiting`);
        const wait = queueAlertNow({ kind: "queue-wait", value: worstWait }, length, waitS);
        expect(wait).toBe(waitS === null || Math.round(waitS / 60) === Math.round(worstWait / 60) ? null : `now ${waitText(waitS)}`);
        expect(queueAlertNow({ kind: "occupancy", value: worst }, length, waitS)).toBeNull();
      }),
    );
  });
});

describe("a tile for a line nothing counts now (its camera offline)", () => {
  const OFF = Date.UTC(2026, 11, 6, 14, 56);
  const offline = { ...row(6, 240), offlineSince: OFF, offlineAgents: ["cam-q"] };

  it("advises no till and gives no wait or tills, even with 6 waiting when counting stopped or a queue alert on", () => {
    const alert = { kind: "queue-length", zone: "line", state: "firing", message: "Till queue: 6 waiting (above 4); open another till", value: 6 };
    for (const tile of [queueTiles([offline])[0]!, queueTiles([offline], [alert])[0]!]) {
      expect(tile).toMatchObject({ state: "offline", openTill: false, reason: null, waitS: null, waitText: "not known", tillsText: null, length: 6, offlineSince: OFF, offlineAgents: ["cam-q"] });
    }
  });

  it("says 'not counted now' beside a queue alert's message instead of a figure now, and is no reason to read the figures again", () => {
    expect(queueRowAlertNow({ kind: "queue-length", zone: "line", value: 8 }, [offline])).toBe("not counted now");
    // The map still shows the people its open visits count (none, or more): not news of the line.
    expect(queueFiguresBehind([offline], [{ zone: "line", occupancy: 0 }])).toBe(false);
    expect(queueFiguresBehind([row(6, 240)], [{ zone: "line", occupancy: 0 }])).toBe(true);
  });
});

describe("a tile's wait in words", () => {
  it("never says \"no wait\" with people waiting, whatever the estimate; an empty line with a free till does", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.double({ min: 0, max: 4.99, noNaN: true }), (length, waitS) => {
        expect(queueTiles([{ ...row(length, 0), estimatedWaitS: waitS }])[0]!.waitText).toBe("under a minute");
      }),
    );
    expect(queueTiles([{ ...row(0, 0), estimatedWaitS: 3 }])[0]!.waitText).toBe("no wait");
  });
});

describe("an empty line's wait", () => {
  it("says \"closed\" while the store is closed and \"no wait\" while open, not \"not known yet\"; a line with people and no estimate is not known", () => {
    const empty = { ...row(0, 0), estimatedWaitS: null };
    expect(queueTiles([empty], [], false)[0]!.waitText).toBe("closed");
    expect(queueTiles([empty], [], true)[0]!.waitText).toBe("no wait");
    expect(queueTiles([empty])[0]!.waitText).toBe("no wait");
    expect(queueTiles([{ ...row(0, 0), estimatedWaitS: 2 }], [], false)[0]!.waitText).toBe("closed");
    expect(queueTiles([{ ...row(2, 0), estimatedWaitS: null }], [], true)[0]!.waitText).toBe("not known yet");
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), fc.option(fc.double({ min: 0, max: 3600, noNaN: true })), fc.constantFrom(true, false, null), (length, waitS, openNow) => {
        const t = queueTiles([{ ...row(length, 0), estimatedWaitS: waitS }], [], openNow)[0]!;
        if (length === 0) expect(t.waitText).toBe(openNow === false ? "closed" : "no wait");
        else expect(t.waitText).toBe(waitText(Math.max(waitS ?? NaN, 5)));
      }),
    );
  });
});

describe("waitText", () => {
  it("rounds to what staff act on", () => {
    expect([null, 0, 30, 89, 200].map(waitText)).toEqual(["not known yet", "no wait", "under a minute", "about 1 min", "about 3 min"]);
  });
});

describe("waitGrid", () => {
  it("lays cells out by weekday and hour with the longest median for the colour scale", () => {
    const cell = (weekday: number, hour: number, median: number) => ({ weekday, hour, joins: 3, wait_s: { n: 3, mean: median, median, p90: median }, served: 3, abandoned: 0 });
    const g = waitGrid({ zone: "line", name: "l", queueFor: "c", queueForName: "C", joins: 9, wait_s: null, served: 9, abandoned: 0, pending: 0, abandonmentRate: 0, byWeekdayHour: [cell(5, 18, 90), cell(1, 9, 20), cell(5, 9, 40)] });
    expect(g.hours).toEqual([9, 18]);
    expect(g.weekdays).toEqual([1, 5]);
    expect(g.maxMedian).toBe(90);
    expect(g.cells.get("5-9")!.wait_s!.median).toBe(40);
  });
});

describe("the editor and queues", () => {
  const layout = {
    store: "s",
    version: 1,
    validFrom: 0,
    timezone: "UTC",
    floor: { width: 20, height: 10 },
    zones: [
      { id: "till", name: "Till", kind: "checkout", polygon: [[1, 1], [5, 1], [5, 4], [1, 4]] },
      { id: "line", name: "Line", kind: "zone", polygon: [[6, 1], [9, 1], [9, 4], [6, 4]] },
    ],
  } as unknown as Layout;
  const run = (s: EditorState, ...actions: EditorAction[]) => actions.reduce(editorReducer, s);
  const line = (s: EditorState) => s.draft.zones.find((z) => z.id === "line" || z.kind === "queue")!;

  it("sets queueFor on a queue (saved with it), drops it when the kind changes, and follows a renamed zone", () => {
    const s = run(initialEditor("s", layout), { type: "updateZone", zone: "line", changes: { kind: "queue" } });
    expect(JSON.stringify(draftProblems(s.draft))).toContain("choose it in its “Queue for” field");
    const q = run(s, { type: "updateZone", zone: "line", changes: { queueFor: "till" } });
    expect(line(q).queueFor).toBe("till");
    expect(draftProblems(q.draft)).toEqual([]);
    expect(toLayoutInput(q.draft, 0).zones.find((z) => z.id === "line")!.queueFor).toBe("till");
    expect(line(run(q, { type: "updateZone", zone: "till", changes: { id: "till-1" } })).queueFor).toBe("till-1");
    expect(line(run(q, { type: "updateZone", zone: "line", changes: { kind: "zone" } })).queueFor).toBeUndefined();
  });
});

describe("queueFiguresBehind", () => {
  it("is true when a queue zone's live people differ from the length read, false otherwise or without figures", () => {
    const read = [{ zone: "line", length: 1, lost: 0 }];
    expect(queueFiguresBehind(read, [{ zone: "line", occupancy: 4 }, { zone: "checkout", occupancy: 2 }])).toBe(true);
    expect(queueFiguresBehind(read, [{ zone: "line", occupancy: 1 }, { zone: "checkout", occupancy: 2 }])).toBe(false);
    expect(queueFiguresBehind(read, [{ zone: "checkout", occupancy: 2 }])).toBe(false);
    expect(queueFiguresBehind(undefined, [{ zone: "line", occupancy: 4 }])).toBe(false);
    expect(queueFiguresBehind(read, undefined)).toBe(false);
  });

  it("is false while the map's extra people in the line are the ones the read left out as lost by the tracking", () => {
    // The demo's kiosk: '0 people waiting' beside a map saying 1/12 for half an hour, and the tile read again every second meanwhile.
    const read = [{ zone: "line", length: 0, lost: 1 }];
    expect(queueFiguresBehind(read, [{ zone: "line", occupancy: 1 }])).toBe(false);
    expect(queueFiguresBehind(read, [{ zone: "line", occupancy: 0 }])).toBe(false);
    expect(queueFiguresBehind(read, [{ zone: "line", occupancy: 2 }])).toBe(true);
  });

  it("is behind exactly when some queue zone's people now are outside [length, length + lost] (fast-check against a reference)", () => {
    const zone = fc.constantFrom("a", "b", "c");
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ zone, length: fc.nat(6), lost: fc.nat(3) }), { selector: (q) => q.zone }),
        fc.uniqueArray(fc.record({ zone, occupancy: fc.nat(10) }), { selector: (z) => z.zone }),
        (queues, zones) => {
          const explained = (q: (typeof queues)[number], occupancy: number) => {
            for (let lostShown = 0; lostShown <= q.lost; lostShown++) if (occupancy === q.length + lostShown) return true;
            return false;
          };
          const expected = queues.some((q) => zones.some((z) => z.zone === q.zone && !explained(q, z.occupancy)));
          expect(queueFiguresBehind(queues, zones)).toBe(expected);
        },
      ),
    );
  });
});

describe("the tile's lost", () => {
  it("is the server's lost as read, whatever the map's count (the API's lost already leaves out visits past the visit timeout, which the map dropped)", () => {
    // Before, the tile capped the read's lost by the map's people over the length, so an API lost of 2 (one of them
    // 93 minutes in the line) read 1 on the tile: two figures for one line. The server's figure now agrees with the map.
    expect(queueTiles([{ ...row(0, 0), lost: 1 }])[0]!.lost).toBe(1);
    expect(queueTiles([{ ...row(2, 0), lost: 2 }])[0]!.lost).toBe(2);
    expect(queueTiles([{ ...row(2, 0), lost: 0 }])[0]!.lost).toBe(0);
  });
});

describe("formatWait", () => {
  it("writes a wait as the heatmap writes the queue zone's dwell (formatDuration), never its own way ('1.7 min')", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 20_000, noNaN: true }), (s) => {
        expect(formatWait(s)).toBe(formatDuration(s));
      }),
    );
    expect([formatWait(101.5), formatWait(null)]).toEqual(["1 min 42 s", "–"]);
  });
});

describe("queueCellTitle", () => {
  it("says a cell's served and gave up are by the hour they joined, as its joins (18 joined: 15 served, 3 gave up)", () => {
    const cell = { weekday: 1, hour: 8, joins: 18, wait_s: { n: 18, mean: 60, median: 55, p90: 120 }, served: 15, abandoned: 3 };
    const title = queueCellTitle(cell);
    expect(title).toContain("18 joined this hour");
    expect(title).toContain("served 15, gave up 3, by the hour they joined");
    expect(title.indexOf("joined this hour")).toBeLessThan(title.indexOf("served"));
    expect(queueCellTitle(undefined)).toBe("nobody queued");
  });
});

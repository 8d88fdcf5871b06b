import { describe, expect, it } from "vitest";
import { ACK_BY_MAX, ackByOf, ruleValue, type AlertRule, type Layout, type Occupancy } from "@footfall/core";
import fc from "fast-check";
import {
  ACK_NAME_SHIFT_MS,
  ackNameRecord,
  alertNow,
  alertSinceText,
  rememberedAckName,
  attentionReason,
  capacityState,
  cardStateLine,
  STATE_STYLE,
  type CapacityState,
  connectionNotice,
  liveScene,
  notCountedText,
  partialText,
  shownAckError,
  stateText,
  storeCapacity,
  totalSourceText,
  trackOver,
  overSinceOf,
  overSinceText,
  overSinceTracker,
  type OverAlerts,
} from "./live.js";

type Z = Layout["zones"][number];
const zone = (id: string, capacity?: number) => ({ id, name: id, kind: "zone", polygon: [[0, 0], [1, 0], [1, 1]], ...(capacity === undefined ? {} : { capacity }) }) as unknown as Z;
const occ = (total: number, zones: [string, number, number | null][]): Occupancy =>
  ({ ts: 0, total, zones: zones.map(([zone, occupancy, capacity]) => ({ zone, occupancy, capacity })) }) as Occupancy;

describe("capacityState", () => {
  it("is ok below 80 %, busy from 80 %, full at capacity and over above it", () => {
    expect(capacityState(7, 10)).toBe("ok");
    expect(capacityState(8, 10)).toBe("busy");
    expect(capacityState(10, 10)).toBe("full");
    expect(capacityState(12, 10)).toBe("over");
  });
  it("tells at capacity from over by how many", () => {
    expect(stateText(2, 2, capacityState(2, 2))).toBe("At capacity");
    expect(stateText(10, 2, capacityState(10, 2))).toBe("Over by 8");
  });
  it("has no state without a capacity", () => {
    expect(capacityState(50, null)).toBe("none");
  });
  it("is full for anyone in a zone of capacity 0", () => {
    expect(capacityState(1, 0)).toBe("over");
    expect(capacityState(0, 0)).toBe("ok");
  });
});

describe("storeCapacity", () => {
  it("adds up the zones that have a capacity", () => {
    expect(storeCapacity([{ capacity: 10 }, { capacity: null }, { capacity: 5 }])).toBe(15);
  });
  it("is null when no zone has one", () => {
    expect(storeCapacity([{ capacity: null }])).toBeNull();
  });
});

describe("liveScene", () => {
  const layout = { zones: [zone("fruit", 10), zone("bread", 4), zone("hall")] };
  it("takes figures and capacities from the occupancy message, zones worst first", () => {
    const s = liveScene(layout, occ(9, [["fruit", 8, 10], ["bread", 1, 4]]));
    expect(s.zones.map((z) => [z.id, z.state])).toEqual([["fruit", "busy"], ["bread", "ok"], ["hall", "none"]]);
    expect(s.capacity).toBe(14);
    expect(s.state).toBe("ok");
  });
  it("shows zeros before the first message", () => {
    const s = liveScene(layout, null);
    expect(s.total).toBe(0);
    expect(s.zones.find((z) => z.id === "fruit")!.capacity).toBe(10);
  });
  it("raises an alert per zone and for the store over capacity, not at capacity", () => {
    const s = liveScene(layout, occ(16, [["fruit", 11, 10], ["bread", 4, 4]]));
    expect(s.alerts.map((a) => a.text)).toEqual(["Whole store: 16 of 14, over by 2", "fruit: 11 of 10, over by 1"]);
  });
  it("puts the zone over capacity first, then those at capacity, busy, ok", () => {
    const big = { zones: [zone("a", 10), zone("b", 10), zone("c", 10), zone("d", 10), zone("e")] };
    const s = liveScene(big, occ(0, [["a", 1, 10], ["b", 10, 10], ["c", 9, 10], ["d", 14, 10], ["e", 3, null]]));
    expect(s.zones.map((z) => z.id)).toEqual(["d", "b", "c", "a", "e"]);
  });
  it("shows the store card in the worst state of the store and its zones (never green under a red banner)", () => {
    const s = liveScene(layout, occ(3, [["fruit", 1, 10], ["bread", 6, 4]]));
    expect([s.state, s.attention]).toEqual(["ok", "over"]);
  });
  it("says where the store total comes from and how many are followed in zones", () => {
    const s = liveScene(layout, { ...occ(16, [["fruit", 5, 10], ["bread", 2, 4]]), totalFrom: "door", doorZones: ["hall"] });
    expect([s.totalFrom, s.total, s.inZones]).toEqual(["door", 16, 7]);
    expect(s.zones.find((z) => z.id === "hall")?.doorOnly).toBe(true);
  });
  it("gives a zone nothing counts now no state, no over-capacity alert and no share, lists it after the full ones, and names it in the total's partial", () => {
    const o = occ(20, [["fruit", 14, 10], ["bread", 4, 4], ["hall", 2, null]]);
    const s = liveScene(layout, { ...o, zones: o.zones.map((z) => (z.zone === "fruit" ? { ...z, offlineSince: 5000, offlineAgents: ["cam-1"] } : z)), partial: true });
    const fruit = s.zones.find((z) => z.id === "fruit")!;
    expect(fruit).toMatchObject({ occupancy: 14, state: "none", ratio: null, notCounted: { since: 5000, agents: ["cam-1"] } });
    expect(s.alerts.map((a) => a.id)).toEqual(["store"]);
    expect(s.zones.map((z) => z.id)).toEqual(["bread", "fruit", "hall"]);
    expect(partialText(s)).toBe("Partial: fruit not counted now");
    expect(notCountedText(fruit.notCounted!, "Europe/Paris", 5000)).toBe("Since 01:00 CET (cam-1 offline)");
    // Seen the next day in the store's zone: its day, not a time that reads as today's.
    expect(notCountedText(fruit.notCounted!, "Europe/Paris", 5000 + 86_400_000)).toBe("Since Thu 01:00 CET (cam-1 offline)");
    expect(partialText(liveScene(layout, o))).toBeNull();
  });
  it("says nothing is counted, not 'Partial', when every zone is not counted (the store's one agent off: the total is the count from before)", () => {
    const o = occ(9, [["fruit", 4, 10], ["bread", 1, 4], ["hall", 0, null]]);
    const off = (zones: string[]) => liveScene(layout, { ...o, zones: o.zones.map((z) => (zones.includes(z.zone) ? { ...z, offlineSince: 5000, offlineAgents: ["sim-1"] } : z)), partial: true });
    expect(partialText(off(["fruit", "bread", "hall"]))).toBe("Nothing counted now: no zone is counted, so this is the count from before; look at the store yourself");
    // One zone still counted: partial, as before.
    expect(partialText(off(["fruit", "bread"]))).toBe("Partial: bread, fruit not counted now");
  });
});

describe("trackOver", () => {
  const over = (ids: string[]) => ({ alerts: ids.map((id) => ({ id, text: id })) });
  it("keeps the time an alert began while it lasts, and forgets it once it ends", () => {
    let t = trackOver(new Map(), over([]), 1000, true);
    t = trackOver(t, over(["fruit"]), 2000, false);
    t = trackOver(t, over(["fruit", "store"]), 3000, false);
    expect(t.get("fruit")).toEqual({ since: 2000, seenStart: true });
    expect(t.get("store")).toEqual({ since: 3000, seenStart: true });
    t = trackOver(t, over(["store"]), 4000, false);
    expect(t.has("fruit")).toBe(false);
  });
  it("says an alert already on when the view opened began at an unknown time", () => {
    expect(trackOver(new Map(), over(["fruit"]), 5000, true).get("fruit")).toEqual({ since: 5000, seenStart: false });
  });
});

describe("alertSinceText", () => {
  it("says since when the alert's condition holds in words that cannot read as 'ended', in the store's time", () => {
    const since = Date.UTC(2026, 11, 5, 17, 41);
    const now = since + 3_600_000;
    expect(alertSinceText(since, "Europe/Paris", now)).toBe("above the limit since 18:41 CET");
    expect(alertSinceText(since, "America/New_York", now)).toBe("above the limit since 12:41 GMT-5");
    expect(alertSinceText(since, "Europe/Paris", now)).not.toMatch(/over since/);
  });
  it("a silence (an agent's, a counter's) says 'since 00:33 CET', not 'above the limit'; other kinds as before", () => {
    const since = Date.UTC(2026, 11, 7, 23, 33);
    const now = since + 20_000;
    expect(alertSinceText(since, "Europe/Paris", now, "agent-offline")).toBe("since 00:33 CET");
    expect(alertSinceText(since, "Europe/Paris", now, "counter-silent")).toBe("since 00:33 CET");
    expect(alertSinceText(since, "Europe/Paris", now, "occupancy")).toBe("above the limit since 00:33 CET");
    expect(alertSinceText(since, "Europe/Paris", now, "queue-wait")).toBe("above the limit since 00:33 CET");
  });
  it("says the day of an alert on since before today, by the server's clock: Friday's alert seen on Monday does not read as recent", () => {
    // Fri 4 Dec 2026 18:41 CET; old: "since 18:41 CET" whatever the day.
    const since = Date.UTC(2026, 11, 4, 17, 41);
    expect(alertSinceText(since, "Europe/Paris", Date.UTC(2026, 11, 7, 8))).toBe("above the limit since Fri 18:41 CET");
    expect(alertSinceText(since, "Europe/Paris", Date.UTC(2026, 11, 14, 8))).toBe("above the limit since 4 Dec 18:41 CET");
    // Still Friday in New York (12:41) and on Friday's evening there: today.
    expect(alertSinceText(since, "America/New_York", Date.UTC(2026, 11, 5, 3))).toBe("above the limit since 12:41 GMT-5");
    // The zone rows' "since" says the same.
    expect(overSinceText({ since, from: "alert" }, "Europe/Paris", Date.UTC(2026, 11, 7, 8))).toBe("since Fri 18:41 CET");
  });
});

describe("overSinceOf", () => {
  // The tablet opened at 04:29 CET with the fitting rooms already over; the server's alert on them began at 04:14.
  const opened = Date.UTC(2026, 11, 5, 3, 29);
  const began = Date.UTC(2026, 11, 5, 3, 14);
  const tracked = new Map([["fitting", { since: opened, seenStart: false }]]);
  const alert = (ruleId: string, zone: string | undefined, since: number, state: "firing" | "acknowledged" | "resolved" = "firing") =>
    ({ ruleId, kind: "occupancy", state, since, ...(zone === undefined ? {} : { zone }) }) as OverAlerts["alerts"][number];
  const text = (id: string, alerts: OverAlerts | null) => overSinceText(overSinceOf(id, tracked, alerts), "Europe/Paris", began);

  it("says the time of the server's alert on the zone, as the banner does, not the moment the tablet opened", () => {
    const alerts: OverAlerts = { alerts: [alert("over", "fitting", began)], thresholds: { rules: { over: 1 } } };
    expect(overSinceOf("fitting", tracked, alerts)).toEqual({ since: began, from: "alert" });
    expect(text("fitting", alerts)).toBe("since 04:14 CET");
    expect(alertSinceText(began, "Europe/Paris", opened)).toBe("above the limit since 04:14 CET");
    // Acknowledged, it still holds.
    expect(text("fitting", { alerts: [alert("over", "fitting", began, "acknowledged")], thresholds: { rules: { over: 1 } } })).toBe("since 04:14 CET");
  });
  it("takes a rule above 100 % as 'over at least since': its time, unless the tablet knows an earlier one", () => {
    const above = (since: number): OverAlerts => ({ alerts: [alert("far-over", "fitting", since)], thresholds: { rules: { "far-over": 1.2 } } });
    // Opened at 04:29 with the zone over; the rule at 120 % began at 04:14: over since 04:14 at least.
    expect(text("fitting", above(began))).toBe("since 04:14 CET");
    // It began after the tablet found the zone over: the tablet's "already at" is the earlier.
    expect(text("fitting", above(opened + 5 * 60_000))).toBe("already at 04:29 CET");
    // The tablet saw the zone go over at 04:29 and the rule fired at 04:34: over since 04:29, not 04:34.
    const seen = new Map([["fitting", { since: opened, seenStart: true }]]);
    expect(overSinceText(overSinceOf("fitting", seen, above(opened + 5 * 60_000)), "Europe/Paris", opened)).toBe("since 04:29 CET");
    // A rule at exactly 100 % is the condition itself: its time, as the banner says, even a little after the tablet's.
    const exact: OverAlerts = { alerts: [alert("over", "fitting", opened + 30_000)], thresholds: { rules: { over: 1 } } };
    expect(overSinceOf("fitting", seen, exact)).toEqual({ since: opened + 30_000, from: "alert" });
  });
  it("keeps the tablet's own time where no alert says the zone is over: none, another zone's, a 'busy' rule's (below 100 %), an unknown rule's", () => {
    expect(text("fitting", null)).toBe("already at 04:29 CET");
    expect(text("fitting", { alerts: [alert("over", "bakery", began)], thresholds: { rules: { over: 1 } } })).toBe("already at 04:29 CET");
    expect(text("fitting", { alerts: [alert("busy", "fitting", began)], thresholds: { rules: { busy: 0.8 } } })).toBe("already at 04:29 CET");
    expect(text("fitting", { alerts: [alert("gone", "fitting", began)], thresholds: { rules: {} } })).toBe("already at 04:29 CET");
    // A server before thresholds.rules.
    expect(text("fitting", { alerts: [alert("over", "fitting", began)] })).toBe("already at 04:29 CET");
    // Seen going over: "since" its time.
    expect(overSinceText(overSinceOf("fitting", new Map([["fitting", { since: opened, seenStart: true }]]), null), "Europe/Paris", opened)).toBe("since 04:29 CET");
    expect(overSinceOf("bakery", tracked, null)).toBeNull();
    expect(overSinceText(null, "Europe/Paris", opened)).toBe("");
  });
  it("takes the store's alert (a rule without a zone) for the whole store, and a zone's only for that zone", () => {
    const alerts: OverAlerts = { alerts: [alert("store-over", undefined, began)], thresholds: { rules: { "store-over": 1 } } };
    expect(overSinceOf("store", new Map(), alerts)).toEqual({ since: began, from: "alert" });
    expect(overSinceOf("fitting", tracked, alerts)?.from).toBe("opened");
    expect(overSinceOf("store", new Map(), { alerts: [alert("over", "fitting", began)], thresholds: { rules: { over: 1 } } })).toBeNull();
  });
  it("answers the banner's time of an alert at 100 %, else the earliest time known to be over (an alert above 100 %, the tablet's own), whatever the alerts' order", () => {
    const zoneArb = fc.constantFrom("fitting", "bakery", undefined);
    const alertArb = fc.record({
      ruleId: fc.constantFrom("a", "b", "c", "d"),
      zone: zoneArb,
      since: fc.integer({ min: 0, max: 10_000 }),
      state: fc.constantFrom("firing" as const, "acknowledged" as const, "resolved" as const),
      kind: fc.constantFrom("occupancy" as const, "queue-length" as const),
    });
    const rulesArb = fc.dictionary(fc.constantFrom("a", "b", "c", "d"), fc.constantFrom(0.5, 0.8, 0.999, 1, 1.2));
    const trackedArb = fc.option(fc.record({ since: fc.integer({ min: 0, max: 10_000 }), seenStart: fc.boolean() }), { nil: undefined });
    fc.assert(
      fc.property(fc.array(alertArb, { maxLength: 6 }), rulesArb, trackedArb, fc.constantFrom("fitting", "bakery", "store"), (list, rules, own, id) => {
        const alerts: OverAlerts = { alerts: list.map((a) => alert(a.ruleId, a.zone, a.since, a.state)).map((a, i) => ({ ...a, kind: list[i]!.kind })), thresholds: { rules } };
        const mine = new Map(own ? [[id, own]] : []);
        const got = overSinceOf(id, mine, alerts);
        const over = alerts.alerts.filter((a) => a.kind === "occupancy" && a.state !== "resolved" && a.zone === (id === "store" ? undefined : id) && (rules[a.ruleId] ?? 0) >= 1);
        const exact = over.filter((a) => rules[a.ruleId] === 1);
        const tablet = own ? { since: own.since, from: own.seenStart ? "seen" : "opened" } : null;
        if (exact.length > 0) {
          // The banner's time of an alert whose condition is "over capacity" itself.
          expect(got).toEqual({ since: Math.min(...exact.map((a) => a.since)), from: "alert" });
          expect(exact.some((a) => overSinceText(got, "Europe/Paris", 10_000) === alertSinceText(a.since, "Europe/Paris", 10_000).replace("above the limit ", ""))).toBe(true);
        } else if (over.length > 0) {
          // The earliest time known to be over: an alert above 100 %, or the tablet's own.
          const alertSince = Math.min(...over.map((a) => a.since));
          expect(got).toEqual(own && own.since <= alertSince ? tablet : { since: alertSince, from: "alert" });
        } else expect(got).toEqual(tablet);
        expect(overSinceOf(id, mine, { ...alerts, alerts: [...alerts.alerts].reverse() })).toEqual(got);
      }),
    );
  });
});

describe("overSinceTracker", () => {
  const over = (ids: string[]) => ({ alerts: ids.map((id) => ({ id, text: id })) });
  it("answers what trackOver answers over the same sequence of scenes, and the same map for the same scene again (a second render)", () => {
    fc.assert(
      fc.property(fc.array(fc.subarray(["fruit", "bread", "store"]), { maxLength: 12 }), (seq) => {
        const track = overSinceTracker();
        expect(track(null, null).size).toBe(0);
        let want: ReturnType<typeof trackOver> = new Map();
        seq.forEach((ids, i) => {
          const scene = over(ids);
          const got = track(scene, 1000 * (i + 1));
          want = trackOver(want, scene, 1000 * (i + 1), i === 0);
          expect(got).toEqual(want);
          expect(track(scene, 1000 * (i + 1))).toBe(got);
          // No figures for a moment (a new layout loading): the times are kept.
          expect(track(null, null)).toBe(got);
        });
      }),
    );
  });
});

describe("totalSourceText", () => {
  it("says since when a door count runs: since opening with opening hours, since midnight without", () => {
    expect(totalSourceText("door", true)).toBe("door count (in minus out since opening)");
    expect(totalSourceText("door", true, true)).toBe("door count (in minus out since opening)");
    // Closed now: the count runs from the closing just past (the demo's Paris store at 22:02 said "since opening").
    expect(totalSourceText("door", true, false)).toBe("door count (in minus out since closing)");
    expect(totalSourceText("door", false, false)).toBe("door count (in minus out since midnight)");
    expect(totalSourceText("door", false)).toBe("door count (in minus out since midnight)");
    expect(totalSourceText("door", null)).toBe("door count (in minus out)");
    expect(totalSourceText("zones", false)).toBe("people followed in the zones (no door counter)");
  });
});

describe("attentionReason", () => {
  const layout = { zones: [zone("fruit", 10), zone("bread", 4), zone("hall", 100)] };
  it("names the zone that makes the store card amber or red while the store itself is OK", () => {
    expect(attentionReason(liveScene(layout, occ(9, [["fruit", 8, 10], ["bread", 0, 4], ["hall", 1, 100]])))).toBe("fruit busy");
    expect(attentionReason(liveScene(layout, occ(13, [["fruit", 8, 10], ["bread", 5, 4], ["hall", 0, 100]])))).toBe("bread over, fruit busy");
    expect(attentionReason(liveScene(layout, occ(12, [["fruit", 8, 10], ["bread", 4, 4], ["hall", 0, 100]])))).toBe("bread at capacity, fruit busy");
    expect(attentionReason(liveScene({ zones: [zone("a", 2), zone("b", 2), zone("c", 100)] }, occ(6, [["a", 3, 2], ["b", 3, 2], ["c", 0, 100]])))).toBe("2 zones over");
  });
  it("is null exactly when the card shows the store's own state", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 14 }), fc.option(fc.integer({ min: 0, max: 10 }), { nil: null })), { minLength: 1, maxLength: 5 }), fc.integer({ min: 0, max: 40 }), (figs, total) => {
        const zs = figs.map(([, cap], i) => zone(`z${i}`, cap ?? undefined));
        const scene = liveScene({ zones: zs }, occ(total, figs.map(([n, cap], i) => [`z${i}`, n, cap])));
        const reason = attentionReason(scene);
        expect(reason === null).toBe(scene.attention === scene.state);
        if (reason) for (const part of reason.split(", ")) expect(part).toMatch(/ (over|at capacity|busy)$/);
      }),
    );
  });
});

describe("cardStateLine", () => {
  const STATES: CapacityState[] = ["ok", "busy", "full", "over", "none"];
  const names = ["a", "b", "c"];
  it("follows the store's own state in word and colour, whatever the card's attention; 'Not counted now' in grey when no zone is counted", () => {
    fc.assert(
      fc.property(fc.constantFrom(...STATES), fc.constantFrom(...STATES), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 300 }), fc.option(fc.constant("Closed now · opens at 08:00"), { nil: null }), (state, attention, notCounted, total, closed) => {
        const scene = { total, capacity: 185, state, ratio: total / 185, zones: names.map((name) => ({ name })) as never, partial: names.slice(0, notCounted) };
        const line = cardStateLine(scene, attention, closed);
        if (closed && (attention === "ok" || attention === "none")) expect(line).toMatchObject({ kind: "closed", text: closed });
        else if (notCounted === names.length) expect(line).toEqual({ kind: "not-counted", text: "Not counted now", ink: STATE_STYLE.none.ink, fill: STATE_STYLE.none.fill });
        else {
          expect(line.kind).toBe(state);
          expect(line.text.startsWith(`${stateText(total, 185, state)} · `)).toBe(true);
          // The colour is the state's own: never an "OK" in the alert's red.
          expect([line.ink, line.fill]).toEqual([STATE_STYLE[state].ink, STATE_STYLE[state].fill]);
        }
      }),
    );
  });
  it("the walk-through's case: an alert firing over a store nothing counts, and over one at 5 % still counted", () => {
    const zones = [{ name: "Bakery" }, { name: "Dairy" }] as never;
    expect(cardStateLine({ total: 9, capacity: 185, state: "ok", ratio: 9 / 185, zones, partial: ["Bakery", "Dairy"] }, "over", null)).toMatchObject({ text: "Not counted now", ink: STATE_STYLE.none.ink });
    expect(cardStateLine({ total: 9, capacity: 185, state: "ok", ratio: 9 / 185, zones, partial: [] }, "over", null)).toMatchObject({ kind: "ok", ink: STATE_STYLE.ok.ink });
  });
});

describe("connectionNotice", () => {
  it("says to sign in again when the token was revoked, has expired or is not a staff one, and not to wait", () => {
    expect(connectionNotice("refused", "unauthorized: this token was revoked")).toMatchObject({ signIn: true, detail: expect.stringContaining("token was revoked: sign in again") });
    expect(connectionNotice("refused", "unauthorized: this token was expired")).toMatchObject({ signIn: true, detail: expect.stringContaining("has expired") });
    expect(connectionNotice("refused", "unauthorized: send a valid API token as auth.token")).toMatchObject({ signIn: true });
    expect(connectionNotice("refused", 'forbidden: role "viewer" cannot see live occupancy')).toMatchObject({ signIn: true, detail: expect.stringContaining("staff token") });
  });
  it("gives any other refusal's reason and that it asks again; reconnecting needs nothing; live has no notice", () => {
    expect(connectionNotice("refused", "the live figures cannot be read now; try again")).toEqual({ title: "Not connected.", detail: "The server said: the live figures cannot be read now; try again. The tablet asks again every 15 s.", signIn: false });
    expect(connectionNotice("reconnecting", null)).toMatchObject({ title: "Connection lost, reconnecting…", signIn: false });
    expect(connectionNotice("live", null)).toBeNull();
  });
});

describe("shownAckError", () => {
  const err = { alertId: "a1", text: "already acknowledged by Ana" };
  it("shows an acknowledgement error only while its alert is there and firing", () => {
    expect(shownAckError(err, [{ id: "a1", state: "firing" }])).toBe("already acknowledged by Ana");
    expect(shownAckError(err, [{ id: "a1", state: "acknowledged" }])).toBeNull();
    // Resolved and gone, then another alert fires: the old error does not come back under it.
    expect(shownAckError(err, [])).toBeNull();
    expect(shownAckError(err, [{ id: "a2", state: "firing" }])).toBeNull();
    expect(shownAckError(null, [{ id: "a1", state: "firing" }])).toBeNull();
  });
});

describe("alertNow", () => {
  const layout = { zones: [zone("fruit", 10), zone("bread", 4), zone("hall")] };
  const alert = (value: number, zone?: string) => ({ kind: "occupancy" as const, value, ...(zone === undefined ? {} : { zone }) });
  it("says the share now beside a message that keeps the worst reached, and nothing when it reads the same", () => {
    const s = liveScene(layout, occ(9, [["fruit", 7, 10], ["bread", 1, 4]]));
    expect(alertNow(alert(0.9, "fruit"), s)).toBe("now 70 %");
    expect(alertNow(alert(0.7, "fruit"), s)).toBeNull();
    expect(alertNow(alert(0.9), s)).toBe("now 64 %"); // the store: 9 of 10 + 4
    expect(alertNow(alert(0.9, "hall"), s)).toBeNull(); // no capacity
    expect(alertNow(alert(0.9, "gone"), s)).toBeNull(); // no longer in the layout
    // A queue-length alert: its zone's people now, as the queue tile says them; a queue's wait is not in the scene.
    expect(alertNow({ kind: "queue-length", value: 5, zone: "fruit" }, s)).toBe("now 7 waiting");
    expect(alertNow({ kind: "queue-length", value: 7.2, zone: "fruit" }, s)).toBeNull();
    expect(alertNow({ kind: "queue-wait", value: 600, zone: "fruit" }, s)).toBeNull();
    expect(alertNow({ kind: "counter-silent", value: 600, zone: "fruit" }, s)).toBeNull();
  });
  it("says a queue alert's figures now as its queue's tile does: people the tracking lost, whom the map counts, are not waiting", () => {
    // 7 in the line on the map, 2 of them lost by the tracking: the tile and the rule read 5 waiting.
    const s = liveScene(layout, occ(7, [["fruit", 7, 10]]));
    const queues = [{ zone: "fruit", length: 5, estimatedWaitS: 130 }];
    expect(alertNow({ kind: "queue-length", value: 5, zone: "fruit" }, s, queues)).toBeNull();
    expect(alertNow({ kind: "queue-length", value: 6, zone: "fruit" }, s, queues)).toBe("now 5 waiting");
    expect(alertNow({ kind: "queue-wait", value: 600, zone: "fruit" }, s, queues)).toBe("now about 2 min");
    expect(alertNow({ kind: "queue-wait", value: 600, zone: "fruit" }, s, [{ zone: "fruit", length: 0, estimatedWaitS: 30 }])).toBe("now no wait");
    // Figures of other queues only: the zone's people, as before.
    expect(alertNow({ kind: "queue-length", value: 5, zone: "fruit" }, s, [{ zone: "line", length: 1, estimatedWaitS: null }])).toBe("now 7 waiting");
  });
  it("says 'not counted now' for an occupancy alert on a zone nothing counts, or on the store while its total is partial, not the frozen zone's share", () => {
    const o = occ(9, [["fruit", 7, 10], ["bread", 1, 4]]);
    const s = liveScene(layout, { ...o, zones: o.zones.map((z) => (z.zone === "fruit" ? { ...z, offlineSince: 5000, offlineAgents: ["cam-1"] } : z)), partial: true });
    expect(alertNow(alert(0.9, "fruit"), s)).toBe("not counted now");
    expect(alertNow(alert(0.9), s)).toBe("not counted now");
    expect(alertNow(alert(0.9, "bread"), s)).toBe("now 25 %");
  });
  it("gives the server's figure for the same occupancy (core's ruleValue, rounded as the message) (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 40 }), fc.boolean(), fc.double({ min: 0, max: 2, noNaN: true }), (fruit, cap, bread, store, value) => {
        const s = liveScene(layout, occ(fruit + bread, [["fruit", fruit, cap], ["bread", bread, 4]]));
        const rule = { id: "r", store: "s", kind: "occupancy", enabled: true, threshold: 0.5, forSeconds: 0, cooldownSeconds: 0, ...(store ? {} : { zone: "fruit" }) } as AlertRule;
        const server = ruleValue(rule, { store: { people: fruit + bread, capacity: cap + 4 }, zones: { fruit: { people: fruit, capacity: cap } } }, 0)!;
        const text = alertNow(store ? alert(value) : alert(value, "fruit"), s);
        expect(text).toBe(Math.round(server * 100) === Math.round(value * 100) ? null : `now ${Math.round(server * 100)} %`);
      }),
    );
  });
});

describe("the name typed to acknowledge on a shared tablet", () => {
  const T = Date.UTC(2026, 11, 5, 9, 0);
  it("is remembered for the shift (12 h from when it was typed), then forgotten", () => {
    expect(rememberedAckName(ackNameRecord("Ana", T), T + 1)).toBe("Ana");
    expect(rememberedAckName(ackNameRecord("Ana", T), T + ACK_NAME_SHIFT_MS - 1)).toBe("Ana");
    expect(rememberedAckName(ackNameRecord("Ana", T), T + ACK_NAME_SHIFT_MS)).toBe("");
    // A record from the future (a clock set back) or broken is not trusted.
    expect(rememberedAckName(ackNameRecord("Ana", T + 60_000), T)).toBe("");
    for (const bad of [null, "", "Ana", "{", JSON.stringify({ name: 3, at: T }), JSON.stringify({ name: "Ana" })]) expect(rememberedAckName(bad, T)).toBe("");
  });
  it("is what the server takes: spaces folded, at most 40 characters, no control character", () => {
    expect(ackByOf("  Ana   B. ")).toBe("Ana B.");
    expect(ackByOf("Zoë Łukasz-Ørsted")).toBe("Zoë Łukasz-Ørsted");
    expect(ackByOf("   ")).toBeNull();
    for (const bad of ["A".repeat(ACK_BY_MAX + 1), "Ana\u0007", "Ana\u2028Bob", "Ana\u009b"]) expect(ackByOf(bad)).toBeNull();
  });
  it("a remembered name is always one the server takes, and any name it takes comes back within the shift (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.integer({ min: 0, max: 2 * ACK_NAME_SHIFT_MS }), (typed, later) => {
        const back = rememberedAckName(ackNameRecord(typed, T), T + later);
        if (back !== "") expect(ackByOf(back)).toBe(back);
        const by = ackByOf(typed);
        if (by !== null) expect(back).toBe(later < ACK_NAME_SHIFT_MS ? by : "");
        if (by !== null) expect([...by].length).toBeLessThanOrEqual(ACK_BY_MAX);
      }),
    );
  });
});

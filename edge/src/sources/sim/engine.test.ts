import { describe, expect, it } from "vitest";
import { parseEvent, type LayoutInput } from "@footfall/core";
import type { EventDraft } from "../../source.js";
import { atHourOfDay, hourOfDay, hourOfWeek } from "./clock.js";
import { DEMO_DWELL, DEMO_LAYOUT } from "./demo-layout.js";
import type { SimSale } from "./basket.js";
import { SimEngine, type QueueWait, type SimStats } from "./engine.js";
import { checkSimSettings, type SimSettings } from "./settings.js";

const TZ = DEMO_LAYOUT.timezone;
const MIDNIGHT = atHourOfDay(Date.UTC(2025, 2, 4, 12), TZ, 0);
const HOUR = 3_600_000;

function settings(overrides: Record<string, unknown> = {}): SimSettings {
  const checked = checkSimSettings(overrides);
  expect(checked.problems).toEqual([]);
  return checked.value;
}

/**
 * One simulated day, midnight to 02:00 the next day, so everyone who came has left. Without a
 * door counter unless asked: with one, the entrance is the counter's and carries no visits.
 */
function simulateDay(seed: number, overrides: Record<string, unknown> = {}, layout: LayoutInput = DEMO_LAYOUT): { events: EventDraft[]; stats: SimStats } {
  const engine = new SimEngine({ settings: settings({ door: { enabled: false }, ...overrides }), layout, seed, startMs: MIDNIGHT, idSalt: "test" });
  const events: EventDraft[] = [];
  for (let t = MIDNIGHT; t <= MIDNIGHT + 26 * HOUR; t += 10 * 60_000) events.push(...engine.advance(t));
  return { events, stats: engine.stats() };
}

type ZoneDraft = Extract<EventDraft, { type: "enter" | "exit" }>;
const zoneEvents = (events: EventDraft[]): ZoneDraft[] => events.filter((e): e is ZoneDraft => e.type === "enter" || e.type === "exit");

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Closed visits per zone (seconds) and the visits left open, the way the server pairs them. */
function visits(events: EventDraft[]): { dwell: Map<string, number[]>; open: Set<string> } {
  const openAt = new Map<string, number>();
  const dwell = new Map<string, number[]>();
  for (const e of zoneEvents(events)) {
    const key = `${e.visitor}|${e.zone}`;
    if (e.type === "enter") openAt.set(key, e.ts);
    else {
      const t0 = openAt.get(key);
      if (t0 === undefined) continue;
      openAt.delete(key);
      dwell.set(e.zone, [...(dwell.get(e.zone) ?? []), (e.ts - t0) / 1000]);
    }
  }
  return { dwell, open: new Set([...openAt.keys()].map((k) => k.split("|")[0]!)) };
}

describe("SimEngine over a simulated day (seed 42)", () => {
  const { events, stats } = simulateDay(42);
  const zoned = zoneEvents(events);
  const visitors = new Set(zoned.map((e) => e.visitor));

  it("brings a believable crowd: hundreds of visitors, all gone by night", () => {
    expect(visitors.size).toBeGreaterThan(500);
    expect(visitors.size).toBeLessThan(2000);
    expect(stats.arrivals).toBe(visitors.size);
    expect(stats.inStore).toBe(0);
  });

  it("emits events in ts order", () => {
    for (let i = 1; i < events.length; i++) expect(events[i]!.ts).toBeGreaterThanOrEqual(events[i - 1]!.ts);
  });

  it("emits only events that pass core's parseEvent", () => {
    events.forEach((e, i) => {
      const parsed = parseEvent({ id: `sim:${i}`, ...e });
      expect(parsed.ok ? "ok" : parsed.error).toBe("ok");
    });
  });

  it("is closed at night and busiest around lunch and the evening", () => {
    const arrivalsByHour = new Array<number>(24).fill(0);
    for (const e of zoned) if (e.type === "enter" && e.zone === "entrance") arrivalsByHour[hourOfDay(e.ts, TZ)]!++;
    for (const h of [0, 1, 2, 3, 4, 5, 6, 7, 21, 22, 23]) expect(arrivalsByHour[h]).toBe(0);
    expect(arrivalsByHour[12]!).toBeGreaterThan(arrivalsByHour[9]! * 1.5);
    expect(arrivalsByHour[18]!).toBeGreaterThan(arrivalsByHour[15]! * 1.4);
  });

  it("gives every visit a fresh visitor id that enters the store once", () => {
    const entries = zoned.filter((e) => e.type === "enter" && e.zone === "entrance").map((e) => e.visitor);
    expect(new Set(entries).size).toBe(entries.length);
    expect(entries.length).toBe(visitors.size);
    for (const v of visitors) expect(v).toMatch(/^v-[0-9a-z]+test$/);
  });

  it("lets about 15% leave without reaching a checkout", () => {
    const paid = new Set(zoned.filter((e) => e.type === "enter" && e.zone === "checkout").map((e) => e.visitor));
    const skipped = 1 - paid.size / visitors.size;
    expect(skipped).toBeGreaterThan(0.1);
    expect(skipped).toBeLessThan(0.25);
  });

  it("loses about 3% to the tracking: an enter with no exit and nothing after", () => {
    const { open } = visits(events);
    expect(open.size).toBe(stats.vanished);
    expect(open.size / visitors.size).toBeGreaterThan(0.01);
    expect(open.size / visitors.size).toBeLessThan(0.06);
    for (const v of open) {
      const own = events.filter((e) => "visitor" in e && e.visitor === v);
      expect(own.at(-1)?.type).toBe("enter");
    }
  });

  it("keeps people for different times in different zones, near each zone's configured median", () => {
    const { dwell } = visits(events);
    const medians = new Map([...dwell].map(([zone, d]) => [zone, median(d)]));
    expect(medians.get("fitting-room")!).toBeGreaterThan(medians.get("clothing")!);
    expect(medians.get("clothing")!).toBeGreaterThan(medians.get("fruit-veg")!);
    expect(medians.get("fruit-veg")!).toBeGreaterThan(medians.get("dairy")! * 2);
    for (const [zone, d] of dwell) {
      // The queue's waits come from the tills open, not from a configured dwell.
      if (d.length < 80 || !DEMO_DWELL[zone]) continue;
      const want = DEMO_DWELL[zone]!.medianS;
      expect(medians.get(zone)!, zone).toBeGreaterThan(want * 0.75);
      expect(medians.get(zone)!, zone).toBeLessThan(want * 1.33);
    }
  });

  it("sends people to the fitting rooms mostly from clothing", () => {
    const lastZone = new Map<string, string>();
    let fromClothing = 0;
    let total = 0;
    for (const e of zoned) {
      if (e.type !== "enter") continue;
      if (e.zone === "fitting-room") {
        total++;
        if (lastZone.get(e.visitor) === "clothing") fromClothing++;
      }
      lastZone.set(e.visitor, e.zone);
    }
    expect(total).toBeGreaterThan(10);
    // Seeds give 0.37-0.59 (a zone among ten would get about a tenth without the multiplier).
    expect(fromClothing / total).toBeGreaterThan(0.35);
  });

});

describe("SimEngine with a door counter on the entrance (seed 42)", () => {
  const { events, stats } = simulateDay(42, { door: { enabled: true } });
  const zoned = zoneEvents(events);

  it("has the door counter count every arrival in and everyone out", () => {
    const counts = events.filter((e) => e.type === "count");
    const ins = counts.reduce((s, e) => s + e.in, 0);
    const outs = counts.reduce((s, e) => s + e.out, 0);
    expect(ins).toBe(stats.arrivals);
    expect(outs).toBe(ins);
    expect(counts.every((e) => e.zone === "entrance")).toBe(true);
  });

  it("leaves the door counter's zone to the counter: no enter or exit there, so store enters are not counted twice", () => {
    expect(zoned.some((e) => e.zone === "entrance")).toBe(false);
  });

  it("reports door counts no more often than configured", () => {
    const counts = events.filter((e) => e.type === "count").map((e) => e.ts);
    for (let i = 1; i < counts.length; i++) expect(counts[i]! - counts[i - 1]!).toBeGreaterThanOrEqual(60_000);
  });
});

describe("SimEngine", () => {
  it("replays exactly with the same seed", () => {
    expect(simulateDay(7).events).toEqual(simulateDay(7).events);
  });

  it("differs with another seed", () => {
    expect(simulateDay(7).events).not.toEqual(simulateDay(8).events);
  });

  it("samples positions inside the zone the visitor is in, when enabled", () => {
    const { events } = simulateDay(3, { positions: { enabled: true, everySeconds: 20 }, arrivalsPerHour: 30 });
    const where = new Map<string, string>();
    const zones = new Map<string, LayoutInput["zones"][number]["polygon"]>(DEMO_LAYOUT.zones.map((z) => [z.id, z.polygon]));
    let samples = 0;
    for (const e of events) {
      if (e.type === "enter") where.set(e.visitor, e.zone);
      if (e.type !== "position") continue;
      samples++;
      const poly = zones.get(where.get(e.visitor)!)!;
      const xs = poly.map((p) => p[0]);
      const ys = poly.map((p) => p[1]);
      expect(e.x).toBeGreaterThanOrEqual(Math.min(...xs) - 0.01);
      expect(e.x).toBeLessThanOrEqual(Math.max(...xs) + 0.01);
      expect(e.y).toBeGreaterThanOrEqual(Math.min(...ys) - 0.01);
      expect(e.y).toBeLessThanOrEqual(Math.max(...ys) + 0.01);
    }
    expect(samples).toBeGreaterThan(1000);
  });

  it("uses a new layout's zones for later moves", () => {
    const engine = new SimEngine({ settings: settings(), layout: DEMO_LAYOUT, seed: 1, startMs: MIDNIGHT + 12 * HOUR, idSalt: "x" });
    engine.advance(MIDNIGHT + 12.5 * HOUR);
    const renamed: LayoutInput = { ...DEMO_LAYOUT, zones: DEMO_LAYOUT.zones.map((z) => ({ ...z, id: (z.kind === "zone" ? `new-${z.id}` : z.id) as typeof z.id })) };
    engine.setLayout(renamed);
    const later = engine.advance(MIDNIGHT + 14 * HOUR);
    const entered = new Set(zoneEvents(later).filter((e) => e.type === "enter").map((e) => e.zone));
    expect([...entered].some((z) => z.startsWith("new-"))).toBe(true);
    const tail = zoneEvents(later).filter((e) => e.ts > MIDNIGHT + 13.5 * HOUR && e.type === "enter").map((e) => e.zone);
    expect(tail.filter((z) => ["bakery", "dairy", "drinks", "promo"].includes(z))).toEqual([]);
  });

  it("works without an entrance or a door: visitors start in a zone", () => {
    const layout: LayoutInput = { ...DEMO_LAYOUT, zones: DEMO_LAYOUT.zones.filter((z) => z.kind !== "entrance") };
    const { events } = simulateDay(5, {}, layout);
    expect(events.some((e) => e.type === "count")).toBe(false);
    expect(events.filter((e) => e.type === "enter").length).toBeGreaterThan(100);
  });
});

describe("SimEngine with a weekly arrival curve", () => {
  it("follows the hour of the week: arrivals only in the hours the curve opens, most where it peaks", () => {
    // open Saturday 10:00-17:59 only, with a peak at 14:00 three times the rest
    const weeklyCurve = new Array<number>(168).fill(0);
    for (let h = 10; h < 18; h++) weeklyCurve[5 * 24 + h] = h === 14 ? 1 : 1 / 3;
    const start = atHourOfDay(Date.UTC(2025, 2, 7, 12), TZ, 0); // Friday 7 March 2025, local midnight
    const engine = new SimEngine({ settings: settings({ door: { enabled: false }, weeklyCurve, arrivalsPerHour: 300 }), layout: DEMO_LAYOUT, seed: 7, startMs: start, idSalt: "week" });
    const events: EventDraft[] = [];
    for (let t = start; t <= start + 3 * 24 * HOUR; t += 10 * 60_000) events.push(...engine.advance(t));
    const byHour = new Map<number, number>();
    for (const e of zoneEvents(events)) if (e.type === "enter" && e.zone === "entrance") byHour.set(hourOfWeek(e.ts, TZ), (byHour.get(hourOfWeek(e.ts, TZ)) ?? 0) + 1);
    expect([...byHour.keys()].every((k) => k >= 5 * 24 + 10 && k < 5 * 24 + 18)).toBe(true);
    expect(byHour.get(5 * 24 + 14)!).toBeGreaterThan(2 * byHour.get(5 * 24 + 11)!);
  });

  it("refuses a weekly curve that never opens, or of the wrong length", () => {
    expect(checkSimSettings({ weeklyCurve: new Array(168).fill(0) }).problems).toEqual(["/weeklyCurve: every hour is 0, so nobody ever arrives; give the opening hours a value above 0"]);
    expect(checkSimSettings({ weeklyCurve: [1, 2, 3] }).problems.join(" ")).toMatch(/weeklyCurve/);
  });
});

describe("SimEngine with a checkout queue (the demo layout, seed 42)", () => {
  const waits: QueueWait[] = [];
  const engine = new SimEngine({ settings: settings({ door: { enabled: false } }), layout: DEMO_LAYOUT, seed: 42, startMs: MIDNIGHT, idSalt: "q", onQueueWait: (w) => waits.push(w) });
  const events: EventDraft[] = [];
  for (let t = MIDNIGHT; t <= MIDNIGHT + 26 * HOUR; t += 10 * 60_000) events.push(...engine.advance(t));
  const zoned = zoneEvents(events);

  it("sends buyers through the line: every one served enters the checkout next, those who gave up never do", () => {
    expect(waits.length).toBeGreaterThan(300);
    const next = new Map<string, string>();
    const seen = new Map<string, string[]>();
    for (const e of zoned) if (e.type === "enter") seen.set(e.visitor, [...(seen.get(e.visitor) ?? []), e.zone]);
    for (const [visitor, zones] of seen) {
      const i = zones.indexOf("checkout-queue");
      if (i >= 0) next.set(visitor, zones[i + 1] ?? "");
      if (zones.includes("checkout")) expect(zones[zones.indexOf("checkout") - 1], visitor).toBe("checkout-queue");
    }
    for (const w of waits) expect(next.get(w.visitor), w.visitor).toBe(w.served ? "checkout" : "");
    expect(waits.some((w) => !w.served)).toBe(true);
  });

  it("forms longer waits at the lunch and evening peaks than in the quiet morning", () => {
    const medianWaitAt = (hours: number[]) => median(waits.filter((w) => w.served && hours.includes(hourOfDay(w.joinTs, TZ))).map((w) => w.leaveTs - w.joinTs));
    expect(medianWaitAt([12, 18])).toBeGreaterThan(medianWaitAt([8, 9]) * 1.5);
  });

  it("has staff open tills when the line is long: more than the 2 base tills serve at once at the peaks, never more than 4", () => {
    const changes: [number, number][] = [];
    const open = new Map<string, number>();
    for (const e of zoned) {
      if (e.zone !== "checkout") continue;
      if (e.type === "enter") open.set(e.visitor, e.ts);
      else if (open.has(e.visitor)) changes.push([open.get(e.visitor)!, 1], [e.ts, -1]);
    }
    changes.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let n = 0;
    let max = 0;
    for (const [, d] of changes) max = Math.max(max, (n += d));
    expect(max).toBeGreaterThan(2);
    expect(max).toBeLessThanOrEqual(4);
  });
});

describe("SimEngine.probeWait (the benchmark's expected wait)", () => {
  it("gives the wait of one more person in a copy and leaves the simulation as it was", () => {
    const make = () => new SimEngine({ settings: settings({ door: { enabled: false } }), layout: DEMO_LAYOUT, seed: 5, startMs: MIDNIGHT, idSalt: "p" });
    const a = make();
    const b = make();
    a.advance(MIDNIGHT + 12 * HOUR);
    b.advance(MIDNIGHT + 12 * HOUR);
    const w1 = a.probeWait("checkout-queue", 1);
    expect(w1).not.toBeNull();
    expect(w1!).toBeGreaterThanOrEqual(0);
    expect(w1!).toBeLessThan(30 * 60_000);
    expect(a.probeWait("checkout-queue", 1)).toBe(w1);
    expect(a.probeWait("bakery", 1)).toBeNull();
    expect(a.advance(MIDNIGHT + 14 * HOUR)).toEqual(b.advance(MIDNIGHT + 14 * HOUR));
  });

  it("with redraw, gives other services under way other ends (a spread of waits), still leaving the simulation as it was", () => {
    const joins: string[] = [];
    const make = (hook: boolean) =>
      new SimEngine({ settings: settings({ door: { enabled: false } }), layout: DEMO_LAYOUT, seed: 5, startMs: MIDNIGHT, idSalt: "p", ...(hook ? { onQueueJoin: (q: string, v: string) => joins.push(`${q}/${v}`) } : {}) });
    const a = make(true);
    const b = make(false);
    // Redrawn, the services under way end at other instants with other seeds: the probes' waits differ.
    let spread = 0;
    for (let t = MIDNIGHT + 11 * HOUR; t < MIDNIGHT + 19 * HOUR && spread < 2; t += 60_000) {
      a.advance(t);
      b.advance(t);
      const redrawn = new Set([1, 2, 3, 4, 5, 6].map((seed) => a.probeWait("checkout-queue", seed, 3 * HOUR, true)));
      spread = Math.max(spread, redrawn.size);
    }
    expect(spread).toBeGreaterThan(1);
    expect(joins.length).toBeGreaterThan(0);
    expect(joins.every((j) => j.startsWith("checkout-queue/v-"))).toBe(true);
    expect(a.advance(MIDNIGHT + 20 * HOUR)).toEqual(b.advance(MIDNIGHT + 20 * HOUR));
  });
});

describe("SimEngine's till transactions (the demo layout, seed 42)", () => {
  const waits: QueueWait[] = [];
  const sales: SimSale[] = [];
  const engine = new SimEngine({
    settings: settings({ door: { enabled: false } }),
    layout: DEMO_LAYOUT,
    seed: 42,
    startMs: MIDNIGHT,
    idSalt: "q",
    onQueueWait: (w) => waits.push(w),
    onSale: (s) => sales.push(s),
  });
  const events: EventDraft[] = [];
  for (let t = MIDNIGHT; t <= MIDNIGHT + 26 * HOUR; t += 10 * 60_000) events.push(...engine.advance(t));
  const zoned = zoneEvents(events);
  const entered = new Map<string, string[]>();
  for (const e of zoned) if (e.type === "enter") entered.set(e.visitor, [...(entered.get(e.visitor) ?? []), e.zone]);

  it("changes no event: the same seed without sales gives the same events", () => {
    const plain = new SimEngine({ settings: settings({ door: { enabled: false } }), layout: DEMO_LAYOUT, seed: 42, startMs: MIDNIGHT, idSalt: "q" });
    const again: EventDraft[] = [];
    for (let t = MIDNIGHT; t <= MIDNIGHT + 26 * HOUR; t += 10 * 60_000) again.push(...plain.advance(t));
    expect(again).toEqual(events);
  });

  it("sells to exactly those served at a till, once each, when their service ends", () => {
    const served = new Set(waits.filter((w) => w.served).map((w) => w.visitor));
    const buyers = sales.map((s) => s.transaction.replace(/^t-/, ""));
    expect(new Set(buyers).size).toBe(buyers.length);
    for (const b of buyers) expect(served.has(b), b).toBe(true);
    // Served and no sale: only someone who browsed nothing that sells (the fitting rooms alone).
    for (const v of served) if (!buyers.includes(v)) expect(entered.get(v)!.filter((z) => !["entrance", "checkout-queue", "checkout", "fitting-room"].includes(z)), v).toEqual([]);
    const paidAt = new Map(zoned.filter((e) => e.type === "exit" && e.zone === "checkout").map((e) => [e.visitor, e.ts]));
    for (const s of sales) {
      const exit = paidAt.get(s.transaction.slice(2));
      if (exit !== undefined) expect(s.ts).toBe(exit); // else the tracking lost them at the till: they paid all the same
    }
    expect(sales.length / engine.stats().arrivals).toBeGreaterThan(0.6);
    expect(sales.length / engine.stats().arrivals).toBeLessThan(0.9);
  });

  it("attributes each basket to a zone its buyer browsed that sells, so clothing converts rarely and groceries often", () => {
    for (const s of sales) {
      expect(entered.get(s.transaction.slice(2)), s.transaction).toContain(s.zone);
      expect(["entrance", "checkout-queue", "checkout", "fitting-room"]).not.toContain(s.zone);
    }
    const visits = (zone: string) => zoned.filter((e) => e.type === "enter" && e.zone === zone).length;
    const conversion = (zone: string) => sales.filter((s) => s.zone === zone).length / visits(zone);
    expect(conversion("clothing")).toBeLessThan(conversion("household"));
    const basket = sales.reduce((a, s) => a + s.amount, 0) / sales.length;
    expect(basket).toBeGreaterThan(5);
    expect(basket).toBeLessThan(40);
  });
});

describe("SimEngine.leaveAll (a graceful stop)", () => {
  /** A busy store stopped at 13:00, mid-day: people in every zone, in the line and at the tills. */
  function stoppedMidDay(seed: number) {
    const sales: SimSale[] = [];
    const engine = new SimEngine({
      settings: settings({ arrivalsPerHour: 600, door: { enabled: true } }),
      layout: DEMO_LAYOUT,
      seed,
      startMs: atHourOfDay(MIDNIGHT, TZ, 8),
      idSalt: "test",
      onSale: (s) => sales.push(s),
    });
    const before: EventDraft[] = [];
    for (let t = atHourOfDay(MIDNIGHT, TZ, 8); t <= atHourOfDay(MIDNIGHT, TZ, 13); t += 60_000) before.push(...engine.advance(t));
    const inStore = engine.stats().inStore;
    const stoppedAt = engine.time;
    const last = engine.leaveAll();
    return { engine, before, last, inStore, stoppedAt, sales };
  }

  it("lets everyone still inside walk out now: every visit the tracking follows is closed, and the door nets to zero", () => {
    const { before, last, inStore, stoppedAt } = stoppedMidDay(42);
    expect(inStore).toBeGreaterThan(10);
    for (const e of last) expect(e.ts).toBe(Math.round(stoppedAt));
    // Before it, visits are open (people in zones); after it, none but those the tracking lost (no exit ever, by design).
    const { open: openBefore } = visits(before);
    expect(openBefore.size).toBeGreaterThan(10);
    const { open } = visits([...before, ...last]);
    // The lost are few (vanishRate 3 %): what is left open is them, not the people inside.
    expect(open.size).toBeLessThan(openBefore.size / 3);
    const door = [...before, ...last].filter((e): e is Extract<EventDraft, { type: "count" }> => e.type === "count");
    const sum = (k: "in" | "out") => door.reduce((n, e) => n + e[k], 0);
    expect(sum("in")).toBeGreaterThan(0);
    expect(sum("out")).toBe(sum("in"));
    expect(last.filter((e) => e.type === "count")).toHaveLength(1);
  });

  it("closes the checkout line's visits too, and nothing happens after it", () => {
    const { engine, before, last } = stoppedMidDay(7);
    const inLine = visits(before).open;
    const lineExits = last.filter((e) => e.type === "exit" && e.zone === "checkout-queue");
    expect(lineExits.length).toBeGreaterThan(0);
    for (const e of lineExits) expect(inLine.has((e as ZoneDraft).visitor)).toBe(true);
    expect(engine.stats().inStore).toBe(0);
    expect(engine.advance(engine.time + 3 * HOUR)).toEqual([]);
  });
});

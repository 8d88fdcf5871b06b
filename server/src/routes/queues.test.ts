import { beforeAll, describe, expect, it } from "vitest";
import { estimateWait, foldSteps, localTime, queueJoinsOf, tripsOf, visitsOf, waitByWeekdayHour, waitStats, type FootfallEvent, type LayoutInput, type QueueVisit } from "@footfall/core";
import { EventFactory, rectZone, smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";
import { waitFor } from "../../../test/support/wait.js";
import { queueFiguresForAlerts } from "../analytics/queues.js";

/** Friday 20 Nov 2026, 16:00 in Paris (UTC+1). */
const NOW = Date.UTC(2026, 10, 20, 15, 0, 0);
const S = 1000;
const M = 60 * S;
const TIMEOUT = 30 * M;
/** 12:00 to 16:00 in Paris. */
const RANGE = { from: NOW - 4 * 60 * M, to: NOW };
const Q = `from=${RANGE.from}&to=${RANGE.to}`;

/** The small store with a line in front of its checkout. */
function queueLayout(): LayoutInput {
  const base = smallLayout();
  return { ...base, floor: { width: 20, height: 14 }, zones: [...base.zones, { ...rectZone("line", "queue", 10, 10, 10, 4, 8), queueFor: "checkout" }] };
}

/**
 * Shoppers over four hours: most queue then pay; some give up (the queue, then out or to fruit);
 * three are still in the line now (joined 1-2 min ago), one of them after the tracking lost
 * someone in the line 40 minutes ago and another 10 minutes ago (open visits that must not count).
 */
function stream(): FootfallEvent[] {
  const f = new EventFactory("cam-1");
  const out: FootfallEvent[] = [];
  const trip = (v: string, at: number, steps: [zone: string, dwellMs: number][]) => {
    let t = at;
    for (const [zone, dwell] of steps) {
      out.push(...f.visit(v, zone, t, dwell));
      t += dwell + 5 * S;
    }
  };
  for (let i = 0; i < 60; i++) {
    const at = RANGE.from + i * 4 * M;
    if (at > NOW - 12 * M) break;
    const wait = (30 + ((i * 37) % 150)) * S;
    if (i % 9 === 4) trip(`v${i}`, at, [["entrance", 20 * S], ["fruit", 60 * S], ["line", wait]]);
    else if (i % 9 === 7) trip(`v${i}`, at, [["entrance", 20 * S], ["line", wait], ["fruit", 30 * S]]);
    else trip(`v${i}`, at, [["entrance", 20 * S], ["bakery", 60 * S], ["line", wait], ["checkout", 60 * S]]);
  }
  // Lost in the line by the tracking 40 minutes ago: an enter, nothing else.
  out.push(f.enter("ghost", "line", NOW - 40 * M));
  // Lost in the line 10 minutes ago: the live occupancy still counts them (within the visit timeout).
  out.push(f.enter("ghost2", "line", NOW - 10 * M));
  // In the line now.
  for (const [v, ago] of [["w1", 2 * M], ["w2", 90 * S], ["w3", 60 * S]] as const) {
    out.push(f.enter(v, "entrance", NOW - ago - 60 * S), f.exit(v, "entrance", NOW - ago - 40 * S), f.enter(v, "line", NOW - ago));
  }
  // Two people at the tills now: two tills open.
  out.push(f.enter("p1", "checkout", NOW - 50 * S), f.enter("p2", "checkout", NOW - 20 * S));
  return out;
}
const EVENTS = stream();

let staff: string;
const t = useTestServer({ now: () => NOW, visitTimeoutMs: TIMEOUT });
beforeAll(async () => {
  await t.putLayout("shop", queueLayout());
  await t.ingest("shop", "cam-1", EVENTS);
  staff = await t.token("staff", "shop");
});

/** The line's (or another zone's) visits as core's domain sees them at NOW. */
function lineVisits(zone = "line"): QueueVisit[] {
  return visitsOf(EVENTS, { visitTimeoutMs: TIMEOUT, now: NOW })
    .filter((v) => v.zone === zone)
    .map((v) => ({ enterTs: v.enterTs, exitTs: v.status === "closed" ? v.exitTs : null }));
}

describe("PUT layout with a queue zone", () => {
  it("refuses a queue whose queueFor names no zone of the layout, naming the field", async () => {
    const bad = queueLayout();
    bad.zones = bad.zones.map((z) => (z.id === "line" ? { ...z, queueFor: "tills" } : z));
    const res = await t.server.app.inject({ method: "PUT", url: "/api/v1/stores/other/layout", headers: { authorization: `Bearer ${t.admin}` }, payload: bad });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toContain("/zones/4/queueFor");
    expect(res.json().message).toContain('"tills", which is not a zone');
  });
});

describe("GET /api/v1/stores/:store/queues/live", () => {
  it("gives the people in the line now (the lost one left out) and core's estimate from the stored visits", async () => {
    const res = await t.get(`/api/v1/stores/shop/queues/live`, staff);
    expect(res.status).toBe(200);
    // With the checkout's visits: the people at the tills count the tills open, the interval is per till.
    const e = estimateWait(NOW + 1, lineVisits(), { served: lineVisits("checkout") });
    expect(e.length).toBe(3);
    expect(e.tillsOpen).toBe(2);
    expect(res.body.queues).toHaveLength(1);
    const q = res.body.queues[0];
    // lost: 1, the one lost 10 minutes ago, whom the live map still shows. Core's estimate over every stored visit
    // counts 2 stale, the other lost 40 minutes ago: past the 30-minute visit timeout, in the line nowhere (the map
    // dropped them at 30 min), so not the API's `lost` either (it said 2, the map 1 over the length).
    expect(q).toMatchObject({ zone: "line", name: "line", queueFor: "checkout", length: 3, lost: 1, capacity: 8, method: e.method, tillsOpen: 2 });
    expect(e.stale).toBe(2);
    expect(q.estimatedWaitS).toBeCloseTo(e.estimatedWaitS!, 0);
    expect(q.estimatedWaitS).toBeGreaterThan(30);
    const lastHour = lineVisits().flatMap((v) => (v.exitTs !== null && v.exitTs >= NOW - 60 * M ? [v.exitTs - v.enterTs] : []));
    expect(q.lastHour).toEqual(waitStats(lastHour));
  });

  it("says the lost it left out: exactly the live map's people in the line (who count the one lost 10 minutes ago, not the one lost 40 minutes ago) over the length", async () => {
    const [live, occupancy] = await Promise.all([t.get(`/api/v1/stores/shop/queues/live`, staff), t.get(`/api/v1/stores/shop/occupancy`, staff)]);
    const q = live.body.queues[0] as { length: number; lost: number };
    const onMap = (occupancy.body.zones as { zone: string; occupancy: number }[]).find((z) => z.zone === "line")!.occupancy;
    expect(onMap).toBe(4);
    expect(q.length).toBe(3);
    // The same people on both: the API's lost are exactly the map's people in the line over the length.
    expect(q.lost).toBe(onMap - q.length);
  });

  it("is what the alert evaluator and the MQTT state publisher read", async () => {
    const figures = await queueFiguresForAlerts(t.server.services)("shop", NOW);
    expect(figures).toEqual({ line: { length: 3, waitSeconds: expect.any(Number), tillsOpen: 2 } });
  });

  it("fires a queue-length alert rule of the store (the alert evaluator reads these figures)", async () => {
    const rule = await t.server.app.inject({
      method: "POST",
      url: "/api/v1/stores/shop/alert-rules",
      headers: { authorization: `Bearer ${t.admin}` },
      payload: { kind: "queue-length", zone: "line", threshold: 2, forSeconds: 0, cooldownSeconds: 0, enabled: true },
    });
    expect(rule.statusCode).toBeLessThan(300);
    const firing = await waitFor(
      "the queue rule to fire",
      async () => {
        const alerts = (await t.get(`/api/v1/stores/shop/alerts`, staff)).body.alerts as { kind: string; zone?: string; state: string; value: number }[];
        return alerts.find((a) => a.kind === "queue-length" && a.zone === "line" && a.state === "firing");
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    expect(firing.value).toBe(3);
  });

  it("is for staff and up: a viewer gets 403, no token 401", async () => {
    expect((await t.get(`/api/v1/stores/shop/queues/live`, await t.token("viewer"))).status).toBe(403);
    expect((await t.get(`/api/v1/stores/shop/queues/live`, null)).status).toBe(401);
  });
});

describe("GET /api/v1/stores/:store/queues", () => {
  it("gives joins, waits and abandonment over the range as core computes them, by weekday and hour", async () => {
    const res = await t.get(`/api/v1/stores/shop/queues?${Q}`);
    expect(res.status).toBe(200);
    expect(res.body.timezone).toBe("Europe/Paris");
    const [q] = res.body.queues;
    const visits = lineVisits().filter((v) => v.enterTs >= RANGE.from && v.enterTs < RANGE.to);
    expect(q.joins).toBe(visits.length);
    expect(q.wait_s).toEqual(waitStats(visits.flatMap((v) => (v.exitTs === null ? [] : [v.exitTs - v.enterTs]))));
    // Joins of the line in the range, each at its step's enter (a trip's visits: the visitor's from its start to its next
    // trip's); a trip whose last step began in the last visit timeout + 1 h, ending in the line, may go on (pending).
    const trips = tripsOf(EVENTS, { visitTimeoutMs: TIMEOUT });
    const all = visitsOf(EVENTS, { visitTimeoutMs: TIMEOUT });
    const joins = queueJoinsOf(
      trips.map((tr, i) => {
        const next = trips.slice(i + 1).find((x) => x.visitor === tr.visitor)?.startTs ?? Infinity;
        const s = foldSteps(all.filter((v) => v.visitor === tr.visitor && v.enterTs >= tr.startTs && v.enterTs < next).sort((a, b) => a.enterTs - b.enterTs));
        return { ...s, ongoing: s.enters[s.enters.length - 1]! > NOW - TIMEOUT - 3_600_000 };
      }),
      [{ zone: "line", queueFor: "checkout" }],
    ).filter((j) => j.joinTs >= RANGE.from && j.joinTs < RANGE.to);
    const o = { served: 0, abandoned: 0, pending: 0 };
    for (const j of joins) o[j.outcome]++;
    expect({ served: q.served, abandoned: q.abandoned, pending: q.pending }).toEqual({ served: o.served, abandoned: o.abandoned, pending: o.pending });
    expect(q.abandoned).toBeGreaterThan(0);
    expect(q.served).toBeGreaterThan(q.abandoned);
    expect(q.abandonmentRate).toBeCloseTo(o.abandoned / (o.served + o.abandoned), 9);
    const cells = waitByWeekdayHour(visits, "Europe/Paris");
    for (const c of cells) expect(q.byWeekdayHour).toContainEqual(expect.objectContaining({ weekday: c.weekday, hour: c.hour, joins: c.joins, wait_s: c.wait_s }));
    const friday = localTime(NOW - M, "Europe/Paris").weekday;
    expect(q.byWeekdayHour.every((c: { weekday: number }) => c.weekday === friday)).toBe(true);
    expect(q.byWeekdayHour.reduce((s: number, c: { served: number }) => s + c.served, 0)).toBe(q.served);
  });

  it("exports the same cells as CSV", async () => {
    const json = (await t.get(`/api/v1/stores/shop/queues?${Q}`)).body.queues[0];
    const res = await t.server.app.inject({ method: "GET", url: `/api/v1/stores/shop/queues.csv?${Q}`, headers: { authorization: `Bearer ${t.admin}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toContain("text/csv");
    expect(res.headers["content-disposition"]).toBe('attachment; filename="footfall-shop-queues.csv"');
    // RFC 4180 records, CRLF line ends, as every other export (the views', an experiment's, /counts).
    expect(res.body.endsWith("\r\n")).toBe(true);
    expect(res.body.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
    const [header, ...all] = res.body.slice(0, -2).split("\r\n");
    // The queue's name last (its id in `queue`), as the view heads the queue's table (here the zone is named as its id).
    expect(header).toBe("range_from,range_to,queue,queue_for,weekday,hour,joins,waits,median_wait_s,p90_wait_s,mean_wait_s,served,abandoned,row,queue_name,queue_for_name");
    const rows = all.slice(0, -1);
    expect(rows).toHaveLength(json.byWeekdayHour.length);
    const first = json.byWeekdayHour[0];
    // The range on every row, in the store's zone (12:00 to 16:00 in Paris), as the views' exports give it.
    expect(rows[0]).toBe(
      ["2026-11-20T12:00:00+01:00", "2026-11-20T16:00:00+01:00", "line", "checkout", "Fri", String(first.hour).padStart(2, "0"), first.joins, first.wait_s.n, first.wait_s.median.toFixed(1), first.wait_s.p90.toFixed(1), first.wait_s.mean.toFixed(1), first.served, first.abandoned, "hour", "line", "checkout"].join(","),
    );
    // Then the queue's figures over the range, as the view's line above its table says them: the median and p90 wait
    // of the range, which the hours' medians do not give (the median of the range is not a median of medians).
    expect(all.at(-1)).toBe(
      ["2026-11-20T12:00:00+01:00", "2026-11-20T16:00:00+01:00", "line", "checkout", "", "", json.joins, json.wait_s.n, json.wait_s.median.toFixed(1), json.wait_s.p90.toFixed(1), json.wait_s.mean.toFixed(1), json.served, json.abandoned, "total", "line", "checkout"].join(","),
    );
    // Every wait in seconds to 1 decimal, as in every export (not "12" in one row and "12.5" in the next).
    for (const r of rows) expect(r.split(",").slice(8, 11).every((x) => x === "" || /^\d+\.\d$/.test(x))).toBe(true);
  });

  it("writes the range in the CSV to the whole second, as the Heatmap's own exports of the same range write it", async () => {
    // The view's "so far" range ends now, at a millisecond: 15:59:59.471 in Paris.
    const to = RANGE.to - 529;
    const res = await t.server.app.inject({ method: "GET", url: `/api/v1/stores/shop/queues.csv?from=${RANGE.from}&to=${to}`, headers: { authorization: `Bearer ${t.admin}` } });
    expect(res.statusCode).toBe(200);
    const rows = res.body.slice(0, -2).split("\r\n").slice(1);
    expect(rows.length).toBeGreaterThan(1);
    for (const r of rows) expect(r.split(",").slice(0, 2)).toEqual(["2026-11-20T12:00:00+01:00", "2026-11-20T15:59:59+01:00"]);
  });

  it("leaves a range before the store's figures begin empty in the CSV, not 0 joins, as the view says no data; a range they begin in keeps its figures", async () => {
    const csv = async (from: number, to: number) => {
      const res = await t.server.app.inject({ method: "GET", url: `/api/v1/stores/shop/queues.csv?from=${from}&to=${to}`, headers: { authorization: `Bearer ${t.admin}` } });
      expect(res.statusCode).toBe(200);
      return res.body.split("\r\n").slice(1, -1);
    };
    // The same hours three weeks before (the figures begin at 12:00 today): only the queue's total row, every figure empty.
    const before = { from: RANGE.from - 21 * 86_400_000, to: RANGE.to - 21 * 86_400_000 };
    expect(await csv(before.from, before.to)).toEqual(["2026-10-30T12:00:00+01:00,2026-10-30T16:00:00+01:00,line,checkout,,,,,,,,,,total,line,checkout"]);
    // Ending as the figures begin: still none.
    expect((await csv(RANGE.from - 3_600_000, RANGE.from))[0]).toBe("2026-11-20T11:00:00+01:00,2026-11-20T12:00:00+01:00,line,checkout,,,,,,,,,,total,line,checkout");
    // A range the figures begin in: its joins as counted, as the JSON answer gives them.
    const json = (await t.get(`/api/v1/stores/shop/queues?from=${before.from}&to=${RANGE.to}`)).body.queues[0];
    expect(json.joins).toBeGreaterThan(0);
    const total = (await csv(before.from, RANGE.to)).at(-1)!.split(",");
    expect(total[6]).toBe(String(json.joins));
    expect(total[13]).toBe("total");
  });

  it("names each queue in the CSV as the view heads its table, and the zone it queues for, a name with a comma in one quoted cell; the JSON answers name the tills alike", async () => {
    const base = queueLayout();
    const names: Record<string, string> = { line: "Till queue, by the door", checkout: "Tills 1-4, by the exit" };
    await t.putLayout("named", { ...base, zones: base.zones.map((z) => (names[z.id] ? { ...z, name: names[z.id]! } : z)) });
    const res = await t.server.app.inject({ method: "GET", url: `/api/v1/stores/named/queues.csv?${Q}`, headers: { authorization: `Bearer ${t.admin}` } });
    expect(res.statusCode).toBe(200);
    const json = (await t.get(`/api/v1/stores/named/queues?${Q}`)).body.queues[0];
    // The API names the tills as the file does (queue_for_name), the report and the live figures alike.
    expect(json).toMatchObject({ zone: "line", name: "Till queue, by the door", queueFor: "checkout", queueForName: "Tills 1-4, by the exit", joins: 0 });
    const live = (await t.get(`/api/v1/stores/named/queues/live`)).body.queues[0];
    expect(live).toMatchObject({ zone: "line", name: "Till queue, by the door", queueFor: "checkout", queueForName: "Tills 1-4, by the exit" });
    // Nobody counted there yet: only the queue's total row, its figures empty (no data, not 0), its name after "total",
    // then the name of the tills' zone (queue_for holds only its id, "checkout").
    expect(res.body.split("\r\n")).toEqual([
      "range_from,range_to,queue,queue_for,weekday,hour,joins,waits,median_wait_s,p90_wait_s,mean_wait_s,served,abandoned,row,queue_name,queue_for_name",
      '2026-11-20T12:00:00+01:00,2026-11-20T16:00:00+01:00,line,checkout,,,,,,,,,,total,"Till queue, by the door","Tills 1-4, by the exit"',
      "",
    ]);
  });

  it("answers an empty list for a store without queues, and 400 for a range over 93 days", async () => {
    await t.putLayout("plain", smallLayout());
    expect((await t.get(`/api/v1/stores/plain/queues?${Q}`)).body).toEqual({ timezone: "Europe/Paris", queues: [] });
    const res = await t.get(`/api/v1/stores/shop/queues?from=${NOW - 100 * 86_400_000}&to=${NOW}`);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain("93 days");
  });
});

describe("the queue report's hour cells, as the API docs describe them", () => {
  it("say joins, served and abandoned are all by the hour they joined the line (the columns of one hour line up)", async () => {
    const doc = (await t.get("/api/docs/json", null)).body as { paths: Record<string, { get?: { responses: Record<string, { content?: Record<string, { schema: unknown }> }> } }> };
    const path = Object.keys(doc.paths).find((p) => p.endsWith("/queues"))!;
    const body = doc.paths[path]!.get!.responses["200"]!.content!["application/json"]!.schema as { properties: { queues: { items: { properties: { byWeekdayHour: { items: { properties: Record<string, { description?: string }> } } } } } } };
    const cell = body.properties.queues.items.properties.byWeekdayHour.items.properties;
    expect(cell.joins!.description).toContain("the hour they joined the line");
    expect(cell.served!.description).toContain("by the hour they joined the line");
    expect(cell.abandoned!.description).toContain("by the hour they joined the line");
  });
});

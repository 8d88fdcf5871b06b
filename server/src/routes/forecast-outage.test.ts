import { beforeAll, describe, expect, it } from "vitest";
import type { FootfallEvent } from "@footfall/core";
import { EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";

/**
 * A door counter offline (its last will, or stopped) counts nobody: the hours since are no counts,
 * not a store nobody came to. Four weeks of the same days (60 visitors, 9:00-19:00), then the counter
 * went offline at Monday's midnight and is still offline on Tuesday: Monday is left out of the
 * forecast's history, so next Monday is forecast as the Mondays before, not dragged down by a 0.
 */
const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Monday 2 November 2026, 00:00 in Paris (UTC+1). */
const FROM = Date.parse("2026-11-01T23:00:00Z");
/** Monday 30 November, 00:00 in Paris: the door counter goes offline. */
const OUTAGE = FROM + 28 * DAY;
/** Tuesday 1 December, 00:20 in Paris. */
const NOW = OUTAGE + DAY + 20 * 60_000;
/** Visitors of a day open 9:00-19:00 with 4 + hour % 5 an hour. */
const OPEN_DAY = 60;

let clock = OUTAGE - 30 * 60_000;
const t = useTestServer({ now: () => clock, maxAgeMs: 60 * DAY });
const agents = () => t.server.services.storage.agents;

type Answer = { method: string; model: { notes: string[] }; buckets: { start: string; expected: number | null; method: string }[] };
const monday7 = (a: Answer) => a.buckets.find((b) => b.start.startsWith("2026-12-07"));

beforeAll(async () => {
  for (const store of ["shop", "twin"]) {
    await t.putLayout(store, smallLayout({ validFrom: 0 }));
    await agents().add(store, "door-1", "door", FROM);
    await agents().recordStatus(store, "door-1", { state: "online", ts: FROM, kind: "door", version: "0.1.0" }, FROM);
    const door = new EventFactory("door-1");
    const counts: FootfallEvent[] = [];
    for (let ts = FROM; ts < OUTAGE; ts += HOUR) {
      const hour = new Date(ts + HOUR).getUTCHours();
      if (hour >= 9 && hour < 19) counts.push(door.count("entrance", ts + 1000, 4 + (hour % 5), 0));
    }
    await t.ingest(store, "door-1", counts);
  }
  // shop's counter goes offline at midnight; twin's stays online (and is heard), and nobody comes on Monday
  await agents().recordStatus("shop", "door-1", { state: "offline", ts: OUTAGE, kind: "door", version: "0.1.0" });
  clock = NOW;
  await agents().recordStatus("twin", "door-1", { state: "online", ts: NOW, kind: "door", version: "0.1.0" }, NOW);
}, 60_000);

describe("the forecast of a store whose door counter is offline", () => {
  it("leaves the hours since out of the history: next Monday is the Mondays' 60 visitors, not lowered by Monday's 0", async () => {
    const res = await t.get<Answer>("/api/v1/stores/shop/forecast?horizon=14d");
    expect(res.status).toBe(200);
    expect([monday7(res.body)?.expected, monday7(res.body)?.method]).toEqual([OPEN_DAY, "seasonal-mean"]);
    expect(res.body.model.notes).toContain("the store's entrance is not counted since 2026-11-29T23:00:00.000Z (its agents are offline): the hours since are left out of the history, not read as no visitors");
  });

  it("says so of the door's zone, and forecasts its next Monday alike", async () => {
    const res = await t.get<Answer>("/api/v1/stores/shop/forecast?horizon=14d&zone=entrance");
    expect(monday7(res.body)?.expected).toBe(OPEN_DAY);
    expect(res.body.model.notes.some((n) => n.startsWith('zone "entrance" is not counted since 2026-11-29T23:00:00.000Z'))).toBe(true);
  });

  it("takes a counted Monday with nobody (the counter online) as a real 0", async () => {
    const res = await t.get<Answer>("/api/v1/stores/twin/forecast?horizon=14d");
    expect(monday7(res.body)?.expected).toBe((3 * OPEN_DAY) / 4);
    expect(res.body.model.notes.join(" ")).not.toMatch(/not counted since/);
  });
});

/**
 * A store open 9:00-19:00 whose edge box is switched off every night (20:00 to 8:00, its offline
 * spans recorded, and off now, at 00:20) missed nobody at night: its nights are closed hours, 0, not
 * unknown, so its days are whole in the 14-day forecast and nothing says "not counted". The one real
 * outage (the box failed on Friday 20 November at 15:00, back at 8:00 as every morning) leaves out
 * Friday's open hours after 15:00, not Saturday: the closed night inside it is a closed night.
 */
describe("the forecast of a store whose box is switched off every night while closed", () => {
  const NIGHTS = 28;
  /** Friday 20 November, 15:00 in Paris: the box fails. */
  const FAILED = FROM + 18 * DAY + 15 * HOUR;
  const night = "night";
  beforeAll(async () => {
    clock = FROM + NIGHTS * DAY + 19 * HOUR + 30 * 60_000; // Monday 30 November, 19:30: the day's counts are in
    await t.putLayout(night, smallLayout({ validFrom: 0 }));
    const put = await t.request("PUT", `/api/v1/stores/${night}/hours`, {
      hours: { weekly: Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, [{ open: "09:00", close: "19:00" }]])), exceptions: [] },
    });
    expect(put.status).toBe(200);
    await agents().add(night, "door-1", "door", FROM);
    await agents().recordStatus(night, "door-1", { state: "online", ts: FROM, kind: "door", version: "0.1.0" }, FROM);
    const door = new EventFactory("door-1");
    const counts: FootfallEvent[] = [];
    for (let ts = FROM; ts < FROM + NIGHTS * DAY + 20 * HOUR; ts += HOUR) {
      const hour = new Date(ts + HOUR).getUTCHours();
      if (hour >= 9 && hour < 19 && !(ts >= FAILED && ts < FAILED + 4 * HOUR)) counts.push(door.count("entrance", ts + 1000, 4 + (hour % 5), 0));
    }
    await t.ingest(night, "door-1", counts);
    const spans = t.server.services.storage.offlineSpans;
    for (let d = 0; d <= NIGHTS; d++) {
      await spans.wentOffline(night, "door-1", d === 18 ? FAILED : FROM + d * DAY + 20 * HOUR);
      if (d < NIGHTS) await spans.cameOnline(night, "door-1", FROM + (d + 1) * DAY + 8 * HOUR);
    }
    // switched off last night (Monday 30 November, 20:00) and still off now
    clock = FROM + NIGHTS * DAY + 20 * HOUR;
    await agents().recordStatus(night, "door-1", { state: "offline", ts: clock, kind: "door", version: "0.1.0" }, clock);
    clock = NOW;
  }, 60_000);

  const day = (a: Answer, date: string) => a.buckets.find((b) => b.start.startsWith(date));

  it("forecasts each day from the days before, its closed nights read as closed: next Monday 60, Saturday 60, Friday 60 from its counted Fridays", async () => {
    const res = await t.get<Answer>(`/api/v1/stores/${night}/forecast?horizon=14d`);
    expect(res.status).toBe(200);
    // Old code: every day had an offline night, so no day was whole: null, method none.
    expect([monday7(res.body)?.expected, monday7(res.body)?.method]).toEqual([OPEN_DAY, "seasonal-mean"]);
    expect(day(res.body, "2026-12-05")?.expected).toBe(OPEN_DAY);
    expect(day(res.body, "2026-12-04")?.expected).toBe(OPEN_DAY);
  });

  it("notes the Friday afternoon's 4 open hours as not counted, and not the box off now while the store is closed", async () => {
    const res = await t.get<Answer>(`/api/v1/stores/${night}/forecast?horizon=14d`);
    expect(res.body.model.notes.filter((n) => n.includes("not counted"))).toEqual([
      "the store's entrance was not counted in 4 h of the history (its agents offline, the last outage from 2026-11-20T14:00:00.000Z to 2026-11-20T18:00:00.000Z): those hours are left out, not read as no visitors",
    ]);
  });
});

describe("the forecast of a store with opening hours whose counter failed while it was open", () => {
  const store = "openfail";
  /** Monday 30 November, 15:00 in Paris: the door counter fails, and is still offline. */
  const FAILED = OUTAGE + 15 * HOUR;
  beforeAll(async () => {
    clock = FAILED - 30 * 60_000;
    await t.putLayout(store, smallLayout({ validFrom: 0 }));
    const put = await t.request("PUT", `/api/v1/stores/${store}/hours`, {
      hours: { weekly: Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, [{ open: "09:00", close: "19:00" }]])), exceptions: [] },
    });
    expect(put.status).toBe(200);
    await agents().add(store, "door-1", "door", FROM);
    await agents().recordStatus(store, "door-1", { state: "online", ts: FROM, kind: "door", version: "0.1.0" }, FROM);
    const door = new EventFactory("door-1");
    const counts: FootfallEvent[] = [];
    for (let ts = FROM; ts < FAILED; ts += HOUR) {
      const hour = new Date(ts + HOUR).getUTCHours();
      if (hour >= 9 && hour < 19) counts.push(door.count("entrance", ts + 1000, 4 + (hour % 5), 0));
    }
    await t.ingest(store, "door-1", counts);
    clock = FAILED;
    await agents().recordStatus(store, "door-1", { state: "offline", ts: FAILED, kind: "door", version: "0.1.0" }, FAILED);
    await t.server.services.storage.offlineSpans.wentOffline(store, "door-1", FAILED);
    clock = NOW;
  }, 60_000);

  it("leaves out the open hours since, says so, and forecasts next Monday as the Mondays before", async () => {
    const res = await t.get<Answer>(`/api/v1/stores/${store}/forecast?horizon=14d`);
    expect(monday7(res.body)?.expected).toBe(OPEN_DAY);
    expect(res.body.model.notes.filter((n) => n.includes("not counted"))).toEqual([
      "the store's entrance is not counted since 2026-11-30T14:00:00.000Z (its agents are offline): the hours it was open since are left out of the history, not read as no visitors",
    ]);
  });
});

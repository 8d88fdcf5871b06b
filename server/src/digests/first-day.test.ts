/**
 * A store's first day counted from its opening time is whole (core's wholeFrom), in the digests and
 * the chain view alike: the usual install starts counting as the doors open, and the day after is
 * compared with it. A store whose counters started after opening, or that has no opening hours,
 * still has a partial first day. In-process server on a SQLite file, opening hours set through the API.
 */
import { describe, expect, it } from "vitest";
import type { LayoutInput, OpeningHours } from "@footfall/core";
import { EventFactory, rectZone, type FootfallEvent } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";

const HOUR = 3_600_000;
const MINUTE = 60_000;
const DAY = 24 * HOUR;
/** Monday 30 Nov 2026, 00:00 in Paris (UTC+1). */
const MON = Date.UTC(2026, 10, 29, 23);
const TUE = MON + DAY;
const NOW = TUE + DAY + 8 * HOUR;

const layout = (name: string): LayoutInput => ({
  name,
  validFrom: 0,
  timezone: "Europe/Paris",
  floor: { width: 20, height: 10 },
  zones: [rectZone("door", "entrance", 0, 0, 4, 10), rectZone("fruit", "zone", 4, 0, 6, 5)],
});
const NINE_TO_SEVEN: OpeningHours = {
  weekly: { mon: [{ open: "09:00", close: "19:00" }], tue: [{ open: "09:00", close: "19:00" }], wed: [], thu: [], fri: [], sat: [], sun: [] },
  exceptions: [],
};
/** Each store: its opening hours and when (Paris time, hours after Monday's midnight) its counters started. */
const STORES: Record<string, { hours: OpeningHours | null; startsAt: number }> = {
  opera: { hours: NINE_TO_SEVEN, startsAt: 9 }, // counting from opening time: Monday is whole
  late: { hours: NINE_TO_SEVEN, startsAt: 11 }, // counters started two hours after opening: Monday is partial
  nohours: { hours: null, startsAt: 9 }, // no opening hours: as before, Monday is partial
};

const t = useTestServer({ now: () => NOW, maxAgeMs: 400 * DAY });

let ready: Promise<void> | null = null;
function seed(): Promise<void> {
  ready ??= (async () => {
    for (const [store, s] of Object.entries(STORES)) {
      await t.putLayout(store, layout(store));
      if (s.hours) expect((await t.request("PUT", `/api/v1/stores/${store}/hours`, { hours: s.hours })).status).toBe(200);
      const f = new EventFactory("cam-1");
      const events: FootfallEvent[] = [];
      // Monday: 4 shoppers from the counters' start; Tuesday: 6 from 10:00.
      for (let i = 0; i < 4; i++) events.push(...f.visit(`${store}-m${i}`, "door", MON + s.startsAt * HOUR + 10 * MINUTE + i * MINUTE, 20_000));
      for (let i = 0; i < 6; i++) events.push(...f.visit(`${store}-t${i}`, "door", TUE + 10 * HOUR + i * MINUTE, 20_000));
      await t.ingest(store, "cam-1", events);
    }
  })();
  return ready;
}

async function tuesdayDigest(store: string): Promise<string> {
  const created = await t.request("POST", "/api/v1/digests", { scope: "store", target: store, frequency: "daily", recipients: ["manager@shop.example"], hour: 7 });
  expect(created.status).toBe(200);
  const preview = await t.request("GET", `/api/v1/digests/${created.body.id}/preview?period=2026-12-01`);
  expect(preview.status).toBe(200);
  return preview.body.text as string;
}

describe("a store's first day, counted from opening time", () => {
  it("is compared in the next day's digest: 6 enters against 4, +50 %, not 'the day before: 4, partial'", async () => {
    await seed();
    const text = await tuesdayDigest("opera");
    expect(text).not.toMatch(/partial/);
    expect(text).toMatch(/^Footfall daily digest: opera, Tue 1 Dec 2026: 6 enters \(\+50 %\)$/m);
    expect(text).toMatch(/^Enters\s+6\s+the day before: 4 \(\+50 %\)$/m);
  });

  it("stays partial when the counters started after opening, or the store has no opening hours", async () => {
    await seed();
    for (const store of ["late", "nohours"]) {
      const text = await tuesdayDigest(store);
      expect(text, store).toMatch(/The day before is partial: this store's figures begin Mon 30 Nov (11|09):00/);
      expect(text, store).toMatch(/^Enters\s+6\s+the day before: 4 \(partial\)$/m);
    }
  });

  it("is like-for-like in the chain view, as in the digest", async () => {
    await seed();
    const res = await t.request("GET", `/api/v1/overview?from=${TUE}&to=${TUE + DAY}`);
    expect(res.status).toBe(200);
    const rows = res.body.stores as { id: string; figuresFrom: number | null; likeForLike: { previous: boolean }; notLikeForLike: { previous: string | null } }[];
    const row = (id: string) => rows.find((r) => r.id === id)!;
    expect(row("opera")).toMatchObject({ figuresFrom: MON + 9 * HOUR, likeForLike: { previous: true }, notLikeForLike: { previous: null } });
    expect(row("late")).toMatchObject({ figuresFrom: MON + 11 * HOUR, likeForLike: { previous: false }, notLikeForLike: { previous: "new" } });
    expect(row("nohours")).toMatchObject({ likeForLike: { previous: false }, notLikeForLike: { previous: "new" } });
    // The total's like-for-like change rests on opera alone.
    expect(res.body.totals.likeForLike.previous.stores).toBe(1);
  });
});

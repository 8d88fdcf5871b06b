/**
 * A store's first day is judged by the opening hours it had then (migration 26), in the digests and
 * the chain view alike: a store open 09:00-19:00 whose counters started at opening on Monday, its
 * hours changed on Wednesday to open at 07:00. Monday was counted from its opening: Tuesday's digest
 * compares with it (+50 %) and the chain view counts it like-for-like. By Wednesday's hours the same
 * Monday would read as begun two hours late, "partial". In-process server on a SQLite file.
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

const layout: LayoutInput = {
  name: "opera",
  validFrom: 0,
  timezone: "Europe/Paris",
  floor: { width: 20, height: 10 },
  zones: [rectZone("door", "entrance", 0, 0, 4, 10), rectZone("fruit", "zone", 4, 0, 6, 5)],
};
const daily = (open: string): OpeningHours => ({
  weekly: Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, [{ open, close: "19:00" }]])) as OpeningHours["weekly"],
  exceptions: [],
});

let clock = MON - 7 * DAY;
const t = useTestServer({ now: () => clock, maxAgeMs: 400 * DAY });

describe("a store's first day, its opening hours changed since", () => {
  it("is whole by the hours it had: compared in the next day's digest and like-for-like in the chain view", async () => {
    await t.putLayout("opera", layout);
    expect((await t.request("PUT", "/api/v1/stores/opera/hours", { hours: daily("09:00") })).status).toBe(200);
    clock = NOW;
    const f = new EventFactory("cam-1");
    const events: FootfallEvent[] = [];
    // Monday: 4 shoppers from 09:10, its counters started at opening; Tuesday: 6 from 10:00.
    for (let i = 0; i < 4; i++) events.push(...f.visit(`m${i}`, "door", MON + 9 * HOUR + 10 * MINUTE + i * MINUTE, 20_000));
    for (let i = 0; i < 6; i++) events.push(...f.visit(`t${i}`, "door", TUE + 10 * HOUR + i * MINUTE, 20_000));
    await t.ingest("opera", "cam-1", events);
    // Wednesday morning: the store opens at 07:00 from now on.
    expect((await t.request("PUT", "/api/v1/stores/opera/hours", { hours: daily("07:00") })).status).toBe(200);

    const created = await t.request("POST", "/api/v1/digests", { scope: "store", target: "opera", frequency: "daily", recipients: ["manager@shop.example"], hour: 7 });
    expect(created.status).toBe(200);
    const preview = await t.request("GET", `/api/v1/digests/${created.body.id}/preview?period=2026-12-01`);
    expect(preview.status).toBe(200);
    // Old code (Wednesday's hours for Monday): 'The day before is partial: this store's figures begin Mon 30 Nov 09:00'.
    expect(preview.body.text).not.toMatch(/partial/);
    expect(preview.body.text).toMatch(/^Enters\s+6\s+the day before: 4 \(\+50 %\)$/m);

    const res = await t.request("GET", `/api/v1/overview?from=${TUE}&to=${TUE + DAY}`);
    expect(res.status).toBe(200);
    const row = (res.body.stores as { id: string; likeForLike: { previous: boolean } }[]).find((s) => s.id === "opera")!;
    expect(row.likeForLike.previous).toBe(true);
  });
});

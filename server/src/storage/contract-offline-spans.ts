/**
 * The storage contract of migration 24 (agents' offline spans, the forecast's ended outages): called
 * by ./contract.ts for every adapter.
 */
import { allOffline, bucketStarts, withoutGaps } from "@footfall/core";
import { expect } from "vitest";
import { Retention } from "../aggregates/retention.js";
import { createLogger } from "../log.js";
import type { Storage } from "./types.js";

const T0 = Date.UTC(2026, 10, 30, 8);
const H = 3_600_000;
const DAY = 24 * H;

export function offlineSpansContract(test: (title: string, fn: (s: Storage) => Promise<void>) => void): void {
  test("an agent's outage is kept after it ended: offline opens a span, online closes it, per store and agent", async (s) => {
    await s.offlineSpans.wentOffline("shop", "door-1", T0);
    await s.offlineSpans.wentOffline("shop", "door-1", T0 + H); // a repeated offline: the span stays open from T0
    await s.offlineSpans.wentOffline("other", "door-1", T0 + 2 * H);
    expect(await s.offlineSpans.list("shop", T0 - H, T0 + 48 * H)).toEqual([{ agent: "door-1", from: T0, to: null }]);
    await s.offlineSpans.cameOnline("shop", "door-1", T0 + 24 * H);
    await s.offlineSpans.cameOnline("shop", "door-1", T0 + 25 * H); // online again: nothing open, nothing changes
    await s.offlineSpans.cameOnline("shop", "cam-1", T0); // never offline: nothing
    await s.offlineSpans.wentOffline("shop", "door-1", T0 + 30 * H);
    await s.offlineSpans.wentOffline("shop", "cam-1", T0 + 2 * H);
    await s.offlineSpans.cameOnline("shop", "cam-1", T0 + H); // its clock behind: the span ends where it began, never before
    expect(await s.offlineSpans.list("shop", T0 - H, T0 + 48 * H)).toEqual([
      { agent: "cam-1", from: T0 + 2 * H, to: T0 + 2 * H },
      { agent: "door-1", from: T0, to: T0 + 24 * H },
      { agent: "door-1", from: T0 + 30 * H, to: null },
    ]);
    expect(await s.offlineSpans.list("other", T0 - H, T0 + 48 * H)).toEqual([{ agent: "door-1", from: T0 + 2 * H, to: null }]);
    // The chain's stores with a span in a window (the overview's one read): ended spans before it, open ones after their start.
    expect([...(await s.offlineSpans.storesWithin(T0 - H, T0 + 48 * H))].sort()).toEqual(["other", "shop"]);
    expect([...(await s.offlineSpans.storesWithin(T0 + 26 * H, T0 + 29 * H))]).toEqual(["other"]);
    expect([...(await s.offlineSpans.storesWithin(T0 - 2 * H, T0))]).toEqual([]);
  });

  test("a gap nobody heard (the agent off while its server was down) is a closed span, once; never over an open or overlapping span", async (s) => {
    await s.offlineSpans.notHeardGap("shop", "door-1", T0 + H, T0 + 3 * H);
    await s.offlineSpans.notHeardGap("shop", "door-1", T0 + H, T0 + 3 * H + 5); // another server, a restart: the same gap, kept once
    await s.offlineSpans.notHeardGap("shop", "door-1", T0 + 2 * H, T0 + 4 * H); // overlaps it: nothing
    await s.offlineSpans.notHeardGap("shop", "door-1", T0 + 5 * H, T0 + 5 * H); // empty: nothing
    await s.offlineSpans.notHeardGap("shop", "door-1", T0 + 6 * H, T0 + 5 * H); // backwards: nothing
    await s.offlineSpans.wentOffline("shop", "door-2", T0);
    await s.offlineSpans.notHeardGap("shop", "door-2", T0 + H, T0 + 2 * H); // a span open: its online closes it, nothing added
    await s.offlineSpans.notHeardGap("shop", "door-2", T0 - 3 * H, T0 - 2 * H); // before the open span: nothing either
    expect(await s.offlineSpans.list("shop", T0 - DAY, T0 + DAY)).toEqual([
      { agent: "door-1", from: T0 + H, to: T0 + 3 * H },
      { agent: "door-2", from: T0, to: null },
    ]);
    await s.offlineSpans.notHeardGap("shop", "door-1", T0 + 3 * H, T0 + 4 * H); // touching the first, after it: a span of its own
    expect((await s.offlineSpans.list("shop", T0 - DAY, T0 + DAY)).filter((x) => x.agent === "door-1")).toEqual([
      { agent: "door-1", from: T0 + H, to: T0 + 3 * H },
      { agent: "door-1", from: T0 + 3 * H, to: T0 + 4 * H },
    ]);
  });

  test("lists the spans overlapping the range asked; retention deletes only those that ended before its horizon", async (s) => {
    await s.offlineSpans.wentOffline("shop", "door-1", T0);
    await s.offlineSpans.cameOnline("shop", "door-1", T0 + H);
    await s.offlineSpans.wentOffline("shop", "door-1", T0 + 10 * H);
    await s.offlineSpans.cameOnline("shop", "door-1", T0 + 12 * H);
    await s.offlineSpans.wentOffline("shop", "door-2", T0 + 2 * H);
    expect((await s.offlineSpans.list("shop", T0 + H, T0 + 10 * H)).map((x) => [x.agent, x.from])).toEqual([["door-2", T0 + 2 * H]]);
    expect((await s.offlineSpans.list("shop", T0 + 11 * H, T0 + 11 * H + 1)).map((x) => [x.agent, x.from])).toEqual([
      ["door-1", T0 + 10 * H],
      ["door-2", T0 + 2 * H],
    ]);
    expect(await s.offlineSpans.prune(T0 + 11 * H)).toBe(1);
    expect(await s.offlineSpans.list("shop", 0, T0 + 100 * H)).toEqual([
      { agent: "door-1", from: T0 + 10 * H, to: T0 + 12 * H },
      { agent: "door-2", from: T0 + 2 * H, to: null },
    ]);
  });

  test("the retention pass keeps a span as long as the hour rollups the forecast reads, past the raw events' horizon; older ones go", async (s) => {
    // FOOTFALL_RETENTION_DAYS 90, FOOTFALL_AGGREGATE_RETENTION_DAYS 400 (the forecast reads 57 weeks, 399 days, of hours)
    const now = T0;
    const pg = s.kind === "postgres" ? (s as unknown as ConstructorParameters<typeof Retention>[1]["byPartitions"]) : undefined;
    const retention = new Retention(s, { rawDays: 90, aggregateDays: 400, now: () => now, log: createLogger("silent"), ...(pg ? { byPartitions: pg } : {}) });
    const outage = { from: now - 120 * DAY, to: now - 119 * DAY }; // older than the raw events kept, within the hours kept
    await s.offlineSpans.wentOffline("shop", "door-1", outage.from);
    await s.offlineSpans.cameOnline("shop", "door-1", outage.to);
    await s.offlineSpans.wentOffline("shop", "door-1", now - 410 * DAY); // older than the hours kept too
    await s.offlineSpans.cameOnline("shop", "door-1", now - 409 * DAY);
    await s.offlineSpans.wentOffline("shop", "door-1", now - 2 * DAY); // still offline
    await retention.pass();
    expect(await s.offlineSpans.list("shop", 0, now)).toEqual([
      { agent: "door-1", from: outage.from, to: outage.to },
      { agent: "door-1", from: now - 2 * DAY, to: null },
    ]);
    // Its hours are still no counts in a history of the forecast's 57 weeks: 24 unknown hours in that day, none in the day before.
    const starts = bucketStarts({ from: now - 57 * 7 * DAY, to: now }, "hour", "UTC");
    const known = withoutGaps(starts, starts.map(() => 5), allOffline(["door-1"], await s.offlineSpans.list("shop", starts[0]!, now), now));
    const nulls = (from: number, to: number) => known.filter((v, i) => v === null && starts[i]! >= from && starts[i]! < to).length;
    expect([nulls(outage.from, outage.to), nulls(outage.from - DAY, outage.from)]).toEqual([24, 0]);
    // Kept for ever with the rollups (FOOTFALL_AGGREGATE_RETENTION_DAYS 0), whatever the raw events' horizon.
    await new Retention(s, { rawDays: 30, aggregateDays: 0, now: () => now + 1000 * DAY, log: createLogger("silent"), ...(pg ? { byPartitions: pg } : {}) }).pass();
    expect(await s.offlineSpans.list("shop", 0, now)).toHaveLength(2);
  });
}

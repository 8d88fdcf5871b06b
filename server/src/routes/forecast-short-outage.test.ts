import { beforeAll, describe, expect, it } from "vitest";
import type { FootfallEvent } from "@footfall/core";
import { EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";

/**
 * The forecast reads a restart as the screens do (core SHORT_OUTAGE_MS): a door counter restarted in
 * 8 s at 03:15, an hour nobody crosses, leaves that hour in the history as a counted 0, nothing
 * "not counted"; one off for 12 minutes leaves the hour out and says so. Before, the 8-s restart took
 * the whole hour out ("was not counted in 1 h of the history"), and its day out of the daily history.
 */
const DAY = 86_400_000;
const HOUR = 3_600_000;
const MIN = 60_000;
/** Monday 2 November 2026, 00:00 in Paris (UTC+1). */
const FROM = Date.parse("2026-11-01T23:00:00Z");
/** Monday 23 November, 03:15 in Paris: the counter restarts. */
const RESTART = FROM + 21 * DAY + 3 * HOUR + 15 * MIN;
const NOW = FROM + 28 * DAY + 20 * MIN;

const t = useTestServer({ now: () => NOW, maxAgeMs: 60 * DAY });
type Answer = { model: { notes: string[] } };

beforeAll(async () => {
  for (const [store, off] of [
    ["quick", 8_000],
    ["slow", 12 * MIN],
  ] as const) {
    await t.putLayout(store, smallLayout({ validFrom: 0 }));
    await t.server.services.storage.agents.add(store, "door-1", "door", FROM);
    await t.server.services.storage.agents.recordStatus(store, "door-1", { state: "online", ts: FROM, kind: "door", version: "0.1.0" }, FROM);
    const door = new EventFactory("door-1");
    const counts: FootfallEvent[] = [];
    for (let ts = FROM; ts < NOW - HOUR; ts += HOUR) {
      const hour = new Date(ts + HOUR).getUTCHours();
      if (hour >= 9 && hour < 19) counts.push(door.count("entrance", ts + 1000, 4 + (hour % 5), 0));
    }
    await t.ingest(store, "door-1", counts);
    await t.server.services.storage.offlineSpans.wentOffline(store, "door-1", RESTART);
    await t.server.services.storage.offlineSpans.cameOnline(store, "door-1", RESTART + off);
  }
}, 60_000);

describe("the forecast's history after a restart of the door counter", () => {
  it("keeps an hour with an 8-second restart as counted: no 'not counted' note", async () => {
    const res = await t.get<Answer>("/api/v1/stores/quick/forecast?horizon=14d");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    // Old code: "the store's entrance was not counted in 1 h of the history (…03:15 to 03:15:08…)".
    expect(res.body.model.notes.filter((n) => n.includes("not counted"))).toEqual([]);
  });

  it("leaves out an hour with a 12-minute outage, and says so", async () => {
    const res = await t.get<Answer>("/api/v1/stores/slow/forecast?horizon=14d");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.model.notes.filter((n) => n.includes("not counted"))).toEqual([
      "the store's entrance was not counted in 1 h of the history (its agents offline, the last outage from 2026-11-23T02:15:00.000Z to 2026-11-23T02:27:00.000Z): those hours are left out, not read as no visitors",
    ]);
  });
});

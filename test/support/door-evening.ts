/**
 * Three UTC stores whose entrance only a door counter counts (server/src/routes/door-evening-outage
 * tests, SQLite and PostgreSQL): each of the last five days 10 in at every hour from 09:00 to 19:00, 9
 * out in each of those hours and the last 11 out at 20:15; on Monday 30 November the counter was
 * offline 14:00 to 21:00. "evening" and "evening-hours" (open 09:00-20:00) delivered that day's counts
 * later from its outbox, "evening-off" was switched off and counted nothing then.
 */
import { WEEKDAYS } from "@footfall/core";
import { EventFactory, smallLayout } from "./fixtures.js";
import type { TestServer } from "./in-process.js";

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** Wednesday 2 December 2026, 00:00 UTC. */
export const TODAY = Date.UTC(2026, 11, 2);
/** The servers' clock: today 15:00 UTC. */
export const NOW = TODAY + 15 * HOUR;
/** Monday 30 November: the counter offline 14:00 to 21:00 UTC. */
export const OUT_DAY = TODAY - 2 * DAY;
export const OUTAGE = { from: OUT_DAY + 14 * HOUR, to: OUT_DAY + 21 * HOUR };

export async function seedDoorEvening(t: Pick<TestServer, "putLayout" | "ingest" | "server" | "request">): Promise<void> {
  for (const [store, delivered] of [
    ["evening", true],
    ["evening-hours", true],
    ["evening-off", false],
  ] as const) {
    await t.putLayout(store, smallLayout({ name: store, timezone: "UTC" }));
    const f = new EventFactory("door-1");
    const events = [];
    for (let d = TODAY - 5 * DAY; d < TODAY; d += DAY) {
      for (let h = 9; h < 20; h++) events.push(f.count("entrance", d + h * HOUR + 20 * 60_000, 10, 0), f.count("entrance", d + h * HOUR + 40 * 60_000, 0, 9));
      events.push(f.count("entrance", d + 20 * HOUR + 15 * 60_000, 0, 11));
    }
    // Switched off, it counted nothing from 14:00 to 21:00; cut off from the broker, it delivered them on its return.
    await t.ingest(store, "door-1", delivered ? events : events.filter((e) => !(e.ts >= OUTAGE.from && e.ts < OUTAGE.to)));
    await t.server.services.storage.offlineSpans.wentOffline(store, "door-1", OUTAGE.from);
    await t.server.services.storage.offlineSpans.cameOnline(store, "door-1", OUTAGE.to);
  }
  const put = await t.request("PUT", "/api/v1/stores/evening-hours/hours", {
    hours: { weekly: Object.fromEntries(WEEKDAYS.map((d) => [d, [{ open: "09:00", close: "20:00" }]])), exceptions: [] },
  });
  if (put.status !== 200) throw new Error(`PUT hours answered ${put.status}: ${put.text}`);
}

/**
 * The chain whose store's entrance camera was down one afternoon (server/src/routes/overview-outage
 * tests, SQLite and PostgreSQL): two UTC stores with 10 enters an hour from 09:00 to 19:00 every day
 * of the last ten, "afternoon" without those of 14:00-18:00 the day before yesterday, when its only
 * agent (cam-1) was offline, its offline span recorded as its will and online status record it.
 */
import { EventFactory, smallLayout } from "./fixtures.js";
import type { TestServer } from "./in-process.js";
import { DAY, HOUR, TODAY } from "./overview-week.js";

export { DAY, HOUR, TODAY };
/** The servers' clock: today 15:00 UTC. */
export const NOW = TODAY + 15 * HOUR;
/** The day of the outage: the day before yesterday (Mon 30 Nov 2026); its entrance camera offline 14:00 to 18:00 UTC. */
export const OUT_DAY = TODAY - 2 * DAY;
export const OUTAGE = { from: OUT_DAY + 14 * HOUR, to: OUT_DAY + 18 * HOUR };
const FIRST = TODAY - 10 * DAY;

export async function seedAfternoonOutage(t: Pick<TestServer, "putLayout" | "ingest" | "server">): Promise<void> {
  for (const store of ["steady", "afternoon"]) {
    await t.putLayout(store, smallLayout({ name: store, timezone: "UTC" }));
    const f = new EventFactory("cam-1");
    const events = [];
    for (let d = FIRST; d < TODAY; d += DAY)
      for (let h = 9; h < 19; h++)
        for (let i = 0; i < 10; i++) {
          const ts = d + h * HOUR + i * 60_000;
          if (store === "afternoon" && ts >= OUTAGE.from && ts < OUTAGE.to) continue; // nobody counted them
          events.push(...f.visit(`v${(d - FIRST) / DAY}-${h}-${i}`, "entrance", ts, 10_000));
        }
    for (let i = 0; i < events.length; i += 900) await t.ingest(store, "cam-1", events.slice(i, i + 900));
  }
  // Its last will went at 14:00, it said online again at 18:00.
  await t.server.services.storage.offlineSpans.wentOffline("afternoon", "cam-1", OUTAGE.from);
  await t.server.services.storage.offlineSpans.cameOnline("afternoon", "cam-1", OUTAGE.to);
}

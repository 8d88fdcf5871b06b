/**
 * A Kolkata store (UTC+05:30) whose entrance camera was off 05:27-05:33 IST, 6 minutes of local hour 05, nobody
 * crossing in that hour: the store's own traffic (its day from local midnight) says hour 05 not counted (5 minutes or
 * more: core SHORT_OUTAGE_MS), and so must the chain overview, whose whole UTC hours cut that hour at 05:30 IST. It said
 * the store counted throughout: it judged hour 05 on the 3 minutes after the cut alone. On the in-process server's
 * SQLite file.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Mon 30 Nov 2026 00:00 UTC, 05:30 IST. */
const DAY_UTC = Date.UTC(2026, 10, 30);
/** That day in Kolkata from its midnight: 29 Nov 18:30 UTC. */
const LOCAL_DAY = DAY_UTC - 5 * HOUR - 30 * MIN;
const OFF = { from: DAY_UTC - 3 * MIN, to: DAY_UTC + 3 * MIN };
const NOW = DAY_UTC + 2 * DAY;

const t = useTestServer({ now: () => NOW, maxAgeMs: 60 * DAY });

beforeAll(async () => {
  await t.putLayout("kolkata", smallLayout({ name: "Kolkata", timezone: "Asia/Kolkata" }));
  const cam = new EventFactory("cam-1");
  // Visitors at 10:00-10:50 IST the days before and that day: none in hour 05.
  const events = [];
  for (let d = LOCAL_DAY - 3 * DAY; d <= LOCAL_DAY; d += DAY) for (let i = 0; i < 6; i++) events.push(...cam.visit(`v${d}-${i}`, "entrance", d + 10 * HOUR + i * 10 * MIN, 60_000));
  await t.ingest("kolkata", "cam-1", events);
  await t.server.services.storage.offlineSpans.wentOffline("kolkata", "cam-1", OFF.from);
  await t.server.services.storage.offlineSpans.cameOnline("kolkata", "cam-1", OFF.to);
}, 60_000);

describe("an outage of 6 minutes of a Kolkata hour the chain overview's UTC hours cut in two", () => {
  it("is not counted on the store's day and in the overview alike", async () => {
    const traffic = await t.get(`/api/v1/stores/kolkata/traffic?from=${LOCAL_DAY}&to=${LOCAL_DAY + DAY}&bucket=hour`);
    expect(traffic.status).toBe(200);
    expect(traffic.body.outages).toEqual({ hours: 1, zones: ["entrance"], spans: [{ from: DAY_UTC - 30 * MIN, to: DAY_UTC + 30 * MIN }] });
    const overview = await t.get(`/api/v1/overview?from=${DAY_UTC}&to=${DAY_UTC + DAY}&store=kolkata`);
    expect(overview.status).toBe(200);
    const row = (overview.body.stores as { id: string; outages: { range: unknown } }[]).find((s) => s.id === "kolkata")!;
    // Old code: null, the store counted throughout.
    expect(row.outages.range).toEqual({ hours: 1, zones: ["entrance"], spans: [{ from: DAY_UTC, to: DAY_UTC + 30 * MIN }] });
  });
});

/**
 * The store manager's other screens say which open hours a zone was counted by no agent, as GET
 * .../traffic says it of the entrance (chain/outages.ts storeNotCounted, core zonesNotCounted: one
 * rule): GET .../dwell, .../paths, .../funnel and .../conversion give `outages`. A fruit stand whose
 * own camera was offline 14:00-18:00 while the entrance kept counting showed those hours' visits,
 * dwell and trips as none. A camera that kept counting and delivered later is no outage. On the
 * in-process server's SQLite file.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { DAY, HOUR, NOW, OUT_DAY, OUTAGE, seedAfternoonOutage } from "../../../test/support/afternoon-outage.js";
import { EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";

const t = useTestServer({ now: () => NOW, maxAgeMs: 60 * DAY });

const FRUIT_OUT = { hours: 4, zones: ["fruit"], spans: [OUTAGE] };

beforeAll(async () => {
  await seedAfternoonOutage(t);
  // Two UTC stores: cam-1 counts the entrance, cam-2 the fruit stand; every shopper goes from one to the other.
  // "fruit-out": cam-2 offline 14:00-18:00 on the outage day, nothing of the stand counted then.
  // "fruit-late": cam-2 cut off from the broker as long, but it kept counting and delivered them later.
  for (const store of ["fruit-out", "fruit-late"]) {
    await t.putLayout(store, smallLayout({ name: store, timezone: "UTC" }));
    const door = new EventFactory("cam-1");
    const stand = new EventFactory("cam-2");
    const entrance = [];
    const fruit = [];
    for (let d = OUT_DAY - DAY; d <= OUT_DAY + DAY; d += DAY)
      for (let h = 9; h < 19; h++)
        for (let i = 0; i < 5; i++) {
          const ts = d + h * HOUR + i * 60_000;
          const who = `v${d}-${h}-${i}`;
          entrance.push(...door.visit(who, "entrance", ts, 10_000));
          if (store === "fruit-out" && ts >= OUTAGE.from && ts < OUTAGE.to) continue;
          fruit.push(...stand.visit(who, "fruit", ts + 20_000, 60_000));
        }
    await t.ingest(store, "cam-1", entrance);
    await t.ingest(store, "cam-2", fruit);
    await t.server.services.storage.offlineSpans.wentOffline(store, "cam-2", OUTAGE.from);
    await t.server.services.storage.offlineSpans.cameOnline(store, "cam-2", OUTAGE.to);
  }
});

const outagesOf = async (path: string) => {
  const res = await t.get(path);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body as { outages?: unknown }).outages;
};
const screens = (store: string, from: number, to: number) => [
  `/api/v1/stores/${store}/dwell?from=${from}&to=${to}`,
  `/api/v1/stores/${store}/paths?from=${from}&to=${to}`,
  `/api/v1/stores/${store}/funnel?from=${from}&to=${to}&steps=entrance,fruit`,
  `/api/v1/stores/${store}/funnel?from=${from}&to=${to}&steps=entrance,fruit&by=hour`,
  `/api/v1/stores/${store}/conversion?from=${from}&to=${to}`,
];

describe("dwell, paths, funnel and conversion of a store whose fruit stand was counted by no agent one afternoon", () => {
  it("give the stand's hours nobody counted (outages, zones naming it), while traffic's entrance was counted", async () => {
    // The figures read those hours as nobody at the stand: 30 visits against the 50 of the day after.
    const dwell = await t.get(`/api/v1/stores/fruit-out/dwell?from=${OUT_DAY}&to=${OUT_DAY + DAY}`);
    expect((dwell.body.zones as { zone: string; visits: number }[]).find((z) => z.zone === "fruit")!.visits).toBe(30);
    // Old code: no outages field on any of them.
    for (const path of screens("fruit-out", OUT_DAY, OUT_DAY + DAY)) expect(await outagesOf(path), path).toEqual(FRUIT_OUT);
    // The entrance kept counting: the store's enters are whole, traffic says no outage.
    expect(await outagesOf(`/api/v1/stores/fruit-out/traffic?from=${OUT_DAY}&to=${OUT_DAY + DAY}&bucket=hour`)).toBeNull();
    // Only the part within the range asked; a week holding the day says the same 4 h.
    expect(await outagesOf(`/api/v1/stores/fruit-out/dwell?from=${OUT_DAY + 16 * HOUR}&to=${OUT_DAY + DAY}`)).toEqual({ hours: 2, zones: ["fruit"], spans: [{ from: OUT_DAY + 16 * HOUR, to: OUTAGE.to }] });
    expect(await outagesOf(`/api/v1/stores/fruit-out/conversion?from=${OUT_DAY - 3 * DAY}&to=${OUT_DAY + 4 * DAY}`)).toEqual(FRUIT_OUT);
  });

  it("say the entrance's outage as traffic does: the store's enters of those hours are not known", async () => {
    const traffic = await outagesOf(`/api/v1/stores/afternoon/traffic?from=${OUT_DAY}&to=${OUT_DAY + DAY}&bucket=hour`);
    expect(traffic).toEqual({ hours: 4, zones: ["entrance"], spans: [OUTAGE] });
    for (const path of screens("afternoon", OUT_DAY, OUT_DAY + DAY)) expect(await outagesOf(path), path).toEqual(traffic);
  });

  it("say null where every zone was counted: a camera that delivered later, the day after, the steady store", async () => {
    for (const path of [...screens("fruit-late", OUT_DAY, OUT_DAY + DAY), ...screens("fruit-out", OUT_DAY + DAY, OUT_DAY + 2 * DAY), ...screens("steady", OUT_DAY, OUT_DAY + DAY)])
      expect(await outagesOf(path), path).toBeNull();
  });
});

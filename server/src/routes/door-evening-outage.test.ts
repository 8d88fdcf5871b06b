/**
 * A door counter cut off from the broker that kept counting delivers its counts later (its outbox):
 * the hours of its offline span it counted in were counted, no outage (core zonesNotCounted, the one
 * rule). In the evening people only leave: the rule read "counted" as a door counter's `in`, so the
 * hour after the last one in, in which it counted the last people out, was "not counted". A store
 * with opening hours was closed then (no outage while closed); a store without hours, open at every
 * hour, had its evening flagged on /traffic, the chain view (its day left out of every comparison),
 * the digests, the store's screens and its experiments. Now an hour a door counter counted anyone
 * cross, in or out, is counted. In-process server, SQLite file.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { DAY, NOW, OUT_DAY, OUTAGE, seedDoorEvening } from "../../../test/support/door-evening.js";
import { useTestServer } from "../../../test/support/in-process.js";
import { periodData } from "./experiment-data.js";

const t = useTestServer({ now: () => NOW, maxAgeMs: 30 * DAY });

beforeAll(() => seedDoorEvening(t));

const trafficOutages = async (store: string) => {
  const res = await t.get(`/api/v1/stores/${store}/traffic?from=${OUT_DAY}&to=${OUT_DAY + DAY}&bucket=hour`);
  expect(res.status).toBe(200);
  return res.body.outages;
};

describe("a door counter offline one afternoon and evening, its counts delivered later", () => {
  it("is no outage in a store without opening hours: the evening hour it counted the last people out was counted", async () => {
    // Old rule (a door counter's `in` only): { hours: 1, zones: ["entrance"], spans: [20:00-21:00] }.
    expect(await trafficOutages("evening")).toBeNull();
    // With hours the store was closed then: no outage, as before.
    expect(await trafficOutages("evening-hours")).toBeNull();
  });

  it("the chain view compares that day with the day before, no outage", async () => {
    const res = await t.get(`/api/v1/overview?from=${OUT_DAY}&to=${OUT_DAY + DAY}`);
    expect(res.status).toBe(200);
    const row = (res.body.stores as { id: string; outages: { range: unknown }; notLikeForLike: { previous: string | null } }[]).find((s) => s.id === "evening")!;
    expect(row.outages.range).toBeNull();
    expect(row.notLikeForLike.previous).toBeNull();
  });

  it("an experiment's period keeps that evening in its figures; the switched-off counter's 7 hours are left out", async () => {
    const day = { from: OUT_DAY, to: OUT_DAY + DAY };
    // Old rule: { hours: 1, zones: ["entrance"], spans: [20:00-21:00] }, that hour left out of the period's figures.
    expect((await periodData(t.server.services, "evening", day, ["entrance"])).notCounted).toBeNull();
    expect((await periodData(t.server.services, "evening-off", day, ["entrance"])).notCounted).toMatchObject({ hours: 7, spans: [OUTAGE] });
  });

  it("the forecast keeps that evening in its history; the switched-off counter's 7 hours are left out", async () => {
    const notes = async (store: string) => {
      const res = await t.get(`/api/v1/stores/${store}/forecast?horizon=24h`);
      expect(res.status).toBe(200);
      return (res.body.model.notes as string[]).filter((n) => n.includes("not counted"));
    };
    // Old rule: "the store's entrance was not counted in 1 h of the history (...)".
    expect(await notes("evening")).toEqual([]);
    expect(await notes("evening-off")).toEqual([expect.stringContaining("not counted in 7 h of the history")]);
  });

  it("a door counter switched off those hours is still an outage, of every hour it counted nothing in (the evening too, without hours)", async () => {
    expect(await trafficOutages("evening-off")).toEqual({ hours: 7, zones: ["entrance"], spans: [OUTAGE] });
  });
});

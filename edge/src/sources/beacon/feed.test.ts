import { describe, expect, it } from "vitest";
import { feedRecords, parseFeedTime, readSighting } from "./feed.js";

const FIELDS = { receiver: "receiver", beacon: "beacon", rssi: "rssi", ts: "ts" };
const NOW = 1_800_000_000_000;

describe("gateway feed", () => {
  it("reads JSON arrays, single objects, wrapped arrays and JSON lines", () => {
    expect(feedRecords('[{"a":1},{"a":2}]').records).toHaveLength(2);
    expect(feedRecords('{"a":1}').records).toHaveLength(1);
    expect(feedRecords('{"data":[{"a":1},{"a":2}]}', "data").records).toHaveLength(2);
    expect(feedRecords('{"a":1}\n{"a":2}\nnot json\n')).toEqual({ records: [{ a: 1 }, { a: 2 }], bad: 1 });
  });

  it("turns a record into a sighting, with times in ms, s or ISO, clamped to now", () => {
    expect(readSighting({ receiver: "gw-1", beacon: "AA:BB", rssi: -67, ts: NOW - 500 }, FIELDS, NOW)).toEqual({ ok: true, value: { receiver: "gw-1", beacon: "AA:BB", rssi: -67, ts: NOW - 500 } });
    expect(parseFeedTime(1_700_000_000)).toBe(1_700_000_000_000);
    expect(parseFeedTime("2026-01-01T00:00:00Z")).toBe(Date.UTC(2026, 0, 1));
    expect(readSighting({ receiver: "gw", beacon: "b", rssi: "-70", ts: NOW + 60_000 }, FIELDS, NOW)).toMatchObject({ ok: true, value: { ts: NOW, rssi: -70 } });
    expect(readSighting({ beacon: "b", rssi: -70 }, FIELDS, NOW, "gw-from-topic")).toMatchObject({ ok: true, value: { receiver: "gw-from-topic", ts: NOW } });
  });

  it("names the field that is wrong", () => {
    expect(readSighting({ receiver: "gw", beacon: "b", rssi: 5000 }, FIELDS, NOW)).toEqual({ ok: false, error: "rssi: expected an RSSI in dBm (-130..20), got 5000" });
    expect(readSighting({ receiver: "gw", beacon: "b", rssi: -60, ts: 1 }, FIELDS, NOW)).toMatchObject({ ok: false, error: expect.stringMatching(/^ts: 1970-01-01T00:00:01\.000Z is before 2000: the gateway's clock is not set/) });
    expect(readSighting({ receiver: "gw", rssi: -60 }, FIELDS, NOW)).toEqual({ ok: false, error: "beacon: expected the beacon id (a string)" });
  });
});

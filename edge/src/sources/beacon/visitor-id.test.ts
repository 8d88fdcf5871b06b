import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DailyVisitorIds, dayKey, normaliseBeaconId, visitorIdOf } from "./visitor-id.js";

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 10, 12);
let counter = 0;
const random = (n: number) => Buffer.alloc(n, ++counter);

describe("DailyVisitorIds", () => {
  it("gives a beacon the same id all day and another one the next day", () => {
    const ids = new DailyVisitorIds({ timeZone: "UTC", prefix: "ble-", random });
    const a = ids.idAt("AA:BB:CC:DD:EE:FF", T0);
    expect(ids.idAt("aa-bb-cc-dd-ee-ff", T0 + 3_600_000)).toBe(a);
    expect(ids.idAt("AA:BB:CC:DD:EE:FF", T0 + DAY)).not.toBe(a);
  });

  it("rotates at midnight in the configured time zone", () => {
    expect(dayKey(Date.UTC(2026, 0, 10, 23, 30), "UTC")).toBe("2026-01-10");
    expect(dayKey(Date.UTC(2026, 0, 10, 23, 30), "Europe/Paris")).toBe("2026-01-11");
  });

  it("keeps the day's salt across a restart through its store, and forgets the previous day's", () => {
    let stored: { day: string; salt: Buffer } | null = null;
    const store = { load: () => stored, save: (e: { day: string; salt: Buffer }) => void (stored = e) };
    const first = new DailyVisitorIds({ timeZone: "UTC", prefix: "", store, random }).idAt("beacon-1", T0);
    expect(new DailyVisitorIds({ timeZone: "UTC", prefix: "", store, random }).idAt("beacon-1", T0 + 1000)).toBe(first);
    new DailyVisitorIds({ timeZone: "UTC", prefix: "", store, random }).idAt("beacon-1", T0 + DAY);
    expect(stored!.day).toBe("2026-01-11");
  });

  it("gives agents that share a secret the same ids", () => {
    const a = new DailyVisitorIds({ timeZone: "UTC", prefix: "ble-", secret: "store-secret-0123456789" });
    const b = new DailyVisitorIds({ timeZone: "UTC", prefix: "ble-", secret: "store-secret-0123456789" });
    expect(a.idAt("x", T0)).toBe(b.idAt("x", T0 + 5000));
  });

  it("never lets the raw id through: ids are hex digests of fixed length, different for different beacons", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), fc.string({ minLength: 1, maxLength: 40 }), (x, y) => {
        const salt = Buffer.alloc(32, 7);
        const id = visitorIdOf(x, salt, "ble-");
        expect(id).toMatch(/^ble-[0-9a-f]{32}$/);
        if (normaliseBeaconId(x).length >= 4) expect(id.slice(4)).not.toContain(normaliseBeaconId(x));
        if (normaliseBeaconId(x) !== normaliseBeaconId(y)) expect(visitorIdOf(y, salt, "ble-")).not.toBe(id);
      }),
    );
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";
import { EARLIEST_MS, LATEST_MS, readExpiry, readTime } from "./times.js";

describe("readTime", () => {
  it.each([
    ["2026-11-22T09:00:00Z", Date.UTC(2026, 10, 22, 9)],
    ["2026-11-22T09:00:00.250Z", Date.UTC(2026, 10, 22, 9, 0, 0, 250)],
    ["2026-11-22T10:00:00+01:00", Date.UTC(2026, 10, 22, 9)],
    ["2026-11-22T04:30-0430", Date.UTC(2026, 10, 22, 9)],
    ["2026-11-22 09:00", Date.UTC(2026, 10, 22, 9)],
    ["2026-11-22", Date.UTC(2026, 10, 22)],
    ["2024-02-29", Date.UTC(2024, 1, 29)],
    ["2000-02-29", Date.UTC(2000, 1, 29)],
    ["1795000000000", 1_795_000_000_000],
    ["2000-01-01T00:00:00Z", EARLIEST_MS],
    ["2099-12-31T23:59:59.999Z", LATEST_MS - 1],
  ])("reads %s", (text, ms) => {
    expect(readTime(text)).toEqual({ ok: true, ms });
  });

  it.each([
    ["2026-02-30", /not a date in the calendar/],
    ["2026-13-01", /not a date in the calendar/],
    ["2026-00-10", /not a date in the calendar/],
    ["2026-04-31", /not a date in the calendar/],
    ["2025-02-29", /not a date in the calendar/],
    ["2100-02-29", /out of range|not a date/],
    ["2026-11-22T24:00", /not a time of day/],
    ["2026-11-22T23:61", /not a time of day/],
    ["2026-11-22T23:59:60Z", /not a time of day/],
    ["2026-11-22T09:00+19:00", /no such UTC offset/],
    ["9000000000000000", /out of range/],
    ["-1", /out of range/],
    ["0", /out of range/],
    ["1e300", /must be ISO 8601/],
    ["9e15", /must be ISO 8601/],
    ["2100-01-01", /out of range/],
    ["1999-12-31T23:59:59Z", /out of range/],
    ["yesterday", /must be ISO 8601/],
    ["2026-11-22T09:00:00Zjunk", /must be ISO 8601/],
  ])("refuses %s", (text, message) => {
    const r = readTime(text);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(message);
  });

  it("agrees with the calendar on every date it accepts (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1990, max: 2110 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), (y, m, d) => {
        const text = `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
        const real = new Date(Date.UTC(y, m - 1, d));
        const exists = m >= 1 && m <= 12 && d >= 1 && real.getUTCMonth() === m - 1 && real.getUTCDate() === d;
        const inRange = exists && real.getTime() >= EARLIEST_MS && real.getTime() < LATEST_MS;
        expect(readTime(text)).toEqual(inRange ? { ok: true, ms: real.getTime() } : { ok: false, error: expect.any(String) });
      }),
    );
  });
});

describe("readExpiry", () => {
  const now = Date.UTC(2026, 10, 20);
  it("reads durations, dates and never", () => {
    expect(readExpiry("90d", now)).toEqual({ ok: true, ms: now + 90 * 86_400_000 });
    expect(readExpiry("2w", now)).toEqual({ ok: true, ms: now + 14 * 86_400_000 });
    expect(readExpiry("12h", now)).toEqual({ ok: true, ms: now + 12 * 3_600_000 });
    expect(readExpiry("2027-06-30T18:00:00+02:00", now)).toEqual({ ok: true, ms: Date.UTC(2027, 5, 30, 16) });
    expect(readExpiry("never", now)).toEqual({ ok: true, ms: null });
  });
  it("refuses a past time, a duration past 2099 and words", () => {
    expect(readExpiry("2026-01-01", now).ok).toBe(false);
    expect(readExpiry("999999w", now).ok).toBe(false);
    expect(readExpiry("a while", now).ok).toBe(false);
  });
});

const NOW = Date.UTC(2026, 10, 20, 15, 0, 0);
const t = useTestServer({ now: () => NOW, stores: ["shop"] });

const ROUTES = ["dwell", "paths", "traffic?bucket=day", "conversion", "funnel?steps=entrance,checkout"];
const query = (route: string, params: Record<string, string>) => {
  const q = new URLSearchParams(params).toString();
  return `/api/v1/stores/shop/${route}${route.includes("?") ? "&" : "?"}${q}`;
};

describe("times in query strings over HTTP", () => {
  const bad = ["9e15", "1e300", "9000000000000000", "-5", "2100-01-01", "2150-06-01T00:00:00Z", "2026-02-30", "2026-13-01", "2026-11-20T24:61", "1999-01-01"];
  it.each(ROUTES.flatMap((route) => bad.flatMap((value) => (["from", "to"] as const).map((field) => [route, field, value] as const))))(
    "%s with %s=%s answers 400 naming the field",
    async (route, field, value) => {
      const res = await t.get(query(route, { [field]: value }));
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(new RegExp(`querystring/${field}`));
    },
  );

  it.each(["9e15", "2026-02-30", "-1"])("GET layout?at=%s answers 400 naming querystring/at", async (at) => {
    const res = await t.get(`/api/v1/stores/shop/layout?at=${encodeURIComponent(at)}`);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/querystring\/at/);
  });

  it("says what to give for one day asked as from=to (to is not included), and for a to before from", async () => {
    const day = await t.get("/api/v1/stores/shop/traffic?from=2026-12-04&to=2026-12-04");
    expect(day.status).toBe(400);
    expect(day.body.message).toBe(
      "querystring/from must be before querystring/to (read as 2026-12-04T00:00:00Z and 2026-12-04T00:00:00Z; to is not included): for the whole day 2026-12-04, give the next day as to (to=2026-12-05); a date alone is its 00:00 UTC, add the store's offset for its own midnight (2026-12-04T00:00:00+01:00)",
    );
    const back = await t.get("/api/v1/stores/shop/dwell?from=2026-12-05T10:00:00Z&to=2026-12-05T09:00:00Z");
    expect(back.status).toBe(400);
    expect(back.body.message).toBe("querystring/from must be before querystring/to (read as 2026-12-05T10:00:00Z and 2026-12-05T09:00:00Z; to is not included): give a to later than from");
  });

  it("never answers 500 to arbitrary text as from and to (property)", async () => {
    const text = fc.oneof(
      fc.string({ maxLength: 45 }),
      fc.string({ unit: fc.constantFrom(..."0123456789-+:.TZe "), maxLength: 30 }),
      fc.double().map(String),
      fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }).map(String),
      fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }).map((d) => d.toISOString()),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), fc.option(text, { nil: undefined }), fc.option(text, { nil: undefined }), async (route, from, to) => {
        const params: Record<string, string> = {};
        if (from !== undefined) params.from = from;
        if (to !== undefined) params.to = to;
        const res = await t.get(query(route, params));
        expect([200, 400], `${route} from=${from} to=${to}: ${res.text}`).toContain(res.status);
      }),
      { numRuns: 300 },
    );
  });
});

describe("times in experiment bodies over HTTP", () => {
  const body = (before: object) => ({ name: "x", testStores: ["shop"], changeAt: NOW - 86_400_000, before, after: { from: NOW - 86_400_000, to: NOW }, zones: ["fruit"] });
  it.each([
    [{ from: 9e15, to: NOW - 86_400_000 }, /body\/before\/from .*out of range/],
    [{ from: 1e300, to: NOW - 86_400_000 }, /body\/before\/from/],
    [{ from: "2026-02-30", to: NOW - 86_400_000 }, /body\/before\/from .*not a date/],
    [{ from: NOW - 7 * 86_400_000, to: "2026-11-19T25:00" }, /body\/before\/to .*not a time of day/],
  ])("answers 400 naming the field for %j", async (before, message) => {
    const res = await t.server.app.inject({ method: "POST", url: "/api/v1/experiments", headers: { authorization: `Bearer ${t.admin}` }, payload: body(before) });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(message);
  });
});

describe("a layout's validFrom over HTTP", () => {
  it.each([9e15, 1e300, 4_102_444_800_000])("answers 400 naming body/validFrom for %d", async (validFrom) => {
    const res = await t.server.app.inject({ method: "PUT", url: "/api/v1/stores/later/layout", headers: { authorization: `Bearer ${t.admin}` }, payload: { ...smallLayout(), validFrom } });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/body\/validFrom .*out of range/);
  });
});

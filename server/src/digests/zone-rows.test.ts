/**
 * A digest's zone rows carry their store and zone apart (never one "store / zone" string split again):
 * a group's rows name the store by its name, whatever the name holds (free text: "Paris / Rivoli")
 * and however many stores the group has; a row's change follows its own store's coverage.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";
import { biggestChanges, type Figures, type ZoneVisits } from "./figures.js";
import { composeDigest } from "./mail.js";
import { periodOf } from "./schedule.js";

/** Tuesday 24 Nov 2026, 06:00 in Paris (UTC+1). */
const NOW = Date.UTC(2026, 10, 24, 5);
const local = (d: number, h: number, m = 0) => Date.UTC(2026, 10, d, h - 1, m); // Paris = UTC+1 in November

const t = useTestServer({ now: () => NOW, maxAgeMs: 30 * 86_400_000 });

let ready: Promise<void> | null = null;
function seed(): Promise<void> {
  ready ??= (async () => {
    // Sunday 22 Nov one visit to the fruit zone, Monday 23 Nov three; the figures of both begin Monday 16 Nov (fully covered).
    for (const [store, name] of [
      ["rivoli", "Paris / Rivoli"],
      ["opera", "Opéra"],
    ] as const) {
      await t.putLayout(store, smallLayout({ name }));
      const door = new EventFactory("door-1");
      const cam = new EventFactory("cam-1");
      await t.ingest(store, "door-1", [
        door.count("checkout", local(16, 0), 1, 0),
        door.count("entrance", local(22, 10), 10, 0),
        door.count("entrance", local(23, 10), 20, 0),
      ]);
      const visits = store === "rivoli" ? 3 : 2;
      await t.ingest(store, "cam-1", [
        ...cam.visit(`${store}-s`, "fruit", local(22, 11), 60_000),
        ...Array.from({ length: visits }, (_, i) => cam.visit(`${store}-m${i}`, "fruit", local(23, 11 + i), 60_000)).flat(),
      ]);
    }
    expect((await t.request("POST", "/api/v1/groups", { id: "solo", name: "Rivoli alone", stores: ["rivoli"] })).status).toBe(200);
    expect((await t.request("POST", "/api/v1/groups", { id: "pair", name: "Paris", stores: ["rivoli", "opera"] })).status).toBe(200);
  })();
  return ready;
}

/** The daily digest of Monday 23 Nov of a store or group: its mail's text and HTML. */
async function monday(scope: "store" | "group", target: string) {
  await seed();
  const created = await t.request("POST", "/api/v1/digests", { scope, target, frequency: "daily", recipients: ["region@shop.example"], hour: 7 });
  expect(created.status).toBe(200);
  const d = (await t.server.services.storage.digests.get(created.body.id))!;
  const content = (await composeDigest(t.server.services, d, periodOf("2026-11-23", "Europe/Paris", "daily")!, "Footfall"))!;
  return content.mail;
}

describe("a digest's zone rows", () => {
  it("a group's rows name the store by its name, even a name holding ' / ' (text and HTML)", async () => {
    const m = await monday("group", "pair");
    expect(m.text).toContain("Biggest changes (visits by zone):\n  Paris / Rivoli / fruit: 3 (+2, +200 %)\n  Opéra / fruit: 2 (+1, +100 %)");
    expect(m.html).toContain("<li>Paris / Rivoli / fruit: 3 visits (+2)</li><li>Opéra / fruit: 2 visits (+1)</li>");
    expect(m.text).toContain("Stores: Opéra, Paris / Rivoli");
    expect(`${m.text}${m.html}`).not.toMatch(/\b(rivoli|opera) \//);
  });

  it("a group of one store: its rows are named as any group's, and compared with the day before (not 'no data')", async () => {
    const m = await monday("group", "solo");
    expect(m.text).toContain("Biggest changes (visits by zone):\n  Paris / Rivoli / fruit: 3 (+2, +200 %)");
    expect(m.html).toContain("<li>Paris / Rivoli / fruit: 3 visits (+2)</li>");
    expect(m.text).not.toMatch(/no data/);
  });

  it("two zones of a store sharing a name keep a row each (keyed by zone id), neither's visits lost", async () => {
    await seed();
    const shelves = smallLayout({ name: "Twins" });
    shelves.zones = shelves.zones.map((z) => (z.id === "fruit" || z.id === "bakery" ? { ...z, name: "Shelf" } : z));
    await t.putLayout("twins", shelves);
    const cam = new EventFactory("cam-1");
    await t.ingest("twins", "cam-1", [
      ...Array.from({ length: 3 }, (_, i) => cam.visit(`t-f${i}`, "fruit", local(23, 11 + i), 60_000)).flat(),
      ...cam.visit("t-b0", "bakery", local(23, 15), 60_000),
    ]);
    const m = await monday("store", "twins");
    expect(m.text).toContain("Busiest zones by visits (nothing earlier to compare with):\n  Shelf: 3 (the day before: no data)\n  Shelf: 1 (the day before: no data)");
  });

  it("with nothing earlier to compare with, the list is headed as the busiest zones, not as changes (text, HTML, webhook text)", async () => {
    await seed();
    await t.putLayout("newshop", smallLayout({ name: "New shop" }));
    const cam = new EventFactory("cam-1");
    await t.ingest("newshop", "cam-1", [...cam.visit("n-f0", "fruit", local(23, 11), 60_000), ...cam.visit("n-f1", "fruit", local(23, 12), 60_000)]);
    const created = await t.request("POST", "/api/v1/digests", { scope: "store", target: "newshop", frequency: "daily", recipients: ["shop@shop.example"], hour: 7 });
    const d = (await t.server.services.storage.digests.get(created.body.id))!;
    const content = (await composeDigest(t.server.services, d, periodOf("2026-11-23", "Europe/Paris", "daily")!, "Footfall"))!;
    expect(content.mail.text).toContain("Busiest zones by visits (nothing earlier to compare with):\n  fruit: 2 (the day before: no data)");
    expect(content.mail.text).not.toContain("Biggest changes");
    expect(content.mail.html).toContain("<h3>Busiest zones (nothing earlier to compare with)</h3>");
    expect(content.mail.html).not.toContain("Biggest changes");
    expect(content.webhook.text).toContain("Busiest zones by visits (nothing earlier to compare with):");
  });

  it("a group whose listed zones all have earlier figures keeps 'Biggest changes' (text and HTML)", async () => {
    const m = await monday("group", "pair");
    expect(m.text).toContain("Biggest changes (visits by zone):");
    expect(m.html).toContain("<h3>Biggest changes</h3>");
    expect(m.text).not.toContain("Busiest zones");
  });

  it("a store's rows name the zone alone", async () => {
    const m = await monday("store", "rivoli");
    expect(m.text).toContain("Biggest changes (visits by zone):\n  fruit: 3 (+2, +200 %)");
    expect(m.html).toContain("<li>fruit: 3 visits (+2)</li>");
  });
});

describe("biggestChanges", () => {
  const figures = (zones: ZoneVisits[]): Figures => ({
    enters: 0,
    visitors: null,
    transactions: 0,
    conversion: null,
    dwellMedianS: null,
    dwell: { hist: new Float64Array(0), closed: 0 },
    zones,
    series: [],
    complete: true,
  });
  // Stores and zone names drawn from few parts, " / " among them, so that "a / b" + "c" and "a" + "b / c" both occur.
  const part = fc.constantFrom("a", "b", " / ", "a / b", "b / c");
  const name = fc.array(part, { minLength: 1, maxLength: 3 }).map((p) => p.join(""));
  // Zone ids a, b, c of the same stores; their names drawn apart, so that two zones of a store may share one.
  const rows = fc.uniqueArray(fc.record({ store: name, zoneId: fc.constantFrom("a", "b", "c"), zone: fc.constantFrom("Shelf", "Fruit"), visits: fc.nat(20) }), {
    selector: (r) => JSON.stringify([r.store, r.zoneId]),
    maxLength: 8,
  });

  it("pairs each zone of each store with itself alone, its store and zone as given (property, against a plain reference)", () => {
    fc.assert(
      fc.property(rows, rows, fc.integer({ min: 1, max: 6 }), (now, before, n) => {
        const got = biggestChanges(figures(now), figures(before), n);
        // Reference: every (store, zone id) of either period, compared pair by pair.
        const visits = (list: ZoneVisits[], s: string, z: string) => list.find((r) => r.store === s && r.zoneId === z)?.visits ?? 0;
        const all = [...now, ...before].filter((r, i, l) => l.findIndex((o) => o.store === r.store && o.zoneId === r.zoneId) === i);
        const changed = all
          .map((r) => ({ store: r.store, zoneId: r.zoneId, delta: visits(now, r.store, r.zoneId) - visits(before, r.store, r.zoneId) }))
          .filter((c) => c.delta !== 0);
        expect(got.length).toBe(Math.min(n, changed.length));
        for (const c of got) {
          expect(c.now).toBe(visits(now, c.store, c.zoneId));
          expect(c.before).toBe(visits(before, c.store, c.zoneId));
          const named = (list: ZoneVisits[]) => list.find((r) => r.store === c.store && r.zoneId === c.zoneId)?.zone;
          expect(c.zone).toBe(named(now) ?? named(before));
          expect(c.delta).toBe(c.now - c.before);
          expect(c.ratio).toBe(c.before > 0 ? c.delta / c.before : null);
        }
        // The biggest changes, none left out for a smaller one.
        const kept = got.map((c) => Math.abs(c.delta));
        const left = changed.filter((c) => !got.some((g) => g.store === c.store && g.zoneId === c.zoneId)).map((c) => Math.abs(c.delta));
        for (const l of left) expect(Math.min(...kept)).toBeGreaterThanOrEqual(l);
      }),
      { numRuns: 500 },
    );
  });
});

/**
 * The chain overview counts a store's sales as its conversion view does: from the local day its
 * figures begin, when they begin inside the range (counters installed later). On the in-process
 * server's SQLite file.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";
import { DAY, FROM, HOUR, NOW, TO } from "../../../test/support/overview-week.js";

const t = useTestServer({ now: () => NOW, maxAgeMs: 400 * DAY });

beforeAll(async () => {
  // "fresh": counted from 28 Nov 10:00 UTC (11:00 in Paris), 10 enters a day; 6 sales a day all week (and in the week before).
  // "old": counted all along, the same sales.
  for (const store of ["fresh", "old"]) {
    await t.putLayout(store, smallLayout({ name: store, timezone: "Europe/Paris" }));
    const f = new EventFactory("cam-1");
    const first = store === "fresh" ? Date.UTC(2026, 10, 28) : FROM - 7 * DAY;
    const events = [];
    for (let d = first; d < TO; d += DAY)
      for (let i = 0; i < 10; i++) events.push(...f.visit(`${store}-${(d - FROM) / DAY + 7}-${i}`, "entrance", d + 10 * HOUR + i * 60_000, 10_000));
    for (let i = 0; i < events.length; i += 900) await t.ingest(store, "cam-1", events.slice(i, i + 900));
    const csv = ["timestamp,zone,amount,items,transaction"];
    for (let d = FROM - 7 * DAY; d < TO; d += DAY) for (let i = 0; i < 6; i++) csv.push(`${d + 8 * HOUR + i * 60_000},fruit,10,1,${store}-${d}-${i}`);
    const res = await t.server.app.inject({
      method: "POST",
      url: `/api/v1/stores/${store}/sales`,
      headers: { authorization: `Bearer ${t.admin}`, "content-type": "text/csv" },
      payload: csv.join("\n"),
    });
    expect(res.json()).toMatchObject({ accepted: csv.length - 1 });
  }
});

interface Figures {
  enters: number;
  transactions: number;
  sales: number | null;
  conversion: number | null;
}

describe("GET /overview for a store whose figures begin inside the range", () => {
  it("gives the store's transactions and conversion from the day its figures begin, as /conversion does", async () => {
    const res = await t.get(`/api/v1/overview?from=${FROM}&to=${TO}`);
    expect(res.status).toBe(200);
    const row = (id: string) => (res.body.stores as { id: string; figures: Figures; previous: Figures; since: number | null }[]).find((s) => s.id === id)!;
    for (const id of ["fresh", "old"]) {
      const c = (await t.get(`/api/v1/stores/${id}/conversion?from=${FROM}&to=${TO}`)).body.store;
      expect(row(id).figures).toMatchObject({ enters: c.visitors, transactions: c.transactions, conversion: c.conversion });
    }
    // fresh: 4 days (28 Nov to 1 Dec) of 6 sales over their 40 enters, not the week's 42 sales (conversion 1.05).
    expect(row("fresh").figures).toMatchObject({ enters: 40, transactions: 24, sales: 240, conversion: 0.6 });
    expect(row("old").figures).toMatchObject({ enters: 70, transactions: 42, conversion: 0.6 });
    // The week before: fresh has no figures, so nothing is counted, not even its sales (no data, not 0); old counts them all.
    expect(row("fresh").previous).toMatchObject({ enters: null, transactions: null, sales: null, conversion: null });
    expect(row("old").previous).toMatchObject({ enters: 70, transactions: 42, conversion: 0.6 });
    // Where each store's sales begin, for the chain view to say so: fresh from its first day (Paris midnight), old the whole range.
    expect(row("fresh")).toMatchObject({ since: Date.UTC(2026, 10, 27, 23) });
    expect(row("old")).toMatchObject({ since: FROM });
    for (const id of ["fresh", "old"]) expect(row(id).since).toBe((await t.get(`/api/v1/stores/${id}/conversion?from=${FROM}&to=${TO}`)).body.store.since);
    // The week before fresh's figures: none, so no sale is counted.
    const before = (await t.get(`/api/v1/overview?from=${FROM - 7 * DAY}&to=${FROM}`)).body.stores as { id: string; since: number | null }[];
    expect(before.find((s) => s.id === "fresh")!.since).toBeNull();
    // The totals: every store's counted sales over every store's enters.
    expect(res.body.totals.figures).toMatchObject({ enters: 110, transactions: 66, conversion: 0.6 });
  });
});

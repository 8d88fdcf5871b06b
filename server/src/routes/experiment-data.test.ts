/**
 * An experiment's period data counts a zone's transactions as the conversion view does: from the
 * local day the store's figures begin on. On the in-process server's SQLite file.
 */
import { describe, expect, it } from "vitest";
import { EventFactory } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";
import { periodData } from "./experiment-data.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Friday 20 Nov 2026, 16:00 in Paris (UTC+1). */
const NOW = Date.UTC(2026, 10, 20, 15);

const t = useTestServer({ now: () => NOW, stores: ["late"] });

describe("periodData", () => {
  it("counts a zone's transactions from the day the store's figures begin, as /conversion does", async () => {
    // Visits from Wed 18 Nov 10:00 (Paris); 2 fruit sales a day from the 14th on.
    const f = new EventFactory("cam-1");
    const first = Date.UTC(2026, 10, 18, 9);
    await t.ingest("late", "cam-1", [0, 1].flatMap((d) => [...f.visit(`a${d}`, "entrance", first + d * DAY, 10_000), ...f.visit(`a${d}`, "fruit", first + d * DAY + 20_000, 60_000)]));
    const csv = ["timestamp,zone,amount,items,transaction"];
    for (let d = 14; d <= 19; d++) for (const h of [11, 12]) csv.push(`2026-11-${d} ${h}:00,fruit,5,1,s${d}-${h}`);
    const res = await t.server.app.inject({ method: "POST", url: "/api/v1/stores/late/sales", headers: { authorization: `Bearer ${t.admin}`, "content-type": "text/csv" }, payload: csv.join("\n") });
    expect(res.json()).toMatchObject({ accepted: 12 });
    const range = { from: Date.UTC(2026, 10, 13, 23), to: Date.UTC(2026, 10, 19, 23) }; // 14 to 19 Nov, Paris days
    const data = await periodData(t.server.services, "late", range, ["fruit"]);
    // The 18th and 19th: 4 sales over the 2 visits (not the 12 of six days).
    expect(data.visitsByZone.fruit).toBe(2);
    expect(data.transactionsByZone.fruit).toBe(4);
    const conversion = (await t.get(`/api/v1/stores/late/conversion?from=${range.from}&to=${range.to}`)).body;
    expect(conversion.zones.find((z: { zone: string }) => z.zone === "fruit").transactions).toBe(4);
    // A period before the figures counts none.
    expect((await periodData(t.server.services, "late", { from: range.from, to: Date.UTC(2026, 10, 17, 23) }, ["fruit"])).transactionsByZone.fruit).toBe(0);
  });
});

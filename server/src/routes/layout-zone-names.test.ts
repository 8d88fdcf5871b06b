/**
 * Zone names through the API as the editor keeps them: the spaces around a name are dropped ("Fruit "
 * beside "Fruit" reads as one zone twice in the reports), and a name of spaces only, which shows blank
 * on the plan, the heatmap and the exports, is refused naming the zone. A layout stored before with
 * such a name is still read as it was.
 */
import { describe, expect, it } from "vitest";
import type { LayoutInput, ZoneId } from "@footfall/core";
import { smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";

const t = useTestServer({ stores: ["shop"] });

const save = (layout: LayoutInput, store = "shop") =>
  t.server.app.inject({ method: "PUT", url: `/api/v1/stores/${store}/layout`, headers: { authorization: `Bearer ${t.admin}` }, payload: layout });
const named = (names: Record<string, string>): LayoutInput => {
  const l = smallLayout({ validFrom: Date.now() });
  return { ...l, zones: l.zones.map((z) => ({ ...z, name: names[z.id] ?? z.name })) };
};
const zoneNames = async (store = "shop") =>
  Object.fromEntries((await t.get<{ zones: { id: string; name: string }[] }>(`/api/v1/stores/${store}/layout`)).body.zones.map((z) => [z.id, z.name]));

describe("zone names saved through the API", () => {
  it("keeps a zone's name without the spaces around it", async () => {
    // (A tab or a line break is a control character, refused in any name: control-names.test.ts.)
    const res = await save(named({ fruit: "  Fruit & veg ", bakery: "Bakery\u00a0" }));
    expect(res.statusCode).toBe(200);
    expect(res.json().zones.map((z: { name: string }) => z.name)).toEqual(["entrance", "Fruit & veg", "Bakery", "checkout"]);
    expect(await zoneNames()).toMatchObject({ fruit: "Fruit & veg", bakery: "Bakery" });
  });

  it("refuses a zone named with spaces only, naming the zone, and saves nothing; one stored before is still read", async () => {
    const before = (await t.get<{ layouts: unknown[] }>("/api/v1/stores/shop/layouts")).body.layouts.length;
    const res = await save(named({ bakery: "   " }));
    expect([res.statusCode, res.json().message]).toEqual([
      400,
      'body/zones/2/name: zone "bakery" has a blank name: give it a name people will read on the plan and in the reports (e.g. "Fruit & veg")',
    ]);
    expect((await t.get<{ layouts: unknown[] }>("/api/v1/stores/shop/layouts")).body.layouts.length).toBe(before);
    expect((await zoneNames()).bakery).toBe("Bakery");
    // A layout stored before with such a name is still read as it was.
    const old = smallLayout();
    await t.server.services.storage.stores.saveLayout("old", { ...old, zones: old.zones.map((z) => (z.id === ("fruit" as ZoneId) ? { ...z, name: "   " } : z)) }, Date.now());
    expect((await zoneNames("old")).fruit).toBe("   ");
  });
});

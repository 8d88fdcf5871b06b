/**
 * Two editors on one layout: a manager opens the editor on version 1, a merchandiser saves version 2
 * meanwhile, then the manager saves. With `?seen=<the newest version the editor had seen>` the
 * manager's save is refused (409, naming the version saved since) instead of silently undoing the
 * merchandiser's changes; saving with the newer number saves over them on purpose.
 */
import { describe, expect, it } from "vitest";
import type { LayoutInput, ZoneId } from "@footfall/core";
import { smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";

const t = useTestServer({ stores: ["shop"] });

const save = (layout: LayoutInput, query: string, store = "shop") =>
  t.server.app.inject({ method: "PUT", url: `/api/v1/stores/${store}/layout${query}`, headers: { authorization: `Bearer ${t.admin}` }, payload: layout });
const versions = async (store = "shop") => (await t.get<{ layouts: { version: number }[] }>(`/api/v1/stores/${store}/layouts`)).body.layouts.map((l) => l.version);
const withZone = (id: string, validFrom: number): LayoutInput => {
  const l = smallLayout({ validFrom });
  return { ...l, zones: [...l.zones, { id: id as ZoneId, name: id, kind: "zone", polygon: [[16, 0], [18, 0], [18, 2], [16, 2]] }] };
};

describe("saving a layout over one saved since (?seen=)", () => {
  it("refuses a save based on an older version with 409 naming the version saved since, and saves nothing", async () => {
    const now = Date.now();
    // The merchandiser's save, while the manager's editor still shows version 1.
    expect((await save(withZone("promo", now), "?seen=1")).statusCode).toBe(200);
    const res = await save(withZone("bakery2", now + 1000), "?seen=1");
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toMatch(/^layout version 2 of store "shop" was saved after version 1, the newest you had seen \(version 2 valid from .*\): saving yours would undo those changes\. Open the layout again to start from them, or save with \?seen=2 to save yours over them$/);
    expect(await versions()).toEqual([1, 2]);
    // Saving over them on purpose, having seen version 2.
    const over = await save(withZone("bakery2", now + 1000), "?seen=2");
    expect([over.statusCode, over.json().version]).toEqual([200, 3]);
    // Without seen (scripts, older UIs) a save is taken as before.
    expect((await save(smallLayout({ validFrom: now + 2000 }), "")).statusCode).toBe(200);
  });

  it("refuses a mistyped seen (?sen=1) with a 400 naming it, instead of saving over the version saved since without a word", async () => {
    const now = Date.now();
    expect((await save(smallLayout(), "", "typo")).statusCode).toBe(200);
    expect((await save(withZone("promo", now), "?seen=1", "typo")).statusCode).toBe(200);
    const res = await save(withZone("bakery2", now + 1000), "?sen=1", "typo");
    expect([res.statusCode, res.json().message]).toEqual([
      400,
      "querystring/sen is not a parameter of this route: it takes replaces, seen (a parameter it does not take would be left unread, and the answer not the one asked for)",
    ]);
    expect(await versions("typo")).toEqual([1, 2]);
  });

  it("refuses the first layout of a store another editor created meanwhile (seen=0)", async () => {
    expect((await save(smallLayout(), "?seen=0", "annex")).statusCode).toBe(200);
    const res = await save(smallLayout({ name: "Annex" }), "?seen=0", "annex");
    expect([res.statusCode, res.json().message]).toEqual([409, expect.stringContaining("layout version 1 of store \"annex\" was saved after version 0")]);
    expect(await versions("annex")).toEqual([1]);
  });

  it("refuses a correction of a version saved for later when another version was saved since", async () => {
    const refit = Date.now() + 7 * 86_400_000;
    const first = await save(smallLayout({ validFrom: refit }), "");
    const scheduled = first.json().version as number;
    expect((await save(withZone("promo", refit + 1000), `?seen=${scheduled}`)).statusCode).toBe(200);
    const res = await save(withZone("bakery2", refit), `?replaces=${scheduled}&seen=${scheduled}`);
    expect(res.statusCode).toBe(409);
    expect(await versions()).toContain(scheduled);
  });
});

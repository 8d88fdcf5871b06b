/**
 * Correcting a layout version saved for later before it takes effect: GET /api/v1/stores/:store/layouts/:version
 * gives it to the editor, PUT /api/v1/stores/:store/layout?replaces=<version> saves the correction in one step (the
 * scheduled version cancelled, the correction saved under a new number: a number never means two layouts). Roles as
 * saving a layout; refused (409) once the version is in force or when an experiment names it. And an experiment never
 * names a version cancelled or corrected.
 */
import { describe, expect, it } from "vitest";
import type { LayoutInput } from "@footfall/core";
import { smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";
import { sleep } from "../../../test/support/wait.js";

const DAY = 86_400_000;
const t = useTestServer({ stores: ["shop"] });

const replace = (version: number | string, layout: LayoutInput, token = t.admin, store = "shop") =>
  t.server.app.inject({ method: "PUT", url: `/api/v1/stores/${store}/layout?replaces=${version}`, headers: { authorization: `Bearer ${token}` }, payload: layout });
const versions = async (store = "shop") => (await t.get<{ layouts: { version: number; validFrom: number }[] }>(`/api/v1/stores/${store}/layouts`)).body.layouts;
type Got = { version: number; validFrom: number; name: string; zones: { id: string }[] };
const inForceAt = async (at: number, store = "shop") => (await t.get<Got>(`/api/v1/stores/${store}/layout?at=${at}`)).body;
/** The small layout with a zone more (the fixture placed in the refit). */
const withBakery2 = (validFrom: number, name = "After the refit"): LayoutInput => {
  const l = smallLayout({ name, validFrom });
  return { ...l, zones: [...l.zones, { id: "bakery2" as never, name: "Bakery 2", kind: "zone", polygon: [[16, 0], [18, 0], [18, 2], [16, 2]] }] };
};

describe("correcting a layout version saved for later", () => {
  it("gives the scheduled version, replaces it in one step under a new number (merchandiser, admin; not a manager), at its new time", async () => {
    const refit = Date.now() + 7 * DAY;
    await t.putLayout("shop", smallLayout({ name: "After the refit", validFrom: refit }));

    // The editor reads the version itself (any role may read it).
    const v2 = await t.get<Got>("/api/v1/stores/shop/layouts/2", await t.token("viewer"));
    expect([v2.status, v2.body.version, v2.body.validFrom, v2.body.name]).toEqual([200, 2, refit, "After the refit"]);
    expect((await t.get("/api/v1/stores/shop/layouts/9")).status).toBe(404);

    // A manager (viewer) or a staff tablet may not correct it.
    expect((await replace(2, withBakery2(refit), await t.token("viewer"))).statusCode).toBe(403);
    expect((await replace(2, withBakery2(refit), await t.token("staff"))).statusCode).toBe(403);
    expect(await versions()).toEqual([
      { version: 1, validFrom: 0 },
      { version: 2, validFrom: refit },
    ]);

    // A merchandiser corrects the fixture and moves the date a day: version 3 replaces version 2.
    const res = await replace(2, withBakery2(refit + DAY), await t.token("merchandiser"));
    expect(res.statusCode).toBe(200);
    expect([res.json().version, res.json().validFrom]).toEqual([3, refit + DAY]);
    expect(await versions()).toEqual([
      { version: 1, validFrom: 0 },
      { version: 3, validFrom: refit + DAY },
    ]);
    // The layout at the new validFrom is the corrected one; at the old date, still the one in force.
    const after = await inForceAt(refit + DAY);
    expect([after.version, after.zones.map((z) => z.id)]).toEqual([3, ["entrance", "fruit", "bakery", "checkout", "bakery2"]]);
    expect((await inForceAt(refit)).version).toBe(1);
    // Version 2 is gone; it cannot be corrected again (404: it is not there), its number is not given again.
    const gone = await t.get<{ message: string }>("/api/v1/stores/shop/layouts/2");
    expect([gone.status, gone.body.message]).toEqual([404, expect.stringMatching(/no layout version 2 \(never saved, or cancelled or corrected before it took effect\)/)]);
    expect((await replace(2, withBakery2(refit))).statusCode).toBe(404);

    // An admin corrects the correction (same date): version 4.
    const again = await replace(3, withBakery2(refit + DAY, "Refit, corrected"));
    expect([again.statusCode, again.json().version]).toEqual([200, 4]);
    expect((await inForceAt(refit + DAY)).name).toBe("Refit, corrected");
    // The store keeps the name of the version in force.
    const stores = await t.get<{ stores: { id: string; name: string }[] }>("/api/v1/stores");
    expect(stores.body.stores.find((s) => s.id === "shop")?.name).toBe("Test store");

    // The version in force: refused (409), saying why and what to do; a correction dated now or before: 400.
    const inForce = await replace(1, withBakery2(refit));
    expect(inForce.statusCode).toBe(409);
    expect(inForce.json().message).toMatch(/version 1 .* is in force since .*: only a version saved for later can be corrected .* save a new version/);
    const now = await replace(4, withBakery2(Date.now() - 1000));
    expect(now.statusCode).toBe(400);
    expect(now.json().message).toMatch(/^body\/validFrom .* is not later than now: .* save a new version \(without \?replaces=\)/);
    expect((await replace("x", withBakery2(refit))).statusCode).toBe(400);

    // The next save counts on from the last number given: 5.
    await t.putLayout("shop", smallLayout({ validFrom: refit + 2 * DAY }));
    expect((await versions()).map((v) => v.version)).toEqual([1, 4, 5]);

    const log = await t.get<{ entries: { action: string; details: Record<string, unknown> }[] }>("/api/v1/audit?action=layout.replace");
    expect(log.body.entries.map((e) => e.details).reverse()).toEqual([
      { version: 3, validFrom: refit + DAY, zones: 5, replaced: 2, replacedValidFrom: refit },
      { version: 4, validFrom: refit + DAY, zones: 5, replaced: 3, replacedValidFrom: refit + DAY },
    ]);
  });

  it("refuses (409) a version that came into force meanwhile, and one an experiment names", async () => {
    await t.putLayout("soon", smallLayout());
    const soon = Date.now() + 300;
    await t.putLayout("soon", smallLayout({ validFrom: soon }));
    const v2 = await t.get<Got>("/api/v1/stores/soon/layouts/2");
    expect(v2.status).toBe(200);
    await sleep(soon - Date.now() + 50);
    const late = await replace(2, withBakery2(Date.now() + DAY), t.admin, "soon");
    expect(late.statusCode).toBe(409);
    expect(late.json().message).toMatch(/version 2 of store "soon" is in force since .*: only a version saved for later can be corrected/);
    expect((await versions("soon")).map((v) => v.version)).toEqual([1, 2]);

    const change = Date.now() + 2 * DAY;
    await t.putLayout("soon", smallLayout({ validFrom: change }));
    const experiment = (layoutVersion: number) => ({
      name: "Refit",
      testStores: ["soon"],
      layoutVersion,
      before: { from: change - 7 * DAY, to: change },
      after: { from: change, to: change + 7 * DAY },
      zones: ["fruit"],
    });
    const created = await t.server.app.inject({ method: "POST", url: "/api/v1/experiments", headers: { authorization: `Bearer ${t.admin}` }, payload: experiment(3) });
    expect(created.statusCode).toBe(200);
    const named = await replace(3, withBakery2(change + DAY), t.admin, "soon");
    expect(named.statusCode).toBe(409);
    expect(named.json().message).toMatch(/is the change of experiment "Refit" .*: delete the experiment first, or keep the version/);
    await t.server.app.inject({ method: "DELETE", url: `/api/v1/experiments/${created.json().id}`, headers: { authorization: `Bearer ${t.admin}` } });
    expect((await replace(3, withBakery2(change), t.admin, "soon")).json().version).toBe(4);

    // An experiment may not name the replaced version (3): it names the correction (4).
    const stale = await t.server.app.inject({ method: "POST", url: "/api/v1/experiments", headers: { authorization: `Bearer ${t.admin}` }, payload: experiment(3) });
    expect(stale.statusCode).toBe(400);
    expect(stale.json().message).toMatch(/^body\/layoutVersion: store "soon" has no layout version 3 \(never saved, or cancelled or corrected before it took effect\)/);
    expect((await t.server.app.inject({ method: "POST", url: "/api/v1/experiments", headers: { authorization: `Bearer ${t.admin}` }, payload: experiment(4) })).statusCode).toBe(200);
  });
});

/**
 * DELETE /api/v1/stores/:store/layouts/:version: a version saved for later is cancelled before it
 * takes effect (merchandisers and admins, as saving one); never the version in force nor a past one
 * (history is kept), nor one an experiment names; its number is not given again.
 */
import { describe, expect, it } from "vitest";
import { smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";

const DAY = 86_400_000;
const t = useTestServer({ stores: ["shop"] });

const cancel = (version: number | string, token = t.admin, store = "shop") =>
  t.server.app.inject({ method: "DELETE", url: `/api/v1/stores/${store}/layouts/${version}`, headers: { authorization: `Bearer ${token}` } });
const versions = async (store = "shop") => (await t.get<{ layouts: { version: number; validFrom: number }[] }>(`/api/v1/stores/${store}/layouts`)).body.layouts;
const storeName = async (store = "shop") => (await t.get<{ stores: { id: string; name: string }[] }>("/api/v1/stores")).body.stores.find((s) => s.id === store)?.name;

describe("cancelling a layout version saved for later", () => {
  it("cancels a scheduled version (gone from GET, the store keeps its name), refuses the one in force, a past one and an unknown one; its number is not reused", async () => {
    const refit = Date.now() + 7 * DAY;
    await t.putLayout("shop", smallLayout({ name: "After the refit", validFrom: refit }));
    expect((await versions()).map((v) => v.version)).toEqual([1, 2]);
    expect(await storeName()).toBe("Test store");

    // A manager (viewer) may not; a staff tablet neither.
    expect((await cancel(2, await t.token("viewer"))).statusCode).toBe(403);
    expect((await cancel(2, await t.token("staff"))).statusCode).toBe(403);

    // The version in force (v1): refused, saying why and what to do.
    const inForce = await cancel(1);
    expect(inForce.statusCode).toBe(409);
    expect(inForce.json().message).toMatch(/version 1 .* is in force since .*: only a version saved for later can be cancelled .* save a new version/);

    expect((await cancel(9)).statusCode).toBe(404);
    expect((await cancel(9)).json().message).toBe('store "shop" has no layout version 9');
    expect((await cancel(1, t.admin, "nowhere")).statusCode).toBe(404);
    expect((await cancel("x")).statusCode).toBe(400);

    const res = await cancel(2, await t.token("merchandiser"));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ version: 2, validFrom: refit, cancelled: true });
    expect(await versions()).toEqual([{ version: 1, validFrom: 0 }]);
    expect((await t.get<{ version: number }>("/api/v1/stores/shop/layout?at=" + (refit + 1))).body.version).toBe(1);
    expect(await storeName()).toBe("Test store");
    // Cancelled once: gone.
    expect((await cancel(2)).statusCode).toBe(404);

    // The next save counts on: 3, not 2 again.
    await t.putLayout("shop", smallLayout({ name: "Test store", validFrom: refit + DAY }));
    expect((await versions()).map((v) => v.version)).toEqual([1, 3]);

    // A version that took effect and was superseded (past): refused too.
    await t.putLayout("shop", smallLayout({ validFrom: Date.now() - DAY }));
    await t.putLayout("shop", smallLayout({ validFrom: Date.now() - 1000 }));
    const past = await cancel(4);
    expect(past.statusCode).toBe(409);
    expect(past.json().message).toMatch(/version 4 .* took effect on .* and was replaced since: only a version saved for later/);

    // The audit log says who cancelled what.
    const log = await t.get<{ entries: { action: string; details: Record<string, unknown> }[] }>("/api/v1/audit?action=layout.cancel");
    expect(log.body.entries.map((e) => [e.action, e.details])).toEqual([["layout.cancel", { version: 2, validFrom: refit }]]);
  });

  it("refuses a version that an experiment names as its change (the experiment goes first)", async () => {
    await t.putLayout("exp", smallLayout({ validFrom: 0 }));
    const change = Date.now() + 2 * DAY;
    await t.putLayout("exp", smallLayout({ validFrom: change }));
    const created = await t.server.app.inject({
      method: "POST",
      url: "/api/v1/experiments",
      headers: { authorization: `Bearer ${t.admin}` },
      payload: { name: "Refit", testStores: ["exp"], layoutVersion: 2, before: { from: change - 7 * DAY, to: change }, after: { from: change, to: change + 7 * DAY }, zones: ["fruit"] },
    });
    expect(created.statusCode).toBe(200);
    const res = await cancel(2, t.admin, "exp");
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toMatch(/is the change of experiment "Refit" .*: delete the experiment first/);
    await t.server.app.inject({ method: "DELETE", url: `/api/v1/experiments/${created.json().id}`, headers: { authorization: `Bearer ${t.admin}` } });
    expect((await cancel(2, t.admin, "exp")).statusCode).toBe(200);
  });
});

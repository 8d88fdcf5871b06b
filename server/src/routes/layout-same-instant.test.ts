/**
 * Two layout versions dated alike, and zone ids a store's versions have had (in-process server, a real SQLite file).
 * A save at the very instant of a version saved for later replaces it (as ?replaces= would): of two versions dated
 * alike the later saved is in force from then, so the earlier was never in force, listed 'scheduled' and then 'past'
 * for ever. GET .../layouts lists every zone id the versions had, so the editor gives a new zone none of them.
 */
import { describe, expect, it } from "vitest";
import type { LayoutInput } from "@footfall/core";
import { smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";

const DAY = 86_400_000;
const t = useTestServer({ stores: ["shop"] });

const save = (layout: LayoutInput, query = "", store = "shop") =>
  t.server.app.inject({ method: "PUT", url: `/api/v1/stores/${store}/layout${query}`, headers: { authorization: `Bearer ${t.admin}` }, payload: layout });
type Listed = { layouts: { version: number; validFrom: number }[]; zones: { id: string; name: string; version: number; validFrom: number }[] };
const listed = async (store = "shop") => (await t.get<Listed>(`/api/v1/stores/${store}/layouts`)).body;
const inForceAt = async (at: number, store = "shop") => (await t.get<{ version: number; name: string; zones: { id: string; name: string }[] }>(`/api/v1/stores/${store}/layout?at=${at}`)).body;

describe("a save at the instant of a version saved for later", () => {
  it("replaces it: the second save for next Monday's refit is the one listed, the first's number not used again", async () => {
    const refit = Date.now() + 7 * DAY;
    const first = await save(smallLayout({ name: "Refit draft", validFrom: refit }));
    expect([first.statusCode, first.json().version]).toEqual([200, 2]);
    const second = await save(smallLayout({ name: "Refit final", validFrom: refit }), "?seen=2");
    expect([second.statusCode, second.json().version, second.json().validFrom]).toEqual([200, 3, refit]);
    // Old code: versions 1, 2 and 3, version 2 never in force (v3 takes effect at the same instant).
    expect((await listed()).layouts).toEqual([
      { version: 1, validFrom: 0 },
      { version: 3, validFrom: refit },
    ]);
    expect((await t.get("/api/v1/stores/shop/layouts/2")).status).toBe(404);
    expect([(await inForceAt(refit)).name, (await inForceAt(refit - 1)).version]).toEqual(["Refit final", 1]);
    // Saved without ?seen= (a script): the same.
    const third = await save(smallLayout({ name: "Refit, script", validFrom: refit }));
    expect(third.json().version).toBe(4);
    expect((await listed()).layouts.map((l) => l.version)).toEqual([1, 4]);
    // An editor that had not seen version 4 is told so, as before: nothing replaced.
    const stale = await save(smallLayout({ name: "Stale", validFrom: refit }), "?seen=3");
    expect(stale.statusCode).toBe(409);
    expect(stale.json().message).toMatch(/layout version 4 of store "shop" was saved after version 3/);
    // Another instant is another version, as before.
    expect((await save(smallLayout({ name: "Later", validFrom: refit + DAY }))).json().version).toBe(5);
    expect((await listed()).layouts.map((l) => l.version)).toEqual([1, 4, 5]);
    // Its audit line says which version it replaced.
    const audit = await t.get<{ entries: { action: string; details: Record<string, unknown> }[] }>("/api/v1/audit?store=shop");
    expect(audit.status).toBe(200);
    expect(audit.body.entries.filter((e) => e.action === "layout.replace").map((e) => e.details.replaced)).toEqual([3, 2]);
  });

  it("leaves a store's first version (in force before its date) alone", async () => {
    const opening = Date.now() + 3 * DAY;
    await save(smallLayout({ name: "Opening", validFrom: opening }), "", "new");
    await save(smallLayout({ name: "Opening, again", validFrom: opening }), "", "new");
    expect((await listed("new")).layouts.map((l) => l.version)).toEqual([1, 2]);
  });

  it("is refused (409) when the version at that instant is an experiment's change, and a correction may not land on another's instant", async () => {
    await save(smallLayout({ validFrom: 0 }), "", "exp");
    const change = Date.now() + 2 * DAY;
    await save(smallLayout({ name: "Promo refit", validFrom: change }), "", "exp");
    const created = await t.server.app.inject({
      method: "POST",
      url: "/api/v1/experiments",
      headers: { authorization: `Bearer ${t.admin}` },
      payload: { name: "Refit", testStores: ["exp"], layoutVersion: 2, before: { from: change - 7 * DAY, to: change }, after: { from: change, to: change + 7 * DAY }, zones: ["fruit"] },
    });
    expect(created.statusCode).toBe(200);
    const again = await save(smallLayout({ name: "Other refit", validFrom: change }), "", "exp");
    expect(again.statusCode).toBe(409);
    expect(again.json().message).toMatch(/layout version 2 of store "exp" takes effect at the same time, .* and is the change of experiment "Refit" .*Choose another "validFrom", or delete the experiment first/);
    expect((await listed("exp")).layouts.map((l) => l.version)).toEqual([1, 2]);

    await save(smallLayout({ name: "Later", validFrom: change + DAY }), "", "exp");
    const onto = await save(smallLayout({ name: "Moved", validFrom: change }), "?replaces=3", "exp");
    expect(onto.statusCode).toBe(409);
    expect(onto.json().message).toMatch(/layout version 2 of store "exp" takes effect at the same time, .*: a correction of version 3 from then would leave it never in force/);
    expect((await listed("exp")).layouts.map((l) => l.version)).toEqual([1, 2, 3]);
  });
});

describe("GET .../layouts lists every zone id the versions had", () => {
  it("a zone removed by a later version is listed with its name and last version", async () => {
    const base = smallLayout({ validFrom: 0 });
    await save({ ...base, zones: [...base.zones, { id: "coffee-bar" as never, name: "Coffee bar", kind: "zone", polygon: [[16, 0], [18, 0], [18, 2], [16, 2]] }] }, "", "cafe");
    const now = Date.now() - 1000;
    await save({ ...smallLayout({ validFrom: now }) }, "", "cafe");
    const { zones } = await listed("cafe");
    expect(zones.find((z) => z.id === "coffee-bar")).toEqual({ id: "coffee-bar", name: "Coffee bar", version: 1, validFrom: 0 });
    expect(zones.map((z) => z.id)).toEqual([...base.zones.map((z) => z.id as string), "coffee-bar"].sort());
    expect(zones.find((z) => z.id === "entrance")?.version).toBe(2);
  });
});

describe("a save at the instant of a past version, or of the one in force", () => {
  it("is refused (409, in words): the past version keeps its time, its figures read with it; a later instant is a new version", async () => {
    // Paris time (the store's zone, smallLayout's): Tue 3 Nov 2026 09:00 and Thu 5 Nov 2026 18:00, both past.
    const opened = Date.UTC(2026, 10, 3, 8, 0);
    const refit = Date.UTC(2026, 10, 5, 17, 0);
    expect((await save(smallLayout({ name: "Opening", validFrom: opened }), "", "past")).statusCode).toBe(200);
    expect((await save(smallLayout({ name: "Refit", validFrom: refit }), "", "past")).statusCode).toBe(200);
    // The refit, in force since 10 days ago, saved again at its instant (old code: version 3, in force there, version 2 never).
    const again = await save(smallLayout({ name: "Refit, redrawn", validFrom: refit }), "?seen=2", "past");
    expect(again.statusCode).toBe(409);
    expect(again.json().message).toBe(
      `Since Thu 5 Nov 2026 18:00 CET, layout version 2 of store "past" has been in force, and this save's validFrom (2026-11-05T17:00:00.000Z) is its very instant: saved, this version would take its place from then on, and version 2 would be in force at no instant. A past version cannot be replaced (history is kept: the figures were counted on it). Save from now (validFrom: the time of the save), or pick a later instant (Thu 5 Nov 2026 18:01 CET, 2026-11-05T17:01:00.000Z, say): a version from then is read for the figures from then, and version 2 stays in force until it`,
    );
    // The opening version, replaced since: the time it was in force is named, in the store's time zone (it said 'was in
    // force from 2026-11-03T08:00:00.000Z until ...', UTC instants a manager in Paris had to convert).
    const first = await save(smallLayout({ name: "Opening, redrawn", validFrom: opened }), "", "past");
    expect(first.statusCode).toBe(409);
    expect(first.json().message).toMatch(
      /^From Tue 3 Nov 2026 09:00 CET to Thu 5 Nov 2026 18:00 CET, layout version 1 of store "past" was in force, and this save's validFrom \(2026-11-03T08:00:00.000Z\) is its very instant: saved, this version would take its place for that whole time, and version 1 would be in force at no instant\./,
    );
    expect((await listed("past")).layouts).toEqual([
      { version: 1, validFrom: opened },
      { version: 2, validFrom: refit },
    ]);
    expect([(await inForceAt(refit, "past")).name, (await inForceAt(refit - 1, "past")).name]).toEqual(["Refit", "Opening"]);
    // A later instant, past too, is a new version from then (a retroactive correction): version 2 keeps its minute.
    const later = await save(smallLayout({ name: "Refit, redrawn", validFrom: refit + 60_000 }), "?seen=2", "past");
    expect([later.statusCode, later.json().version]).toEqual([200, 3]);
    expect([(await inForceAt(refit, "past")).version, (await inForceAt(refit + 60_000, "past")).version]).toEqual([2, 3]);
    // Saved from now: as always.
    expect((await save(smallLayout({ name: "Now", validFrom: Date.now() }), "", "past")).statusCode).toBe(200);
  });

  it("two versions begun less than a minute apart: the instant the 409 suggests is accepted (not the next version's minute)", async () => {
    // Tue 3 Nov 2026 09:00:20 and 09:01:00 Paris time: the next whole minute after the first is the second's very instant.
    const first = Date.UTC(2026, 10, 3, 8, 0, 20);
    const second = Date.UTC(2026, 10, 3, 8, 1);
    expect((await save(smallLayout({ name: "Opening", validFrom: first }), "", "quick")).statusCode).toBe(200);
    expect((await save(smallLayout({ name: "Opening, fixed", validFrom: second }), "", "quick")).statusCode).toBe(200);
    const refused = await save(smallLayout({ name: "Opening, redrawn", validFrom: first }), "", "quick");
    expect(refused.statusCode).toBe(409);
    const message = refused.json().message as string;
    const suggested = /or pick a later instant \((?:[^,]+, )?(\d{4}-\d\d-\d\dT[\d:.]+Z), say/.exec(message)?.[1];
    expect(suggested, message).toBeDefined();
    // Following it (old code: 09:01 Paris, version 2's very instant, refused again).
    const followed = await save(smallLayout({ name: "Opening, redrawn", validFrom: Date.parse(suggested!) }), "", "quick");
    expect(followed.statusCode, followed.body).toBe(200);
    expect([(await inForceAt(first, "quick")).version, (await inForceAt(Date.parse(suggested!), "quick")).version, (await inForceAt(second, "quick")).version]).toEqual([1, 3, 2]);
    expect(message).toContain("version 2 took over within the minute, at 2026-11-03T08:01:00.000Z");
    // Versions a millisecond apart: no instant between them, and the 409 says so.
    await save(smallLayout({ name: "A", validFrom: second + 5 }), "", "quick");
    await save(smallLayout({ name: "B", validFrom: second + 6 }), "", "quick");
    const none = await save(smallLayout({ name: "C", validFrom: second + 5 }), "", "quick");
    expect(none.statusCode).toBe(409);
    expect(none.json().message).toMatch(/or pick an instant after 2026-11-03T08:01:00\.006Z \(no instant lies between version 4's and version 5's, so no version can be saved for that time\)$/);
  });

  it("since always (validFrom 0) is no instant: saved again at 0, the layout for all the store's history, as before", async () => {
    await save(smallLayout({ validFrom: 0 }), "", "old");
    const again = await save({ ...smallLayout({ validFrom: 0 }), zones: smallLayout().zones.map((z) => (z.id === "fruit" ? { ...z, name: "Fruit & veg" } : z)) }, "", "old");
    expect([again.statusCode, again.json().version]).toEqual([200, 2]);
    expect((await inForceAt(Date.now() - 30 * DAY, "old")).zones.find((z) => z.id === "fruit")?.name).toBe("Fruit & veg");
  });
});

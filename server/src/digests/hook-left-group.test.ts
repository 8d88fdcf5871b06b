/**
 * A group's digest goes only to its stores' webhooks, "as they are now" (digests/webhook.ts digestHookStores): POST and
 * PUT refuse another store's hook, but a group digest made with a hook of one of its stores went on being delivered there
 * once that store left the group (PATCH /groups/:group stores): the group's figures, every day, to the receiver of a store
 * no longer in it. Now its sends are refused like a deleted hook's (409 in words, the scheduler retries and lists it) and
 * GET /digests says it as the digest's problem. In-process server, SQLite file, a webhook-only digest (no mail server).
 */
import { describe, expect, it } from "vitest";
import { EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Wednesday 2 Dec 2026, 09:00 UTC. */
const NOW = Date.UTC(2026, 11, 2, 9);
const t = useTestServer({ now: () => NOW, stores: [] });

describe("a group digest's webhook of a store that left the group", () => {
  it("is not delivered to, and says why", async () => {
    const hooks: Record<string, string> = {};
    for (const store of ["a", "b"]) {
      await t.putLayout(store, smallLayout({ name: `Store ${store}` }));
      await t.ingest(store, "door-1", [new EventFactory("door-1").count("entrance", NOW - DAY, 5, 0)]);
      const hook = await t.request("POST", `/api/v1/stores/${store}/webhooks`, { url: "http://127.0.0.1:18840/none", events: ["digest.*"] });
      expect(hook.status, JSON.stringify(hook.body)).toBe(201);
      hooks[store] = hook.body.webhook.id as string;
    }
    expect((await t.request("POST", "/api/v1/groups", { id: "west", name: "West", stores: ["a", "b"] })).status).toBe(200);
    const made = await t.request("POST", "/api/v1/digests", { scope: "group", target: "west", frequency: "daily", recipients: [], hour: 7, webhook: hooks.b });
    expect(made.status, JSON.stringify(made.body)).toBe(200);
    const id = made.body.id as string;
    const deliveries = async () => ((await t.get(`/api/v1/stores/b/webhooks/${hooks.b}/deliveries`)).body.deliveries as { deliveryId: string }[]).filter((x) => x.deliveryId.startsWith(`digest:${id}:`)).length;

    // While b is in the group: sent to b's hook.
    const sent = await t.request("POST", `/api/v1/digests/${id}/send`, {});
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect(await deliveries()).toBe(1);

    // b leaves the group: the group's figures no longer go to b's receiver.
    expect((await t.request("PATCH", "/api/v1/groups/west", { stores: ["a"] })).status).toBe(200);
    const refused = await t.request("POST", `/api/v1/digests/${id}/send`, {});
    expect(refused.status, JSON.stringify(refused.body)).toBe(409);
    expect(refused.body.message).toBe(
      `the digest's webhook may no longer be used: webhook "${hooks.b}" is store "b"'s, not one of group "west"'s stores (a): a group's digest goes only to its stores' webhooks (GET /api/v1/digests/webhooks?scope=group&target=west lists those it may use), or none; choose another (Admin > Digests, or webhook in PUT /api/v1/digests/${id})`,
    );
    expect(await deliveries()).toBe(1);
    const listed = (await t.get("/api/v1/digests")).body.digests.find((d: { id: string }) => d.id === id);
    expect(listed.problem).toMatch(new RegExp(`^its webhook "${hooks.b}" may no longer be used: webhook "${hooks.b}" is store "b"'s, not one of group "west"'s stores \\(a\\)`));

    // A hook of a store in it: sent again.
    expect((await t.request("PUT", `/api/v1/digests/${id}`, { scope: "group", target: "west", frequency: "daily", recipients: [], hour: 7, webhook: hooks.a })).status).toBe(200);
    expect((await t.request("POST", `/api/v1/digests/${id}/send`, {})).status).toBe(200);
    expect((await t.get("/api/v1/digests")).body.digests.find((d: { id: string }) => d.id === id).problem).toBeNull();
  });
});

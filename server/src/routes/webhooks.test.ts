import { describe, expect, it } from "vitest";
import { useTestServer } from "../../../test/support/in-process.js";

const t = useTestServer({ stores: ["shop", "other"] });

describe("webhooks API", () => {
  it("adds a webhook and shows its secret once; lists it without", async () => {
    // Port 39 on loopback: nothing listens, the deliveries stay pending.
    const res = await t.request("POST", "/api/v1/stores/shop/webhooks", { url: "http://127.0.0.1:39/hook", events: ["alert.*"] });
    expect(res.status).toBe(201);
    expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9_-]{32}$/);
    expect(res.body.webhook).toMatchObject({ store: "shop", url: "http://127.0.0.1:39/hook", events: ["alert.*"], enabled: true, disabledReason: null });
    const list = await t.request("GET", "/api/v1/stores/shop/webhooks");
    expect(list.body.webhooks).toEqual([res.body.webhook]);
    expect(list.text).not.toContain(res.body.secret);
    expect((await t.request("GET", "/api/v1/stores/other/webhooks")).body.webhooks).toEqual([]);
  });

  it("refuses a URL that is not http(s) or carries a password, with what to give", async () => {
    expect((await t.request("POST", "/api/v1/stores/shop/webhooks", { url: "ftp://example.com/x" })).body.message).toMatch(/http:\/\/ or https:\/\//);
    expect((await t.request("POST", "/api/v1/stores/shop/webhooks", { url: "https://u:p@example.com/x" })).body.message).toMatch(/user name or password/);
    expect((await t.request("POST", "/api/v1/stores/shop/webhooks", { url: "http://x.example/h", events: ["Not An Event"] })).status).toBe(400);
    // A port fetch never connects to (X11's 6000, IRC's 6667, ...): every delivery would fail with "bad port".
    for (const url of ["http://127.0.0.1:6000/hook", "https://hooks.example:6667/x", "http://127.0.0.1:10080/"]) {
      const res = await t.request("POST", "/api/v1/stores/shop/webhooks", { url });
      expect(res.status, url).toBe(400);
      expect(res.body.message).toMatch(/^url: port \d+ is one the server's HTTP client never connects to \(the Fetch standard's blocked ports, .*\): give the receiver another port$/);
    }
    const ok = await t.request("POST", "/api/v1/stores/shop/webhooks", { url: "http://127.0.0.1:6001/hook" });
    expect(ok.status).toBe(201);
    expect((await t.request("PATCH", `/api/v1/stores/shop/webhooks/${ok.body.webhook.id}`, { url: "http://127.0.0.1:6666/hook" })).status).toBe(400);
    expect((await t.request("DELETE", `/api/v1/stores/shop/webhooks/${ok.body.webhook.id}`)).status).toBe(204);
  });

  it("refuses an events filter that takes no notification the server sends (a typo would get only the test pings), with the types to give", async () => {
    for (const events of [["alert.fired"], ["alerts.*"], ["alert.firing", "alert.resolve"], ["occupancy"]]) {
      const res = await t.request("POST", "/api/v1/stores/shop/webhooks", { url: "http://127.0.0.1:39/typo", events });
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/^events: "[a-z.*]+" takes none of the notifications Footfall sends: give alert\.firing, alert\.acknowledged, alert\.resolved or alert\.\* \(or no events: all\)$/);
    }
    const { body } = await t.request("POST", "/api/v1/stores/shop/webhooks", { url: "http://127.0.0.1:39/typo", events: ["alert.firing", "alert.resolved"] });
    const id = body.webhook.id as string;
    expect((await t.request("PATCH", `/api/v1/stores/shop/webhooks/${id}`, { events: ["alert.acknowledge"] })).body.message).toMatch(/^events: "alert\.acknowledge" takes none/);
    expect((await t.request("PATCH", `/api/v1/stores/shop/webhooks/${id}`, { events: ["*"] })).body.events).toEqual(["*"]);
    expect((await t.request("DELETE", `/api/v1/stores/shop/webhooks/${id}`)).status).toBe(204);
  });

  it("disables and enables a hook, queues a test ping into its log, deletes it", async () => {
    const { body } = await t.request("POST", "/api/v1/stores/shop/webhooks", { url: "http://127.0.0.1:39/other" });
    const id = body.webhook.id as string;
    expect((await t.request("PATCH", `/api/v1/stores/shop/webhooks/${id}`, { enabled: false })).body).toMatchObject({ enabled: false, disabledReason: "disabled by an admin" });
    expect((await t.request("PATCH", `/api/v1/stores/shop/webhooks/${id}`, { enabled: true, url: "http://127.0.0.1:39/again" })).body).toMatchObject({
      enabled: true,
      disabledReason: null,
      url: "http://127.0.0.1:39/again",
    });
    const ping = await t.request("POST", `/api/v1/stores/shop/webhooks/${id}/test`);
    expect(ping.status).toBe(202);
    expect(ping.body).toMatchObject({ type: "ping", status: "pending" });
    expect(JSON.parse(ping.body.payload)).toMatchObject({ type: "ping", store: "shop", data: { hook: id } });
    const log = await t.request("GET", `/api/v1/stores/shop/webhooks/${id}/deliveries`);
    expect(log.body.deliveries.map((d: { deliveryId: string }) => d.deliveryId)).toEqual([ping.body.deliveryId]);
    // Another store's URL does not reach this hook.
    expect((await t.request("GET", `/api/v1/stores/other/webhooks/${id}/deliveries`)).status).toBe(404);
    expect((await t.request("DELETE", `/api/v1/stores/shop/webhooks/${id}`)).status).toBe(204);
    expect((await t.request("GET", `/api/v1/stores/shop/webhooks/${id}/deliveries`)).body.message).toMatch(/not found in store "shop": list them/);
  });

  it("queues each alert notification of the store for its hooks that want its type", async () => {
    const hooks = (await t.request("GET", "/api/v1/stores/shop/webhooks")).body.webhooks as { id: string }[];
    const rule = { id: "r1", store: "shop", kind: "occupancy" as const, threshold: 0.8, forSeconds: 0, cooldownSeconds: 0, enabled: true };
    const alert = { id: "a1", ruleId: "r1", store: "shop", kind: "occupancy" as const, state: "firing" as const, since: 1, firedAt: 2, value: 0.9, message: "Store over 80 %" };
    t.server.services.alerts.publish({ deliveryId: "n-1", type: "alert.firing", at: 2, alert, rule });
    let log: { deliveries: { deliveryId: string; payload: string }[] } = { deliveries: [] };
    for (let i = 0; i < 50 && log.deliveries.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      log = (await t.request("GET", `/api/v1/stores/shop/webhooks/${hooks[0]!.id}/deliveries`)).body;
    }
    expect(log.deliveries.map((d) => d.deliveryId)).toEqual(["n-1"]);
    expect(JSON.parse(log.deliveries[0]!.payload)).toEqual({ id: "n-1", type: "alert.firing", store: "shop", at: 2, data: { alert, rule } });
  });
});

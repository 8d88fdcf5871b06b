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
      expect(res.body.message).toMatch(/^events: "[a-z.*]+" takes none of the notifications Footfall sends: give alert\.firing, alert\.acknowledged, alert\.resolved, alert\.not-counted, alert\.counted or alert\.\*; digest\.daily, digest\.weekly or digest\.\* \(or no events: all\)$/);
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

  it("pages the delivery log past the newest 500 with before=nextBefore, to the oldest kept", async () => {
    // A disabled hook: its 503 deliveries stay queued (pending are never pruned), more than one page of the largest limit.
    const { body } = await t.request("POST", "/api/v1/stores/shop/webhooks", { url: "http://127.0.0.1:39/paged" });
    const id = body.webhook.id as string;
    await t.request("PATCH", `/api/v1/stores/shop/webhooks/${id}`, { enabled: false });
    for (let n = 1; n <= 503; n++) await t.server.app.storage.webhooks.enqueue(id, { deliveryId: `p-${n}`, type: "ping", payload: "{}" }, 1_790_000_000_000 + n);
    const url = `/api/v1/stores/shop/webhooks/${id}/deliveries`;
    const first = await t.request("GET", `${url}?limit=500`);
    expect(first.status).toBe(200);
    const ids = (page: { deliveries: { deliveryId: string }[] }) => page.deliveries.map((d) => d.deliveryId);
    expect(ids(first.body)).toEqual(Array.from({ length: 500 }, (_, i) => `p-${503 - i}`));
    expect(first.body.nextBefore).toEqual(expect.any(Number));
    const older = await t.request("GET", `${url}?limit=500&before=${first.body.nextBefore}`);
    expect(ids(older.body)).toEqual(["p-3", "p-2", "p-1"]);
    // The oldest page says so: no cursor, not an empty page after it.
    expect(older.body.nextBefore).toBeNull();
    // Pages of 200 walk the same log, each delivery once, in order.
    const walked: string[] = [];
    let before: number | undefined;
    // At most 5 pages (a hang guard: a cursor not followed would page forever).
    for (let i = 0; i < 5; i++) {
      const page = (await t.request("GET", `${url}?limit=200${before ? `&before=${before}` : ""}`)).body;
      walked.push(...ids(page));
      if (typeof page.nextBefore !== "number") break;
      before = page.nextBefore;
    }
    expect(walked).toEqual(Array.from({ length: 503 }, (_, i) => `p-${503 - i}`));
    // A short log is one page.
    const ping = await t.request("POST", "/api/v1/stores/shop/webhooks", { url: "http://127.0.0.1:39/short" });
    expect((await t.request("GET", `/api/v1/stores/shop/webhooks/${ping.body.webhook.id}/deliveries`)).body).toMatchObject({ deliveries: [], nextBefore: null });
    expect((await t.request("GET", `${url}?before=abc`)).status).toBe(400);
    expect((await t.request("GET", `${url}?before=0`)).status).toBe(400);
    await t.request("DELETE", `/api/v1/stores/shop/webhooks/${ping.body.webhook.id}`);
    expect((await t.request("DELETE", `/api/v1/stores/shop/webhooks/${id}`)).status).toBe(204);
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

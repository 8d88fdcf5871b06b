/**
 * An alert that fires, or is acknowledged, while the server stops reaches the store's webhook once the
 * server is back: the real server in this process (SQLite in a kept folder), a real local receiver, a
 * rule on a zone over capacity. The evaluation that fires the alert is held until the server's close
 * has begun stopping the evaluator, then let go (the moment a restart or a deploy hits it); the
 * acknowledgement comes in over HTTP just after the webhooks stopped.
 */
import { afterEach, describe, expect, it } from "vitest";
import { EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { startTestServer, type TestServer } from "../../../test/support/in-process.js";
import { tempDir, waitFor } from "../../../test/support/wait.js";
import { WebhookReceiver } from "../../../test/support/webhook-receiver.js";

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** A kept data folder, a receiver, and a server on the folder with the shop's layout and a webhook taking every alert notification. */
async function setUp() {
  const dir = tempDir("footfall-alert-restart-");
  const receiver = new WebhookReceiver("");
  await receiver.up();
  cleanup.push(() => dir.remove(), () => receiver.down());
  const server = await startTestServer({ dataDir: dir.path });
  await server.putLayout("shop", smallLayout());
  const hook = await server.request("POST", "/api/v1/stores/shop/webhooks", { url: receiver.url, events: ["alert.*"] });
  expect(hook.status).toBe(201);
  (receiver as { secret: string }).secret = hook.body.secret as string;
  return { dir, receiver, hook, server };
}

describe("alerts to webhooks over a server restart", () => {
  it("queues an alert that fires while the server stops, and sends it after the restart, once", async () => {
    const { dir, receiver, hook, server } = await setUp();
    let t: TestServer = server;
    cleanup.push(() => t.close());
    const rule = await t.request("POST", "/api/v1/stores/shop/alert-rules", { kind: "occupancy", zone: "fruit", threshold: 0.8, forSeconds: 0, cooldownSeconds: 0, enabled: true });
    expect(rule.status).toBe(201);

    // The evaluation that stores the firing alert waits until the server's close reaches the evaluator.
    const { services } = t.server;
    const save = services.storage.alerts.saveAlerts.bind(services.storage.alerts);
    let release!: () => void;
    const closing = new Promise<void>((resolve) => (release = resolve));
    let held!: () => void;
    const holding = new Promise<void>((resolve) => (held = resolve));
    services.storage.alerts.saveAlerts = async (alerts) => {
      held();
      await closing;
      return save(alerts);
    };
    const evaluator = services.alertEvaluator!;
    const closeEvaluator = evaluator.close.bind(evaluator);
    evaluator.close = () => {
      release();
      return closeEvaluator();
    };

    // Fruit holds 5: five shoppers in it is over 80 %.
    const cam = new EventFactory("cam1");
    const now = Date.now();
    await t.ingest("shop", "cam1", [0, 1, 2, 3, 4].map((i) => cam.enter(`v${i}`, "fruit", now + i)));
    await holding;
    await t.close();
    expect(receiver.taken.filter((d) => d.type === "alert.firing").length).toBeLessThanOrEqual(1);

    // Stored as firing: the restarted server does not fire it again; its webhook delivery must have been queued.
    t = await startTestServer({ dataDir: dir.path });
    const active = await t.get("/api/v1/stores/shop/alerts");
    expect(active.body.alerts).toHaveLength(1);
    const firing = await waitFor("the alert's firing delivered to the receiver", () => receiver.taken.find((d) => d.type === "alert.firing"), { timeoutMs: 15_000 });
    expect(firing.body).toMatchObject({ store: "shop", data: { alert: { id: active.body.alerts[0].id, zone: "fruit", state: "firing", value: 1 }, rule: { id: rule.body.id } } });
    const log = await t.get(`/api/v1/stores/shop/webhooks/${hook.body.webhook.id}/deliveries`);
    expect(log.body.deliveries.map((d: { type: string }) => d.type)).toEqual(["alert.firing"]);
    expect(receiver.taken.map((d) => d.type)).toEqual(["alert.firing"]);
  }, 60_000);

  it("refuses an acknowledgement that comes after the webhooks stopped, and sends the one made once the server is back", async () => {
    const { dir, receiver, server } = await setUp();
    let t: TestServer = server;
    cleanup.push(() => t.close());
    await t.request("POST", "/api/v1/stores/shop/alert-rules", { kind: "occupancy", zone: "fruit", threshold: 0.8, forSeconds: 0, cooldownSeconds: 0, enabled: true });
    const cam = new EventFactory("cam1");
    const now = Date.now();
    await t.ingest("shop", "cam1", [0, 1, 2, 3, 4].map((i) => cam.enter(`v${i}`, "fruit", now + i)));
    await waitFor("the firing delivered", () => receiver.taken.find((d) => d.type === "alert.firing"));
    const alertId = (await t.get("/api/v1/stores/shop/alerts")).body.alerts[0].id as string;
    const staff = await t.token("staff", "shop");

    // Staff acknowledge on the tablet just after the stopping server's webhooks stopped (its HTTP still answers).
    const dispatcher = t.server.services.webhooks!;
    const stop = dispatcher.stop.bind(dispatcher);
    let ack: { status: number; body: { message?: string } } | null = null;
    dispatcher.stop = async () => {
      await stop();
      ack = await t.request("POST", `/api/v1/stores/shop/alerts/${alertId}/ack`, { by: "Ana" }, staff);
    };
    await t.close();
    expect(ack).not.toBeNull();
    expect(ack!.status).toBe(503);
    expect(ack!.body.message).toBe("the server is stopping: acknowledge again in a moment, once it is back");

    t = await startTestServer({ dataDir: dir.path });
    expect((await t.get("/api/v1/stores/shop/alerts")).body.alerts[0]).toMatchObject({ id: alertId, state: "firing" });
    const again = await t.request("POST", `/api/v1/stores/shop/alerts/${alertId}/ack`, { by: "Ana" }, staff);
    expect(again.status).toBe(200);
    const acked = await waitFor("the acknowledgement delivered", () => receiver.taken.find((d) => d.type === "alert.acknowledged"), { timeoutMs: 15_000 });
    expect(acked.body).toMatchObject({ data: { alert: { id: alertId, state: "acknowledged", acknowledgedBy: expect.stringMatching(/^Ana \(/) } } });
    expect(receiver.taken.map((d) => d.type)).toEqual(["alert.firing", "alert.acknowledged"]);
  }, 60_000);
});

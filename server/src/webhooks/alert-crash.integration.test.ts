/**
 * A server killed (SIGKILL) right after storing an alert's change, before queuing its webhook deliveries, sends
 * them once it is started again: `footfall serve` as a real child process (SQLite in a kept folder; PostgreSQL of
 * Debian), a real agent over MQTT, a real local receiver. The test-only FOOTFALL_TEST_KILL_AFTER_ALERT makes the server
 * kill itself at that exact moment (alerts/evaluator.ts).
 */
import { afterEach, describe, expect, it } from "vitest";
import { topics } from "@footfall/core";
import { batchJson, connectMqtt, EventFactory, FootfallApi, footfallJson, ServerProcess, smallLayout, tempDir, usePostgres, waitFor, type AgentCredentials } from "../../../test/support/index.js";
import { WebhookReceiver } from "../../../test/support/webhook-receiver.js";

const cleanup: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});
const pg = usePostgres();

interface Setup {
  api: FootfallApi;
  receiver: WebhookReceiver;
  hookId: string;
  agent: AgentCredentials;
  /** The camera's events (one factory: its event ids never repeat). */
  cam: EventFactory;
  start: (killAfter?: string) => Promise<ServerProcess>;
}

/** A server on `storage` with the shop's layout, a webhook to a receiver and an occupancy rule on fruit (5 people: over 80 %). */
async function setUp(storage: "sqlite" | "postgres", ports: { http: number; mqtt: number }): Promise<Setup> {
  const dir = tempDir("footfall-alert-crash-");
  cleanup.push(() => dir.remove());
  const env: Record<string, string> = storage === "postgres" ? { FOOTFALL_DATABASE_URL: pg.database("footfall_alert_crash") } : {};
  const start = async (killAfter?: string) => {
    const s = await ServerProcess.start({ dataDir: dir.path, httpPort: ports.http, mqttPort: ports.mqtt, env: { ...env, ...(killAfter ? { FOOTFALL_TEST_KILL_AFTER_ALERT: killAfter } : {}) } });
    cleanup.push(() => s.stop());
    return s;
  };
  const cli = <T>(args: string[]) => footfallJson<T>(args, { dataDir: dir.path, env });
  // One after the other: the first makes the database (two CLIs creating it at once, one finds it locked).
  const admin = await cli<{ token: string }>(["token", "add", "--role", "admin"]);
  const agent = await cli<AgentCredentials>(["agent", "add", "cam1", "--store", "shop", "--kind", "camera"]);
  const receiver = new WebhookReceiver("");
  await receiver.up();
  cleanup.push(() => receiver.down());
  const api = new FootfallApi(`http://127.0.0.1:${ports.http}`, admin.token);
  const server = await start();
  await api.putLayout("shop", smallLayout());
  const hook = await api.request<{ secret: string; webhook: { id: string } }>("POST", "/api/v1/stores/shop/webhooks", { url: receiver.url, events: ["alert.*"] });
  expect(hook.status).toBe(201);
  (receiver as { secret: string }).secret = hook.body.secret;
  const rule = await api.request("POST", "/api/v1/stores/shop/alert-rules", { kind: "occupancy", zone: "fruit", threshold: 0.8, forSeconds: 0, cooldownSeconds: 0, enabled: true });
  expect(rule.status).toBe(201);
  await server.stop();
  return { api, receiver, hookId: hook.body.webhook.id, agent, cam: new EventFactory("cam1"), start };
}

/** Five shoppers into fruit (capacity 5), or out of it, sent by the camera agent over MQTT. */
async function fruit(server: ServerProcess, s: Setup, way: "enter" | "exit"): Promise<void> {
  const client = await connectMqtt({ url: server.mqttUrl, username: s.agent.username, password: s.agent.password });
  const now = Date.now();
  await client.publishAsync(topics.events("shop", "cam1"), batchJson("cam1", [0, 1, 2, 3, 4].map((i) => s.cam[way](`v${i}`, "fruit", now + i))), { qos: 1 });
  await client.endAsync(true);
}

/** The hook's delivery log, oldest first, as types. */
async function logTypes(s: Setup): Promise<string[]> {
  const log = await s.api.request<{ deliveries: { type: string }[] }>("GET", `/api/v1/stores/shop/webhooks/${s.hookId}/deliveries`);
  return log.body.deliveries.map((d) => d.type).reverse();
}

describe.each([
  ["SQLite", "sqlite" as const, { http: 8098, mqtt: 18838 }],
  ["PostgreSQL", "postgres" as const, { http: 8097, mqtt: 18837 }],
])("alert webhooks over a kill -9 (%s)", (_, storage, ports) => {
  it("sends an alert's firing stored just before the kill, once, after the restart", async () => {
    const s = await setUp(storage, ports);
    const doomed = await s.start("alert.firing");
    await fruit(doomed, s, "enter");
    expect(await doomed.waitExit()).toEqual({ code: null, signal: "SIGKILL" });
    expect(s.receiver.taken).toEqual([]);

    const server = await s.start();
    const active = (await s.api.request<{ alerts: { id: string; state: string }[] }>("GET", "/api/v1/stores/shop/alerts")).body.alerts;
    expect(active).toMatchObject([{ state: "firing" }]);
    const firing = await waitFor("the firing delivered after the restart", () => s.receiver.taken.find((d) => d.type === "alert.firing"), { timeoutMs: 15_000 });
    expect(firing.body).toMatchObject({ id: `${active[0]!.id}:firing`, store: "shop", data: { alert: { id: active[0]!.id, zone: "fruit", state: "firing" } } });
    // Then an acknowledgement: delivered after the firing (in order per hook), and nothing twice.
    const ack = await s.api.request("POST", `/api/v1/stores/shop/alerts/${active[0]!.id}/ack`, { by: "Ana" });
    expect(ack.status).toBe(200);
    await waitFor("the acknowledgement delivered", () => s.receiver.taken.find((d) => d.type === "alert.acknowledged"), { timeoutMs: 15_000 });
    expect(s.receiver.taken.map((d) => d.type)).toEqual(["alert.firing", "alert.acknowledged"]);
    expect(s.receiver.refused).toEqual([]);
    expect(await logTypes(s)).toEqual(["alert.firing", "alert.acknowledged"]);
    await server.stop();
  }, 120_000);

  it("sends an acknowledgement stored just before the kill, once, after the restart", async () => {
    const s = await setUp(storage, ports);
    const doomed = await s.start("alert.acknowledged");
    await fruit(doomed, s, "enter");
    await waitFor("the firing delivered", () => s.receiver.taken.find((d) => d.type === "alert.firing"), { timeoutMs: 15_000 });
    const alertId = (await s.api.request<{ alerts: { id: string }[] }>("GET", "/api/v1/stores/shop/alerts")).body.alerts[0]!.id;
    // The server dies while answering: the request gets no answer.
    await s.api.request("POST", `/api/v1/stores/shop/alerts/${alertId}/ack`, { by: "Ana" }).catch(() => null);
    expect(await doomed.waitExit()).toEqual({ code: null, signal: "SIGKILL" });

    const server = await s.start();
    expect((await s.api.request<{ alerts: { state: string }[] }>("GET", "/api/v1/stores/shop/alerts")).body.alerts).toMatchObject([{ state: "acknowledged" }]);
    const acked = await waitFor("the acknowledgement delivered after the restart", () => s.receiver.taken.find((d) => d.type === "alert.acknowledged"), { timeoutMs: 15_000 });
    expect(acked.body).toMatchObject({ id: `${alertId}:acknowledged`, data: { alert: { id: alertId, state: "acknowledged", acknowledgedBy: expect.stringMatching(/^Ana/) } } });
    expect(s.receiver.taken.map((d) => d.type)).toEqual(["alert.firing", "alert.acknowledged"]);
    expect(s.receiver.refused).toEqual([]);
    expect(await logTypes(s)).toEqual(["alert.firing", "alert.acknowledged"]);
    await server.stop();
  }, 120_000);

  it("sends a resolve stored just before the kill, once, after the restart", async () => {
    const s = await setUp(storage, ports);
    const doomed = await s.start("alert.resolved");
    await fruit(doomed, s, "enter");
    await waitFor("the firing delivered", () => s.receiver.taken.find((d) => d.type === "alert.firing"), { timeoutMs: 15_000 });
    const alertId = (await s.api.request<{ alerts: { id: string }[] }>("GET", "/api/v1/stores/shop/alerts")).body.alerts[0]!.id;
    await fruit(doomed, s, "exit");
    expect(await doomed.waitExit()).toEqual({ code: null, signal: "SIGKILL" });

    const server = await s.start();
    expect((await s.api.request<{ alerts: unknown[] }>("GET", "/api/v1/stores/shop/alerts")).body.alerts).toEqual([]);
    const resolved = await waitFor("the resolve delivered after the restart", () => s.receiver.taken.find((d) => d.type === "alert.resolved"), { timeoutMs: 15_000 });
    expect(resolved.body).toMatchObject({ id: `${alertId}:resolved`, data: { alert: { id: alertId, state: "resolved" } } });
    expect(s.receiver.taken.map((d) => d.type)).toEqual(["alert.firing", "alert.resolved"]);
    expect(s.receiver.refused).toEqual([]);
    expect(await logTypes(s)).toEqual(["alert.firing", "alert.resolved"]);
    await server.stop();
  }, 120_000);
});

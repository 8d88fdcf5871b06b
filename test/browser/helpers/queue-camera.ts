/**
 * The shop with a till queue counted by a camera of its own: cam-1 (the seeded shop's agent) sees
 * two people in Fruit & veg and one in the bakery, cam-2, the only camera over the till queue, five
 * in the line: 8 in the store. `status` says an agent online or offline (retained, as an agent's
 * status and its will are), for the tests of figures nobody counts now.
 */
import type { MqttClient } from "mqtt";
import { topics, type LayoutInput } from "@footfall/core";
import { addAgent, batchJson, connectMqtt, EventFactory, publishAll, type ServerProcessOptions } from "../../support/index.js";
import { withShop, type BrowserShop } from "./shop.js";
import { shopWithQueueLayout } from "./store.js";

const S = 1000;

/** `layout`: the shop's layout (default shopWithQueueLayout(); it must hold fruit, bakery and line); `server`: its ports. */
export function withQueueCameraShop(
  opts: { server?: ServerProcessOptions; layout?: LayoutInput } = {},
): BrowserShop & { status(agent: "cam-1" | "cam-2", state: "online" | "offline"): Promise<unknown> } {
  let cam2: MqttClient | undefined;
  const t = withShop({
    ...(opts.server ? { server: opts.server } : {}),
    setup: async (t) => {
      await t.shop.api.putLayout(t.shop.store, opts.layout ?? shopWithQueueLayout());
      const creds = await addAgent(t.server.dataDir, t.shop.store, "cam-2", "sim");
      cam2 = await connectMqtt({ url: t.server.mqttUrl, username: creds.username, password: creds.password });
      await status("cam-1", "online");
      await status("cam-2", "online");
      const now = Date.now();
      await t.shop.publish([t.shop.events.enter("a", "fruit", now - 40 * S), t.shop.events.enter("b", "fruit", now - 30 * S), t.shop.events.enter("c", "bakery", now - 20 * S)]);
      const f2 = new EventFactory("cam-2");
      await publishAll(cam2, topics.events(t.shop.store, "cam-2"), [batchJson("cam-2", Array.from({ length: 5 }, (_, i) => f2.enter(`w${i}`, "line", now - (50 - i * 5) * S)))]);
    },
    teardown: async () => {
      await cam2?.endAsync(true).catch(() => {});
    },
  });
  function status(agent: "cam-1" | "cam-2", state: "online" | "offline") {
    const client = agent === "cam-1" ? t.shop.mqtt : cam2!;
    return client.publishAsync(topics.status(t.shop.store, agent), JSON.stringify({ state, ts: Date.now(), kind: "sim", version: "0.1.0" }), { qos: 1, retain: true });
  }
  return Object.assign(t, { status });
}

import type { MqttClient } from "mqtt";
import { topics, WEEKDAYS, type FootfallEvent, type LayoutInput, type OpeningHours, type Zone, type ZoneId } from "@footfall/core";
import { addAgent, addToken, ApiError, batchJson, chunks, connectMqtt, EventFactory, FootfallApi, prng, publishAll, type ServerProcess } from "../../support/index.js";

const rect = (id: string, name: string, kind: Zone["kind"], x: number, y: number, w: number, h: number, capacity?: number): Zone => ({
  id: id as ZoneId,
  name,
  kind,
  polygon: [[x, y], [x + w, y], [x + w, y + h], [x, y + h]],
  ...(capacity === undefined ? {} : { capacity }),
});

/** A 30 x 20 m shop with eight zones, the shape of a small supermarket. */
export function shopLayout(): LayoutInput {
  return {
    name: "Rivoli test shop",
    validFrom: 0,
    timezone: "Europe/Paris",
    floor: { width: 30, height: 20 },
    zones: [
      rect("entrance", "Entrance", "entrance", 12, 16, 6, 4, 20),
      rect("promo", "Promo", "zone", 12, 10, 6, 5, 8),
      rect("fruit", "Fruit & veg", "zone", 0, 11, 10, 9, 4),
      rect("bakery", "Bakery", "zone", 0, 0, 10, 10, 10),
      rect("drinks", "Drinks", "zone", 11, 0, 8, 8, 10),
      rect("clothing", "Clothing", "zone", 20, 0, 10, 8, 15),
      rect("fitting", "Fitting rooms", "fitting-room", 20, 9, 10, 5, 4),
      rect("checkout", "Checkout", "checkout", 20, 15, 10, 5, 6),
    ],
  };
}
/** The test shop with a line in front of its tills ("Till queue", capacity 10, for the checkout), in the aisle between drinks and promo. */
export function shopWithQueueLayout(): LayoutInput {
  const base = shopLayout();
  const line: Zone = { id: "line" as ZoneId, name: "Till queue", kind: "queue", queueFor: "checkout", capacity: 10, polygon: [[11, 8.2], [19, 8.2], [19, 9.8], [11, 9.8]] };
  return { ...base, zones: [...base.zones, line] };
}
export const SHOP_ZONES = ["promo", "fruit", "bakery", "drinks", "clothing", "fitting"] as const;

/**
 * `n` closed trips between `from` and `from + spanMs`: entrance, one to three shop zones, and the
 * checkout for most; deterministic for a given seed.
 */
export function trips(f: EventFactory, from: number, spanMs: number, n: number, seed = 7): FootfallEvent[] {
  const rnd = prng(seed);
  const events: FootfallEvent[] = [];
  for (let v = 0; v < n; v++) {
    const visitor = `v${seed}-${v}`;
    let t = from + Math.floor(rnd() * spanMs);
    const route = ["entrance"];
    const stops = 1 + Math.floor(rnd() * 3);
    for (let s = 0; s < stops; s++) route.push(SHOP_ZONES[Math.floor(rnd() ** 1.6 * SHOP_ZONES.length)]!);
    if (rnd() < 0.8) route.push("checkout");
    const folded = route.filter((z, i) => z !== route[i - 1]);
    for (const zone of folded) {
      const dwell = 5_000 + Math.floor(rnd() * (zone === "entrance" ? 20_000 : 240_000));
      events.push(...f.visit(visitor, zone, t, dwell));
      t += dwell + 1000;
    }
  }
  return events;
}

export interface SeededStore {
  store: string;
  api: FootfallApi;
  tokens: { admin: string; viewer: string; staff: string };
  mqtt: MqttClient;
  events: EventFactory;
  /** Publishes events as agent cam-1 (QoS 1, acknowledged). */
  publish(events: readonly FootfallEvent[]): Promise<void>;
  close(): Promise<void>;
}

/** A store on a running server: the shop layout, tokens of each role, an agent connected over MQTT. */
export async function seedStore(server: ServerProcess, store = "shop"): Promise<SeededStore> {
  const [admin, viewer, staff] = await Promise.all([addToken(server.dataDir, "admin"), addToken(server.dataDir, "viewer"), addToken(server.dataDir, "staff")]);
  const api = new FootfallApi(server.httpUrl, admin);
  await api.putLayout(store, shopLayout());
  const creds = await addAgent(server.dataDir, store, "cam-1", "sim");
  const mqtt = await connectMqtt({ url: server.mqttUrl, username: creds.username, password: creds.password });
  const events = new EventFactory("cam-1");
  return {
    store,
    api,
    tokens: { admin, viewer, staff },
    mqtt,
    events,
    async publish(list) {
      for (const batch of chunks(list, 500)) await publishAll(mqtt, topics.events(store, "cam-1"), [batchJson("cam-1", batch)]);
    },
    async close() {
      await mqtt.endAsync(true).catch(() => {});
    },
  };
}

/** Publishes `agent`'s status (retained, QoS 1) as the simulator says it: online or offline, now. */
export function agentStatus(shop: SeededStore, state: "online" | "offline", agent = "cam-1") {
  return shop.mqtt.publishAsync(topics.status(shop.store, agent), JSON.stringify({ state, ts: Date.now(), kind: "sim", version: "0.1.0" }), {
    qos: 1,
    retain: true,
  });
}

/** Puts `hours` as the store's opening hours (PUT /hours, as its admin); throws with the server's answer unless it took them. */
export async function putHours(shop: SeededStore, hours: OpeningHours): Promise<void> {
  const path = `/api/v1/stores/${shop.store}/hours`;
  const r = await shop.api.request("PUT", path, { hours });
  if (r.status !== 200) throw new ApiError(r.status, r.body, `PUT ${path}`);
}

/** The store open from `open` to `close` (local "HH:MM") every day of the week, with no exceptions. */
export function putDailyHours(shop: SeededStore, open: string, close: string): Promise<void> {
  const day = [{ open, close }];
  return putHours(shop, { weekly: Object.fromEntries(WEEKDAYS.map((d) => [d, day])) as OpeningHours["weekly"], exceptions: [] });
}

import type { MqttClient } from "mqtt";
import { parseTopic, subscriptions, topics, type Layout } from "@footfall/core";
import { redactUrl, type Logger } from "../log.js";
import { firstConnect } from "./connect-failure.js";
import { BROKER_WORDS, BrokerLinkLog, sayTo } from "./link-log.js";
import { keepaliveOnMessages } from "./keepalive.js";
import { decodeAudit, decodeStatus, layoutPayload, MAX_LAYOUT_MESSAGE_BYTES, receiptPayloads, type MqttTransport, type TransportHandlers } from "./transport.js";

/** How long a close waits for the broker (the offline availability's PUBACK, then the in-flight messages') before it drops the connection. */
const CLOSE_WAIT_MS = 2_000;

/** `p`'s value, or `fallback` once `ms` have passed without one. */
function within<T>(p: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)))]).finally(() => clearTimeout(timer));
}

export interface ExternalBrokerOptions {
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  clientId?: string;
  log: Logger;
  handlers: TransportHandlers;
  /** The MQTT keepalive in seconds (default mqtt.js's 60; tests use short ones). */
  keepaliveS?: number;
}

/**
 * The server as a client of an external broker (Mosquitto, EMQX): a persistent session
 * (clean: false, fixed client id) at QoS 1, so what agents publish while the server is down
 * waits in the broker. Each PUBACK is sent only after the message's events are committed.
 */
export async function connectExternalBroker(o: ExternalBrokerOptions): Promise<MqttTransport> {
  // Loaded only for an external broker: a server on its embedded broker starts ~50 ms sooner.
  const { default: mqtt } = await import("mqtt");
  const client: MqttClient = mqtt.connect(o.url, {
    clientId: o.clientId ?? "footfall-server",
    clean: false,
    username: o.username,
    password: o.password,
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
    protocolVersion: 4,
    keepalive: o.keepaliveS ?? 60,
    // Home Assistant's availability follows the server: the broker says "offline" when the server's link drops.
    will: { topic: topics.availability(), payload: Buffer.from("offline"), qos: 1, retain: true },
  });
  // The URL as logged and said (a password in it as ***).
  const shown = redactUrl(o.url);
  // mqtt.js reads nothing while a message waits for its commit: each message taken puts the ping off.
  const keepAlive = keepaliveOnMessages(client, o.keepaliveS ?? 60);
  client.handleMessage = (packet, callback) => {
    keepAlive();
    // Nothing a message holds may throw out of here: a retained poison status would end the server at every start.
    try {
      const parsed = parseTopic(packet.topic);
      const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
      if (!parsed || (parsed.kind !== "events" && parsed.kind !== "status" && parsed.kind !== "audits")) return callback();
      o.handlers.isKnownAgent(parsed.store, parsed.agent).then(
        async (known) => {
          if (!known) {
            o.handlers.reject(parsed.store, parsed.agent, "unknown_agent", `message on "${packet.topic}" from an agent this server does not know: add it with \`footfall agent add\``);
            return callback();
          }
          if (parsed.kind === "status") {
            // retain set on receipt: a copy the broker kept, sent because we subscribed (MQTT 3.1.1 3.3.1.3; v5 without Retain As Published).
            await o.handlers.status(parsed.store, parsed.agent, decodeStatus(payload), !packet.retain);
            return callback();
          }
          if (parsed.kind === "audits") {
            await o.handlers.audit(parsed.store, parsed.agent, decodeAudit(payload));
            return callback();
          }
          o.handlers.events({ store: parsed.store, agent: parsed.agent, payload, done: (err) => callback(err) });
        },
        // The agents cannot be looked up (the database fails): not acknowledged, so the broker delivers it again.
        (err: Error) => {
          o.log.error({ err: err.message, topic: packet.topic.slice(0, 200) }, "could not look the agent up; the message will be delivered again");
          callback(err);
        },
      ).catch((err: Error) => {
        o.log.error({ err: err.message, topic: packet.topic.slice(0, 200) }, "an MQTT message could not be handled; acknowledged and dropped");
        callback();
      });
    } catch (err) {
      o.log.error({ err: (err as Error).message, topic: packet.topic.slice(0, 200) }, "an MQTT message could not be handled; acknowledged and dropped");
      callback();
    }
  };
  /**
   * The retained messages this server sent, the latest of each topic (an empty one deleted it): the
   * agents' layouts, the occupancy, queue and alert topics and Home Assistant's discovery. A broker
   * that takes the server back without its session (restarted without persistence, or killed before
   * its autosave) has lost them, and they are sent again: each is otherwise sent only when it
   * changes, and Home Assistant would show no Footfall device until the server's next restart.
   */
  const retained = new Map<string, string>();
  const keep = (topic: string, payload: string) => (payload === "" ? retained.delete(topic) : retained.set(topic, payload));
  let connects = 0;
  const link = new BrokerLinkLog(sayTo(o.log, { url: shown }), BROKER_WORDS);
  client.on("connect", (connack) => {
    (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
    if (!link.connected()) o.log.info({ url: shown }, "connected to the MQTT broker");
    client.publish(topics.availability(), "online", { qos: 1, retain: true }, (err) => {
      if (err) o.log.warn({ err: err.message }, "could not publish the server's availability");
    });
    if (connects++ > 0 && !connack.sessionPresent && retained.size > 0) {
      o.log.warn({ url: shown, topics: retained.size }, "the MQTT broker took this server back without its session (restarted without persistence?): sending its retained layouts, state topics and Home Assistant discovery again");
      let failed = 0;
      for (const [topic, payload] of retained)
        client.publish(topic, payload, { qos: 1, retain: true }, (err) => {
          if (err && failed++ === 0) o.log.warn({ err: err.message, topic }, "could not send a retained message again after the broker's restart");
        });
    }
    client.subscribe([subscriptions.events, subscriptions.status, subscriptions.audits], { qos: 1 }, (err) => {
      // Cut off by the connection's close (the broker going away): subscribed again at the next connection, which the link log says.
      if (err && client.connected) o.log.error({ err: err.message }, "MQTT subscribe failed");
      else if (err) o.log.debug({ err: err.message }, "MQTT subscribe cut off by the connection's close; subscribing again at the next connection");
    });
  });
  client.on("close", () => link.lost());
  client.on("reconnect", () => link.reconnecting());
  client.on("error", (err) => link.error(err));
  await firstConnect(client, shown);
  return {
    kind: "external",
    connected: () => client.connected,
    publishLayout: async (layout: Layout) => {
      const payload = layoutPayload(layout);
      // Over the broker's packet limit the broker would drop the connection, and the queued publish would do it again at every reconnect.
      if (Buffer.byteLength(payload) > MAX_LAYOUT_MESSAGE_BYTES) {
        o.log.error({ store: layout.store, bytes: Buffer.byteLength(payload) }, `layout of store ${layout.store} not sent to agents: over ${MAX_LAYOUT_MESSAGE_BYTES} bytes; use fewer polygon corners`);
        return;
      }
      keep(topics.layout(layout.store), payload);
      await client.publishAsync(topics.layout(layout.store), payload, { qos: 1, retain: true });
    },
    publishReceipt: (store, agent, receipt) => {
      const topic = topics.receipts(store, agent);
      for (const payload of receiptPayloads(receipt)) {
        client.publish(topic, payload, { qos: 1 }, (err) => {
          if (err) o.log.warn({ store, agent, err: err.message }, "could not publish a receipt; the agent will send those events again");
        });
      }
    },
    publishRetained: async (topic, payload) => {
      keep(topic, payload);
      await client.publishAsync(topic, payload, { qos: 1, retain: true });
    },
    close: async () => {
      // A clean disconnect sends no will: say "offline" first. But a stop must stop: a broker that is gone or hung never
      // sends the PUBACK, and mqtt.js's end waits for every message in flight, so each wait is bounded (a service
      // manager's SIGTERM hung for minutes). Without the broker's answer the connection is dropped (the will says offline).
      const sayOffline = () => client.publishAsync(topics.availability(), "offline", { qos: 1, retain: true }).then(() => true, () => false);
      const answered = client.connected && (await within(sayOffline(), CLOSE_WAIT_MS, false));
      if (!answered) return void (await client.endAsync(true));
      if (!(await within(client.endAsync().then(() => true), CLOSE_WAIT_MS, false))) client.stream?.destroy();
    },
  };
}

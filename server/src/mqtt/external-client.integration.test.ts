/**
 * The single server as a client of Debian's mosquitto: mqtt.js reads nothing while a message waits
 * for its commit, so a long backlog once hid the PINGRESP behind the messages until the keepalive
 * timed out and the connection was made again.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MqttClient } from "mqtt";
import { Mosquitto } from "../../../test/support/mosquitto.js";
import { connectMqtt } from "../../../test/support/mqtt.js";
import { slowCommits } from "../../../test/support/slow-commits.js";
import { waitFor } from "../../../test/support/wait.js";
import { topics } from "@footfall/core";
import { createLogger } from "../log.js";
import { connectExternalBroker } from "./external-client.js";

describe("connectExternalBroker behind a backlog (Debian's mosquitto)", () => {
  let broker: Mosquitto;
  let pub: MqttClient;
  beforeAll(async () => {
    broker = await Mosquitto.anonymous();
    pub = await connectMqtt({ url: broker.url, username: "", password: "" });
  });
  afterAll(async () => {
    await pub?.endAsync();
    await broker?.stop();
  });

  it("commits a message every 40 ms for ~5 s (over three keepalives) without a reconnect: nothing is delivered twice", async () => {
    const ingest = slowCommits(40);
    const transport = await connectExternalBroker({
      url: broker.url,
      clientId: "keepalive-backlog",
      log: createLogger("silent"),
      keepaliveS: 1, // a ping after 1 s, a timeout 1.5 s after the last sign of life
      handlers: ingest.handlers,
    });
    try {
      await waitFor("connected", () => transport.connected());
      await new Promise((r) => setTimeout(r, 300)); // the subscription
      const sent: string[] = [];
      for (let i = 0; i < 120; i++) {
        sent.push(`m-${i}`);
        await pub.publishAsync(topics.events("s1", "a1"), `m-${i}`, { qos: 1 });
      }
      await waitFor("every message taken and committed", () => sent.every((b) => ingest.seen.has(b)) && ingest.held.length === 0, { timeoutMs: 30_000 });
      expect(ingest.copies()).toEqual([]);
      expect(ingest.seen.size).toBe(sent.length);
    } finally {
      ingest.stop();
      await transport.close();
    }
  }, 60_000);
});

/**
 * The single server as a client of Debian's mosquitto: mqtt.js reads nothing while a message waits
 * for its commit, so a long backlog once hid the PINGRESP behind the messages until the keepalive
 * timed out and the connection was made again.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MqttClient } from "mqtt";
import { userInfo } from "node:os";
import { Mosquitto } from "../../../test/support/mosquitto.js";
import { connectMqtt } from "../../../test/support/mqtt.js";
import { freePort } from "../../../test/support/ports.js";
import { waitFor } from "../../../test/support/wait.js";
import { topics } from "@footfall/core";
import { createLogger } from "../log.js";
import type { IngestMessage } from "../ingest/pipeline.js";
import { connectExternalBroker } from "./external-client.js";

describe("connectExternalBroker behind a backlog (Debian's mosquitto)", () => {
  let broker: Mosquitto;
  let pub: MqttClient;
  beforeAll(async () => {
    const port = await freePort();
    broker = await Mosquitto.withConf(
      (dir) =>
        [
          `listener ${port} 127.0.0.1`,
          "allow_anonymous true",
          "persistence false",
          `persistence_location ${dir}/`,
          "max_queued_messages 100000",
          "max_inflight_messages 0",
          `user ${userInfo().username}`,
          "log_dest stderr",
          "log_type error",
          "",
        ].join("\n"),
      port,
    );
    pub = await connectMqtt({ url: broker.url, username: "", password: "" });
  });
  afterAll(async () => {
    await pub?.endAsync();
    await broker?.stop();
  });

  it("commits a message every 40 ms for ~5 s (over three keepalives) without a reconnect: nothing is delivered twice", async () => {
    const seen = new Map<string, number>();
    const held: IngestMessage[] = [];
    const transport = await connectExternalBroker({
      url: broker.url,
      clientId: "keepalive-backlog",
      log: createLogger("silent"),
      keepaliveS: 1, // a ping after 1 s, a timeout 1.5 s after the last sign of life
      handlers: {
        events: (m) => {
          const body = m.payload.toString();
          seen.set(body, (seen.get(body) ?? 0) + 1);
          held.push(m);

        },
        status: () => {},
        audit: () => {},
        reject: () => {},
        isKnownAgent: () => Promise.resolve(true),
      },
    });
    const committer = setInterval(() => held.shift()?.done(), 40);
    try {
      await waitFor("connected", () => transport.connected());
      await new Promise((r) => setTimeout(r, 300)); // the subscription
      const sent: string[] = [];
      for (let i = 0; i < 120; i++) {
        sent.push(`m-${i}`);
        await pub.publishAsync(topics.events("s1", "a1"), `m-${i}`, { qos: 1 });
      }
      await waitFor("every message taken and committed", () => sent.every((b) => seen.has(b)) && held.length === 0, { timeoutMs: 30_000 });
      expect([...seen.values()].filter((n) => n > 1)).toEqual([]);
      expect(seen.size).toBe(sent.length);
    } finally {
      clearInterval(committer);
      await transport.close();
    }
  }, 60_000);
});

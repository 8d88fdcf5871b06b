import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MqttClient } from "mqtt";
import { userInfo } from "node:os";
import { Mosquitto } from "../../../test/support/mosquitto.js";
import { connectMqtt } from "../../../test/support/mqtt.js";
import { freePort } from "../../../test/support/ports.js";
import { waitFor } from "../../../test/support/wait.js";
import { batchJson, EventFactory } from "../../../test/support/fixtures.js";
import { createLogger } from "../log.js";
import { LiveTap } from "./live-tap.js";

const topic = (store: string, agent: string) => `footfall/v1/${store}/agents/${agent}/events`;

describe("LiveTap: the newest messages of stores being caught up on (Debian's mosquitto)", () => {
  let broker: Mosquitto;
  let pub: MqttClient;
  const NOW = Date.now();
  beforeAll(async () => {
    const port = await freePort();
    broker = await Mosquitto.withConf(
      (dir) =>
        [`listener ${port} 127.0.0.1`, "allow_anonymous true", "persistence false", `persistence_location ${dir}/`, `user ${userInfo().username}`, "log_dest stderr", "log_type error", ""].join("\n"),
      port,
    );
    pub = await connectMqtt({ url: broker.url, username: "", password: "" });
  });
  afterAll(async () => {
    await pub?.endAsync();
    await broker?.stop();
  });

  it("holds the events of tapped stores until their commit settles them, skips what the ingest would refuse, and forgets a store untapped", async () => {
    const touched: string[] = [];
    const tap = new LiveTap({ url: broker.url, clientId: "footfall-tap-test", log: createLogger("silent"), now: () => NOW, keepMs: 30 * 60_000, onEvents: (s) => touched.push(...s) });
    try {
      expect(tap.pending("s1")).toEqual([]);
      tap.tap(["s1"]);
      expect(tap.tapped("s1")).toBe(true);
      const f = new EventFactory("a");
      const e1 = f.enter("v1", "fruit", NOW - 1000);
      const e2 = f.count("entrance", NOW - 500, 2, 0);
      // QoS 0 on a fresh subscription: publish until the tap has it.
      await waitFor("the tap to receive a message of s1", async () => {
        await pub.publishAsync(topic("s1", "a"), batchJson("a", [e1, e2]));
        return tap.pending("s1").length === 2;
      });
      expect(touched).toContain("s1");
      expect(tap.oldestWaitMs(["s1"])).toBeGreaterThanOrEqual(0);
      // Sent twice: held once.
      await pub.publishAsync(topic("s1", "a"), batchJson("a", [e1]));
      // Another agent's id, an event far ahead or older than keepMs, an untapped store, not JSON: nothing held.
      const g = new EventFactory("b");
      await pub.publishAsync(topic("s1", "a"), batchJson("a", [g.enter("v2", "fruit", NOW), f.enter("v3", "fruit", NOW + 3_600_000), f.enter("v4", "fruit", NOW - 3_600_000)]));
      await pub.publishAsync(topic("s2", "a"), batchJson("a", [f.enter("v5", "fruit", NOW)]));
      await pub.publishAsync(topic("s1", "a"), "not json");
      const e3 = f.exit("v1", "fruit", NOW);
      await pub.publishAsync(topic("s1", "a"), batchJson("a", [e3]));
      await waitFor("the tap to receive the last message", () => tap.pending("s1").some((e) => e.id === e3.id));
      expect(tap.pending("s1").map((e) => e.id).sort()).toEqual([e1.id, e2.id, e3.id].sort());
      expect(tap.pending("s2")).toEqual([]);
      // Committed (or known duplicates): let go.
      tap.settled("s1", [e1.id, e2.id]);
      expect(tap.pending("s1")).toEqual([e3]);
      tap.untap(["s1"]);
      expect(tap.tapped("s1")).toBe(false);
      expect(tap.pending("s1")).toEqual([]);
      expect(tap.oldestWaitMs(["s1"])).toBe(0);
    } finally {
      await tap.close();
    }
  });
});

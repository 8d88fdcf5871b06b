/**
 * The beacon source's MQTT gateway feed against a real broker (Aedes on a socket): a broker it cannot
 * reach fails the source's start with what to check, and one that goes away for good fails the running
 * source, so that the runtime restarts it and the server shows "input stalled" instead of an agent
 * that looks well and hears nothing.
 */
import { createServer, type AddressInfo, type Server } from "node:net";
import { Aedes } from "aedes";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../log.js";
import { testContext } from "../door/test-context.js";
import { BeaconSource } from "./beacon.js";
import { startMqttFeed } from "./inputs.js";
import { checkBeaconSettings } from "./settings.js";

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

describe("the beacon's MQTT gateway feed", () => {
  it("fails the source's start, saying what to check, when the gateways' broker is not there", async () => {
    // A port nobody listens on: the agent used to start, say 'retrying' and stay online hearing nothing.
    const closed = createServer();
    const port = await listen(closed);
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const settings = checkBeaconSettings({ receivers: { "gw-1": { zone: "fruit" } }, mqtt: { url: `mqtt://127.0.0.1:${port}`, topic: "gateways/#" } });
    expect(settings.problems).toEqual([]);
    const t = testContext(settings.value, { agent: "ble-1" });
    await expect(new BeaconSource().start(t.ctx)).rejects.toThrow(
      new RegExp(
        `^cannot read sightings from the gateways' broker mqtt://127\\.0\\.0\\.1:${port} \\(settings\\.mqtt\\): connect ECONNREFUSED .*; is that broker running, and are settings\\.mqtt\\.url's host and port right\\?$`,
      ),
    );
  });

  it("takes a gateway's messages, then reports a broker that stays away", async () => {
    const broker = await Aedes.createBroker();
    const server = createServer(broker.handle);
    const port = await listen(server);
    const messages: string[] = [];
    let failure: ((err: Error) => void) | null = null;
    const failed = new Promise<Error>((resolve) => (failure = resolve));
    const feed = await startMqttFeed({
      url: `mqtt://127.0.0.1:${port}`,
      topic: "gateways/#",
      clientId: "feed-test",
      onMessage: (text) => messages.push(text),
      onError: (err) => failure!(err),
      downFailMs: 1000,
      log: silentLogger,
    });
    try {
      // A gateway's message gets through once the feed has subscribed.
      while (messages.length === 0) {
        await new Promise<void>((resolve) => broker.publish({ cmd: "publish", topic: "gateways/gw-1", payload: Buffer.from("{}"), qos: 0, retain: false, dup: false }, () => resolve()));
        await new Promise((r) => setTimeout(r, 20));
      }
      // The broker goes for good: the open connection closed, no new ones taken.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await closed;
      const err = await failed; // the hang guard is the test's timeout
      expect(err.message).toMatch(new RegExp(`^the gateways' broker mqtt://127\\.0\\.0\\.1:${port} \\(settings\\.mqtt\\) has been away for \\d+ s.*: no sightings meanwhile$`));
    } finally {
      await feed.close();
    }
  });
});

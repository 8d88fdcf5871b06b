/**
 * kill -9 of the server in the middle of a QoS 1 stream from an mqtt.js agent with a persistent
 * session (clean: false resends what was not acknowledged), then a restart on the same data:
 * every accepted event is counted exactly once, including messages the server had committed but
 * whose acknowledgements were lost, which the agent sends again.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MqttClient } from "mqtt";
import { topics, type FootfallEvent } from "@footfall/core";
import {
  addAgent,
  addToken,
  batchJson,
  chunks,
  connectMqtt,
  EventFactory,
  FootfallApi,
  prng,
  ServerProcess,
  shuffled,
  TcpProxy,
  waitFor,
} from "../support/index.js";
import { expectApiMatchesDomain, LAYOUT, STORE } from "./scenario.js";

const AGENT = "cam-crash";
let server: ServerProcess;
let api: FootfallApi;
let client: MqttClient;
let events: FootfallEvent[];
let now: number;
let proxy: TcpProxy;

/** 300 visitors of the last two hours, each through the entrance, one shop zone and (mostly) the checkout. */
function crashStory(at: number): FootfallEvent[] {
  const random = prng(3);
  const f = new EventFactory(AGENT);
  const out: FootfallEvent[] = [];
  for (let i = 0; i < 300; i++) {
    let ts = at - 2 * 3_600_000 + Math.floor(random() * 110 * 60_000);
    for (const zone of ["entrance", random() < 0.5 ? "fruit" : "bakery", ...(random() < 0.8 ? ["checkout"] : [])]) {
      const dwell = Math.floor(5_000 + random() * 200_000);
      out.push(...f.visit(`${AGENT}-${i}`, zone, ts, dwell));
      ts += dwell + 3000;
    }
  }
  return out;
}

beforeAll(async () => {
  server = await ServerProcess.start();
  const [admin, creds] = await Promise.all([addToken(server.dataDir, "admin"), addAgent(server.dataDir, STORE, AGENT, "camera")]);
  api = new FootfallApi(server.httpUrl, admin);
  await api.putLayout(STORE, LAYOUT);
  // The agent reaches the broker through a proxy that can lose the broker's acknowledgements.
  proxy = await TcpProxy.start(server.mqttPort);
  client = await connectMqtt(
    { url: proxy.url, username: creds.username, password: creds.password },
    { clean: false, clientId: `${STORE}-${AGENT}`, reconnectPeriod: 100 },
  );
  now = Date.now();
  events = crashStory(now);
}, 60_000);
afterAll(async () => {
  await client?.endAsync(true);
  await proxy?.close();
  await server?.dispose();
});

describe("a crash of the server during a stream", () => {
  it("loses nothing and counts nothing twice after kill -9 and a restart", async () => {
    const batches = chunks(shuffled(events, prng(5)), 6);
    const messages = batches.map((b) => batchJson(AGENT, b));
    const publish = (m: string) => client.publishAsync(topics.events(STORE, AGENT), m, { qos: 1 });
    const stored = async () => (await api.agents(STORE)).agents[0]!;
    const eventsIn = (n: number) => batches.slice(0, n).reduce((sum, b) => sum + b.length, 0);
    const third = Math.floor(messages.length / 3);
    const lost = 20;

    // A third of the stream, acknowledged, with up to 10 messages in flight.
    const inflight = new Set<Promise<unknown>>();
    for (const m of messages.slice(0, third)) {
      const p = publish(m);
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
      if (inflight.size >= 10) await Promise.race(inflight);
    }
    await Promise.all(inflight);

    // 20 messages the server commits but whose acknowledgements never reach the agent.
    proxy.dropDownstream = true;
    const unacknowledged = messages.slice(third, third + lost).map(publish);
    await waitFor("the unacknowledged messages committed", async () => (await stored()).events === eventsIn(third + lost));
    // More in flight, then kill -9 in the middle of it.
    const tail = messages.slice(third + lost, third + lost + 30).map(publish);
    await server.kill9();
    proxy.dropDownstream = false;
    await server.restart();
    // The agent reconnects and resends whatever it holds unacknowledged; the stream goes on.
    await Promise.all([...unacknowledged, ...tail, ...messages.slice(third + lost + 30).map(publish)]);

    const agent = await waitFor("every event stored", async () => {
      const a = await stored();
      return a.events === events.length ? a : undefined;
    }).catch(async (err: Error) => {
      throw new Error(`${err.message}; the agent's counters: ${JSON.stringify(await stored())}`);
    });
    expect(agent.duplicates).toBeGreaterThanOrEqual(eventsIn(third + lost) - eventsIn(third));
    await expectApiMatchesDomain(api, events, now);
  }, 60_000);
});

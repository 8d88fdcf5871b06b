/**
 * Agents linked to an in-process server's broker as footfall-edge links them: a last will saying
 * "offline" (retained), then "online", stored by the server before `connect` returns. Tests end
 * the links (and the server) after each test with `close`.
 */
import { topics } from "@footfall/core";
import type { MqttClient } from "mqtt";
import type { TestServer } from "./in-process.js";
import { connectMqtt } from "./mqtt.js";
import { waitFor } from "./wait.js";

export class AgentLinks {
  /** The server the agents link to (`use`). */
  server: TestServer | null = null;
  /** Its storage's listAll as it was given: a count a test wraps around it later does not see these reads. */
  private listAll: (() => Promise<{ store: string; agent: string; state: string }[]>) | null = null;
  private readonly clients: MqttClient[] = [];
  private readonly newest = new Map<string, MqttClient>();

  /** `now`: the test's clock, the `ts` of the statuses sent. */
  constructor(private readonly now: () => number) {}

  /** An agent's status as footfall-edge sends it. */
  status(state: "online" | "offline"): string {
    return JSON.stringify({ state, ts: this.now(), kind: "camera", version: "1.0.0" });
  }

  /** Links agents to `server` from here on (the test's newly started one); answers it. */
  use(server: TestServer): TestServer {
    const agents = server.server.services.storage.agents;
    this.listAll = agents.listAll.bind(agents);
    return (this.server = server);
  }

  /** The agent's stored state (past any count a test keeps of the storage's reads). */
  async stateOf(store: string, agent: string): Promise<string | undefined> {
    return (await this.listAll!()).find((a) => a.store === store && a.agent === agent)?.state;
  }

  /** Links `agent` of `store` with its last will, sends "online" and waits until the server has stored it. */
  async connect(store: string, agent: string, login: { username: string; password: string }): Promise<MqttClient> {
    const c = await connectMqtt(
      { url: `mqtt://127.0.0.1:${this.server!.server.mqttPort}`, ...login },
      { clientId: `${agent}-${this.clients.length}`, reconnectPeriod: 0, will: { topic: topics.status(store, agent), payload: Buffer.from(this.status("offline")), qos: 1, retain: true } },
    );
    this.clients.push(c);
    this.newest.set(`${store}/${agent}`, c);
    await c.publishAsync(topics.status(store, agent), this.status("online"), { qos: 1, retain: true });
    await waitFor(`${agent} online`, async () => (await this.stateOf(store, agent)) === "online");
    return c;
  }

  /** The newest link of `agent` of `store` (to end it, or cut it as a crash does). */
  of(store: string, agent: string): MqttClient {
    const c = this.newest.get(`${store}/${agent}`);
    if (!c) throw new Error(`${store}/${agent} was never linked`);
    return c;
  }

  /** Ends every link (forced: the broker sends their wills), then the server. */
  async close(): Promise<void> {
    for (const c of this.clients.splice(0)) await c.endAsync(true).catch(() => {});
    this.newest.clear();
    await this.server?.close();
    this.server = null;
    this.listAll = null;
  }
}

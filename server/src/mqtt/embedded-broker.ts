import { Aedes, type AedesPublishPacket, type Client } from "aedes";
import { createServer, type Server } from "node:net";
import { maySubscribe, parseTopic, topics, type Layout } from "@footfall/core";
import type { AgentIdentity } from "../db/repos/agents.js";
import type { Logger } from "../log.js";
import { decodeStatus, layoutPayload, receiptPayloads, type MqttTransport, type TransportHandlers } from "./transport.js";

export interface EmbeddedBrokerOptions {
  port: number;
  host?: string;
  log: Logger;
  handlers: TransportHandlers;
  authenticate(username: string, password: string): AgentIdentity | undefined;
}

type AgentClient = Client & { footfall?: AgentIdentity };
/** Publishes that no subscriber may see: a forged topic is acknowledged (like Mosquitto does) and dropped. */
const DROPPED = "$footfall/dropped";

/**
 * The embedded Aedes broker. Agents' event batches are ingested inside `authorizePublish`,
 * which Aedes runs before it sends PUBACK: the agent is acknowledged only once its events
 * are committed to SQLite.
 */
export async function startEmbeddedBroker(o: EmbeddedBrokerOptions): Promise<MqttTransport & { port: number }> {
  const broker = await Aedes.createBroker({
    // Agents use `${store}-${agent}` as client id (up to 129 characters); MQTT 3.1.1's 23 is too short.
    maxClientsIdLength: 256,
    authenticate(client: AgentClient, username, password, done) {
      const who = username && password ? o.authenticate(username, password.toString("utf8")) : undefined;
      if (!who) {
        o.log.warn({ clientId: client.id, username }, "MQTT connection refused: unknown agent or wrong password (create one with `footfall agent add`)");
        const err = Object.assign(new Error("bad username or password"), { returnCode: 4 as const });
        return done(err, false);
      }
      client.footfall = who;
      done(null, true);
    },
    authorizePublish(client: AgentClient | null, packet, callback) {
      if (!client) return callback(null); // the server's own publishes
      const who = client.footfall!;
      const parsed = parseTopic(packet.topic);
      const own = parsed && (parsed.kind === "events" || parsed.kind === "status") && parsed.store === who.store && parsed.agent === who.agent;
      if (!parsed || !own) {
        o.handlers.reject(who.store, who.agent, "forbidden_topic", `publish to "${packet.topic}" refused: an agent may publish only to ${topics.events(who.store, who.agent)} and ${topics.status(who.store, who.agent)}`);
        packet.topic = DROPPED;
        packet.retain = false;
        return callback(null);
      }
      if (parsed.kind === "status") {
        const status = decodeStatus(packet.payload as Buffer);
        o.handlers.status(who.store, who.agent, status);
        return callback(null);
      }
      packet.retain = false;
      o.handlers.events({ store: who.store, agent: who.agent, payload: packet.payload as Buffer, done: (err) => callback(err ?? null) });
    },
    authorizeSubscribe(client: AgentClient, sub, callback) {
      const who = client.footfall!;
      const allowed = maySubscribe(who.store, who.agent, sub.topic); // its store's layout and its own receipts
      if (!allowed) o.log.warn({ store: who.store, agent: who.agent, topic: sub.topic }, "subscription refused");
      callback(null, allowed ? sub : null);
    },
    authorizeForward(_client, packet: AedesPublishPacket) {
      return packet.topic === DROPPED ? null : packet;
    },
  });
  // Wills are published through authorizePublish with the agent's client too, so they are checked above.
  // A large read buffer lets Aedes hand over many publishes per read, so group commits grow with load.
  const server: Server = createServer({ noDelay: true, highWaterMark: 1 << 20 }, (socket) => broker.handle(socket));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.host ?? "0.0.0.0", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : o.port;
  o.log.info({ port }, "embedded MQTT broker listening");
  return {
    kind: "embedded",
    port,
    connected: () => true,
    publishLayout: (layout: Layout) =>
      new Promise<void>((resolve, reject) =>
        broker.publish(
          { cmd: "publish", topic: topics.layout(layout.store), payload: Buffer.from(layoutPayload(layout)), qos: 1, retain: true, dup: false },
          (err) => (err ? reject(err) : resolve()),
        ),
      ),
    publishReceipt: (store, agent, receipt) => {
      const topic = topics.receipts(store, agent);
      for (const payload of receiptPayloads(receipt)) {
        broker.publish({ cmd: "publish", topic, payload: Buffer.from(payload), qos: 1, retain: false, dup: false }, (err) => {
          if (err) o.log.warn({ store, agent, err: err.message }, "could not publish a receipt; the agent will send those events again");
        });
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of Object.values((broker as unknown as { clients: Record<string, Client> }).clients)) c.conn.destroy();
        broker.close(() => server.close(() => resolve()));
      }),
  };
}

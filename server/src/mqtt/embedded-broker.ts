import { Aedes, type AedesPublishPacket, type Client } from "aedes";
import { createServer, type Server } from "node:net";
import { agentPublication, LIMITS, maySubscribe, topics, type Layout } from "@footfall/core";
import type { LoginOutcome } from "../auth/mqtt-auth.js";
import type { AgentIdentity } from "../storage/types.js";
import type { Logger } from "../log.js";
import { rateLimitedWarn } from "../log.js";
import { RepeatedFailure } from "../repeated-failure.js";
import { GuardedSocket, type PacketLimits } from "./packet-guard.js";
import { decodeAudit, decodeStatus, layoutPayload, receiptPayloads, type MqttTransport, type TransportHandlers } from "./transport.js";

export interface EmbeddedBrokerOptions {
  port: number;
  host?: string;
  log: Logger;
  handlers: TransportHandlers;
  /** Checks a login and its client id (see MqttAuthenticator); never throws. */
  login(username: string, password: string, clientId: string): Promise<LoginOutcome>;
  /** Packet size limits (default: {@link PACKET_LIMITS}). */
  limits?: PacketLimits;
  /**
   * The agents' logins in force (user name and stored hash; revoked agents are not in it), read every
   * {@link AGENT_LOGINS_CHECK_MS} while agents are connected: a connection whose login is no longer among them
   * (revoked, or given a new password, by `footfall agent` on the database while the server runs) is closed.
   */
  loginsInForce?: () => Promise<readonly { username: string; hash: string }[]>;
  /** Each refused connection, by why (the server counts them in footfall_mqtt_logins_refused_total). */
  onRefused?: (reason: LoginRefusal) => void;
}

/** Why a connection was refused: the login's (see MqttAuthenticator), or none given. */
export type LoginRefusal = Extract<LoginOutcome, { ok: false }>["reason"] | "no_credentials";

/**
 * How often the connected agents' logins are checked against the database. The API's revoke closes the
 * connection at once; `footfall agent revoke` (or `agent add`, a new password) writes the database the server
 * reads, and without this check a connected agent went on sending, its events counted, until it reconnected.
 */
export const AGENT_LOGINS_CHECK_MS = 1_000;

/**
 * Before authentication only a CONNECT fits (its will is a status, at most 16 KiB, plus topic, client
 * id and credentials); after it, a batch message (256 KiB) plus its topic and headers.
 */
export const PACKET_LIMITS: PacketLimits = { beforeAuth: 32 * 1024, afterAuth: LIMITS.maxBatchBytes + 4 * 1024 };

/**
 * Logins answered per event-loop turn. A storm of reconnecting agents arrives in one burst; taking
 * it a few at a time lets HTTP requests and acknowledgements of connected agents in between.
 */
const LOGINS_PER_TURN = 16;

/** Runs jobs at most `perTurn` per event-loop turn (setImmediate between slices), in arrival order. */
function fairQueue(perTurn: number): (job: () => void) => void {
  const jobs: (() => void)[] = [];
  let scheduled = false;
  const pump = () => {
    scheduled = false;
    for (const job of jobs.splice(0, perTurn)) job();
    if (jobs.length > 0) {
      scheduled = true;
      setImmediate(pump);
    }
  };
  return (job) => {
    jobs.push(job);
    if (!scheduled) {
      scheduled = true;
      setImmediate(pump);
    }
  };
}

type AgentClient = Client & { footfall?: AgentIdentity; footfallLogin?: { username: string; hash: string | undefined } };
/** Publishes that no subscriber may see: a forged topic is acknowledged (like Mosquitto does) and dropped. */
const DROPPED = "$footfall/dropped";

/**
 * The embedded Aedes broker. Agents' event batches are ingested inside `authorizePublish`,
 * which Aedes runs before it sends PUBACK: the agent is acknowledged only once its events
 * are committed to SQLite.
 */
export async function startEmbeddedBroker(o: EmbeddedBrokerOptions): Promise<MqttTransport & { port: number }> {
  const warn = rateLimitedWarn(o.log);
  // While the database does not answer, every agent's login (and its retry every few seconds) is refused with "server
  // unavailable": said once when it starts and once when logins are checked again, with how many and how long, not a line each.
  const loginsDown = new RepeatedFailure({
    log: o.log,
    start: (err) =>
      `MQTT logins are refused with "server unavailable" as the agents' logins cannot be read (${err}): agents retry by themselves and are let in ` +
      "once the database answers; their events wait on them meanwhile. Said once, and once when logins are checked again (counted in footfall_mqtt_logins_refused_total{reason=\"unavailable\"})",
    keysField: "agents",
    end: (e) => `MQTT logins are checked again: ${e.failures} refused with "server unavailable" over ${e.seconds} s (${e.keys} agent${e.keys === 1 ? "" : "s"}), each let in at its next try`,
  });
  const admit = fairQueue(LOGINS_PER_TURN);
  const clients = () => (broker as unknown as { clients: Record<string, AgentClient | undefined> }).clients;
  const broker = await Aedes.createBroker({
    // Agents use `${store}-${agent}` as client id (up to 129 characters); MQTT 3.1.1's 23 is too short.
    maxClientsIdLength: 256,
    authenticate(client: AgentClient, username, password, done) {
      const refuse = (returnCode: 2 | 3 | 4, reason: LoginRefusal, message: string) => {
        o.onRefused?.(reason);
        if (reason === "unavailable") loginsDown.fail(message.replace(/^login check failed: /, ""), { clientId: client.id, username, returnCode }, username);
        else warn(`mqtt-refused/${username}/${returnCode}`, { clientId: client.id, username, returnCode }, `MQTT connection refused: ${message}`);
        done(Object.assign(new Error(message), { returnCode }), false);
      };
      if (!username || !password) return refuse(4, "no_credentials", "no user name or password (agents log in with the credentials of `footfall agent add`)");
      admit(() => void o.login(username, password.toString("utf8"), client.id).then(
        (outcome) => {
          // The database answered this login's look-ups (a wrong password too): a spell of logins that could not be checked is over.
          if (outcome.ok || outcome.reason !== "unavailable") loginsDown.ok();
          if (!outcome.ok) return refuse(outcome.returnCode, outcome.reason, outcome.message);
          const who = outcome.who;
          // A client id in use by another agent's connection is not taken over (Aedes would close the owner's).
          const holder = clients()[client.id]?.footfall;
          if (holder && (holder.store !== who.store || holder.agent !== who.agent)) {
            return refuse(2, "client_id", `client id "${client.id}" is in use by agent ${holder.store}/${holder.agent}; agent ${who.store}/${who.agent} must connect as "${who.store}-${who.agent}"`);
          }
          client.footfall = who;
          client.footfallLogin = { username, hash: outcome.hash };
          if (client.conn instanceof GuardedSocket) client.conn.meter.authenticated = true;
          done(null, true);
        },
        (err: Error) => refuse(3, "unavailable", `login check failed: ${err.message}`),
      ));
    },
    authorizePublish(client: AgentClient | null, packet, callback) {
      if (!client) return callback(null); // the server's own publishes
      const who = client.footfall!;
      const drop = () => {
        packet.topic = DROPPED;
        packet.retain = false;
        callback(null);
      };
      // Nothing an agent sends may throw out of this hook: Aedes would not catch it and the process would end.
      try {
        const kind = agentPublication(who.store, who.agent, packet.topic); // its own events, status and audits only
        if (!kind) {
          o.handlers.reject(who.store, who.agent, "forbidden_topic", `publish to "${packet.topic.slice(0, 200)}" refused: an agent may publish only to ${topics.events(who.store, who.agent)}, ${topics.status(who.store, who.agent)} and ${topics.audits(who.store, who.agent)}`);
          return drop();
        }
        if (kind === "status") {
          // A status (or the will, published here too) that breaks the bounds is counted and neither stored nor retained.
          const status = decodeStatus(packet.payload as Buffer);
          void o.handlers.status(who.store, who.agent, status, true); // the agent's own publish: live
          return status.ok ? callback(null) : drop();
        }
        if (kind === "audits") {
          // Stored before the agent's PUBACK; a copy sent again is kept once (by id). Never retained.
          packet.retain = false;
          const audit = decodeAudit(packet.payload as Buffer);
          void Promise.resolve()
            .then(() => o.handlers.audit(who.store, who.agent, audit))
            .catch(() => undefined)
            .then(() => (audit.ok ? callback(null) : drop()));
          return;
        }
        packet.retain = false;
        o.handlers.events({ store: who.store, agent: who.agent, payload: packet.payload as Buffer, done: (err) => callback(err ?? null) });
      } catch (err) {
        o.handlers.reject(who.store, who.agent, "internal_error", `message on "${packet.topic.slice(0, 200)}" dropped: ${(err as Error).message}`);
        drop();
      }
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
  // Every socket goes through the packet size guard before Aedes buffers anything.
  const limits = o.limits ?? PACKET_LIMITS;
  const server: Server = createServer({ noDelay: true, highWaterMark: 1 << 20 }, (socket) => {
    socket.on("error", () => {}); // a reset by the peer; the guard and Aedes close the connection
    const conn = new GuardedSocket(socket, limits, (why, c) => {
      const who = (c as unknown as { client?: AgentClient }).client?.footfall;
      if (who) o.handlers.reject(who.store, who.agent, "oversized", `connection closed: ${why}`);
      else warn(`mqtt-oversized/${socket.remoteAddress ?? "?"}`, { remoteAddress: socket.remoteAddress, why }, `MQTT connection closed before authentication: ${why}`);
    });
    broker.handle(conn);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.host ?? "0.0.0.0", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : o.port;
  o.log.info({ port, host: o.host ?? "0.0.0.0" }, "embedded MQTT broker listening");
  /** Set by `close`: a receipt that cannot go out then is expected ({@link publishReceipt} says so once). */
  let closing = false;
  let toldClosed = false;
  let checking = false;
  // Read every second while agents are connected: a database that does not answer is said once, not each second.
  const loginsUnread = new RepeatedFailure({
    log: o.log,
    start: (err) => `could not read the agents' logins to close the connections of revoked agents (${err}); trying again every second, said once more when it reads them`,
    end: (e) => `the agents' logins are read again after ${e.seconds} s (${e.failures} failed read${e.failures === 1 ? "" : "s"})`,
  });
  const checkLogins = async (read: NonNullable<EmbeddedBrokerOptions["loginsInForce"]>) => {
    const connected = Object.values(clients()).filter((c): c is AgentClient & Required<Pick<AgentClient, "footfall" | "footfallLogin">> => !!c?.footfall && !!c.footfallLogin);
    if (closing || checking || connected.length === 0) return;
    checking = true;
    try {
      const inForce = new Map((await read()).map((e) => [e.username, e.hash]));
      loginsUnread.ok();
      for (const c of connected) {
        const hash = inForce.get(c.footfallLogin.username);
        if (hash !== undefined && (c.footfallLogin.hash === undefined || hash === c.footfallLogin.hash)) continue;
        const { store, agent } = c.footfall;
        o.log.info(
          { store, agent, username: c.footfallLogin.username, revoked: hash === undefined },
          hash === undefined
            ? `agent ${store}/${agent} was revoked while connected: its MQTT connection is closed, and its login is refused from now on`
            : `agent ${store}/${agent} was given a new password while connected: its connection with the old one is closed`,
        );
        c.close();
      }
    } catch (err) {
      loginsUnread.fail((err as Error).message);
    } finally {
      checking = false;
    }
  };
  const loginsTimer = o.loginsInForce ? setInterval(() => void checkLogins(o.loginsInForce!), AGENT_LOGINS_CHECK_MS) : null;
  loginsTimer?.unref();
  return {
    kind: "embedded",
    disconnectAgent: (store: string, agent: string) => {
      let n = 0;
      for (const c of Object.values(clients())) {
        if (c?.footfall?.store === store && c.footfall.agent === agent) {
          c.close();
          n++;
        }
      }
      return n;
    },
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
          if (!err) return;
          // Stopping: the commits of what was queued go on after the broker closed, and none of their receipts can go out.
          // Said once, not once a message (a demo's Ctrl-C printed over a hundred warnings): expected, and nothing is lost.
          if (closing) {
            if (!toldClosed) o.log.info("the broker is closed as the server stops: receipts of the events still being committed are not sent; their agents send them again at their next connection and the server counts each once");
            toldClosed = true;
            return;
          }
          o.log.warn({ store, agent, err: err.message }, "could not publish a receipt; the agent will send those events again");
        });
      }
    },
    publishRetained: (topic, payload) =>
      new Promise<void>((resolve, reject) =>
        broker.publish({ cmd: "publish", topic, payload: Buffer.from(payload), qos: 1, retain: true, dup: false }, (err) => (err ? reject(err) : resolve())),
      ),
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        if (loginsTimer) clearInterval(loginsTimer);
        for (const c of Object.values((broker as unknown as { clients: Record<string, Client> }).clients)) c.conn.destroy();
        broker.close(() => server.close(() => resolve()));
      }),
  };
}

import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { isLoginRefusedCode, redactUrl } from "@footfall/core";
import { errorMessage, type Logger } from "./log.js";

/** How to reach the broker and come back to it. */
export interface ConnectionOptions {
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  clientId: string;
  keepaliveS: number;
  connectTimeoutMs: number;
  /** First reconnection delay; doubled after each failed attempt up to `reconnectMaxMs`. */
  reconnectMinMs: number;
  reconnectMaxMs: number;
  /** The retained last will (topic and payload), rebuilt before each attempt so its `ts` is fresh. */
  will: () => { topic: string; payload: string };
  log: Logger;
  /** Randomness for jitter (injectable). */
  random?: () => number;
}

/** The delay before reconnection attempt `attempt` (1-based): doubling from `min` to `max`, with ±20% jitter. */
export function backoffDelay(attempt: number, min: number, max: number, random: () => number = Math.random): number {
  const base = Math.min(max, min * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

const CERT_CODES = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/** What to do about a failed connection attempt, for the log line that reports it. */
export function connectionHint(err: unknown, url: string): string {
  const code = (err as { code?: unknown }).code;
  const message = err instanceof Error ? err.message : String(err);
  const tls = /^(mqtts|wss|tls|ssl):/i.test(url);
  if (typeof code === "string" && CERT_CODES.has(code)) {
    return "this machine does not trust the broker's TLS certificate (or its name or dates do not match): give the CA that signed it with NODE_EXTRA_CA_CERTS=/path/ca.pem, or fix mqtt.url's host name";
  }
  if (tls && (/secure TLS connection|wrong version number/i.test(message) || code === "EPROTO" || (typeof code === "string" && code.startsWith("ERR_SSL")))) {
    return "the broker does not speak TLS on this port: use its TLS port (often 8883) with mqtts://, or mqtt:// on its plain port (1883)";
  }
  if (!tls && code === "ECONNRESET") return "the broker closed the connection at once: if this port expects TLS (often 8883), use mqtts://";
  return hint(err);
}

function hint(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if (isLoginRefusedCode(code)) {
    // The login may come from the environment, which wins over the config file: name both, or an operator who set the
    // variables reads a config file that does not hold the login that failed.
    return "check mqtt.username and mqtt.password, or FOOTFALL_MQTT_USERNAME and FOOTFALL_MQTT_PASSWORD, which win over them: use the credentials printed by `footfall agent add` for this store and agent";
  }
  if (code === 2 || code === 133) return "the broker rejected the client id: it may limit client id length (Aedes: maxClientsIdLength)";
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EHOSTUNREACH" || code === "ETIMEDOUT") return "is the broker running, and is mqtt.url right (or FOOTFALL_MQTT_URL, which wins over it)?";
  return "will retry";
}

/**
 * Open an mqtt.js connection for an agent: persistent session (`clean: false`) so in-flight QoS 1
 * publishes are re-sent from mqtt.js's store after a reconnect, a retained QoS 1 last will,
 * exponential backoff between attempts (mqtt.js reconnects at `options.reconnectPeriod`, which is
 * raised before each attempt and reset on connect), and Nagle off on every new socket.
 */
export function openConnection(opts: ConnectionOptions): MqttClient {
  const random = opts.random ?? Math.random;
  const willOf = (): NonNullable<IClientOptions["will"]> => ({ ...opts.will(), qos: 1, retain: true });
  const client = mqtt.connect(opts.url, {
    clientId: opts.clientId,
    clean: false,
    protocolVersion: 4,
    ...(opts.username !== undefined ? { username: opts.username } : {}),
    ...(opts.password !== undefined ? { password: opts.password } : {}),
    keepalive: opts.keepaliveS,
    connectTimeout: opts.connectTimeoutMs,
    reconnectPeriod: opts.reconnectMinMs,
    reconnectOnConnackError: true,
    resubscribe: false, // the agent subscribes on each connect without a resumed session
    queueQoSZero: false,
    will: willOf(),
  });
  let attempt = 0;
  let lastError = "";
  client.on("reconnect", () => {
    attempt++;
    // mqtt.js arms its next retry with options.reconnectPeriod when this attempt fails.
    client.options.reconnectPeriod = backoffDelay(attempt + 1, opts.reconnectMinMs, opts.reconnectMaxMs, random);
    client.options.will = willOf();
    opts.log.debug({ attempt }, "reconnecting");
  });
  client.on("connect", () => {
    attempt = 0;
    lastError = "";
    client.options.reconnectPeriod = opts.reconnectMinMs;
    const socket = client.stream as unknown as { setNoDelay?: (noDelay: boolean) => unknown };
    if (typeof socket.setNoDelay === "function") socket.setNoDelay(true);
  });
  client.on("error", (err) => {
    const message = errorMessage(err);
    // The agent is stopping (end() called): a write the closing socket refuses ("write after end") is
    // no broker failure and nothing will be retried; its outbox keeps whatever was not acknowledged.
    if (client.disconnecting || client.disconnected) {
      opts.log.debug({ err: message }, "broker connection closed while stopping");
      return;
    }
    // The same failure on every attempt is logged once, then again only when it changes.
    if (message === lastError) return;
    lastError = message;
    opts.log.warn({ url: redactUrl(opts.url), retryInMs: client.options.reconnectPeriod }, `broker connection failed: ${message}; ${connectionHint(err, redactUrl(opts.url))}`);
  });
  return client;
}

import { createHash, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import mqtt from "mqtt";
import { redactUrl } from "@footfall/core";
import { errorMessage, type Logger } from "../../log.js";

/** A running input; `close` releases it. */
export interface FeedInput {
  close(): Promise<void>;
  /** The HTTP port (port 0 in tests). */
  port?: number;
}

/**
 * Messages of a gateway feed over MQTT: `onMessage(text, topic)` per message. Resolves once
 * connected and subscribed; rejects when the gateways' broker does not let it in within
 * `connectTimeoutMs` (a wrong url, a refused login), so that the source fails and is restarted, and
 * the server shows it ("input stalled: source restarting") instead of an agent that looks well and
 * hears nothing. Once running, a broker away for `downFailMs` is reported through `onError`, likewise.
 */
export async function startMqttFeed(opts: {
  url: string;
  topic: string;
  username?: string | undefined;
  password?: string | undefined;
  clientId: string;
  onMessage: (text: string, topic: string) => void;
  /** The broker has been away for `downFailMs` (the source fails and is restarted). */
  onError: (err: Error) => void;
  connectTimeoutMs?: number;
  downFailMs?: number;
  log: Logger;
}): Promise<FeedInput> {
  const connectTimeoutMs = opts.connectTimeoutMs ?? 10_000;
  const downFailMs = opts.downFailMs ?? 60_000;
  const where = `the gateways' broker ${redactUrl(opts.url)} (settings.mqtt)`;
  const client = mqtt.connect(opts.url, {
    clientId: opts.clientId,
    clean: true,
    reconnectPeriod: 2000,
    connectTimeout: connectTimeoutMs,
    ...(opts.username !== undefined ? { username: opts.username } : {}),
    ...(opts.password !== undefined ? { password: opts.password } : {}),
  });
  let lastError = "";
  let downSince: number | null = null;
  let connected = false;
  client.on("error", (err) => {
    if (errorMessage(err) === lastError) return;
    lastError = errorMessage(err);
    // Before the first connection the start's own error says it, with what to check.
    if (connected) opts.log.warn({ url: redactUrl(opts.url) }, `gateway broker: ${lastError}; retrying`);
  });
  client.on("close", () => (downSince ??= Date.now()));
  client.on("connect", () => {
    connected = true;
    lastError = "";
    downSince = null;
    opts.log.info(`reading gateway sightings on ${redactUrl(opts.url)} ${opts.topic}`);
    client.subscribe(opts.topic, { qos: 0 }, (err) => {
      if (err) opts.log.error(`cannot subscribe to ${opts.topic}: ${errorMessage(err)}`);
    });
  });
  client.on("message", (topic, payload) => opts.onMessage(payload.toString("utf8"), topic));
  try {
    await new Promise<void>((resolve, reject) => {
      const done = (err?: Error): void => {
        clearTimeout(timer);
        client.off("connect", ok);
        client.off("error", done);
        if (err) reject(err);
        else resolve();
      };
      const ok = (): void => done();
      const timer = setTimeout(() => done(new Error(`no connection in ${connectTimeoutMs} ms`)), connectTimeoutMs);
      client.on("connect", ok);
      client.on("error", done);
    });
  } catch (err) {
    await client.endAsync(true).catch(() => {});
    const login = /not authori[sz]ed|bad user ?name or password/i.test(errorMessage(err));
    throw new Error(
      `cannot read sightings from ${where}: ${errorMessage(err)}; ${login ? "check settings.mqtt.username and password (the gateways' broker's login, not Footfall's)" : "is that broker running, and are settings.mqtt.url's host and port right?"}`,
      { cause: err },
    );
  }
  let failed = false;
  const watchdog = setInterval(() => {
    if (failed || downSince === null || Date.now() - downSince < downFailMs) return;
    failed = true;
    opts.onError(new Error(`${where} has been away for ${Math.round((Date.now() - downSince) / 1000)} s${lastError ? ` (${lastError})` : ""}: no sightings meanwhile`));
  }, Math.min(1000, downFailMs));
  return {
    close: () => {
      clearInterval(watchdog);
      return client.endAsync(true).then(() => undefined);
    },
  };
}

const digest = (s: string) => createHash("sha256").update(s).digest();

/** Messages of a gateway feed over HTTP POST: 204 when taken, 401 without the secret, 400 when `onMessage` says why not. */
export async function startHttpFeed(opts: {
  host: string;
  port: number;
  path: string;
  secret?: string | undefined;
  maxBodyBytes: number;
  /** Returns an error message for a 400, or null when the message was taken. */
  onMessage: (text: string) => string | null;
  log: Logger;
}): Promise<FeedInput> {
  const expected = opts.secret ? digest(opts.secret) : null;
  if (!expected) opts.log.warn("the HTTP sightings feed has no secret: anyone who reaches it may post sightings");
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://gateway");
    const reply = (status: number, error?: string) => {
      if (!error) return void res.writeHead(status).end();
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ error }));
    };
    if (url.pathname !== opts.path) return reply(404, `POST sightings to ${opts.path}`);
    if (req.method !== "POST" && req.method !== "PUT") return reply(405, "use POST");
    if (expected) {
      const auth = req.headers.authorization;
      const given = auth?.startsWith("Bearer ") ? auth.slice(7) : ((req.headers["x-footfall-secret"] as string | undefined) ?? url.searchParams.get("secret") ?? "");
      if (!timingSafeEqual(digest(given), expected)) return reply(401, "wrong or missing secret");
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= opts.maxBodyBytes) chunks.push(c);
    });
    req.on("end", () => {
      if (size > opts.maxBodyBytes) return reply(413, `body larger than ${opts.maxBodyBytes} bytes`);
      const error = opts.onMessage(Buffer.concat(chunks).toString("utf8"));
      reply(error ? 400 : 204, error ?? undefined);
    });
    req.on("error", () => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) => reject(new Error(`cannot listen on ${opts.host}:${opts.port}: ${err.code ?? err.message}`)));
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  opts.log.info(`listening for gateway sightings on http://${opts.host}:${port}${opts.path}`);
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The part of `@abandonware/noble` used here (typed locally: the package is optional). */
interface NobleLike {
  state: string;
  on(event: "stateChange", cb: (state: string) => void): unknown;
  on(event: "discover", cb: (p: { id: string; address?: string; rssi: number; advertisement?: { manufacturerData?: Buffer } }) => void): unknown;
  startScanningAsync(uuids: string[], allowDuplicates: boolean): Promise<void>;
  stopScanningAsync(): Promise<void>;
  removeAllListeners(event?: string): unknown;
}

/** An iBeacon's id (uuid-major-minor) from Apple manufacturer data, or null. */
export function iBeaconId(data: Buffer | undefined): string | null {
  if (!data || data.length < 25 || data.readUInt16LE(0) !== 0x004c || data[2] !== 0x02 || data[3] !== 0x15) return null;
  const uuid = data.subarray(4, 20).toString("hex");
  return `${uuid}-${data.readUInt16BE(20)}-${data.readUInt16BE(22)}`;
}

/** Load the optional `@abandonware/noble`, or fail with what to do. */
export async function loadNoble(): Promise<NobleLike> {
  const name = "@abandonware/noble";
  try {
    const mod = (await import(name)) as { default?: NobleLike } & NobleLike;
    return mod.default ?? mod;
  } catch (err) {
    throw new Error(
      `the local BLE scanner needs the optional package @abandonware/noble and a Bluetooth adapter (${errorMessage(err)}); ` +
        "install it with `npm install -w edge @abandonware/noble` on a machine with Bluetooth, or use a gateway feed (mqtt or http)",
      { cause: err },
    );
  }
}

/** Scan with this machine's adapter; every advertisement becomes `onSighting(beaconId, rssi)`. */
export async function startNobleScanner(opts: { onSighting: (beacon: string, rssi: number) => void; onError: (err: Error) => void; log: Logger }): Promise<FeedInput> {
  const noble = await loadNoble();
  const scan = async (): Promise<void> => {
    await noble.startScanningAsync([], true);
    opts.log.info("scanning for BLE advertisements with the local adapter");
  };
  noble.on("discover", (p) => {
    const id = iBeaconId(p.advertisement?.manufacturerData) ?? (p.address && p.address !== "unknown" ? p.address : p.id);
    opts.onSighting(id, p.rssi);
  });
  noble.on("stateChange", (state) => {
    if (state === "poweredOn") scan().catch((err: unknown) => opts.onError(new Error(`BLE scan failed: ${errorMessage(err)}`)));
    else opts.onError(new Error(`the Bluetooth adapter is ${state}`));
  });
  if (noble.state === "poweredOn") await scan();
  return {
    close: async () => {
      noble.removeAllListeners("discover");
      noble.removeAllListeners("stateChange");
      await noble.stopScanningAsync().catch(() => {});
    },
  };
}

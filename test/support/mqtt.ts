import { spawn } from "node:child_process";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { requireTool } from "./tools.js";

export interface BrokerLogin {
  /** mqtt://host:port */
  url: string;
  username: string;
  password: string;
}

function hostPort(url: string): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 1883) };
}

export interface MosquittoPubOptions extends BrokerLogin {
  topic: string;
  qos?: 0 | 1 | 2;
  /** One message per element (each must be a single line: JSON is). */
  messages?: readonly string[];
  /** Publish the whole content of this file as one message (for payloads too big for argv). */
  file?: string;
  clientId?: string;
  /** Publish with the retain flag. */
  retain?: boolean;
  timeoutMs?: number;
}

/**
 * Publishes with Debian's `mosquitto_pub`, a client we did not write: several messages go through
 * one connection (`-l`, one per line of stdin), in order, each acknowledged before it exits.
 * Resolves with its exit code and output; rejects only when it cannot run.
 */
export function mosquittoPub(o: MosquittoPubOptions): Promise<{ code: number; output: string }> {
  const bin = requireTool("mosquitto_pub");
  const { host, port } = hostPort(o.url);
  const args = ["-h", host, "-p", String(port), "-u", o.username, "-P", o.password, "-t", o.topic, "-q", String(o.qos ?? 1), "-V", "mqttv311"];
  if (o.clientId) args.push("-i", o.clientId);
  if (o.retain) args.push("-r");
  if (o.file) args.push("-f", o.file);
  else {
    for (const m of o.messages ?? []) if (m.includes("\n")) throw new Error("mosquitto_pub -l sends one message per line: a message may not hold a newline");
    args.push("-l");
  }
  return new Promise((resolve, reject) => {
    const p = spawn(bin, args, { stdio: [o.file ? "ignore" : "pipe", "pipe", "pipe"] });
    let output = "";
    p.stdout?.on("data", (c: Buffer) => (output += c.toString()));
    p.stderr?.on("data", (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => p.kill("SIGKILL"), o.timeoutMs ?? 20_000);
    p.once("error", (err) => (clearTimeout(timer), reject(err)));
    p.once("exit", (code) => (clearTimeout(timer), resolve({ code: code ?? -1, output })));
    if (!o.file) {
      p.stdin!.end((o.messages ?? []).map((m) => `${m}\n`).join(""));
    }
  });
}

/** Like {@link mosquittoPub} but fails unless mosquitto_pub exits 0. */
export async function mosquittoPubOk(o: MosquittoPubOptions): Promise<void> {
  const r = await mosquittoPub(o);
  if (r.code !== 0) throw new Error(`mosquitto_pub to ${o.topic} exited ${r.code}: ${r.output}`);
}

/** An mqtt.js client, connected (TCP_NODELAY on, as agents should). */
export async function connectMqtt(login: BrokerLogin, opts: IClientOptions = {}): Promise<MqttClient> {
  const client = mqtt.connect(login.url, {
    username: login.username,
    password: login.password,
    protocolVersion: 4,
    reconnectPeriod: 200,
    connectTimeout: 5000,
    ...opts,
  });
  client.on("connect", () => (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true));
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => {
      client.end(true);
      reject(err);
    };
    client.once("error", onError);
    client.once("connect", () => {
      client.off("error", onError);
      resolve();
    });
  });
  client.on("error", () => {}); // reconnects report errors; tests look at acknowledgements instead
  return client;
}

/** Publishes each message at `qos` and resolves when every one is acknowledged. */
export function publishAll(client: MqttClient, topic: string, messages: readonly string[], qos: 0 | 1 = 1): Promise<void> {
  return Promise.all(messages.map((m) => client.publishAsync(topic, m, { qos }))).then(() => undefined);
}

import { readFileSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import { Type, type Static } from "@sinclair/typebox";
import { AGENT_KINDS, ID_PATTERN, LIMITS, type AgentKind } from "@footfall/core";
import { LOG_LEVELS } from "./log.js";
import { checkValue } from "./schema.js";

const Int = (min: number, max: number, def: number, description: string) => Type.Integer({ minimum: min, maximum: max, default: def, description });

/** The broker connection. */
export const MqttConfigSchema = Type.Object(
  {
    url: Type.String({ default: "mqtt://localhost:1883", description: "broker URL: mqtt://, mqtts://, ws:// or wss:// (env FOOTFALL_MQTT_URL)" }),
    username: Type.Optional(Type.String({ minLength: 1, description: "from `footfall agent add` (env FOOTFALL_MQTT_USERNAME)" })),
    password: Type.Optional(Type.String({ minLength: 1, description: "from `footfall agent add` (env FOOTFALL_MQTT_PASSWORD)" })),
    keepaliveS: Int(5, 3600, 30, "MQTT keepalive in seconds"),
    connectTimeoutMs: Int(1000, 120_000, 10_000, "give up one connection attempt after this long"),
    reconnectMinMs: Int(50, 600_000, 1000, "first reconnection delay, doubled after each failure"),
    reconnectMaxMs: Int(100, 600_000, 30_000, "longest reconnection delay"),
  },
  { additionalProperties: false, default: {} },
);

/** How events are grouped into batch messages. */
export const BatchConfigSchema = Type.Object(
  {
    flushAtEvents: Int(1, LIMITS.maxEventsPerBatch, 100, "send as soon as this many events are waiting"),
    flushEveryMs: Int(10, 60_000, 250, "send whatever is waiting at least this often"),
    maxEvents: Int(1, LIMITS.maxEventsPerBatch, LIMITS.maxEventsPerBatch, "most events in one message"),
    maxBytes: Int(1024, LIMITS.maxBatchBytes, LIMITS.maxBatchBytes, "most bytes in one message"),
    maxInflight: Int(1, 1000, 8, "batches sent and not yet acknowledged by the broker, at most"),
    maxUnsettled: Int(1, 10_000_000, 20_000, "events sent and not yet settled by a receipt, at most (never less than one message); while receipts lag, the rest waits in the outbox"),
  },
  { additionalProperties: false, default: {} },
);

/** One agent's configuration file, apart from its source's `settings`. */
export const AgentConfigSchema = Type.Object(
  {
    $comment: Type.Optional(Type.String({ description: "free text, ignored" })),
    kind: Type.Optional(Type.Union(AGENT_KINDS.map((k) => Type.Literal(k)), { description: "must match the command line when given" })),
    store: Type.String({ pattern: ID_PATTERN, description: "store id (env FOOTFALL_STORE)" }),
    agent: Type.String({ pattern: ID_PATTERN, description: "this agent's id, as given to `footfall agent add` (env FOOTFALL_AGENT)" }),
    mqtt: MqttConfigSchema,
    batch: BatchConfigSchema,
    dataDir: Type.Optional(
      Type.String({ minLength: 1, description: "folder for the agent's state: the durable outbox and the sources' state files (env FOOTFALL_EDGE_DATA_DIR)" }),
    ),
    outbox: Type.Object(
      {
        path: Type.Optional(
          Type.String({ minLength: 1, description: "SQLite file of the durable outbox (default: <dataDir>/<agent>.outbox.sqlite when dataDir is set; without either, events wait in memory)" }),
        ),
        maxEvents: Int(1000, 100_000_000, 1_000_000, "events held while the broker is unreachable; when full the durable outbox drops the oldest (counted as outboxDropped), the in-memory one refuses new ones"),
      },
      { additionalProperties: false, default: {} },
    ),
    receipts: Type.Union([Type.Literal("auto"), Type.Literal("on"), Type.Literal("off")], {
      default: "auto",
      description:
        'what removes an event from the outbox (env FOOTFALL_RECEIPTS): "auto" the server\'s receipt, or the broker\'s PUBACK when the retained layout shows a server older than v1.1 (logged once); "on" receipts only, never PUBACK; "off" the broker\'s PUBACK (a broker crash can lose acknowledged events)',
    }),
    receiptTimeoutMs: Int(100, 3_600_000, 30_000, "with events unsettled and no receipt for this long while connected, send them all again (at least: after progress the timeout follows the receipts' delay)"),
    receiptTimeoutMaxMs: Int(100, 3_600_000, 300_000, "the receipt timeout doubles after each resend up to this; progress sets it back to what the receipts' delay asks for"),
    statusEveryS: Int(1, 3600, 30, "publish the online status with metrics this often"),
    summaryEveryS: Int(1, 86_400, 60, "log a one-line summary of what was sent this often"),
    shutdownTimeoutMs: Int(0, 120_000, 5000, "on SIGTERM, wait this long in all for the broker: the queued events acknowledged, the offline status, the disconnect (each of the last two keeps up to 1 s)"),
    logLevel: Type.Union(LOG_LEVELS.map((l) => Type.Literal(l)), { default: "info", description: "env FOOTFALL_LOG_LEVEL" }),
    settings: Type.Unknown({ default: {}, description: "the source's settings (see `footfall-edge <kind> --help`)" }),
  },
  { additionalProperties: false },
);

/** A validated agent configuration with defaults filled; `settings` is the source's, typed by the caller. */
export type AgentConfig<S = unknown> = Omit<Static<typeof AgentConfigSchema>, "settings" | "kind"> & { kind: AgentKind; settings: S };

/** Environment variables that override the file (empty ones are ignored). */
export const ENV_OVERRIDES = {
  FOOTFALL_MQTT_URL: ["mqtt", "url"],
  FOOTFALL_MQTT_USERNAME: ["mqtt", "username"],
  FOOTFALL_MQTT_PASSWORD: ["mqtt", "password"],
  FOOTFALL_STORE: ["store"],
  FOOTFALL_AGENT: ["agent"],
  FOOTFALL_LOG_LEVEL: ["logLevel"],
  FOOTFALL_EDGE_DATA_DIR: ["dataDir"],
  FOOTFALL_OUTBOX_PATH: ["outbox", "path"],
  FOOTFALL_RECEIPTS: ["receipts"],
} as const;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** Apply {@link ENV_OVERRIDES} to a parsed config file (returns a new object). */
export function applyEnv(raw: Json, env: Record<string, string | undefined>): Json {
  const out: Json = { ...raw };
  for (const [name, path] of Object.entries(ENV_OVERRIDES)) {
    const value = env[name];
    if (value === undefined || value === "") continue;
    if (path.length === 1) out[path[0]] = value;
    else {
      const section = isObject(out[path[0]]) ? { ...(out[path[0]] as Json) } : {};
      section[path[1]] = value;
      out[path[0]] = section;
    }
  }
  return out;
}

const BROKER_PROTOCOLS = new Set(["mqtt:", "mqtts:", "tcp:", "tls:", "ssl:", "ws:", "wss:"]);

/** Checks the schema cannot express: the URL, credentials in pairs, backoff bounds in order. */
function crossChecks(config: Static<typeof AgentConfigSchema>, kind: AgentKind): string[] {
  const problems: string[] = [];
  // A kind that is not one is reported by the schema; naming a command for it would send the user to one that does not exist.
  if (config.kind !== undefined && config.kind !== kind && (AGENT_KINDS as readonly string[]).includes(config.kind)) problems.push(`/kind: the file is for "${config.kind}" but the command runs "${kind}"; run \`footfall-edge ${config.kind}\` or fix "kind"`);
  const mqtt = config.mqtt;
  if (typeof mqtt?.url === "string") {
    let protocol = "";
    try {
      protocol = new URL(mqtt.url).protocol;
    } catch {
      /* reported below */
    }
    if (!BROKER_PROTOCOLS.has(protocol)) problems.push(`/mqtt/url: "${mqtt.url}" is not a broker URL; use e.g. mqtt://localhost:1883 or mqtts://broker.example.com:8883`);
  }
  if (mqtt && (mqtt.username === undefined) !== (mqtt.password === undefined)) {
    problems.push(`/mqtt/${mqtt.username === undefined ? "username" : "password"}: is required with the other; use both values printed by \`footfall agent add\``);
  }
  if (mqtt && mqtt.reconnectMinMs > mqtt.reconnectMaxMs) problems.push("/mqtt/reconnectMinMs: is larger than reconnectMaxMs");
  if (config.batch && config.batch.flushAtEvents > config.batch.maxEvents) problems.push("/batch/flushAtEvents: is larger than batch/maxEvents");
  if (config.receiptTimeoutMs > config.receiptTimeoutMaxMs) problems.push("/receiptTimeoutMs: is larger than receiptTimeoutMaxMs");
  return problems;
}

/** The durable outbox file a config asks for (`outbox.path`, else `<dataDir>/<agent>.outbox.sqlite`), or null for the in-memory one. */
export function outboxPath(config: Pick<AgentConfig, "agent" | "dataDir" | "outbox">): string | null {
  if (config.outbox.path) return config.outbox.path;
  if (config.dataDir) return join(config.dataDir, `${config.agent}.outbox.sqlite`);
  return null;
}

/** The outcome of reading a config: the config, or every problem found. */
export type ConfigResult<S> = { ok: true; config: AgentConfig<S> } | { ok: false; problems: string[] };

/**
 * Validate a parsed config for `kind`: env overrides, defaults, the agent schema, then the source's
 * settings through `checkSettings` (whose problems are prefixed with `/settings`). Every problem is
 * returned at once, so a user fixes them in one go.
 */
export function validateConfig<S>(
  raw: unknown,
  kind: AgentKind,
  env: Record<string, string | undefined>,
  checkSettings: (settings: unknown) => { value: S; problems: string[] },
): ConfigResult<S> {
  if (!isObject(raw)) return { ok: false, problems: ["/: the config must be a JSON object, e.g. {\"store\":\"demo\",\"agent\":\"sim-1\",\"mqtt\":{...},\"settings\":{...}}"] };
  const agent = checkValue(AgentConfigSchema, applyEnv(raw, env));
  const problems = [...agent.problems, ...crossChecks(agent.value, kind)];
  const settings = checkSettings(agent.value.settings);
  problems.push(...settings.problems.map((p) => (p.startsWith("/") ? `/settings${p}` : `/settings: ${p}`)));
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, config: { ...agent.value, kind, settings: settings.value } };
}

/**
 * Why the config file cannot be read, and what to do: a file the agent's user may not read (a service's config installed
 * root-only, 0600) is there, so "check the path" would send IT the wrong way.
 */
export function unreadableConfig(path: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "EACCES" || code === "EPERM") {
    let user = "this user";
    try {
      user = `user ${userInfo().username}`;
    } catch {
      /* no name for the uid: "this user" */
    }
    return `cannot read ${path} (${code}): ${user} may not read it; make it readable by the agent's user but not by everyone (it holds the agent's password), e.g. chgrp footfall-edge ${path} && chmod 0640 ${path}`;
  }
  if (code === "EISDIR") return `cannot read ${path} (EISDIR): it is a folder; give the agent's JSON config file`;
  return `cannot read ${path}${code ? ` (${code})` : ""}: check the --config path`;
}

/** Read and validate a JSON config file; unreadable or malformed files are problems too. */
export function loadConfig<S>(
  path: string,
  kind: AgentKind,
  env: Record<string, string | undefined>,
  checkSettings: (settings: unknown) => { value: S; problems: string[] },
): ConfigResult<S> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    return { ok: false, problems: [unreadableConfig(path, err)] };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, problems: [`${path} is not valid JSON: ${(err as Error).message}`] };
  }
  return validateConfig(raw, kind, env, checkSettings);
}

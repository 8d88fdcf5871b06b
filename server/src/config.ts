import { DEFAULT_CLOCK_WARN_MS, LIMITS, LOG_LEVELS } from "@footfall/core";
import { resolve } from "node:path";
import { publicUrlProblem } from "./digests/links.js";
import { parseUrl } from "./urls.js";

/** Server settings, from the environment with defaults that work for a demo. */
export interface ServerConfig {
  httpPort: number;
  httpHost: string;
  /** Port of the embedded broker (ignored with mqttUrl). */
  mqttPort: number;
  /** Address the embedded broker listens on (ignored with mqttUrl; default all addresses). */
  mqttHost?: string;
  /** An external broker; when set, none is embedded. */
  mqttUrl: string | null;
  mqttUsername: string | undefined;
  mqttPassword: string | undefined;
  dataDir: string;
  /**
   * PostgreSQL (`postgres://user:password@host:5432/footfall`) instead of SQLite in `dataDir`. With
   * an external broker too, servers on one database share the stores (shard leases, cluster/).
   */
  databaseUrl?: string | null;
  /** PostgreSQL: connections for HTTP requests' and live clients' reads, apart from the background reads (FOOTFALL_PG_HTTP_POOL, default 5; 0: shared). */
  pgHttpPool?: number;
  /**
   * PostgreSQL: the CPU nice value (1-19) of the backends that commit what this server ingests (FOOTFALL_PG_INGEST_NICE,
   * default 0: as the queries'), so that queries come first on a busy database machine, at the cost of commits that fall
   * behind when the CPU is short. Needs the database's `prioritize` extension; without it the server says so once.
   */
  pgIngestNice?: number;
  /** Shards of a chain (every server of one database must say the same; default 64). */
  shards?: number;
  /** This server's id in the chain (default: host name, pid and a random suffix). */
  serverId?: string;
  /**
   * A chain's server (PostgreSQL and an external broker): its ingest in a worker thread, apart from the thread that
   * answers HTTP and live push (`worker`, the default of FOOTFALL_CHAIN_INGEST), or both on one thread (`main`).
   * Left out: `main` (tests that start a server in their own process).
   */
  chainIngest?: "worker" | "main";
  /**
   * MiB of young generation for the chain's ingest worker thread (FOOTFALL_CHAIN_WORKER_YOUNG_MB, default 192, a
   * 64 MiB semi-space; 0: V8's own). Its group commits allocate a lot that dies young: with V8's default the
   * scavenges were a fifth of its CPU (BENCHMARKS, issue 12, session 12).
   */
  chainWorkerYoungMb?: number;
  visitTimeoutMs: number;
  maxAgeMs: number;
  /** Days after which a device's accuracy audit is due again (default 90). */
  auditDueDays?: number;
  /** An agent whose clock is off the server's by more than this is flagged in the Agents view (FOOTFALL_CLOCK_WARN_MS, default 30 s). */
  clockWarnMs?: number;
  /** Days raw events (and the visits and trips derived from them) are kept; 0: for ever (default 90). */
  retentionDays?: number;
  /** Days hour and day rollups are kept; 0: for ever (the default). */
  aggregateRetentionDays?: number;
  /** Days the audit log is kept (FOOTFALL_AUDIT_LOG_DAYS, default 400; 0: for ever). */
  auditLogDays?: number;
  /**
   * The Prometheus listener (`GET /metrics`): its port (0: any free one) and address, or null for
   * none. Left out (tests of the API alone): none.
   */
  metrics?: { port: number; host: string } | null;
}

/**
 * A setting the server cannot start with (a variable that is not a number in its range, not a URL of its kind,
 * not one of its words): one line naming the variable and what to write. The CLI exits 2 on it, not 1: a
 * start that fails the same way until someone edits the settings, which the systemd unit does not restart
 * (RestartPreventExitStatus=2, as the edge agent's).
 */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** FOOTFALL_CHAIN_WORKER_YOUNG_MB's default: three semi-spaces of 64 MiB (V8's young generation is three of them). */
export const DEFAULT_CHAIN_WORKER_YOUNG_MB = 192;

/** The integer in `env[name]`, or `fallback` when unset or empty; throws naming the variable and the range when it is not a whole number in [min, max]. */
export function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name}="${raw}" must be an integer between ${min} and ${max}`);
  return n;
}

/** pino's levels, which FOOTFALL_LOG_LEVEL may name (core's, shared with the edge agents). */
export { LOG_LEVELS };

/** FOOTFALL_LOG_LEVEL checked at start, so a typo is one line naming the variable and the levels, not the logger's own complaint. */
function logLevelFrom(env: NodeJS.ProcessEnv): void {
  const raw = env.FOOTFALL_LOG_LEVEL;
  if (raw === undefined || raw === "" || (LOG_LEVELS as readonly string[]).includes(raw)) return;
  throw new ConfigError(`FOOTFALL_LOG_LEVEL="${raw}" must be one of ${LOG_LEVELS.join(", ")} (info when unset)`);
}

/** The protocols of a broker URL that the MQTT client connects with. */
const BROKER_PROTOCOLS = new Set(["mqtt:", "mqtts:", "tcp:", "tls:", "ssl:", "ws:", "wss:"]);

/** FOOTFALL_MQTT_URL, or null (the embedded broker); a value that is not a broker URL is refused with an example, as the edge agent does. */
function mqttUrlFrom(env: NodeJS.ProcessEnv): string | null {
  const raw = env.FOOTFALL_MQTT_URL;
  if (!raw) return null;
  if (!BROKER_PROTOCOLS.has(parseUrl(raw)?.protocol ?? ""))
    throw new ConfigError(`FOOTFALL_MQTT_URL="${raw}" is not a broker URL: write e.g. mqtt://mosquitto:1883 or mqtts://broker.example.com:8883 (unset: the embedded broker)`);
  return raw;
}

/**
 * FOOTFALL_DATABASE_URL, or null (SQLite in the data folder); one that is not a postgres:// URL is refused at once, with
 * the password hidden, as the pool would refuse it (a database that does not answer is no setting to fix: exit 1, restarted).
 */
function databaseUrlFrom(env: NodeJS.ProcessEnv): string | null {
  const raw = env.FOOTFALL_DATABASE_URL;
  if (!raw) return null;
  if (!/^postgres(ql)?:\/\//.test(raw))
    throw new ConfigError(`FOOTFALL_DATABASE_URL must be a postgres:// URL (postgres://user:password@host:5432/footfall), not "${raw.replace(/:[^:@/]*@/, ":***@")}"`);
  return raw;
}

/** FOOTFALL_CHAIN_INGEST: `worker` (default) or `main`, else a start that says what to write. */
function chainIngestFrom(env: NodeJS.ProcessEnv): "worker" | "main" {
  const raw = env.FOOTFALL_CHAIN_INGEST;
  if (raw === undefined || raw === "") return "worker";
  if (raw === "worker" || raw === "main") return raw;
  throw new ConfigError(
    `FOOTFALL_CHAIN_INGEST="${raw}" must be "worker" (a chain server ingests in a worker thread, the default) or "main" (ingest and HTTP on one thread)`,
  );
}

/** The switches other modules read as "anything but off is on": a value other than on or off (false, 0, no) would leave them on unseen. */
const ON_OFF = ["FOOTFALL_MQTT_PUBLISH", "FOOTFALL_HA_DISCOVERY", "FOOTFALL_OVERVIEW_WARM"] as const;

/**
 * Home Assistant's discovery prefix (FOOTFALL_HA_DISCOVERY_PREFIX, `homeassistant` when unset or
 * empty): the start of the topics the server publishes discovery configs on, and of the ACL line
 * `footfall broker-config` writes for them. A wildcard or a NUL in it is refused: a broker cuts the
 * link of a client that publishes to a topic holding one, so the server's ingest went down with it.
 */
export function haDiscoveryPrefix(env: NodeJS.ProcessEnv): string {
  const raw = env.FOOTFALL_HA_DISCOVERY_PREFIX;
  if (raw === undefined || raw === "") return "homeassistant";
  // eslint-disable-next-line no-control-regex -- NUL is what MQTT forbids in a topic
  if (/[+#\u0000]/.test(raw))
    throw new ConfigError(
      `FOOTFALL_HA_DISCOVERY_PREFIX=${JSON.stringify(raw)} holds an MQTT wildcard (+ or #) or a NUL: it starts the topics the server publishes Home Assistant's configs on, and a broker disconnects a client publishing to such a topic. Give the discovery prefix set in Home Assistant's MQTT options (homeassistant when unset)`,
    );
  return raw;
}

/**
 * Settings other modules read from the environment themselves (the digests' scheduler and mail, the retained MQTT topics, the
 * overview's read-ahead), checked at start so that a typo stops it with one line instead of a default taken silently.
 */
function checkOtherSettings(env: NodeJS.ProcessEnv): void {
  for (const name of ON_OFF) {
    const raw = env[name];
    if (raw !== undefined && raw !== "" && raw !== "on" && raw !== "off") throw new ConfigError(`${name}="${raw}" must be "on" or "off" (on when unset)`);
  }
  haDiscoveryPrefix(env);
  intFrom(env, "FOOTFALL_DIGEST_CHECK_MS", 60_000, 1_000, 86_400_000);
  intFrom(env, "FOOTFALL_DIGEST_ATTEMPTS", 6, 1, 20);
  const publicUrl = publicUrlProblem(env);
  if (publicUrl) throw new ConfigError(publicUrl);
  const smtp = env.FOOTFALL_SMTP_URL;
  if (smtp) {
    const protocol = parseUrl(smtp)?.protocol;
    if (protocol !== "smtp:" && protocol !== "smtps:")
      throw new ConfigError(`FOOTFALL_SMTP_URL is not an smtp:// or smtps:// URL: write e.g. smtp://user:password@mail.example.com:587 (smtps:// for TLS on connect), or unset it (no digests)`);
  }
}

/** Settings only a chain's server reads: one on PostgreSQL (FOOTFALL_DATABASE_URL) with an external broker (FOOTFALL_MQTT_URL). */
export const CHAIN_ONLY_SETTINGS = [
  "FOOTFALL_SHARDS",
  "FOOTFALL_SERVER_ID",
  "FOOTFALL_CHAIN_INGEST",
  "FOOTFALL_CHAIN_WORKER_YOUNG_MB",
  "FOOTFALL_CHAIN_WORKER_TURN_MS",
  "FOOTFALL_CHAIN_INFLIGHT_MB",
  "FOOTFALL_CHAIN_INFLIGHT_MESSAGES",
  "FOOTFALL_CHAIN_STALL_S",
] as const;
/** Settings only a server on PostgreSQL reads. */
export const POSTGRES_ONLY_SETTINGS = ["FOOTFALL_PG_HTTP_POOL", "FOOTFALL_PG_INGEST_NICE", "FOOTFALL_PG_TURN_MS"] as const;

/**
 * The settings set in `env` that this server does not read (a chain's on a server alone, PostgreSQL's on SQLite), and one line
 * that names them and says what they need: said once at start, so that IT does not take a setting for one that works. Null: none.
 */
export function ignoredSettings(env: NodeJS.ProcessEnv, config: Pick<ServerConfig, "databaseUrl" | "mqttUrl" | "dataDir">): { variables: string[]; message: string } | null {
  const set = (names: readonly string[]) => names.filter((n) => env[n] !== undefined && env[n] !== "");
  const chain = config.databaseUrl && config.mqttUrl ? [] : set(CHAIN_ONLY_SETTINGS);
  const pg = config.databaseUrl ? [] : set(POSTGRES_ONLY_SETTINGS);
  if (chain.length === 0 && pg.length === 0) return null;
  const storage = config.databaseUrl ? "PostgreSQL" : `SQLite in ${config.dataDir}`;
  const broker = config.mqttUrl ? "an external broker" : "the embedded broker";
  const parts = [
    ...(chain.length ? [`${chain.join(", ")} ${chain.length === 1 ? "applies" : "apply"} only to a chain's server (FOOTFALL_DATABASE_URL and FOOTFALL_MQTT_URL both set)`] : []),
    ...(pg.length ? [`${pg.join(", ")} ${pg.length === 1 ? "applies" : "apply"} only with PostgreSQL (FOOTFALL_DATABASE_URL)`] : []),
  ];
  return { variables: [...chain, ...pg], message: `${parts.join("; ")}: this server (${storage}, ${broker}) ignores ${chain.length + pg.length === 1 ? "it" : "them"}` };
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  logLevelFrom(env);
  checkOtherSettings(env);
  return {
    httpPort: intFrom(env, "FOOTFALL_HTTP_PORT", 8080, 0, 65535),
    httpHost: env.FOOTFALL_HTTP_HOST || "0.0.0.0",
    mqttPort: intFrom(env, "FOOTFALL_MQTT_PORT", 1883, 0, 65535),
    mqttHost: env.FOOTFALL_MQTT_HOST || "0.0.0.0",
    mqttUrl: mqttUrlFrom(env),
    mqttUsername: env.FOOTFALL_MQTT_USERNAME || undefined,
    mqttPassword: env.FOOTFALL_MQTT_PASSWORD || undefined,
    dataDir: resolve(env.FOOTFALL_DATA_DIR || "./data"),
    databaseUrl: databaseUrlFrom(env),
    shards: intFrom(env, "FOOTFALL_SHARDS", 64, 1, 4096),
    pgHttpPool: intFrom(env, "FOOTFALL_PG_HTTP_POOL", 5, 0, 100),
    pgIngestNice: intFrom(env, "FOOTFALL_PG_INGEST_NICE", 0, 0, 19),
    ...(env.FOOTFALL_SERVER_ID ? { serverId: env.FOOTFALL_SERVER_ID } : {}),
    chainIngest: chainIngestFrom(env),
    chainWorkerYoungMb: intFrom(env, "FOOTFALL_CHAIN_WORKER_YOUNG_MB", DEFAULT_CHAIN_WORKER_YOUNG_MB, 0, 4096),
    visitTimeoutMs: intFrom(env, "FOOTFALL_VISIT_TIMEOUT_MS", LIMITS.defaultVisitTimeoutMs, 1000),
    maxAgeMs: intFrom(env, "FOOTFALL_MAX_EVENT_AGE_MS", LIMITS.defaultMaxAgeMs, 60_000),
    auditDueDays: intFrom(env, "FOOTFALL_AUDIT_DUE_DAYS", 90, 1, 3650),
    clockWarnMs: intFrom(env, "FOOTFALL_CLOCK_WARN_MS", DEFAULT_CLOCK_WARN_MS, 1_000, 86_400_000),
    retentionDays: intFrom(env, "FOOTFALL_RETENTION_DAYS", 90, 0, 36_500),
    aggregateRetentionDays: intFrom(env, "FOOTFALL_AGGREGATE_RETENTION_DAYS", 0, 0, 36_500),
    auditLogDays: intFrom(env, "FOOTFALL_AUDIT_LOG_DAYS", 400, 0, 36_500),
    metrics: /^(off|none|false|no)$/i.test(env.FOOTFALL_METRICS_PORT ?? "")
      ? null
      : { port: intFrom(env, "FOOTFALL_METRICS_PORT", 9464, 0, 65535), host: env.FOOTFALL_METRICS_HOST || "127.0.0.1" },
  };
}

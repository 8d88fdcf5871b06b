/**
 * What a server says of its link to an MQTT broker while the broker is away. mqtt.js tries again
 * every second and reports each failed attempt (an "error" event and a "reconnect" event): logged as
 * they came, a Mosquitto away for 5 min wrote some 600 lines for one server, and a chain server's
 * shard sessions one more line a second each. Said once an outage instead: the first failure, with
 * the network's or the broker's answer; a different answer (a refused password once the broker is
 * back); the link back, with how long it was away. Every repeat goes to debug.
 *
 * Many links that fail together (a chain server's shard sessions) say it in one line: see
 * {@link GatheredLog}.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";
/** What of a logger (pino's) these need: a line at each level, with fields. */
export type LineLog = Record<LogLevel, (fields: Record<string, unknown>, msg: string) => void>;
export type Say = (level: LogLevel, fields: Record<string, unknown>, msg: string) => void;

export interface LinkWords {
  /** A failed attempt's answer (ECONNREFUSED, not authorized...): what to check. */
  error: string;
  /**
   * The same, when a link that was up cannot reach the broker (refused, reset, timed out: it restarts or stopped):
   * the URL and credentials worked a moment ago, so `error`'s advice to check them misleads. Default `error`.
   */
  away?: string;
  /** The first attempt again of an outage. */
  reconnecting: string;
  /** The link back after an outage. */
  again: string;
  /** The level of `error` (default "error"). */
  errorLevel?: LogLevel;
}

/** The words of a server's own client of the broker (FOOTFALL_MQTT_URL). */
export const BROKER_WORDS: LinkWords = {
  error: "MQTT error: check FOOTFALL_MQTT_URL and the server's broker credentials",
  away: "the MQTT broker does not answer (restarting or stopped?): the server tries again every second and says once when it is back; if it lasts, check the broker (systemctl status mosquitto, its log)",
  reconnecting: "reconnecting to the MQTT broker (it tries every second until it is back)",
  again: "connected to the MQTT broker again",
};

/** Socket errors that say the broker is not there (now), rather than that the URL or credentials are wrong. */
const BROKER_AWAY_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EPIPE"]);

export class BrokerLinkLog {
  /** Since when the link has been down (ms); null while up or before its first connection. */
  private downSince: number | null = null;
  private lastError: string | null = null;
  private failures = 0;
  private reconnectingSaid = false;
  private up = false;

  constructor(
    private readonly say: Say,
    private readonly words: LinkWords,
    private readonly now: () => number = Date.now,
  ) {}

  /** The connection closed (mqtt.js's "close"): an outage starts, unless one is on already. */
  lost(): void {
    if (!this.up) return;
    this.up = false;
    this.downSince = this.now();
  }

  /** An attempt failed: said when it is the outage's first answer or a new one, else at debug. */
  error(err: Error): void {
    this.failures++;
    const level: LogLevel = err.message === this.lastError ? "debug" : (this.words.errorLevel ?? "error");
    this.lastError = err.message;
    const code = (err as { code?: unknown }).code;
    const away = this.downSince !== null && typeof code === "string" && BROKER_AWAY_CODES.has(code);
    this.say(level, { err: err.message }, away ? (this.words.away ?? this.words.error) : this.words.error);
  }

  /** mqtt.js tries again: said once an outage. */
  reconnecting(): void {
    this.say(this.reconnectingSaid ? "debug" : "warn", {}, this.words.reconnecting);
    this.reconnectingSaid = true;
  }

  /**
   * Connected: after an outage, says so with how long the link was away and the attempts that
   * failed, and returns true; false at the first connection.
   */
  connected(): boolean {
    const since = this.downSince;
    this.up = true;
    this.downSince = null;
    this.lastError = null;
    this.reconnectingSaid = false;
    const failed = this.failures;
    this.failures = 0;
    if (since === null) return false;
    this.say("info", { awayS: Math.round((this.now() - since) / 1000), failedAttempts: failed }, this.words.again);
    return true;
  }
}

/**
 * Lines many sources say at about the same time, one per source (each of a chain server's shard
 * sessions losing the broker), gathered for `windowMs` into one line naming the sources: the same
 * level, message and `err` make one line with `[key]: [ids...]` and the first source's other fields.
 * Debug lines are not gathered.
 */
export class GatheredLog {
  private readonly pending = new Map<string, { level: LogLevel; msg: string; fields: Record<string, unknown>; ids: Set<number> }>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly log: LineLog,
    private readonly key: string,
    private readonly windowMs = 1000,
  ) {}

  /** The `say` of the source `id`. */
  sayFor(id: number): Say {
    return (level, fields, msg) => this.add(id, level, fields, msg);
  }

  add(id: number, level: LogLevel, fields: Record<string, unknown>, msg: string): void {
    if (level === "debug") return this.log.debug({ [this.key]: [id], ...fields }, msg);
    const k = `${level}\u0000${msg}\u0000${String(fields.err ?? "")}`;
    const line = this.pending.get(k);
    if (line) line.ids.add(id);
    else this.pending.set(k, { level, msg, fields, ids: new Set([id]) });
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), this.windowMs);
    this.timer.unref?.();
  }

  /** Says what is gathered now (the window's end, or closing). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const { level, msg, fields, ids } of this.pending.values()) this.log[level]({ [this.key]: [...ids].sort((a, b) => a - b), ...fields }, msg);
    this.pending.clear();
  }
}

/** A logger's lines as a {@link Say}, with `fields` added to each. */
export const sayTo =
  (log: LineLog, fields: Record<string, unknown> = {}): Say =>
  (level, f, msg) =>
    log[level]({ ...fields, ...f }, msg);

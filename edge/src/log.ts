import { errorMessage, LOG_LEVELS, type LogLevel } from "@footfall/core";

/** The levels the agent's logger takes: the server's (pino's), so that one FOOTFALL_LOG_LEVEL serves both. */
export { LOG_LEVELS, type LogLevel };
/** The message of anything thrown (core's, shared with the UI). */
export { errorMessage };
/** The levels the agent writes lines at. */
type LineLevel = "debug" | "info" | "warn" | "error";
/**
 * Each level's rank: a line is written when its level's rank is at least the logger's. The agent writes no trace or
 * fatal lines: trace shows what debug shows, fatal the errors (the agent's gravest lines), silent nothing.
 */
const RANK: Record<LogLevel, number> = { trace: 0, debug: 0, info: 1, warn: 2, error: 3, fatal: 3, silent: 4 };

/**
 * One log call, in pino's argument order (the server's logger): `log.info("message")` or
 * `log.info({ key: value }, "message")`, fields first. The fields are appended as `key=value`.
 */
export interface LogFn {
  (message: string): void;
  (fields: LogFields, message: string): void;
}

/** One line per notable thing. */
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  /** A logger whose lines carry `[scope]`. */
  child(scope: string): Logger;
}
/** Extra facts of a log line. */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

function formatFields(fields: LogFields | undefined): string {
  if (!fields) return "";
  const parts: string[] = [];
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    const s = String(v);
    parts.push(`${k}=${/[\s"=]/.test(s) ? JSON.stringify(s) : s}`);
  }
  return parts.length ? " " + parts.join(" ") : "";
}

/**
 * A logger writing `2025-01-01T10:00:00.000Z INFO  [agent] message key=value` lines to `write`
 * (stderr by default, so that `--dry-run` keeps stdout for events).
 */
export function createLogger(opts: { level?: LogLevel; write?: (line: string) => void; scope?: string; now?: () => number } = {}): Logger {
  const min = RANK[opts.level ?? "info"];
  const write = opts.write ?? ((line: string) => process.stderr.write(line + "\n"));
  const now = opts.now ?? Date.now;
  const make = (scope: string | undefined): Logger => {
    const at =
      (level: LineLevel): LogFn =>
      (first: string | LogFields, message?: string): void => {
        if (RANK[level] < min) return;
        const [text, fields] = typeof first === "string" ? [first, undefined] : [message ?? "", first];
        const tag = scope ? ` [${scope}]` : "";
        write(`${new Date(now()).toISOString()} ${level.toUpperCase().padEnd(5)}${tag} ${text}${formatFields(fields)}`);
      };
    return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error"), child: (s) => make(scope ? `${scope}/${s}` : s) };
  };
  return make(opts.scope);
}

/** A logger that drops everything (tests). */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};

/** `log`'s lines at `level` and above only (an agent's own level on a shared logger, as the chain simulator runs them). */
export function levelFilter(log: Logger, level: LogLevel): Logger {
  const at = (l: LineLevel): LogFn => (RANK[l] >= RANK[level] ? log[l].bind(log) : () => {});
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error"), child: (scope) => levelFilter(log.child(scope), level) };
}

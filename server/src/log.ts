import { pino, type Logger as PinoLogger } from "pino";

export type Logger = PinoLogger;

/** One JSON logger for the process; `FOOTFALL_LOG_LEVEL` sets the level (info). */
export function createLogger(level = process.env.FOOTFALL_LOG_LEVEL ?? "info"): Logger {
  return pino({ level, base: { service: "footfall" } });
}

/**
 * Logs at most `perMinute` lines a minute per key, then one line saying how many were dropped,
 * so a misbehaving agent cannot flood the log.
 */
export function rateLimitedWarn(log: Logger, perMinute = 20, now: () => number = Date.now) {
  const windows = new Map<string, { start: number; n: number; dropped: number }>();
  return (key: string, fields: Record<string, unknown>, msg: string) => {
    const t = now();
    let w = windows.get(key);
    if (!w || t - w.start >= 60_000) {
      if (w && w.dropped > 0) log.warn({ key, dropped: w.dropped }, "similar warnings were dropped in the last minute");
      w = { start: t, n: 0, dropped: 0 };
      windows.set(key, w);
    }
    if (w.n < perMinute) {
      w.n++;
      log.warn(fields, msg);
    } else w.dropped++;
  };
}

/** A URL as logs show it, its password as *** (core's, shared with the edge agents). */
export { redactUrl } from "@footfall/core";

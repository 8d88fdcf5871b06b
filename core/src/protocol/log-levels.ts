/**
 * The levels `FOOTFALL_LOG_LEVEL` may name, pino's (the server's logger), from chattiest to quietest. The server and the
 * edge agents take the same list, so that one setting shared by a deployment's services starts them all.
 */
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** An error Fastify turns into `{statusCode, error, message}`. */
export function httpError(statusCode: number, message: string): Error & { statusCode: number } {
  return Object.assign(new Error(message), { statusCode });
}

/** Epoch ms from an ISO 8601 string or a decimal epoch-ms string; 400 naming the field otherwise. */
export function parseTime(value: string | undefined, field: string, fallback?: number): number {
  if (value === undefined || value === "") {
    if (fallback !== undefined) return fallback;
    throw httpError(400, `querystring/${field} is required (ISO 8601 or epoch milliseconds)`);
  }
  if (/^\d{1,16}$/.test(value)) return Number(value);
  const ms = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) throw httpError(400, `querystring/${field} must be ISO 8601 (2026-11-22T09:00:00Z) or epoch milliseconds, got "${value}"`);
  return ms;
}

const MAX_RANGE_MS = 400 * 86_400_000;

/** `[from, to)` from the query; defaults to the last 24 hours. */
export function parseRange(q: { from?: string | undefined; to?: string | undefined }, now: number): { from: number; to: number } {
  const to = parseTime(q.to, "to", now);
  const from = parseTime(q.from, "from", to - 86_400_000);
  if (!(from < to)) throw httpError(400, "querystring/from must be before querystring/to");
  if (to - from > MAX_RANGE_MS) throw httpError(400, "querystring/from: a range may span at most 400 days");
  return { from, to };
}

/**
 * A route whose answer silently widens when a parameter is dropped refuses query keys it does not
 * take. Fastify (app.ts, Ajv's `removeAdditional`) leaves keys a schema does not name unread, so
 * `GET .../forecast?zoneId=bakery` (for `zone=`) answered the whole store's forecast as if asked for
 * it: the zone's figures in a zone's report, with nothing to say they were not. Such a route adds
 * `preValidation: refuseUnknownQuery` and gets a 400 naming the key and the ones it takes, worded as
 * the schema's own refusals (`querystring/<key> ...`, http-errors.ts).
 */
import type { FastifyRequest } from "fastify";
import { httpError } from "./http-errors.js";

/** The keys a route's querystring schema names (none when it has no querystring schema). */
function queryKeys(req: FastifyRequest): string[] {
  const schema = (req.routeOptions.schema as { querystring?: { properties?: Record<string, unknown> } } | undefined)?.querystring;
  return Object.keys(schema?.properties ?? {});
}

/** The 400 message for a query key the route does not take (a typo of one it does, mostly). */
export function unknownQueryMessage(key: string, known: readonly string[]): string {
  const shown = JSON.stringify(key.length > 64 ? `${key.slice(0, 64)}...` : key);
  return `querystring/${shown.slice(1, -1)} is not a parameter of this route: it takes ${known.length ? known.join(", ") : "none"} (a parameter it does not take would be left unread, and the answer not the one asked for)`;
}

/** A `preValidation` hook: 400 for the first query key the route's schema does not name. */
export async function refuseUnknownQuery(req: FastifyRequest): Promise<void> {
  const known = queryKeys(req);
  const key = Object.keys((req.query ?? {}) as Record<string, unknown>).find((k) => !known.includes(k));
  if (key !== undefined) throw httpError(400, unknownQueryMessage(key, known));
}

/**
 * A route whose answer silently widens when a parameter is dropped refuses query keys it does not
 * take. Fastify (app.ts, Ajv's `removeAdditional`) leaves keys a schema does not name unread, so
 * `GET .../forecast?zoneId=bakery` (for `zone=`) answered the whole store's forecast as if asked for
 * it: the zone's figures in a zone's report, with nothing to say they were not. Every route whose
 * schema declares a `querystring` gets `refuseUnknownQuery` from one `onRoute` hook (`refuseUnknownQueryOnRoute`,
 * added once in app.ts), so a new route cannot forget it, and answers a 400 naming the key and the ones it
 * takes, worded as the schema's own refusals (`querystring/<key> ...`, http-errors.ts). A route that must take
 * keys it does not name (one that forwards them) opts out with `config: { anyQuery: true }` and a comment
 * saying why; a route without a querystring schema ignores extra keys, as before.
 */
import type { FastifyRequest, RouteOptions } from "fastify";
import { httpError } from "./http-errors.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /**
     * The route takes query keys its querystring schema does not name (it forwards them on): unknown keys are
     * not refused. Say why beside it; the route-walking test (unknown-query-routes.test.ts) lists it too.
     */
    anyQuery?: boolean;
  }
}

type QuerySchema = { properties?: Record<string, unknown> };

/** The keys a route's querystring schema names (none when it has no querystring schema). */
function queryKeys(req: FastifyRequest): string[] {
  const schema = (req.routeOptions.schema as { querystring?: QuerySchema } | undefined)?.querystring;
  return Object.keys(schema?.properties ?? {});
}

/** The 400 message for a query key the route does not take (a typo of one it does, mostly). */
export function unknownQueryMessage(key: string, known: readonly string[]): string {
  const shown = JSON.stringify(key.length > 64 ? `${key.slice(0, 64)}...` : key);
  return `querystring/${shown.slice(1, -1)} is not a parameter of this route: it takes ${known.length ? known.join(", ") : "none"} (a parameter it does not take would be left unread, and the answer not the one asked for)`;
}

/** A `preValidation` hook: 400 for the first query key the route's schema does not name (routes get it from the hook below). */
export async function refuseUnknownQuery(req: FastifyRequest): Promise<void> {
  const known = queryKeys(req);
  const key = Object.keys((req.query ?? {}) as Record<string, unknown>).find((k) => !known.includes(k));
  if (key !== undefined) throw httpError(400, unknownQueryMessage(key, known));
}

/**
 * The `onRoute` hook that gives `refuseUnknownQuery` to every route whose schema declares a querystring (its
 * first preValidation, before the route's own), unless its config says `anyQuery`. A querystring schema that
 * names no properties (a union, a reference) would refuse every key, so it is a mistake said at start-up.
 */
export function refuseUnknownQueryOnRoute(route: RouteOptions): void {
  const query = (route.schema as { querystring?: QuerySchema } | undefined)?.querystring;
  if (query === undefined || route.config?.anyQuery) return;
  if (typeof query.properties !== "object" || query.properties === null)
    throw new Error(`${String(route.method)} ${route.url}: its querystring schema names no properties; declare them (Type.Object), or set config.anyQuery and say why`);
  const own = route.preValidation === undefined ? [] : Array.isArray(route.preValidation) ? route.preValidation : [route.preValidation];
  if (!own.includes(refuseUnknownQuery)) route.preValidation = [refuseUnknownQuery, ...own];
}

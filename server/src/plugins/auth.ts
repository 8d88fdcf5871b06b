import fp from "fastify-plugin";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { roleAllows, roleRefusalMessage } from "../auth/roles.js";
import type { Principal, Role, Storage } from "../storage/types.js";
import { httpError } from "../routes/http-errors.js";

/** Who may call a route: a grant (or one of several; admin holds all), or anyone. */
export type RouteAuth = Role | readonly Role[] | "public";

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /**
     * Who may call the route (checked in `onRequest`, before the body is read or validated).
     * Under `/api/v1` a route that does not say is for admins only.
     */
    auth?: RouteAuth;
  }
}

/** The bearer token from a header value, or null. */
export function bearerToken(header: string | undefined): string | null {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? "");
  return m ? m[1]! : null;
}

/**
 * Whether `p` may see `store`: every store, its one store, or the stores of its group (as resolved
 * by {@link withGroupStores} when the request was authenticated; unresolved: none).
 */
export function mayAccessStore(p: Principal, store: string): boolean {
  if (p.store !== null) return p.store === store;
  if (p.group !== null) return p.groupStores?.has(store) ?? false;
  return true;
}

/** The principal with its group's stores resolved (read at each authentication, so a change of members applies at once). */
export async function withGroupStores(p: Principal, storage: Pick<Storage, "groups">): Promise<Principal> {
  if (p.store !== null || p.group === null) return p;
  return { ...p, groupStores: new Set(await storage.groups.storesOf(p.group)) };
}

/** Whether `p` may see the group `group` as a whole: a token of every store, or one limited to that group. */
export function mayAccessGroup(p: Principal, group: string): boolean {
  return p.store === null && (p.group === null || p.group === group);
}

/** What a limited token is limited to, for error messages. */
export function scopeOf(p: Principal): string {
  return p.store !== null ? `store "${p.store}"` : p.group !== null ? `the stores of group "${p.group}"` : "every store";
}

const API_PREFIX = "/api/v1/";

/** What a route asks for: its `config.auth`, else admin under /api/v1 (fail closed) and public elsewhere. */
export function routeAuth(req: FastifyRequest): RouteAuth {
  const declared = req.routeOptions.config.auth;
  if (declared !== undefined) return declared;
  return (req.routeOptions.url ?? "").startsWith(API_PREFIX) ? "admin" : "public";
}

const when = (ms: number | undefined) => (ms === undefined ? "" : ` on ${new Date(ms).toISOString()}`);

/**
 * Bearer-token authentication as an `onRequest` hook: an anonymous or refused request gets 401
 * (or 403) before its body is read, parsed or validated. Each route states its role in
 * `config.auth`; a `:store` in the URL must be one the token may see.
 */
export const authPlugin = fp(
  async (app: FastifyInstance) => {
    const { services } = app;
    const { tokens } = app.storage;
    app.decorateRequest("principal", null);
    app.addHook("onRequest", async (req) => {
      const needed = routeAuth(req);
      if (needed === "public") return;
      const token = bearerToken(req.headers.authorization);
      if (!token) throw httpError(401, "missing bearer token: send `Authorization: Bearer <token>` (an admin creates one with `footfall token add --role viewer`)");
      const c = await tokens.check(token, services.now());
      if (!c.ok) {
        if (c.why === "unknown") throw httpError(401, "unknown or revoked token: create a new one with `footfall token add`");
        throw httpError(401, `this token was ${c.why}${when(c.at)}: ask an admin for a new one (\`footfall token add\`)`);
      }
      const principal = await withGroupStores(c.principal, app.storage);
      if (!roleAllows(principal.role, needed)) throw httpError(403, roleRefusalMessage(principal.role, needed));
      const store = (req.params as { store?: unknown } | undefined)?.store;
      if (typeof store === "string" && !mayAccessStore(principal, store)) throw httpError(403, `this token is limited to ${scopeOf(principal)}`);
      const group = (req.params as { group?: unknown } | undefined)?.group;
      if (typeof group === "string" && !mayAccessGroup(principal, group)) throw httpError(403, `this token is limited to ${scopeOf(principal)}`);
      req.principal = principal;
    });
  },
  { name: "footfall-auth", fastify: "5.x", dependencies: ["footfall-services"] },
);

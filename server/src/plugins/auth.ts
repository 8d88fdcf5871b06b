import fp from "fastify-plugin";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { roleAllows, type Principal, type Role } from "../db/repos/tokens.js";
import { httpError } from "../routes/http-errors.js";
import type { Services } from "../services.js";

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    /** A preHandler hook that requires one of `roles` (admin always passes) and, with a `:store` param, access to it. */
    requireRole(roles: Role | readonly Role[]): (req: FastifyRequest) => Promise<void>;
  }
}

/** The bearer token from a header value, or null. */
export function bearerToken(header: string | undefined): string | null {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? "");
  return m ? m[1]! : null;
}

/** Whether `p` may see `store`. */
export function mayAccessStore(p: Principal, store: string): boolean {
  return p.store === null || p.store === store;
}

/** Bearer-token authentication: resolves the principal once per request; routes state the role they need. */
export const authPlugin = fp(
  async (app: FastifyInstance, opts: { services: Services }) => {
    const { tokens } = opts.services.storage;
    app.decorateRequest("principal", null);
    app.decorate("requireRole", (roles: Role | readonly Role[]) => async (req: FastifyRequest) => {
      const token = bearerToken(req.headers.authorization);
      if (!token) throw httpError(401, "missing bearer token: send `Authorization: Bearer <token>` (create one with `footfall token add --role viewer`)");
      const principal = tokens.verify(token);
      if (!principal) throw httpError(401, "unknown or revoked token: create a new one with `footfall token add`");
      if (!roleAllows(principal.role, roles)) throw httpError(403, `this token's role "${principal.role}" may not do this (needs ${[roles].flat().join(" or ")})`);
      const store = (req.params as { store?: string } | undefined)?.store;
      if (store !== undefined && !mayAccessStore(principal, store)) throw httpError(403, `this token is limited to store "${principal.store}"`);
      req.principal = principal;
    });
  },
  { name: "footfall-auth" },
);

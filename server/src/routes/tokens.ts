import { Type } from "@sinclair/typebox";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyRequest } from "fastify";
import { ID_PATTERN, NameString } from "@footfall/core";
import { ROLES, type Role, type TokenInfo } from "../storage/types.js";
import { mayAccessStore, scopeOf } from "../plugins/auth.js";
import { isRole, unknownRoleMessage } from "../auth/roles.js";
import { audit } from "../admin/audit.js";
import { httpError } from "./http-errors.js";
import { readExpiry } from "./times.js";
import { errorResponses } from "./schemas.js";

const Nullable = <T extends ReturnType<typeof Type.Integer> | ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
export const TokenInfoBody = Type.Object({
  id: Type.String({ description: "public id: what `footfall token revoke` and DELETE take; never the token" }),
  role: Type.String(),
  store: Nullable(Type.String()),
  group: Nullable(Type.String({ description: "limited to the stores of this store group" })),
  label: Nullable(Type.String()),
  createdAt: Type.Integer(),
  expiresAt: Nullable(Type.Integer()),
  revokedAt: Nullable(Type.Integer()),
  lastUsedAt: Nullable(Type.Integer({ description: "to the minute" })),
  state: Type.String({ description: "active | expired | revoked" }),
});
const TokenInput = Type.Object({
  role: Type.Unsafe<Role>(Type.String({ enum: [...ROLES] })),
  store: Type.Optional(Type.String({ pattern: ID_PATTERN, description: "limit the token to one store" })),
  group: Type.Optional(Type.String({ pattern: ID_PATTERN, description: "limit the token to the stores of a store group (GET /api/v1/groups); not with store" })),
  label: Type.Optional(NameString({ maxLength: 200, description: "a note to recognise it by: one line of plain text (no control character, no bidirectional override)" })),
  expires: Type.Optional(Type.String({ maxLength: 40, description: "a duration (30m, 12h, 90d, 2w) or a time (2027-01-31); none by default" })),
});
const IdParams = Type.Object({ id: Type.String({ pattern: "^[0-9a-f]{12}$", description: "the token's public id" }) });

export const stateOf = (t: TokenInfo, now: number): "active" | "expired" | "revoked" =>
  t.revokedAt !== null ? "revoked" : t.expiresAt !== null && now >= t.expiresAt ? "expired" : "active";

/**
 * API tokens, for admins: list (never the tokens themselves), create, revoke. An admin limited to
 * one store sees and manages only that store's tokens, and may create tokens only for it.
 */
export const tokenRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { services } = app;
  const { tokens } = app.storage;
  const admin = { auth: "admin" } as const;
  const scope = (req: FastifyRequest) => req.principal!.store;
  /** Whether a limited admin may see or manage `t`: its store's tokens, or its group's and its group's stores'. */
  const manages = (req: FastifyRequest, t: { store: string | null; group: string | null }) => {
    const p = req.principal!;
    if (p.store !== null) return t.store === p.store;
    if (p.group !== null) return t.group === p.group || (t.store !== null && mayAccessStore(p, t.store));
    return true;
  };
  const shown = (t: TokenInfo) => ({ ...t, state: stateOf(t, services.now()) });

  app.get("/tokens", {
    config: admin,
    schema: { tags: ["auth"], summary: "Every token (id, role, store, label, created, expires, revoked, last used); never the token itself", response: { 200: Type.Object({ tokens: Type.Array(TokenInfoBody) }), ...errorResponses } },
    handler: async (req) => {
      return { tokens: (await tokens.list()).filter((t) => manages(req, t)).map(shown) };
    },
  });

  app.post("/tokens", {
    config: admin,
    schema: {
      tags: ["auth"],
      summary: "Create a token; the answer holds it once (only its hash is kept)",
      body: TokenInput,
      response: { 200: Type.Composite([Type.Object({ token: Type.String() }), TokenInfoBody]), ...errorResponses },
    },
    // Before the schema's "must be one of": a role that does not exist ("manager") says which one each job gets, as
    // `footfall token add --role manager` does; any other flaw of the body is the schema's to say.
    preValidation: async (req) => {
      const role: unknown = req.body !== null && typeof req.body === "object" && !Array.isArray(req.body) ? (req.body as { role?: unknown }).role : undefined;
      if (typeof role === "string" && !isRole(role)) throw httpError(400, `body/role: ${unknownRoleMessage(role, "api")}`);
    },
    handler: async (req) => {
      const limit = scope(req);
      const p = req.principal!;
      if (req.body.store !== undefined && req.body.group !== undefined) throw httpError(400, "body/group: give a store or a group, not both");
      const store = req.body.store ?? (req.body.group === undefined ? limit : null);
      // A token made by an admin limited to a group is limited to that group unless it names one of its stores.
      const group = store === null ? (req.body.group ?? p.group) : null;
      if (limit !== null && store !== limit) throw httpError(403, `this token is limited to store "${limit}": it may only create tokens for that store`);
      if (!manages(req, { store, group })) throw httpError(403, `this token is limited to ${scopeOf(p)}: it may only create tokens for that group or its stores`);
      if (group !== null && !(await app.storage.groups.get(group))) throw httpError(400, `body/group: no store group "${group}": GET /api/v1/groups lists them, POST /api/v1/groups creates one`);
      let expiresAt: number | null = null;
      if (req.body.expires !== undefined) {
        const e = readExpiry(req.body.expires, services.now());
        if (!e.ok) throw httpError(400, `body/expires ${e.error}`);
        expiresAt = e.ms;
      }
      const created = await tokens.create(req.body.role, store, services.now(), { label: req.body.label ?? null, expiresAt, group });
      await audit(req, "token.create", created.info.id, { ...created.info }, { store: created.info.store });
      return { token: created.token, ...shown(created.info) };
    },
  });

  app.patch("/tokens/:id", {
    config: admin,
    schema: {
      tags: ["auth"],
      summary: "Rename a token: a new label (null or blank: none); its role, store, expiry and the token itself stay",
      params: IdParams,
      body: Type.Object({ label: Type.Union([NameString({ maxLength: 200 }), Type.Null()], { description: "the new label, a note to recognise it by" }) }, { additionalProperties: false }),
      response: { 200: TokenInfoBody, ...errorResponses },
    },
    handler: async (req) => {
      const found = await tokens.get(req.params.id);
      if (!found || !manages(req, found)) throw httpError(404, `no token with id "${req.params.id}": GET /api/v1/tokens lists them`);
      const label = req.body.label?.trim() || null;
      const changed = await tokens.relabel(found.id, label);
      if (!changed) throw httpError(404, `no token with id "${req.params.id}": GET /api/v1/tokens lists them`);
      await audit(req, "token.label", found.id, { from: found.label, to: label }, { store: found.store });
      return shown(changed);
    },
  });

  app.delete("/tokens/:id", {
    config: admin,
    schema: { tags: ["auth"], summary: "Revoke a token at once (HTTP and live push)", params: IdParams, response: { 200: TokenInfoBody, ...errorResponses } },
    handler: async (req) => {
      const found = await tokens.get(req.params.id);
      if (!found || !manages(req, found)) throw httpError(404, `no token with id "${req.params.id}": GET /api/v1/tokens lists them`);
      const revoked = (await tokens.revoke(found.id, services.now()))!;
      await audit(req, "token.revoke", found.id, { role: found.role, label: found.label }, { store: found.store });
      return shown(revoked);
    },
  });
};

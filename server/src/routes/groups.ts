import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyRequest } from "fastify";
import { audit } from "../admin/audit.js";
import { mayAccessStore, scopeOf } from "../plugins/auth.js";
import type { StoreGroup } from "../storage/types.js";
import { GroupBody, GroupInput, GroupParams, GroupPatch, GroupsBody, StoreGroupsBody, StoreGroupsInput } from "./chain-schemas.js";
import { httpError } from "./http-errors.js";
import { StoreParams, errorResponses } from "./schemas.js";

/**
 * Store groups (regions, formats): every role lists them (a limited token sees the groups it has
 * stores in, with only those stores); admins of every store create, rename, delete them and set
 * their stores, or a store's groups.
 */
export const groupRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { storage, services } = app;
  const anyRole = { auth: ["viewer", "staff"] } as const;
  const admin = { auth: "admin" } as const;

  /** Admin changes to groups are for admins of every store: a limited admin could widen what others see. */
  const unlimited = (req: FastifyRequest) => {
    const p = req.principal!;
    if (p.store !== null || p.group !== null) throw httpError(403, `this token is limited to ${scopeOf(p)}: only an admin of every store changes store groups`);
  };
  const visible = (req: FastifyRequest, g: StoreGroup): StoreGroup => ({ ...g, stores: g.stores.filter((s) => mayAccessStore(req.principal!, s)) });
  const found = async (id: string) => {
    const g = await storage.groups.get(id);
    if (!g) throw httpError(404, `no store group "${id}": GET /api/v1/groups lists them`);
    return g;
  };
  const unknownStores = async (stores: readonly string[]) => {
    const known = new Set<string>((await storage.stores.list()).map((s) => s.id));
    const unknown = stores.filter((s) => !known.has(s));
    if (unknown.length) throw httpError(400, `body/stores: no store ${unknown.slice(0, 5).map((s) => `"${s}"`).join(", ")}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ""}: GET /api/v1/stores lists them`);
  };

  app.get("/groups", {
    config: anyRole,
    schema: { tags: ["groups"], summary: "Store groups with their stores (a limited token: the groups it has stores in, with only those)", response: { 200: GroupsBody, ...errorResponses } },
    handler: async (req) => {
      const p = req.principal!;
      const all = (await storage.groups.list()).map((g) => visible(req, g));
      return { groups: p.store === null && p.group === null ? all : all.filter((g) => g.id === p.group || g.stores.length > 0) };
    },
  });

  app.get("/groups/:group", {
    config: anyRole,
    schema: { tags: ["groups"], summary: "One store group with its stores", params: GroupParams, response: { 200: GroupBody, ...errorResponses } },
    handler: async (req) => visible(req, await found(req.params.group)),
  });

  /**
   * A group's name as it is shown (the Chain view's filter and totals, the digests' subject), without the
   * spaces around it; one of spaces only is refused (it read as an unnamed group, "Footfall daily digest:    , ...").
   */
  const groupName = (name: string) => {
    const trimmed = name.trim();
    if (!trimmed) throw httpError(400, 'body/name: the name is blank: give the group a name people will read in the Chain view and the digests (e.g. "North")');
    return trimmed;
  };

  app.post("/groups", {
    config: admin,
    schema: { tags: ["groups"], summary: "Create a store group (optionally with its stores)", body: GroupInput, response: { 200: GroupBody, ...errorResponses } },
    handler: async (req, reply) => {
      unlimited(req);
      const { id, kind = null, stores } = req.body;
      const name = groupName(req.body.name);
      if (stores) await unknownStores(stores);
      if (!(await storage.groups.create(id, name, kind, services.now()))) throw httpError(400, `body/id: a store group "${id}" exists already: PATCH /api/v1/groups/${id} changes it`);
      if (stores) await storage.groups.setStores(id, stores);
      await audit(req, "group.create", id, { name, kind, stores: stores ?? [] }, { store: null });
      reply.code(200);
      return found(id);
    },
  });

  app.patch("/groups/:group", {
    config: admin,
    schema: { tags: ["groups"], summary: "Rename a store group, change its kind, or replace its stores", params: GroupParams, body: GroupPatch, response: { 200: GroupBody, ...errorResponses } },
    handler: async (req) => {
      unlimited(req);
      const id = req.params.group;
      await found(id);
      const { stores, ...patch } = req.body;
      if (patch.name !== undefined) patch.name = groupName(patch.name);
      if (stores) await unknownStores(stores);
      if (patch.name !== undefined || patch.kind !== undefined) await storage.groups.update(id, patch);
      if (stores) await storage.groups.setStores(id, stores);
      await audit(req, "group.update", id, { ...patch, ...(stores ? { stores } : {}) }, { store: null });
      return found(id);
    },
  });

  app.delete("/groups/:group", {
    config: admin,
    schema: { tags: ["groups"], summary: "Delete a store group (its stores stay; tokens limited to it then see no store)", params: GroupParams, response: { 200: GroupBody, ...errorResponses } },
    handler: async (req) => {
      unlimited(req);
      const g = await found(req.params.group);
      await storage.groups.remove(g.id);
      await audit(req, "group.delete", g.id, { name: g.name, stores: g.stores }, { store: null });
      return g;
    },
  });

  app.get("/stores/:store/groups", {
    config: anyRole,
    schema: { tags: ["groups"], summary: "The groups a store is in", params: StoreParams, response: { 200: StoreGroupsBody, ...errorResponses } },
    handler: async (req) => ({ store: req.params.store, groups: await storage.groups.groupsOf(req.params.store) }),
  });

  app.put("/stores/:store/groups", {
    config: admin,
    schema: { tags: ["groups"], summary: "Set the groups a store is in (replaces them; an admin limited to the store may)", params: StoreParams, body: StoreGroupsInput, response: { 200: StoreGroupsBody, ...errorResponses } },
    handler: async (req) => {
      // A limited admin may set its own store's groups (the auth hook checked the store): it shares that store's figures only.
      const store = req.params.store;
      if (!(await storage.stores.get(store))) throw httpError(404, `store "${store}" not found: GET /api/v1/stores lists the stores`);
      const unknown = await storage.groups.setGroupsOf(store, req.body.groups);
      if (unknown.length) throw httpError(400, `body/groups: no store group ${unknown.map((g) => `"${g}"`).join(", ")}: POST /api/v1/groups creates one`);
      await audit(req, "store.groups", store, { groups: req.body.groups });
      return { store, groups: await storage.groups.groupsOf(store) };
    },
  });
};

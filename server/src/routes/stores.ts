import { Type } from "@sinclair/typebox";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { asId, LayoutInputSchema, LayoutSchema, layoutProblems, type Layout, type LayoutInput, type StoreId, type ZoneId } from "@footfall/core";
import { mayAccessStore } from "../plugins/auth.js";
import { audit } from "../admin/audit.js";
import { httpError } from "./http-errors.js";
import { LATEST_MS, parseTime } from "./times.js";
import { StoreParams, StoresBody, errorResponses } from "./schemas.js";

/** A layout as the response schema types it (the domain's polygons are read-only tuples). */
export const layoutBody = (l: Layout) => ({ ...l, zones: l.zones.map((z) => ({ ...z, polygon: z.polygon.map((p): [number, number] => [p[0], p[1]]) })) });

/**
 * Stores and their layouts. These routes do their own look-ups (a layout is saved before the
 * store exists; `?at=` picks a version), so they are not behind the store pre-handler.
 */
export const storeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { storage, layouts, services } = app;
  const anyRole = { auth: ["viewer", "staff"] } as const;

  app.get("/stores", {
    config: anyRole,
    schema: { tags: ["stores"], summary: "Stores this token may see, and how long raw events are kept", response: { 200: StoresBody, ...errorResponses } },
    handler: async (req) => {
      const since = services.retention?.rawSince() ?? Number.NEGATIVE_INFINITY;
      return {
        stores: (await storage.stores.list()).filter((s) => mayAccessStore(req.principal!, s.id)),
        retention: { rawDays: services.retention?.rawDays ?? 0, rawSince: Number.isFinite(since) ? Math.floor(since) : null },
      };
    },
  });

  const LayoutQuery = Type.Object({ at: Type.Optional(Type.String({ description: "the version in force at this time (ISO 8601 or epoch ms); default now" })) });
  app.get("/stores/:store/layout", {
    config: anyRole,
    schema: { tags: ["stores"], summary: "The store's layout in force now (or at `at`)", params: StoreParams, querystring: LayoutQuery, response: { 200: LayoutSchema, ...errorResponses } },
    handler: async (req) => {
      const at = parseTime(req.query.at, "at", services.now());
      await layouts.load(req.params.store);
      const layout = layouts.at(req.params.store, at);
      if (!layout) throw httpError(404, `store "${req.params.store}" has no layout: a merchandiser or admin saves one with PUT /api/v1/stores/${req.params.store}/layout`);
      return layoutBody(layout);
    },
  });

  app.get("/stores/:store/layouts", {
    config: anyRole,
    schema: {
      tags: ["stores"],
      summary: "Every layout version with the time it applies from",
      params: StoreParams,
      response: { 200: Type.Object({ layouts: Type.Array(Type.Object({ version: Type.Integer(), validFrom: Type.Integer() })) }), ...errorResponses },
    },
    handler: async (req) => {
      const versions = await storage.stores.versions(req.params.store);
      if (versions.length === 0) throw httpError(404, `store "${req.params.store}" has no layout: a merchandiser or admin saves one with PUT /api/v1/stores/${req.params.store}/layout`);
      return { layouts: versions };
    },
  });

  app.put("/stores/:store/layout", {
    config: { auth: "merchandiser" },
    bodyLimit: 4 * 1024 * 1024,
    schema: { tags: ["stores"], summary: "Save a new layout version (creates the store if new)", params: StoreParams, body: LayoutInputSchema, response: { 200: LayoutSchema, ...errorResponses } },
    handler: async (req) => {
      const store = asId<StoreId>(req.params.store, "store id");
      if (req.body.store !== undefined && req.body.store !== store) throw httpError(400, `body/store "${req.body.store}" differs from the URL's store "${store}"`);
      // The schema checked every zone id's pattern; here they become the domain's ids.
      const input: LayoutInput = { ...req.body, zones: req.body.zones.map((z) => ({ ...z, id: asId<ZoneId>(z.id, "zone id") })) };
      // 0 is "since always" (a store's first layout); later than 2099 is a mistake (and breaks date formatting).
      if (!Number.isSafeInteger(input.validFrom) || input.validFrom >= LATEST_MS)
        throw httpError(400, `body/validFrom ${input.validFrom} is out of range: epoch milliseconds before 2100-01-01 (0: since always)`);
      const problems = layoutProblems(input);
      if (problems.length) throw httpError(400, `body${problems.join("; body")}`);
      const layout = await storage.stores.saveLayout(store, input, services.now());
      await layouts.reload(store);
      await services.onLayoutSaved(layout);
      await audit(req, "layout.save", store, { version: layout.version, validFrom: layout.validFrom, zones: layout.zones.length });
      return layoutBody(layout);
    },
  });

  const VersionParams = Type.Object({ store: StoreParams.properties.store, version: Type.Integer({ minimum: 1, description: "layout version" }) });
  app.delete("/stores/:store/layouts/:version", {
    config: { auth: "merchandiser" },
    schema: {
      tags: ["stores"],
      summary: "Cancel a layout version saved for later, before it takes effect (its number is not given again)",
      params: VersionParams,
      response: { 200: Type.Object({ version: Type.Integer(), validFrom: Type.Integer(), cancelled: Type.Literal(true) }), ...errorResponses },
    },
    handler: async (req) => {
      const { store, version } = req.params;
      const at = (ms: number) => new Date(ms).toISOString();
      // An experiment that names the version (its change is the version's validFrom) would lose its change: it goes first.
      const experiments = await storage.experiments.list<{ id: string; name: string; testStores: string[]; layoutVersion: number | null }>();
      const using = experiments.find((e) => e.testStores[0] === store && e.layoutVersion === version);
      if (using)
        throw httpError(409, `layout version ${version} of store "${store}" is the change of experiment "${using.name}" (${using.id}): delete the experiment first, or keep the version`);
      const res = await storage.stores.cancelLayout(store, version, services.now());
      if (res.outcome === "unknown") throw httpError(404, `store "${store}" has no layout version ${version}`);
      if (res.outcome !== "cancelled")
        throw httpError(
          409,
          `layout version ${version} of store "${store}" ${res.outcome === "in force" ? `is in force since ${at(res.validFrom)}` : `took effect on ${at(res.validFrom)} and was replaced since`}: only a version saved for later can be cancelled before it takes effect (history is kept); save a new version to change the layout`,
        );
      await layouts.reload(store);
      // As after a save: the agents keep the version in force, the schedule (and a chain's other servers) forget the cancelled one.
      const inForce = layouts.current(store, services.now());
      if (inForce) await services.onLayoutSaved(inForce);
      await audit(req, "layout.cancel", store, { version, validFrom: res.validFrom });
      return { version, validFrom: res.validFrom, cancelled: true as const };
    },
  });
};

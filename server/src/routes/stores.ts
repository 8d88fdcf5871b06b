import { Type, type Static } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { LayoutInputSchema, LayoutSchema, layoutProblems, type LayoutInput, type StoreId } from "@footfall/core";
import { mayAccessStore } from "../plugins/auth.js";
import type { Services } from "../services.js";
import { httpError } from "./http-errors.js";
import { LATEST_MS, parseTime } from "./times.js";
import { StoreParams, errorResponses } from "./schemas.js";

/** Stores and their layouts. */
export async function storeRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { storage, layouts } = services;
  const anyRole = { auth: ["viewer", "staff"] } as const;

  app.get("/stores", {
    config: anyRole,
    schema: { tags: ["stores"], summary: "Stores this token may see", response: { 200: Type.Object({ stores: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })) }), ...errorResponses } },
    handler: async (req) => ({ stores: (await storage.stores.list()).filter((s) => mayAccessStore(req.principal!, s.id)) }),
  });

  const LayoutQuery = Type.Object({ at: Type.Optional(Type.String({ description: "the version in force at this time (ISO 8601 or epoch ms); default now" })) });
  app.get<{ Params: Static<typeof StoreParams>; Querystring: Static<typeof LayoutQuery> }>("/stores/:store/layout", {
    config: anyRole,
    schema: { tags: ["stores"], summary: "The store's layout in force now (or at `at`)", params: StoreParams, querystring: LayoutQuery, response: { 200: LayoutSchema, ...errorResponses } },
    handler: async (req) => {
      const at = parseTime(req.query.at, "at", services.now());
      await layouts.load(req.params.store);
      const layout = layouts.at(req.params.store, at);
      if (!layout) throw httpError(404, `store "${req.params.store}" has no layout: an admin saves one with PUT /api/v1/stores/${req.params.store}/layout`);
      return layout;
    },
  });

  app.get<{ Params: Static<typeof StoreParams> }>("/stores/:store/layouts", {
    config: anyRole,
    schema: {
      tags: ["stores"],
      summary: "Every layout version with the time it applies from",
      params: StoreParams,
      response: { 200: Type.Object({ layouts: Type.Array(Type.Object({ version: Type.Integer(), validFrom: Type.Integer() })) }), ...errorResponses },
    },
    handler: async (req) => {
      const versions = await storage.stores.versions(req.params.store);
      if (versions.length === 0) throw httpError(404, `store "${req.params.store}" has no layout: an admin saves one with PUT /api/v1/stores/${req.params.store}/layout`);
      return { layouts: versions };
    },
  });

  app.put<{ Params: Static<typeof StoreParams>; Body: Static<typeof LayoutInputSchema> }>("/stores/:store/layout", {
    config: { auth: "merchandiser" },
    bodyLimit: 4 * 1024 * 1024,
    schema: { tags: ["stores"], summary: "Save a new layout version (creates the store if new)", params: StoreParams, body: LayoutInputSchema, response: { 200: LayoutSchema, ...errorResponses } },
    handler: async (req) => {
      const store = req.params.store as StoreId;
      if (req.body.store !== undefined && req.body.store !== store) throw httpError(400, `body/store "${req.body.store}" differs from the URL's store "${store}"`);
      const input = req.body as unknown as LayoutInput;
      // 0 is "since always" (a store's first layout); later than 2099 is a mistake (and breaks date formatting).
      if (!Number.isSafeInteger(input.validFrom) || input.validFrom >= LATEST_MS)
        throw httpError(400, `body/validFrom ${input.validFrom} is out of range: epoch milliseconds before 2100-01-01 (0: since always)`);
      const problems = layoutProblems(input);
      if (problems.length) throw httpError(400, `body${problems.join("; body")}`);
      const layout = await storage.stores.saveLayout(store, input, services.now());
      await layouts.reload(store);
      await services.onLayoutSaved(layout);
      return layout;
    },
  });
}

/**
 * The one pre-handler of the `/stores/:store/...` routes that need a known store: it resolves the
 * store (its layouts loaded, the one in force now; 404 for a store without a layout) and, for a
 * route whose config says `range: true`, parses `from` and `to` into the range (400 naming the field).
 */
import fp from "fastify-plugin";
import type { FastifyRequest } from "fastify";
import type { Layout, Range } from "@footfall/core";
import { httpError } from "../routes/http-errors.js";
import { parseRange } from "../routes/times.js";

/** The store a request is about. */
export interface StoreContext {
  id: string;
  /** Its layout in force now. */
  layout: Layout;
  /** Every layout version, ordered by validFrom then version. */
  layouts: readonly Layout[];
}

declare module "fastify" {
  interface FastifyRequest {
    /** Set by the store pre-handler (`app.resolveStore`) on the routes of a known store. */
    store: StoreContext | null;
    /** Set by the store pre-handler on routes with `config.range`. */
    range: Range | null;
  }
  interface FastifyContextConfig {
    /** The route reads `from` and `to`: the store pre-handler parses them into `req.range`. */
    range?: boolean;
  }
  interface FastifyInstance {
    /** The pre-handler of the routes of a known store (add it to their encapsulation context). */
    resolveStore(req: FastifyRequest): Promise<void>;
  }
}

export const storeContextPlugin = fp(
  async (app) => {
    app.decorateRequest("store", null);
    app.decorateRequest("range", null);
    const { layouts, services } = app;
    app.decorate("resolveStore", async (req: FastifyRequest) => {
      const id = (req.params as { store?: string }).store;
      if (typeof id !== "string") throw new Error("resolveStore on a route without :store");
      const all = await layouts.load(id);
      const layout = layouts.current(id, services.now());
      if (!layout) throw httpError(404, `store "${id}" not found or has no layout: GET /api/v1/stores lists the stores`);
      req.store = { id, layout, layouts: all };
      if (req.routeOptions.config.range) req.range = parseRange(req.query as { from?: string; to?: string }, services.now());
    });
  },
  { name: "footfall-store-context", fastify: "5.x", dependencies: ["footfall-services", "footfall-layouts"] },
);

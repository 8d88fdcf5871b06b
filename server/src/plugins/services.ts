/**
 * The server's services as Fastify plugins (the way Fastify's own demo wires an app): each one
 * named, with the plugins it depends on, decorating the instance so that routes reach them as
 * `app.storage`, `app.layouts`, `app.analytics` and `app.services`. Built once by `startServer`
 * (they are shared with ingest and live push) and handed in; the storage closes with the app.
 */
import fp from "fastify-plugin";
import type { AnalyticsRegistry } from "../analytics/registry.js";
import type { LayoutCache } from "../ingest/layouts.js";
import type { Services } from "../services.js";
import type { Storage } from "../storage/types.js";

declare module "fastify" {
  interface FastifyInstance {
    /** Clock, metrics, broker link and log of the server (see Services). */
    services: Services;
    storage: Storage;
    layouts: LayoutCache;
    analytics: AnalyticsRegistry;
  }
}

/** `app.storage`; closed when the app closes (after every request is answered) when `close` is set. */
export const storagePlugin = fp(
  async (app, o: { storage: Storage; close: boolean }) => {
    app.decorate("storage", o.storage);
    if (o.close) app.addHook("onClose", async () => o.storage.close());
  },
  { name: "footfall-storage", fastify: "5.x" },
);

/** `app.layouts`: each store's layout versions, loaded from storage once. */
export const layoutsPlugin = fp(
  async (app, o: { layouts: LayoutCache }) => {
    app.decorate("layouts", o.layouts);
  },
  { name: "footfall-layouts", fastify: "5.x", dependencies: ["footfall-storage"] },
);

/** `app.analytics`: each store's figures, answered from the aggregates in storage. */
export const analyticsPlugin = fp(
  async (app, o: { analytics: AnalyticsRegistry }) => {
    app.decorate("analytics", o.analytics);
  },
  { name: "footfall-analytics", fastify: "5.x", dependencies: ["footfall-storage"] },
);

/** All of the above from one Services object, plus `app.services` itself. */
export const servicesPlugin = fp(
  async (app, o: { services: Services; closeStorage: boolean }) => {
    await app.register(storagePlugin, { storage: o.services.storage, close: o.closeStorage });
    await app.register(layoutsPlugin, { layouts: o.services.layouts });
    await app.register(analyticsPlugin, { analytics: o.services.analytics });
    app.decorate("services", o.services);
  },
  { name: "footfall-services", fastify: "5.x" },
);

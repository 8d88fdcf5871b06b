import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import { authPlugin } from "./plugins/auth.js";
import { adminRoutes } from "./routes/admin.js";
import { analyticsRoutes } from "./routes/analytics.js";
import { conversionRoutes } from "./routes/conversion.js";
import { experimentRoutes } from "./routes/experiments.js";
import { funnelRoutes } from "./routes/funnels.js";
import { salesRoutes } from "./routes/sales.js";
import { storeRoutes } from "./routes/stores.js";
import { uiRoutes } from "./routes/ui.js";
import type { Services } from "./services.js";

export interface AppOptions {
  services: Services;
  /** Folder of the built floor-plan UI, or null for the API page. */
  uiDir: string | null;
  version: string;
}

/** The HTTP app: the same for tests (`app.inject`) and production. */
export async function buildApp({ services, uiDir, version }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    // Requests are not logged one by one (that would drown the ingest log); failures are, below.
    loggerInstance: services.log.child({ component: "http" }, { level: services.log.level === "info" ? "warn" : services.log.level }) as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { allErrors: false, coerceTypes: "array", removeAdditional: true, useDefaults: true } },
  });
  app.addHook("onResponse", async (req, reply) => {
    if (reply.statusCode >= 500) req.log.error({ url: req.url, status: reply.statusCode }, "request failed");
  });
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: "Footfall API", version, description: "In-store foot traffic: layouts, live occupancy, dwell, paths, traffic, sales and conversion, funnels and layout experiments. Send `Authorization: Bearer <token>`." },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: "/api/docs" });
  await app.register(authPlugin, { services });
  await app.register(
    async (api) => {
      await api.register(adminRoutes, { services });
      await api.register(storeRoutes, { services });
      await api.register(analyticsRoutes, { services });
      await api.register(salesRoutes, { services });
      await api.register(conversionRoutes, { services });
      await api.register(funnelRoutes, { services });
      await api.register(experimentRoutes, { services });
    },
    { prefix: "/api/v1" },
  );
  app.get("/metrics", { schema: { hide: true } }, async (_req, reply) => {
    reply.type(services.metrics.registry.contentType);
    // Read the link at scrape time: an external broker can drop and come back at any moment.
    services.metrics.mqttConnected.set(services.mqtt?.connected() ? 1 : 0);
    return services.metrics.registry.metrics();
  });
  await app.register(uiRoutes, { uiDir });
  return app as unknown as FastifyInstance;
}

import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import fastifyHelmet from "@fastify/helmet";
import { scrape } from "./metrics-listener.js";
import { authPlugin } from "./plugins/auth.js";
import { adminRoutes } from "./routes/admin.js";
import { analyticsRoutes } from "./routes/analytics.js";
import { conversionRoutes } from "./routes/conversion.js";
import { experimentRoutes } from "./routes/experiments.js";
import { funnelRoutes } from "./routes/funnels.js";
import { salesRoutes } from "./routes/sales.js";
import { storeRoutes } from "./routes/stores.js";
import { tokenRoutes } from "./routes/tokens.js";
import { uiRoutes } from "./routes/ui.js";
import type { Services } from "./services.js";

export interface AppOptions {
  services: Services;
  /** Folder of the built floor-plan UI, or null for the API page. */
  uiDir: string | null;
  version: string;
}

/**
 * The Content-Security-Policy of the UI and the API. Scripts, styles, fonts and connections
 * (fetch and Socket.IO's WebSocket) come from this server only; no inline or generated scripts.
 * Inline styles are allowed (the API page and the chart library set them). A layout's floor-plan
 * image may be a data: URL (uploaded in the editor) or a URL on any web server (DESIGN: `floor.image`).
 * Framing by other sites is refused (also X-Frame-Options: SAMEORIGIN). Plain HTTP is allowed:
 * stores run it on the LAN, so no upgrade-insecure-requests and no HSTS (a TLS proxy sets those).
 */
export const CSP = {
  defaultSrc: ["'self'"],
  baseUri: ["'self'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", "data:", "blob:", "https:", "http:"],
  fontSrc: ["'self'", "data:"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  frameAncestors: ["'self'"],
  formAction: ["'self'"],
};

/** The HTTP app: the same for tests (`app.inject`) and production. */
export async function buildApp({ services, uiDir, version }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    // Requests are not logged one by one (that would drown the ingest log); failures are, below.
    loggerInstance: services.log.child({ component: "http" }, { level: services.log.level === "info" ? "warn" : services.log.level }) as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { allErrors: false, coerceTypes: "array", removeAdditional: true, useDefaults: true } },
  });
  await app.register(fastifyHelmet, { contentSecurityPolicy: { useDefaults: false, directives: CSP }, hsts: false });
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
  // No validator badge: it would send the API document's URL to validator.swagger.io.
  await app.register(fastifySwaggerUi, { routePrefix: "/api/docs", uiConfig: { validatorUrl: null } });
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
      await api.register(tokenRoutes, { services });
    },
    { prefix: "/api/v1" },
  );
  // Prometheus scrapes the metrics listener (FOOTFALL_METRICS_PORT, on 127.0.0.1 by default); on
  // the public port the same text needs an admin token, as it names every store.
  app.get("/metrics", { schema: { hide: true }, config: { auth: "admin" } }, async (_req, reply) => {
    const { contentType, body } = await scrape(services);
    return reply.type(contentType).send(body);
  });
  await app.register(uiRoutes, { uiDir });
  return app as unknown as FastifyInstance;
}

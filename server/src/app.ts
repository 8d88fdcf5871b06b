import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, type RawReplyDefaultExpression, type RawRequestDefaultExpression, type RawServerDefault } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { flawedText, flawedTextMessage } from "@footfall/core";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import fastifyHelmet from "@fastify/helmet";
import { scrape } from "./metrics-listener.js";
import { authPlugin, scopeOf } from "./plugins/auth.js";
import { servicesPlugin } from "./plugins/services.js";
import { storeContextPlugin } from "./plugins/store.js";
import { adminRoutes } from "./routes/admin.js";
import { adminActionRoutes } from "./routes/admin-actions.js";
import { analyticsRoutes } from "./routes/analytics.js";
import { conversionRoutes } from "./routes/conversion.js";
import { digestRoutes } from "./routes/digests.js";
import { experimentRoutes } from "./routes/experiments.js";
import { forecastRoutes } from "./routes/forecast.js";
import { queueRoutes } from "./routes/queues.js";
import { alertRoutes } from "./alerts/routes.js";
import { auditRoutes } from "./audits/routes.js";
import { funnelRoutes } from "./routes/funnels.js";
import { groupRoutes } from "./routes/groups.js";
import { overviewRoutes } from "./routes/overview.js";
import { countsRoutes } from "./routes/counts.js";
import { salesRoutes } from "./routes/sales.js";
import { storeRoutes } from "./routes/stores.js";
import { tokenRoutes } from "./routes/tokens.js";
import { uiRoutes } from "./routes/ui.js";
import { webhookRoutes } from "./routes/webhooks.js";
import { refuseUnknownQueryOnRoute } from "./routes/unknown-query.js";
import type { Services } from "./services.js";
import { markInteractive } from "./storage/interactive.js";
import { noteRequest } from "./cluster/latency.js";
import { nonFiniteField, nonFiniteMessage } from "./routes/finite-numbers.js";
import { bodyErrorMessage, frameworkErrorMessage, httpError, internalErrorMessage, schemaErrorMessage } from "./routes/http-errors.js";

export interface AppOptions {
  services: Services;
  /** Folder of the built floor-plan UI, or null for the API page. */
  uiDir: string | null;
  version: string;
  /** Close the storage when the app closes (the server's own app does; a test's may not). */
  closeStorage?: boolean;
}

/** The HTTP app: routes typed by their TypeBox schemas. */
export type FootfallApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

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
export async function buildApp({ services, uiDir, version, closeStorage = false }: AppOptions): Promise<FootfallApp> {
  const app = Fastify({
    // Requests are not logged one by one (that would drown the ingest log); failures are, below.
    loggerInstance: services.log.child({ component: "http" }, { level: services.log.level === "info" ? "warn" : services.log.level }) as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    // verbose: each error carries the value that failed, so that a query key given twice (an array) is said so (http-errors.ts).
    ajv: { customOptions: { allErrors: false, coerceTypes: "array", removeAdditional: true, useDefaults: true, verbose: true } },
    // A field with a fixed set of values lists them (http-errors.ts).
    schemaErrorFormatter: (errors, dataVar) => new Error(schemaErrorMessage(errors, dataVar)),
    // The router's refusals of a path (too long a segment, a bad %-escape) without quoting it back.
    frameworkErrors: (err: FastifyError, _req: FastifyRequest, reply: FastifyReply) => {
      const status = err.statusCode ?? 400;
      void reply.code(status).send({ statusCode: status, error: status === 414 ? "URI Too Long" : "Bad Request", message: frameworkErrorMessage(err.code) ?? err.message });
    },
  }).withTypeProvider<TypeBoxTypeProvider>();
  // Every route whose schema declares a querystring refuses a key it does not name (400 naming it), unless it opts out
  // with config.anyQuery: added here, before any route, so that no route forgets it (unknown-query.ts).
  app.addHook("onRoute", refuseUnknownQueryOnRoute);
  // Fastify's own refusals of a body say what to send instead; everything else goes on, as it is, to Fastify's handler.
  // Requests answered 503 because PostgreSQL does not answer (a restart): counted and said once by the storage, not one line each.
  const databaseDown = new WeakSet<FastifyRequest>();
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (services.storage.connectionLost?.(err)) {
      databaseDown.add(req);
      return reply.code(503).send({ statusCode: 503, error: "Service Unavailable", message: "the database does not answer (PostgreSQL is restarting or cannot be reached): try again in a moment" });
    }
    // An error no code meant (a bug, a database fault) is logged in full and answered without its internals
    // (SQL, file paths, driver codes), with the request id that finds it in the log.
    if (err.statusCode === undefined && (err as { status?: number }).status === undefined && err.validation === undefined) {
      req.log.error({ err, url: req.url, reqId: req.id }, "request failed: unexpected error");
      return reply.code(500).send({ statusCode: 500, error: "Internal Server Error", message: internalErrorMessage(req.id) });
    }
    const message = bodyErrorMessage(err.code, { url: req.url, bodyLimit: req.routeOptions.bodyLimit, contentType: req.headers["content-type"] });
    if (message !== null) err.message = message;
    throw err;
  });
  await app.register(fastifyHelmet, { contentSecurityPolicy: { useDefaults: false, directives: CSP }, hsts: false });
  // A request's reads run on the storage's interactive pool (PostgreSQL), apart from the background reads (storage/interactive.ts).
  app.addHook("onRequest", (_req, _reply, done) => {
    markInteractive();
    done();
  });
  app.addHook("onResponse", async (req, reply) => {
    // The health check's 503 is its answer, not a failure of the request: it logs changes of health itself (routes/admin.ts).
    if (reply.statusCode >= 500 && !(reply.statusCode === 503 && (req.routeOptions.url === "/api/v1/health" || databaseDown.has(req)))) {
      req.log.error({ url: req.url, status: reply.statusCode }, "request failed");
    }
    noteRequest(req.routeOptions.url, reply.elapsedTime);
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
  // The server's services as named plugins (storage, layouts, analytics), then what depends on them:
  // the token check (onRequest) and the store pre-handler.
  await app.register(servicesPlugin, { services, closeStorage });
  await app.register(authPlugin);
  await app.register(storeContextPlugin);
  // Validation lets "1e309" through as Infinity (see finite-numbers.ts): refused here, before any handler or store pre-handler.
  app.addHook("preHandler", async (req) => {
    const field = nonFiniteField({ querystring: req.query, params: req.params, body: req.body });
    if (field) throw httpError(400, nonFiniteMessage(field, (req.routeOptions.schema as Record<string, unknown> | undefined)?.[field[0]!]));
    // Text no database stores (U+0000, half a surrogate pair: core text.ts), in a value or a key: a 400 naming
    // the field, not PostgreSQL's refusal as a 500 (a layout's zone name, a group's, a token label, a recipient).
    const text = flawedText({ querystring: req.query, params: req.params, body: req.body });
    if (text) throw httpError(400, flawedTextMessage(text));
  });
  await app.register(
    async (api) => {
      await api.register(adminRoutes);
      await api.register(adminActionRoutes);
      await api.register(digestRoutes);
      await api.register(storeRoutes);
      await api.register(experimentRoutes);
      await api.register(tokenRoutes);
      await api.register(webhookRoutes);
      await api.register(groupRoutes);
      await api.register(overviewRoutes);
      await api.register(countsRoutes);
      await api.register(auditRoutes, { dueAfterDays: services.auditDueDays ?? 90 });
      // The routes of one known store, behind the one pre-handler that resolves it (404 when it
      // has no layout) and parses the range of the routes that take one.
      await api.register(
        async (store) => {
          store.addHook("preHandler", store.resolveStore);
          await store.register(analyticsRoutes);
          await store.register(salesRoutes);
          await store.register(conversionRoutes);
          await store.register(funnelRoutes);
          await store.register(forecastRoutes);
          await store.register(queueRoutes);
          await store.register(alertRoutes);
        },
        { prefix: "/stores/:store" },
      );
    },
    { prefix: "/api/v1" },
  );
  // Prometheus scrapes the metrics listener (FOOTFALL_METRICS_PORT, on 127.0.0.1 by default); on
  // the public port the same text needs an admin token of every store, as it names every store.
  app.get("/metrics", { schema: { hide: true }, config: { auth: "admin" } }, async (req, reply) => {
    const p = req.principal!;
    if (p.store !== null || p.group !== null)
      throw httpError(403, `this token is limited to ${scopeOf(p)}: /metrics counts every store's events, so only an admin of every store reads it here (Prometheus scrapes the metrics listener, FOOTFALL_METRICS_PORT)`);
    const { contentType, body } = await scrape(services);
    return reply.type(contentType).send(body);
  });
  await app.register(uiRoutes, { uiDir });
  return app;
}

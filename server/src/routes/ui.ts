import { existsSync } from "node:fs";
import type { FastifyInstance } from "fastify";
import fastifyStatic from "@fastify/static";

/** `&`, `<`, `>` and `"` as HTML entities. */
const html = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

type OpenApiPaths = Record<string, unknown>;
const METHODS = ["get", "post", "put", "patch", "delete"];

/**
 * The routes of the API as its OpenAPI document lists them (@fastify/swagger's, made from the routes
 * registered: the one list, so this page cannot miss one), `{store}` written `:store`, with their summaries.
 */
export function apiRouteList(paths: OpenApiPaths): { method: string; path: string; summary: string }[] {
  const out: { method: string; path: string; summary: string }[] = [];
  for (const [path, ops] of Object.entries(paths))
    for (const m of METHODS) {
      const op = (ops as Record<string, { summary?: unknown } | undefined> | null)?.[m];
      if (op) out.push({ method: m.toUpperCase(), path: path.replace(/\{([^}]+)\}/g, ":$1"), summary: typeof op.summary === "string" ? op.summary : "" });
    }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : METHODS.indexOf(a.method.toLowerCase()) - METHODS.indexOf(b.method.toLowerCase())));
}

/** The page listing the API when the UI is not built: every documented route, and the Prometheus text. */
function apiPage(paths: OpenApiPaths): string {
  const items = apiRouteList(paths)
    .map((r) => `<li><code>${r.method} ${html(r.path)}</code>${r.summary ? ` ${html(r.summary)}` : ""}</li>`)
    .join("\n");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Footfall</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:52rem;margin:3rem auto;padding:0 1rem;color:#1d2433}code{background:#eef1f5;padding:.1em .3em;border-radius:4px}li{margin:.2em 0}</style></head>
<body><h1>Footfall</h1><p>The server is running. The floor-plan UI is not built here (<code>npm run build</code>); the API is:</p><ul>
${items}
<li><code>GET /metrics</code> Prometheus (an admin token here; none on the metrics port, FOOTFALL_METRICS_PORT)</li></ul>
<p>Interactive documentation: <a href="/api/docs">/api/docs</a>. Requests need <code>Authorization: Bearer &lt;token&gt;</code> from <code>footfall token add</code>.</p></body></html>`;
}

/** Files under `assets/` carry a hash of their content in their name: they never change, so browsers keep them for a year. */
const HASHED = /[\\/]assets[\\/][^\\/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+(\.br|\.gz)?$/;

/**
 * The built floor-plan UI at `/` (a single-page app), or a page listing the API when it is not built.
 * Hashed assets are cached for a year (`immutable`), the page itself is checked every time
 * (`no-cache`, so a new build is seen at once); the build's Brotli and gzip copies are served to
 * browsers that take them; source maps are not served.
 */
export async function uiRoutes(app: FastifyInstance, { uiDir }: { uiDir: string | null }) {
  if (uiDir && existsSync(`${uiDir}/index.html`)) {
    // wildcard: files are looked up per request, so a rebuilt UI's new chunks are served without a restart.
    await app.register(fastifyStatic, {
      root: uiDir,
      prefix: "/",
      wildcard: true,
      preCompressed: true,
      cacheControl: false,
      allowedPath: (path) => !path.endsWith(".map"),
      setHeaders: (reply, path) => {
        reply.header("cache-control", HASHED.test(path) ? "public, max-age=31536000, immutable" : "no-cache");
      },
    });
    // The app is at `/` and routes in the fragment (`/#/live/demo`): any other path is a real 404, not the app's page with a
    // 200, so that a load balancer's or a probe's guess (`/health`, `/healthz`) fails loudly instead of passing while the
    // database fails, and a missing file (a stale chunk, a typo) is not answered with HTML.
    app.setNotFoundHandler((req, reply) => {
      const path = req.url.split("?")[0]!;
      return reply.code(404).send({
        statusCode: 404,
        error: "Not Found",
        message: `no route ${req.method} ${path}: the app is at /, the API under /api/v1 (health: GET /api/v1/health), its documentation at /api/docs`,
      });
    });
  } else {
    // Made at the first request, once every route is registered (the OpenAPI document is read then).
    let page: string | null = null;
    app.get("/", { schema: { hide: true } }, async (_req, reply) => {
      // A bare app without @fastify/swagger (a test's) has no document: the page then lists /metrics only.
      const swagger = (app as { swagger?: () => { paths?: OpenApiPaths } }).swagger;
      page ??= apiPage(swagger?.call(app).paths ?? {});
      return reply.type("text/html").send(page);
    });
  }
}

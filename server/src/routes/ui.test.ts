import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Fastify, { type FastifyInstance } from "fastify";
import { tempDir } from "../../../test/support/wait.js";
import { uiRoutes } from "./ui.js";

// A built UI as vite leaves it: the page, hashed assets with their Brotli and gzip copies, and a source map.
const dir = tempDir("footfall-ui-serving-");
const JS = `console.log(${JSON.stringify("x".repeat(2000))});`;
let app: FastifyInstance;
beforeAll(async () => {
  mkdirSync(join(dir.path, "assets"));
  writeFileSync(join(dir.path, "index.html"), '<!doctype html><script type="module" src="/assets/index-AbCd1234.js"></script>');
  writeFileSync(join(dir.path, "assets", "index-AbCd1234.js"), JS);
  writeFileSync(join(dir.path, "assets", "index-AbCd1234.js.br"), brotliCompressSync(JS));
  writeFileSync(join(dir.path, "assets", "index-AbCd1234.js.gz"), gzipSync(JS));
  writeFileSync(join(dir.path, "assets", "index-AbCd1234.js.map"), '{"version":3,"sources":["../src/secret.ts"]}');
  app = Fastify();
  await app.register(uiRoutes, { uiDir: dir.path });
});
afterAll(async () => {
  await app.close();
  dir.remove();
});

describe("serving the built UI", () => {
  it("serves hashed assets compressed, to be kept for a year", async () => {
    const res = await app.inject({ url: "/assets/index-AbCd1234.js", headers: { "accept-encoding": "br, gzip" } });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-encoding"]).toBe("br");
    expect(res.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(res.rawPayload.length).toBeLessThan(JS.length / 10);
    const gz = await app.inject({ url: "/assets/index-AbCd1234.js", headers: { "accept-encoding": "gzip" } });
    expect(gz.headers["content-encoding"]).toBe("gzip");
  });
  it("has the page checked on every load, so a new build is seen at once", async () => {
    for (const url of ["/", "/index.html"]) expect((await app.inject({ url })).headers["cache-control"]).toBe("no-cache");
  });
  it("answers a path that is not the app, a file or the API with a 404 saying where things are, never the app's page", async () => {
    for (const url of ["/healthz", "/health", "/ready", "/live/demo", "/assets/index-Gone1234.js"]) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers["content-type"], url).toMatch(/^application\/json/);
      expect((res.json() as { message: string }).message).toBe(
        `no route GET ${url}: the app is at /, the API under /api/v1 (health: GET /api/v1/health), its documentation at /api/docs`,
      );
    }
    const page = await app.inject({ url: "/?token=x" });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("<script");
  });
  it("does not serve source maps", async () => {
    expect((await app.inject({ url: "/assets/index-AbCd1234.js.map" })).statusCode).toBe(404);
  });
});

import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "./log.js";
import { startServer, type RunningServer } from "./server.js";
import { localServerConfig, useTestServer } from "../../test/support/in-process.js";
import { tempDir } from "../../test/support/wait.js";

const UI_DIR = fileURLToPath(new URL("../../floorplan-ui/dist", import.meta.url));

/** The CSP directives of a header value, as name -> sources. */
const directives = (csp: string) => Object.fromEntries(csp.split(";").map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([name, ...sources]) => [name!, sources]));

const t = useTestServer();

describe("security headers", () => {
  it.each(["/", "/api/v1/health", "/api/v1/stores", "/api/docs/json"])("%s carries nosniff, SAMEORIGIN framing, no referrer and the CSP", async (url) => {
    const res = await t.server.app.inject({ method: "GET", url });
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["x-frame-options"]).toBe("SAMEORIGIN");
    expect(res.headers["referrer-policy"]).toBe("no-referrer");
    const csp = directives(String(res.headers["content-security-policy"]));
    expect(csp["frame-ancestors"]).toEqual(["'self'"]);
    expect(csp["default-src"]).toEqual(["'self'"]);
    expect(csp["object-src"]).toEqual(["'none'"]);
  });

  it("lets scripts come only from the server itself: no inline script, no eval", async () => {
    const csp = directives(String((await t.server.app.inject({ method: "GET", url: "/" })).headers["content-security-policy"]));
    expect(csp["script-src"]).toEqual(["'self'"]);
    expect(csp["script-src-attr"]).toEqual(["'none'"]);
    expect(csp["connect-src"]).toEqual(["'self'"]);
  });

  it("allows data: floor-plan images (uploaded in the editor) and images from web servers", async () => {
    const csp = directives(String((await t.server.app.inject({ method: "GET", url: "/" })).headers["content-security-policy"]));
    expect(csp["img-src"]).toEqual(expect.arrayContaining(["'self'", "data:", "https:"]));
  });

  it("does not force HTTPS on a server that speaks plain HTTP on the store's LAN", async () => {
    const res = await t.server.app.inject({ method: "GET", url: "/" });
    expect(res.headers["strict-transport-security"]).toBeUndefined();
    expect(String(res.headers["content-security-policy"])).not.toContain("upgrade-insecure-requests");
  });
});

describe("security headers on the built UI", () => {
  let server: RunningServer;
  const dir = tempDir("footfall-ui-headers-");
  beforeAll(async () => {
    if (!existsSync(`${UI_DIR}/index.html`)) throw new Error(`the UI is not built (${UI_DIR}): run \`npm run build --workspace floorplan-ui\``);
    server = await startServer(
      localServerConfig(dir.path),
      { log: createLogger("silent"), uiDir: UI_DIR },
    );
  });
  afterAll(async () => {
    await server?.close();
    dir.remove();
  });

  it("serves index.html with the CSP and nosniff (the app routes in the fragment: /#/live/demo)", async () => {
    for (const url of ["/", "/index.html", "/?token=x"]) {
      const res = await server.app.inject({ method: "GET", url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers["content-type"]).toMatch(/text\/html/);
      expect(res.headers["content-security-policy"]).toContain("script-src 'self'");
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
    }
  });

  it("needs no inline script: index.html loads its code from files", async () => {
    const html = (await server.app.inject({ method: "GET", url: "/" })).body;
    const inline = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)].filter(([, attrs, body]) => !/\bsrc=/.test(attrs!) && body!.trim() !== "");
    expect(inline).toEqual([]);
  });
});

describe("core's validators where generated code is refused (the UI under this CSP)", () => {
  it("check layouts with TypeBox's interpreter when `new Function` throws, with the same answers", () => {
    const script = `
      let refused = false;
      try { new Function("return 1"); } catch (err) { refused = err instanceof EvalError; }
      const { layoutInputValidator } = await import("@footfall/core");
      const good = { store: "s", validFrom: 0, timezone: "UTC", floor: { width: 10, height: 10 }, zones: [{ id: "a", name: "A", kind: "zone", polygon: [[0, 0], [1, 0], [1, 1]] }] };
      const bad = { ...good, zones: "none" };
      console.log(JSON.stringify({ refused, good: layoutInputValidator.check(good), bad: layoutInputValidator.check(bad), problems: layoutInputValidator.problems(bad) }));
    `;
    const out = execFileSync(process.execPath, ["--disallow-code-generation-from-strings", "--input-type=module", "-e", script], { cwd: fileURLToPath(new URL("..", import.meta.url)), encoding: "utf8" });
    const r = JSON.parse(out) as { refused: boolean; good: boolean; bad: boolean; problems: string[] };
    expect(r).toEqual({ refused: true, good: true, bad: false, problems: [expect.stringMatching(/^\/zones: /)] });
  });
});

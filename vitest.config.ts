import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

const src = (pkg: string) => fileURLToPath(new URL(`./${pkg}/src/index.ts`, import.meta.url));

/**
 * Four projects, told apart by path (README "Tests" says which is which):
 *  - unit: every package's pure and in-process tests (app.inject against a temporary SQLite folder
 *    included); no system tool, no child process, no broker on a socket. The inner loop:
 *    `npm run test:unit`.
 *  - integration: real brokers on sockets (Aedes, Debian's mosquitto), SQLite and PostgreSQL through
 *    the storage contract, system tools driven directly (socat's pty pair, ffmpeg's clips).
 *  - e2e: whole processes (the built `footfall` and `footfall-edge`), kill -9 faults, video through
 *    CenterNet, compose and HAProxy.
 *  - browser: the built UI in Chromium.
 * A new file lands in unit unless its path says otherwise; name it `*.integration.test.ts` or
 * `*.e2e.test.ts` (or put it under test/e2e, test/browser) when it starts something.
 * test/projects.test.ts checks that no unit test reaches for a broker, a database server or a process.
 */
export const BROWSER = ["test/browser/**/*.test.ts"];
export const E2E = [
  "test/e2e/**/*.test.ts",
  "test/e2e-edge/**/*.test.ts",
  "test/accuracy/**/*.test.ts",
  "**/*.e2e.test.ts",
  "models/src/detector.test.ts", // CenterNet on vtest.avi through ffmpeg
  "models/src/pool.test.ts", // the worker-thread pool (built dist) on vtest.avi
  "edge/src/sources/camera/camera.test.ts", // ffmpeg streams, killed mid-stream
  "edge/src/audit/audit-camera.test.ts", // the camera source and ffmpeg clips
];
export const INTEGRATION = [
  "**/*.integration.test.ts", // Aedes on a socket, the built CLI
  "**/*.contract.test.ts", // the storage contract on SQLite and PostgreSQL
  "server/src/storage-pg/**/*.test.ts", // throwaway PostgreSQL servers (test/support/postgres.ts)
  "server/src/cluster/leases.test.ts", // leases on PostgreSQL
  "edge/src/sources/door/serial.test.ts", // socat's pty pair
  "edge/src/audit/audit.test.ts", // ffmpeg clips and the audit page over HTTP
];
const PACKAGES = ["core", "edge", "server", "models", "floorplan-ui"].map((p) => `${p}/src/**/*.test.{ts,tsx}`);
const IGNORED = ["**/node_modules/**", "**/dist/**"];

export default defineConfig({
  resolve: {
    // Unit tests run against the TypeScript sources; cross-process tests in test/ run the built dist.
    // Exact names: "@footfall/core" as a prefix would turn "@footfall/core/node" into a path below index.ts.
    alias: [
      { find: /^@footfall\/core$/, replacement: src("core") },
      { find: /^@footfall\/core\/node$/, replacement: fileURLToPath(new URL("./core/src/node/index.ts", import.meta.url)) },
    ],
  },
  test: {
    testTimeout: 20_000,
    hookTimeout: 60_000,
    reporters: ["default"],
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: [...PACKAGES, "test/*.test.ts"],
          exclude: [...IGNORED, ...INTEGRATION, ...E2E, ...BROWSER],
          // One module graph per worker instead of one per file: the inner loop's imports (Fastify,
          // TypeBox, ...) load once, about 40 % less CPU. Unit tests keep no global state between
          // files (no vi.mock, no env or global changes; fake timers restored after each test).
          isolate: false,
        },
      },
      { extends: true, test: { name: "integration", include: INTEGRATION, exclude: [...IGNORED, ...E2E, ...BROWSER] } },
      { extends: true, test: { name: "e2e", include: E2E, exclude: [...IGNORED, ...BROWSER] } },
      // Chromium pages with axe-core runs take seconds each; on a loaded machine 20 s is not enough. A page's first
      // figures can take more than expect.poll's default second to come (seen in CI: a heatmap page's first fetch at load
      // ~5), so a poll waits up to 10 s before it fails; a poll that passes returns as soon as it does.
      { extends: true, test: { name: "browser", include: BROWSER, exclude: IGNORED, testTimeout: 60_000, expect: { poll: { timeout: 10_000 } } } },
    ],
  },
});

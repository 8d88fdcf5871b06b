import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

const src = (pkg: string) => fileURLToPath(new URL(`./${pkg}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    // Unit tests run against the TypeScript sources; cross-process tests in test/ run the built dist.
    alias: {
      "@footfall/core": src("core"),
    },
  },
  test: {
    include: ["core/src/**/*.test.ts", "edge/src/**/*.test.ts", "server/src/**/*.test.ts", "models/src/**/*.test.ts", "floorplan-ui/src/**/*.test.{ts,tsx}", "test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    reporters: ["default"],
  },
});

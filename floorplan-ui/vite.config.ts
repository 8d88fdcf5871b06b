import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import { fileURLToPath } from "node:url";

// `FOOTFALL_API` points `npm run dev` at a running server (default: the CLI's port 8080).
const api = process.env.FOOTFALL_API ?? "http://127.0.0.1:8080";

export default defineConfig({
  plugins: [react()],
  // core is pure TypeScript with no Node or DOM types: the app bundles its sources directly.
  resolve: { alias: { "@footfall/core": fileURLToPath(new URL("../core/src/index.ts", import.meta.url)) } },
  base: "/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: true,
    chunkSizeWarningLimit: 700,
    rolldownOptions: {
      // core's modules only declare things (schemas compiled at load, pure functions): let the
      // bundler drop what a chunk does not use, so the live view does not carry the validators.
      treeshake: { moduleSideEffects: (id: string) => !/[\\/]core[\\/]src[\\/]/.test(id) },
      // The chunk that carries Konva (shared by every plan view) is named for it.
      output: {
        chunkFileNames: (chunk: { moduleIds: string[] }) => (chunk.moduleIds.some((id) => /node_modules[\\/]konva[\\/]/.test(id)) ? "assets/konva-[hash].js" : "assets/[name]-[hash].js"),
      },
    },
  },
  server: {
    proxy: {
      "/api": api,
      "/socket.io": { target: api, ws: true },
    },
  },
});

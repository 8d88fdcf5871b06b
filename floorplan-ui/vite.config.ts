import { defineConfig, type Plugin } from "vite";
import react from "@vitejs/plugin-react";
import { fileURLToPath } from "node:url";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

/**
 * Brotli and gzip copies of every text file of the build (`x.js.br`, `x.js.gz`), made once here so
 * the server sends them compressed without compressing per request (`preCompressed` in its static files).
 */
function precompress(): Plugin {
  return {
    name: "footfall-precompress",
    apply: "build",
    writeBundle(options, bundle) {
      const dir = options.dir ?? "dist";
      for (const name of Object.keys(bundle)) {
        if (!/\.(js|css|html|svg|json)$/.test(name)) continue;
        const file = join(dir, name);
        const data = readFileSync(file);
        if (data.length < 1024) continue;
        writeFileSync(`${file}.br`, brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } }));
        writeFileSync(`${file}.gz`, gzipSync(data, { level: 9 }));
      }
    },
  };
}

// `FOOTFALL_API` points `npm run dev` at a running server (default: the CLI's port 8080).
const api = process.env.FOOTFALL_API ?? "http://127.0.0.1:8080";

export default defineConfig({
  plugins: [react(), precompress()],
  // core is pure TypeScript with no Node or DOM types: the app bundles its sources directly.
  resolve: { alias: { "@footfall/core": fileURLToPath(new URL("../core/src/index.ts", import.meta.url)) } },
  base: "/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // Maps for local debugging, never referenced by the files (the server does not serve them either).
    sourcemap: "hidden",
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

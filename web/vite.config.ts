// Vite config of the browser demo: root web/, output web/dist/, relative base so the built page works from
// any folder (or file server). `npm run web` serves it; `npm run build:web` builds it.
//
// The page imports the library as "hrm": its browser entry, src/browser.ts (the package's "browser" export
// condition), from which no Node built-in is reachable (test/web/browser-entry.test.ts).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // the .wasm kernels must stay files (fetched by the worker), never inlined as base64
    assetsInlineLimit: 0,
    // vega (the chart renderer, loaded with the first chart) is one ~540 kB chunk
    chunkSizeWarningLimit: 600,
  },
  resolve: { alias: { hrm: fileURLToPath(new URL("../src/browser.ts", import.meta.url)) } },
  worker: { format: "es" },
  server: {
    host: "127.0.0.1",
    // ../src (the library) and ../wasm/build (the kernels) sit outside web/
    fs: { allow: [repoRoot] },
  },
  preview: { host: "127.0.0.1" },
});

// Vite config of the browser demo: root web/, output web/dist/, relative base so the built page works from
// any folder (or file server). `npm run web` serves it; `npm run build:web` builds it.
//
// The page imports library modules from ../src. A few of them also import node:fs and friends for their
// Node-only functions (readSafetensors, the dataset writers); those built-ins become throwing stubs
// (vite-node-stubs.ts) and the page never calls them. The end-to-end test (test/web/e2e.test.ts) is what
// catches a Node call that slips in.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import { nodeBuiltinStubs } from "./vite-node-stubs.js";

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
  },
  plugins: [nodeBuiltinStubs()],
  worker: { format: "es", plugins: () => [nodeBuiltinStubs()] },
  server: {
    host: "127.0.0.1",
    // ../src (the library) and ../wasm/build (the kernels) sit outside web/
    fs: { allow: [repoRoot] },
  },
  preview: { host: "127.0.0.1" },
});

// Build the WASM kernels (wasm/assembly/*.ts, AssemblyScript) into wasm/build/:
//   hrm-kernels.wasm          SIMD (every engine with WebAssembly SIMD: Node >= 16, current browsers)
//   hrm-kernels-relaxed.wasm  SIMD + relaxed SIMD (f32x4.relaxed_madd -> FMA): Chromium by default, Node 20
//                             only with --experimental-wasm-relaxed-simd; the loader picks it at run time.
// Run by `npm run build:wasm` and by `prepare` (so `npm ci` builds them). The compiler is pure JS
// (assemblyscript + binaryen.js from the npm registry): nothing is downloaded at build time.
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import asc from "assemblyscript/asc";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const entry = join(root, "wasm", "assembly", "index.ts");
const outDir = join(root, "wasm", "build");
mkdirSync(outDir, { recursive: true });

const common = [
  entry,
  "--runtime", "stub", // no GC: the kernels use raw pointers only
  "--optimizeLevel", "3", "--shrinkLevel", "0",
  "--noAssert",
  "--initialMemory", "16", // 1 MiB; the host grows it
  "--enable", "simd",
];
const variants = [
  { file: "hrm-kernels.wasm", extra: [] },
  { file: "hrm-kernels-relaxed.wasm", extra: ["--enable", "relaxed-simd"] },
];

const t0 = performance.now();
for (const v of variants) {
  const out = join(outDir, v.file);
  const { error, stderr } = await asc.main([...common, ...v.extra, "--outFile", out]);
  if (error) {
    console.error(stderr.toString());
    console.error(`build-wasm: ${v.file} failed: ${error.message}`);
    process.exit(1);
  }
}
console.log(`build-wasm: wasm/build/{${variants.map((v) => v.file).join(",")}} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

// The architecture as a test: every import between src/ folders points down the layer table below (type-only
// imports included), so the folder graph has no cycle and no upward arrow. A new folder must be placed here.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { test } from "node:test";
import { packageRoot } from "../../src/util/package-root.js";

/** Folders from the bottom up; a folder may import only folders on earlier lines (or its own files). */
const LAYERS: readonly (readonly string[])[] = [
  ["engine"], // tensors, tape, pool, errors and the Kernels interface the backends implement
  ["util"], // atomic writes, progress, message text
  ["kernels", "ops"], // backends of engine's interface; differentiable ops over it
  ["model", "optim", "data"], // HRM/TRM on the ops; optimizers on the kernels; datasets
  ["losses", "io"], // loss heads over the model; checkpoints and official formats
  ["eval", "solve", "analysis", "parity"], // read models and data
  ["viz"], // charts and pictures of what those produce
  ["train"], // the trainer (writes curves through viz)
  ["cli"], // commands
  ["."], // src/index.ts and src/browser.ts: the package's entries
];

const rank = new Map(LAYERS.flatMap((names, i) => names.map((n) => [n, i] as const)));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []);
}

/** The src/ folder of a path inside src ("." for files directly in src). */
function folderOf(src: string, file: string): string {
  const parts = relative(src, file).split("/");
  return parts.length > 1 ? parts[0]! : ".";
}

/** Every relative import/export specifier of a TypeScript file (static, type-only and dynamic). */
export function importSpecifiers(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+"(\.[^"]+)"/g)) out.push(m[1]!);
  for (const m of text.matchAll(/\bimport\(\s*"(\.[^"]+)"\s*\)/g)) out.push(m[1]!);
  return out;
}

test("the import scanner finds static, type-only, re-export and dynamic imports", () => {
  const text = 'import { a } from "./a.js";\nimport type { B } from "../b/b.js";\nexport { c } from "./c.js";\nconst d = await import("../d.js");\nimport x from "node:fs";';
  assert.deepEqual(importSpecifiers(text), ["./a.js", "../b/b.js", "./c.js", "../d.js"]);
});

test("every import between src/ folders points down the layer table", () => {
  const src = join(packageRoot(), "src");
  const upward: string[] = [];
  const folders = new Set<string>();
  for (const file of sourceFiles(src)) {
    const from = folderOf(src, file);
    folders.add(from);
    for (const spec of importSpecifiers(readFileSync(file, "utf8"))) {
      const to = folderOf(src, normalize(join(dirname(file), spec)));
      if (to === from) continue;
      const rf = rank.get(from), rt = rank.get(to);
      if (rf === undefined || rt === undefined || rt >= rf) upward.push(`${relative(src, file)} -> ${spec} (${from} -> ${to})`);
    }
  }
  const unplaced = [...folders].filter((f) => !rank.has(f));
  assert.deepEqual(unplaced, [], "src/ folders missing from the layer table");
  assert.deepEqual(upward, [], "imports that point sideways or up the layer table");
});

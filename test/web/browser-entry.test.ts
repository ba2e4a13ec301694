// The browser entry (src/browser.ts, what the page imports as "hrm"): no Node built-in is reachable from it
// through static imports (type-only imports aside), and it loads and exports what it says.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, relative, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const importRe = /^\s*(import|export)\s+(type\s+)?(?:[^"';]*?\sfrom\s+)?["']([^"']+)["']/gm;

/** Every module reachable from `entry` by value imports, and the Node built-ins each one imports. */
function nodeImports(entry: string): { modules: number; offenders: string[] } {
  const parent = new Map<string, string | null>([[entry, null]]);
  const queue = [entry], offenders: string[] = [];
  while (queue.length > 0) {
    const file = queue.pop()!;
    for (const m of readFileSync(file, "utf8").matchAll(importRe)) {
      if (m[2] !== undefined) continue; // import type / export type: erased
      const spec = m[3]!;
      if (spec.startsWith("node:") || builtinModules.includes(spec)) {
        const chain: string[] = [];
        for (let f: string | null = file; f !== null; f = parent.get(f) ?? null) chain.push(relative(root, f));
        offenders.push(`${spec} <- ${chain.join(" <- ")}`);
        continue;
      }
      if (!spec.startsWith(".")) continue;
      const ts = resolve(dirname(file), spec).replace(/\.js$/, ".ts");
      assert.ok(existsSync(ts), `${relative(root, file)} imports ${spec}, which has no source file`);
      if (!parent.has(ts)) { parent.set(ts, file); queue.push(ts); }
    }
  }
  return { modules: parent.size, offenders };
}

test("no Node built-in is reachable from the browser entry", () => {
  const { modules, offenders } = nodeImports(resolve(root, "src/browser.ts"));
  assert.ok(modules > 30, `only ${modules} modules reached: the import walk is broken`);
  assert.deepEqual(offenders, []);
});

test("the walk does find Node built-ins where they are (the main entry)", () => {
  assert.ok(nodeImports(resolve(root, "src/index.ts")).offenders.some((o) => o.startsWith("node:fs")));
});

test("the browser entry loads and reads a checkpoint from bytes", async () => {
  const hrm = await import("../../src/browser.js");
  for (const name of ["modelFromCheckpointBytes", "solvePuzzle", "instantiateWasmKernels", "referenceKernels", "parseArcTask", "decodeSafetensors"]) {
    assert.ok(name in hrm, name);
  }
  const dir = resolve(root, "web/public/checkpoint");
  const model = hrm.modelFromCheckpointBytes(JSON.parse(readFileSync(resolve(dir, "config.json"), "utf8")), readFileSync(resolve(dir, "model.safetensors")), dir);
  assert.equal(model.family, "trm");
  assert.throws(() => hrm.modelFromCheckpointBytes({ model_family: "trm" }, new Uint8Array(8), "x"), (e: unknown) => e instanceof hrm.CheckpointError && /x\/config.json: no "model" config/.test(e.message));
  assert.throws(() => hrm.modelFromCheckpointBytes([], new Uint8Array(8), "x"), /expected a JSON object/);
});

test("the chart builders the page draws are the library's: one spec per chart for the CLI, the README pictures and the page", async () => {
  const hrm = await import("../../src/browser.js");
  const charts = await import("../../src/viz/charts/index.js");
  for (const name of ["qHaltSpec", "prSpectrumSpec", "parsePrChartInput", "trainingCurvesSpec", "compareCurvesSpec", "linePanelsSpec"] as const) {
    assert.equal(hrm[name], charts[name], `${name}: the browser entry exports the function the CLI renders`);
  }
  // a spec is plain JSON: what the page compiles is what Node compiles
  const spec = hrm.qHaltSpec([{ segment: 1, qHalt: 1, qContinue: -1 }], 1, 1);
  assert.deepEqual(JSON.parse(JSON.stringify(spec)), spec);
});

// A Vite plugin for the demo: Node built-ins (node:fs, node:path, ...) imported by library modules the
// page uses become stubs whose every export throws when called. Those modules import them only for their
// Node-side functions (readSafetensors, the dataset writers), which the page never calls; a stub that is
// called says so clearly instead of failing as "undefined is not a function". This replaces Vite's own
// browser externals (which print one warning per import) with one line per build.
import { builtinModules } from "node:module";
import type { Plugin } from "vite";

const PREFIX = "\0hrm-node-stub:";

function isBuiltin(id: string): boolean {
  return id.startsWith("node:") || builtinModules.includes(id);
}

export function nodeBuiltinStubs(): Plugin {
  const seen = new Set<string>();
  return {
    name: "hrm-node-builtin-stubs",
    enforce: "pre",
    resolveId(id) {
      if (!isBuiltin(id)) return null;
      const name = id.startsWith("node:") ? id : `node:${id}`;
      seen.add(name);
      return PREFIX + name;
    },
    async load(id) {
      if (!id.startsWith(PREFIX)) return null;
      const name = id.slice(PREFIX.length);
      const mod = (await import(name)) as Record<string, unknown>;
      const lines = [
        `const stub = (what) => () => { throw new Error(\`\${what} is Node-only and not available in the browser\`); };`,
        `export default {};`,
      ];
      for (const key of Object.keys(mod)) {
        if (key !== "default" && /^[A-Za-z_$][\w$]*$/.test(key)) lines.push(`export const ${key} = stub(${JSON.stringify(`${name}.${key}`)});`);
      }
      return lines.join("\n");
    },
    buildEnd() {
      if (seen.size > 0) this.info(`Node built-ins stubbed for the browser (their Node-only callers are not used by the page): ${[...seen].sort().join(", ")}`);
    },
  };
}

#!/usr/bin/env node
/* global process, console */
// Install step (package.json "install"): build the native kernel addon (native/) with node-gyp when
// oneDNN's headers are present; otherwise print one line saying how to get the fast path. Never fails
// the install: without the addon the reference kernels run.
//
// node-gyp gets --nodedir=<node's prefix> when that prefix holds the Node headers (/usr/include/node on
// Debian), so it never tries to download headers (it would fail without network). Environment:
//   HRM_SKIP_NATIVE=1        do not build
//   HRM_DNNL_HEADER=<path>   the oneDNN header to look for (default: the usual include dirs)
//   HRM_REQUIRE_NATIVE=1     fail (exit 1) instead of falling back, as CI wants
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const nativeDir = join(root, "native");
const hint = "apt install libdnnl-dev && npm rebuild";
const require_ = process.env.HRM_REQUIRE_NATIVE === "1";

function skip(reason) {
  console.log(`hrm: native kernels not built (${reason}); the reference kernels will run. For the fast path: ${hint}`);
  process.exit(require_ ? 1 : 0);
}

if (process.env.HRM_SKIP_NATIVE === "1") skip("HRM_SKIP_NATIVE=1");
if (process.platform !== "linux") skip(`platform ${process.platform}: the native build is set up for Linux`);

const headers = process.env.HRM_DNNL_HEADER
  ? [process.env.HRM_DNNL_HEADER]
  : ["/usr/include/oneapi/dnnl/dnnl.hpp", "/usr/local/include/oneapi/dnnl/dnnl.hpp"];
if (!headers.some((h) => existsSync(h))) skip(`oneDNN headers not found: ${headers.join(", ")}`);

// node-gyp: the one npm runs scripts with, else the one bundled with npm next to this node.
const prefix = dirname(dirname(process.execPath));
const gypCandidates = [
  process.env.npm_config_node_gyp,
  join(prefix, "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"),
].filter((p) => p !== undefined && p !== "" && existsSync(p));
if (gypCandidates.length === 0) skip("node-gyp not found (it ships with npm)");
const nodeGyp = gypCandidates[0];

const args = [nodeGyp, "rebuild", "--jobs=max"];
if (existsSync(join(prefix, "include", "node", "node_api.h"))) args.push(`--nodedir=${prefix}`);
else if (!process.env.npm_config_nodedir) {
  skip(`Node headers not found under ${join(prefix, "include", "node")} and no nodedir set (node-gyp would try to download them)`);
}

console.log(`hrm: building the native kernels (oneDNN found): node-gyp ${args.slice(1).join(" ")}`);
const r = spawnSync(process.execPath, args, { cwd: nativeDir, stdio: ["ignore", "inherit", "inherit"] });
if (r.status !== 0) skip(`node-gyp failed with ${r.status ?? r.signal}, see the output above`);
console.log(`hrm: native kernels built: ${join(nativeDir, "build", "Release", "hrm_native.node")}`);

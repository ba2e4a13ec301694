// The package root (Node only): the nearest folder above this file holding package.json, from src/ and dist/.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { InternalError } from "../engine/errors.js";

export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new InternalError(`hrm: cannot find the package root (no package.json above ${fileURLToPath(import.meta.url)})`);
    dir = up;
  }
  return dir;
}

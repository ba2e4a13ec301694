// Checks of the paths a user gives on the command line, so a wrong one is one clear line, not a Node error.
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { HrmError } from "../engine/errors.js";

type ErrorClass = new (message: string) => HrmError;

/** `path` must be an existing file; `what` names it in the error ("official checkpoint", "--config file"). */
export function expectFile(path: string, what: string, Err: ErrorClass): void {
  if (!existsSync(path)) throw new Err(`${what} ${path} does not exist; expected a file`);
  if (statSync(path).isDirectory()) throw new Err(`${what} ${path} is a folder; expected a file`);
}

/** `path` must be an existing folder. */
export function expectFolder(path: string, what: string, Err: ErrorClass): void {
  if (!existsSync(path)) throw new Err(`${what} ${path} does not exist; expected a folder`);
  if (!statSync(path).isDirectory()) throw new Err(`${what} ${path} is a file; expected a folder`);
}

/** The nearest existing ancestor of `path` must be a folder (else nothing can be written under it). */
function expectWritableParent(path: string, what: string, Err: ErrorClass): void {
  for (let p = dirname(resolve(path)); ; p = dirname(p)) {
    if (existsSync(p)) {
      if (!statSync(p).isDirectory()) throw new Err(`${what} ${path}: ${p} is a file; expected a folder there`);
      return;
    }
    if (dirname(p) === p) return;
  }
}

/** An output file path: not an existing folder, and not under a file. */
export function expectOutputFile(path: string, what: string, Err: ErrorClass): void {
  if (existsSync(path) && statSync(path).isDirectory()) throw new Err(`${what} ${path} is a folder; expected a file path`);
  expectWritableParent(path, what, Err);
}

/**
 * An output folder that will be replaced: absent, empty, or a checkpoint folder (config.json and
 * model.safetensors); never a file or a folder of other things.
 */
export function expectReplaceableFolder(path: string, what: string, Err: ErrorClass): void {
  if (existsSync(path)) {
    if (!statSync(path).isDirectory()) throw new Err(`${what} ${path} is a file; expected a folder path`);
    const names = readdirSync(path);
    if (names.length > 0 && !(names.includes("config.json") && names.includes("model.safetensors"))) {
      throw new Err(`${what} ${path} is a folder that is not a checkpoint folder (no config.json + model.safetensors); refusing to replace it`);
    }
  }
  expectWritableParent(path, what, Err);
}

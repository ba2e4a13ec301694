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

/** What a folder that a command replaces must hold: these entries, and (when `only`) nothing else. */
export interface FolderKind {
  /** e.g. "a checkpoint folder" */
  readonly name: string;
  readonly required: readonly string[];
  readonly only?: readonly string[];
}

export const checkpointFolderKind: FolderKind = { name: "a checkpoint folder", required: ["config.json", "model.safetensors"] };

/** An output folder (written into, maybe created): not a file, and not under a file. */
export function expectOutputFolder(path: string, what: string, Err: ErrorClass): void {
  if (existsSync(path) && !statSync(path).isDirectory()) throw new Err(`${what} ${path} is a file; expected a folder path`);
  expectWritableParent(path, what, Err);
}

/**
 * An output folder that will be replaced as a whole: absent, empty, or a folder of `kind` (by default a
 * checkpoint folder); never a file or a folder of other things (a mistyped path must not delete them).
 */
export function expectReplaceableFolder(path: string, what: string, Err: ErrorClass, kind: FolderKind = checkpointFolderKind): void {
  expectOutputFolder(path, what, Err);
  if (!existsSync(path)) return;
  const names = readdirSync(path);
  if (names.length === 0) return;
  const missing = kind.required.filter((n) => !names.includes(n));
  const foreign = kind.only === undefined ? [] : names.filter((n) => !kind.only!.includes(n));
  if (missing.length > 0 || foreign.length > 0) {
    throw new Err(`${what} ${path} is a folder that is not ${kind.name} (${missing.length > 0 ? `no ${missing.join(", ")}` : `it holds ${foreign.slice(0, 3).join(", ")}`}); refusing to replace it`);
  }
}

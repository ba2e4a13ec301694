// The shape of a dataset folder before any array is read: a folder holding identifiers.json and every
// split's dataset.json. A build interrupted or copied halfway lacks some of them; refusing it here
// (every reader opens splits through this) keeps `hrm train`/`eval`/`data verify` off partial data.
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { DataError } from "../engine/errors.js";
import { SPLITS } from "./format.js";

/** Throw a DataError naming every missing piece unless `root` is a folder with all of them. */
export function checkDatasetFolder(root: string): void {
  let isDir = false;
  try {
    isDir = statSync(root).isDirectory();
  } catch {
    throw new DataError(`${root}: no such dataset folder`);
  }
  if (!isDir) throw new DataError(`${root}: is a file; expected a dataset folder (identifiers.json, train/, test/)`);
  const needed = ["identifiers.json", ...SPLITS.map((s) => join(s, "dataset.json"))];
  const missing = needed.filter((f) => !existsSync(join(root, f)));
  if (missing.length > 0) {
    throw new DataError(`${root}: incomplete dataset folder, missing ${missing.join(", ")} (an interrupted or partial build? rebuild it with hrm data)`);
  }
}

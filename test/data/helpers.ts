// Test helpers: temp folders and paths to the shared read-only data (../shared from the repo root).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Repository root (tests run from dist/test/data/). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const SHARED = resolve(REPO_ROOT, "../shared");

export function sharedPath(...parts: string[]): string {
  return join(SHARED, ...parts);
}

/** A fresh temp folder removed when the test's `after` hook runs `cleanup()`. */
export function tempDir(tag: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `hrm-${tag}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

// Atomic output: write to a temporary sibling, then rename over the target, so a reader never sees
// a half-written file or dataset folder and an error leaves nothing behind.
import { existsSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { DataError } from "../engine/errors.js";

function tempSibling(path: string, tag: string): string {
  return join(dirname(path), `${basename(path)}.${tag}-${process.pid}`);
}

/** Write a file through `<path>.tmp-<pid>` + rename. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = tempSibling(path, "tmp");
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Synchronous twin of `writeFileAtomic`. */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  const tmp = tempSibling(path, "tmp");
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

export interface AtomicDirOptions {
  /** Replace an existing `outDir` (default false: an existing folder is an error). */
  readonly overwrite?: boolean;
  /** Remove the temp folder if the process gets SIGINT/SIGTERM while building (for CLIs). */
  readonly cleanupOnSignal?: boolean;
}

/**
 * Build a folder atomically: `build` fills `<outDir>.tmp-<pid>`, which is renamed to `outDir` when it
 * resolves. On error (or signal, when asked) the temp folder is removed and `outDir` is untouched.
 */
export async function buildDirAtomic<T>(
  outDir: string,
  build: (tmpDir: string) => Promise<T>,
  opts: AtomicDirOptions = {},
): Promise<T> {
  if (existsSync(outDir) && !opts.overwrite) {
    throw new DataError(`output ${outDir} already exists; choose another path or allow overwriting (--force)`);
  }
  const tmp = tempSibling(outDir, "tmp");
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  const onSignal = (signal: NodeJS.Signals): void => {
    rmSync(tmp, { recursive: true, force: true });
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  if (opts.cleanupOnSignal) { process.once("SIGINT", onSignal); process.once("SIGTERM", onSignal); }
  try {
    const result = await build(tmp);
    if (existsSync(outDir)) {
      const old = tempSibling(outDir, "old");
      await rename(outDir, old);
      await rename(tmp, outDir);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(tmp, outDir);
    }
    return result;
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  } finally {
    if (opts.cleanupOnSignal) { process.off("SIGINT", onSignal); process.off("SIGTERM", onSignal); }
  }
}

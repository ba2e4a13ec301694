// Atomic output: write to a temporary sibling, then rename over the target, so a reader never sees
// a half-written file or dataset folder and an error leaves nothing behind.
import { existsSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
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
  /**
   * CLI use: on SIGINT/SIGTERM remove the temp folder and exit 130/143 (see `exitOnSignal`). The build
   * must reach `yieldToSignals()` often (about every 100 ms) for the signal to be handled promptly.
   */
  readonly cleanupOnSignal?: boolean;
  /** Called with the stale temp folders of dead processes that were removed before building. */
  readonly onStaleRemoved?: (paths: readonly string[]) => void;
}

const SIGNAL_EXIT: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143 };
const cleanups = new Set<() => void>();
let installs = 0;
let committing = 0;
let deferredExit: number | null = null;

function onSignal(signal: NodeJS.Signals): void {
  const code = SIGNAL_EXIT[signal] ?? 1;
  if (committing > 0) { deferredExit = code; return; } // a rename is under way: exit once it is done
  for (const c of cleanups) {
    try { c(); } catch { /* best effort: exiting anyway */ }
  }
  process.exit(code);
}

/**
 * Exit 130 on SIGINT and 143 on SIGTERM, first running the cleanups registered by `buildDirAtomic`
 * (temp folders are removed). Returns the function that uninstalls it; nested installs are counted.
 */
export function exitOnSignal(): () => void {
  if (installs++ === 0) { process.on("SIGINT", onSignal); process.on("SIGTERM", onSignal); }
  let done = false;
  return () => {
    if (done) return;
    done = true;
    if (--installs === 0) { process.off("SIGINT", onSignal); process.off("SIGTERM", onSignal); }
  };
}

let lastYield = performance.now();

/**
 * Let pending signals (and other events) run when the last yield is over 50 ms ago. Long synchronous
 * loops (dataset writes, solving, generating) call this so that SIGINT/SIGTERM stop them promptly.
 */
export async function yieldToSignals(): Promise<void> {
  const now = performance.now();
  if (now - lastYield < 50) return;
  await new Promise<void>((resolve) => setImmediate(resolve));
  lastYield = performance.now();
}

function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM"; // exists, owned by someone else
  }
}

/**
 * Remove `<baseName>.tmp-<pid>` and `<baseName>.old-<pid>` siblings in `parentDir` (left by a
 * process killed mid-write) whose process is gone; without `baseName`, those of any name (a run's
 * checkpoints folder). Returns the removed paths; a missing or unreadable `parentDir` removes nothing.
 */
export function sweepStaleTemps(parentDir: string, baseName?: string): string[] {
  let names: string[];
  try {
    names = readdirSync(parentDir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (baseName !== undefined && !name.startsWith(baseName + ".")) continue;
    const m = baseName !== undefined ? /^\.(?:tmp|old)-(\d+)$/.exec(name.slice(baseName.length)) : /\.(?:tmp|old)-(\d+)$/.exec(name);
    if (m === null) continue;
    const pid = Number(m[1]);
    if (!Number.isSafeInteger(pid) || pid <= 0 || pidAlive(pid)) continue;
    const path = join(parentDir, name);
    try {
      rmSync(path, { recursive: true, force: true });
      removed.push(path);
    } catch {
      // not ours to fix (permissions): leave it
    }
  }
  return removed;
}

/**
 * Build a folder atomically: `build` fills `<outDir>.tmp-<pid>`, which is renamed to `outDir` when it
 * resolves. On error (or signal, when asked) the temp folder is removed and `outDir` is untouched.
 * Stale temp folders of dead processes next to `outDir` are removed first.
 */
export async function buildDirAtomic<T>(
  outDir: string,
  build: (tmpDir: string) => Promise<T>,
  opts: AtomicDirOptions = {},
): Promise<T> {
  if (existsSync(outDir) && !opts.overwrite) {
    throw new DataError(`output ${outDir} already exists; choose another path or allow overwriting (--force)`);
  }
  const stale = sweepStaleTemps(dirname(outDir), basename(outDir));
  if (stale.length > 0) opts.onStaleRemoved?.(stale);
  const tmp = tempSibling(outDir, "tmp");
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  const cleanup = (): void => rmSync(tmp, { recursive: true, force: true });
  const uninstall = opts.cleanupOnSignal ? exitOnSignal() : null;
  if (uninstall) cleanups.add(cleanup);
  try {
    const result = await build(tmp);
    await new Promise<void>((resolve) => setImmediate(resolve)); // a pending signal cancels before the rename
    committing++;
    try {
      if (existsSync(outDir)) {
        const old = tempSibling(outDir, "old");
        await rename(outDir, old);
        await rename(tmp, outDir);
        await rm(old, { recursive: true, force: true });
      } else {
        await rename(tmp, outDir);
      }
    } finally {
      committing--;
    }
    return result;
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  } finally {
    cleanups.delete(cleanup);
    uninstall?.();
    if (deferredExit !== null && committing === 0) {
      const code = deferredExit;
      deferredExit = null;
      for (const c of cleanups) {
        try { c(); } catch { /* exiting anyway */ }
      }
      process.exit(code);
    }
  }
}

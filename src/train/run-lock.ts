// The run folder's lock: one trainer per run folder. `<run_dir>/train.lock` holds the owner's pid; a
// second trainer is refused while that process lives, and the lock of a dead process is taken over.
import { existsSync, linkSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { ConfigError, HrmError } from "../engine/errors.js";

export const LOCK_FILE = "train.lock";

/** Another live trainer holds the run folder. */
export class RunLockedError extends HrmError {}

interface LockInfo {
  readonly pid: number;
  readonly host?: string;
  readonly started?: string;
}

/** Whether process `pid` exists on this machine (EPERM: it exists but belongs to someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readLock(path: string): LockInfo | null {
  try {
    const info = JSON.parse(readFileSync(path, "utf8")) as Partial<LockInfo>;
    return typeof info.pid === "number" && Number.isInteger(info.pid) && info.pid > 0 ? (info as LockInfo) : null;
  } catch {
    return null; // vanished, torn or not ours: treated as stale
  }
}

/** A run folder path must be a folder (or not exist yet, then it is created by the trainer). */
export function checkRunDir(runDir: string): void {
  if (existsSync(runDir) && !statSync(runDir).isDirectory()) throw new ConfigError(`run_dir ${runDir} is a file; expected a folder (or a path to create)`);
}

/**
 * Take the run folder's lock (the folder must exist). Refuses with RunLockedError while the pid in the
 * lock file is alive; takes over a lock whose process is gone (log says so). Returns the release function.
 */
export function acquireRunLock(runDir: string, log: (line: string) => void = (s) => console.error(s)): () => void {
  const path = join(runDir, LOCK_FILE);
  const body = `${JSON.stringify({ pid: process.pid, host: hostname(), started: new Date().toISOString() })}\n`;
  // the lock appears complete or not at all: written under a private name, then hard-linked (fails if it exists)
  const mine = `${path}.${process.pid}`;
  writeFileSync(mine, body);
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        linkSync(mine, path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
        const owner = readLock(path);
        // a lock from another machine (shared file system) cannot be checked here: it holds
        const otherHost = owner?.host !== undefined && owner.host !== hostname();
        if (owner !== null && (otherHost || (owner.pid !== process.pid && processAlive(owner.pid)))) {
          throw new RunLockedError(`run folder ${runDir} is in use by another trainer (pid ${owner.pid}${otherHost ? ` on ${owner.host!}` : ""}${owner.started !== undefined ? `, started ${owner.started}` : ""}); ` +
            `wait for it to finish or stop it, or choose another --run-dir (if no trainer runs there, delete ${path})`);
        }
        log(`hrm train: taking over the lock of ${runDir} from ${owner === null ? "an unreadable lock file" : `pid ${owner.pid}, which is no longer running`}`);
        rmSync(path, { force: true });
        continue;
      }
      return () => {
        if (readLock(path)?.pid === process.pid) rmSync(path, { force: true });
      };
    }
  } finally {
    rmSync(mine, { force: true });
  }
  throw new RunLockedError(`run folder ${runDir}: could not take the lock ${path} (other trainers keep taking it)`);
}

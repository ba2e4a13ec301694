#!/usr/bin/env node
// The `hrm` command: a thin dispatcher over subcommand modules (one file each in src/cli/).
import { commands } from "./commands.js";
import { HrmError, UsageError } from "../engine/errors.js";

/** The exit codes of every command (shown by `hrm --help`). */
export const exitCodes: readonly (readonly [number, string])[] = [
  [0, "success"],
  [1, "input or runtime error (bad file, data, config or checkpoint; run folder in use; training diverged)"],
  [2, "usage error (unknown command or option, missing or conflicting arguments)"],
  [130, "interrupted by SIGINT (Ctrl-C)"],
  [143, "terminated by SIGTERM"],
];

function usage(): string {
  const lines = ["usage: hrm <command> [options]", "", "commands:"];
  const names = Object.keys(commands).sort();
  const width = Math.max(...names.map((n) => n.length));
  for (const name of names) lines.push(`  ${name.padEnd(width)}  ${commands[name]!.summary}`);
  lines.push("", "exit codes:", ...exitCodes.map(([code, what]) => `  ${String(code).padStart(3)}  ${what}`));
  lines.push("", "Every command takes --help and --json (one JSON object on stdout); those that show progress bars (on stderr)",
    "take --progress/--no-progress. Run `hrm <command> --help` for the options of one command.");
  return lines.join("\n");
}

/** What a Node file-system error code means, for the one line a user sees. */
const fsErrorMeaning: Readonly<Record<string, string>> = {
  ENOENT: "no such file or folder",
  EISDIR: "is a folder, expected a file",
  ENOTDIR: "not a folder (a part of the path is a file)",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EEXIST: "already exists",
  ENOTEMPTY: "folder is not empty",
  ENOSPC: "no space left on the device",
  EROFS: "read-only file system",
  EMFILE: "too many open files",
};

/** `<what>: <path>` for a Node fs error that names a path, else null. */
export function describeFsError(err: unknown): string | null {
  if (!(err instanceof Error)) return null;
  const e = err as NodeJS.ErrnoException & { dest?: unknown };
  const meaning = e.code !== undefined ? fsErrorMeaning[e.code] : undefined;
  if (meaning === undefined || typeof e.path !== "string") return null;
  return `${meaning}: ${e.path}${typeof e.dest === "string" ? ` -> ${e.dest}` : ""}`;
}

/** The message of an HrmError without a leading "hrm: " (the line already starts with `hrm <cmd>:`). */
function bare(message: string): string {
  return message.replace(/^hrm: /, "");
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  const entry = commands[name];
  if (entry === undefined) {
    console.error(`hrm: unknown command "${name}"; expected one of: ${Object.keys(commands).sort().join(", ")}`);
    return 2;
  }
  try {
    return await (await entry.load()).run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`hrm ${name}: ${bare(err.message)}`);
      return 2;
    }
    if (err instanceof HrmError) {
      console.error(`hrm ${name}: ${err.name}: ${bare(err.message)}`);
      return 1;
    }
    const fs = describeFsError(err);
    if (fs !== null) {
      console.error(`hrm ${name}: ${fs}`);
      return 1;
    }
    console.error(`hrm ${name}: internal error (a bug; please report it with the command line):`, err);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => { console.error("hrm: internal error (a bug; please report it with the command line):", err); process.exitCode = 1; },
);

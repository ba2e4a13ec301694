#!/usr/bin/env node
// The `hrm` command: a thin dispatcher over subcommand modules (one file each in src/cli/).
import type { Command } from "./command.js";
import { HrmError, UsageError } from "../engine/errors.js";

// Subcommands are loaded lazily so that `hrm --help` stays fast.
const commands: Record<string, () => Promise<Command>> = {
  analyze: async () => (await import("./analyze.js")).command,
  "check-reference": async () => (await import("./check-reference.js")).command,
  train: async () => (await import("./train.js")).command,
  data: async () => (await import("./data.js")).command,
  demo: async () => (await import("./demo.js")).command,
  eval: async () => (await import("./eval.js")).command,
  export: async () => (await import("./export.js")).command,
  freeze: async () => (await import("./freeze.js")).command,
  plot: async () => (await import("./plot.js")).command,
  import: async () => (await import("./import.js")).command,
  solve: async () => (await import("./solve.js")).command,
};

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
  for (const name of Object.keys(commands).sort()) lines.push(`  ${name}`);
  lines.push("", "exit codes:", ...exitCodes.map(([code, what]) => `  ${String(code).padStart(3)}  ${what}`));
  lines.push("", "Run `hrm <command> --help` for the options of one command.");
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
  const load = commands[name];
  if (load === undefined) {
    console.error(`hrm: unknown command "${name}"; expected one of: ${Object.keys(commands).sort().join(", ")}`);
    return 2;
  }
  try {
    return await (await load()).run(rest);
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

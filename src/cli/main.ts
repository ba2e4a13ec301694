#!/usr/bin/env node
// The `hrm` command: a thin dispatcher over subcommand modules (one file each in src/cli/).
import { HrmError, UsageError } from "../engine/errors.js";

/** A subcommand: parses its own argv and returns the process exit code. */
export interface Command {
  readonly summary: string;
  run(argv: string[]): Promise<number>;
}

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
  import: async () => (await import("./import.js")).command,
  solve: async () => (await import("./solve.js")).command,
};

function usage(): string {
  const lines = ["usage: hrm <command> [options]", "", "commands:"];
  for (const name of Object.keys(commands).sort()) lines.push(`  ${name}`);
  lines.push("", "Run `hrm <command> --help` for the options of one command.");
  return lines.join("\n");
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
      console.error(`hrm ${name}: ${err.message}`);
      return 2;
    }
    if (err instanceof HrmError) {
      console.error(`hrm ${name}: ${err.name}: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => { console.error(err); process.exitCode = 1; },
);

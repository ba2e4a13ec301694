// A subcommand of `hrm`: parses its own argv and returns the process exit code (one file each in src/cli/;
// listed, with its summary, in commands.ts).
export interface Command {
  run(argv: string[]): Promise<number>;
}

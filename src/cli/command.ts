// A subcommand of `hrm`: parses its own argv and returns the process exit code (one file each in src/cli/).
export interface Command {
  readonly summary: string;
  run(argv: string[]): Promise<number>;
}

// The options every command shares for what it prints: --json (one JSON object on stdout, people's text on
// stderr or left out) and --progress/--no-progress (the progress bars on stderr).
import { ProgressBar } from "../util/progress.js";
import type { ProgressOptions, ProgressStream } from "../util/progress.js";
import type { OptionSpec } from "./args.js";

export const jsonOptionSpec = {
  kind: "boolean",
  help: "print one JSON object with the results on stdout (and nothing else there)",
  default: false,
} satisfies OptionSpec;

export const progressOptionSpec = {
  kind: "boolean",
  help: "show progress bars on stderr (a line every 10 s when stderr is not a terminal); --no-progress: none",
  default: true,
} satisfies OptionSpec;

const silent: ProgressStream = { write: () => true };

/** A progress bar on stderr, or one that draws nothing when `show` is false (--no-progress). */
export function cliProgressBar(show: boolean, opts: ProgressOptions): ProgressBar {
  return new ProgressBar(show ? opts : { ...opts, stream: silent });
}

/** Print the result object of a --json run: one line of JSON on stdout. */
export function printJson(result: unknown): void {
  console.log(JSON.stringify(result));
}

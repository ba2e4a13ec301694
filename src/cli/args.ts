// A small declarative argument parser: every option is declared, an unknown one is an error.
import { UsageError } from "../engine/errors.js";

export type OptionKind = "string" | "number" | "boolean";

export interface OptionSpec {
  readonly kind: OptionKind;
  readonly help: string;
  readonly default?: string | number | boolean;
}

export type OptionValues = Record<string, string | number | boolean | undefined>;

/** The value type of one option: its kind's type, possibly undefined when it has no default. */
type KindValue<K extends OptionKind> = K extends "number" ? number : K extends "boolean" ? boolean : string;
export type OptionValueOf<S extends OptionSpec> = S extends { readonly default: string | number | boolean } ? KindValue<S["kind"]> : KindValue<S["kind"]> | undefined;

/** The parsed options of a spec table, typed from the specs (declare tables with `satisfies Specs`). */
export type OptionValuesOf<T extends Specs> = { readonly [K in keyof T]: OptionValueOf<T[K]> };

export type Specs = Readonly<Record<string, OptionSpec>>;

export interface ParsedArgs<T extends Specs = Specs> {
  readonly options: OptionValuesOf<T>;
  readonly positionals: string[];
  readonly help: boolean;
}

/**
 * Parse `--name value`, `--name=value` and boolean `--flag` / `--no-flag` options.
 * Throws UsageError naming the unknown option and the valid ones.
 */
export function parseArgs<T extends Specs>(argv: string[], specs: T): ParsedArgs<T> {
  const options: OptionValues = {};
  for (const [name, spec] of Object.entries(specs)) options[name] = spec.default;
  const positionals: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--help" || arg === "-h") { help = true; continue; }
    if (!arg.startsWith("--")) { positionals.push(arg); continue; }
    const eq = arg.indexOf("=");
    let name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    let negated = false;
    if (!(name in specs) && name.startsWith("no-") && specs[name.slice(3)]?.kind === "boolean") {
      name = name.slice(3);
      negated = true;
    }
    const spec = specs[name];
    if (spec === undefined) {
      const valid = Object.keys(specs).map((k) => `--${k}`).join(", ");
      throw new UsageError(`unknown option "--${name}"; valid options: ${valid || "(none)"}`);
    }
    if (spec.kind === "boolean") {
      if (eq >= 0) {
        const v = arg.slice(eq + 1);
        if (v !== "true" && v !== "false") throw new UsageError(`--${name} expects true or false, got "${v}"`);
        options[name] = v === "true";
      } else options[name] = !negated;
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else { value = argv[i + 1]; i++; }
    if (value === undefined) throw new UsageError(`--${name} expects a ${spec.kind} value`);
    if (spec.kind === "number") {
      const n = Number(value);
      if (value.trim() === "" || !Number.isFinite(n)) throw new UsageError(`--${name} expects a number, got "${value}"`);
      options[name] = n;
    } else options[name] = value;
  }
  // every declared option was set above (to its default or to a value of its kind)
  return { options: options as OptionValuesOf<T>, positionals, help };
}

/** Render the help text of a command from its option specs. */
export function formatHelp(usageLine: string, specs: Specs, examples: string[] = []): string {
  const lines = [`usage: ${usageLine}`, "", "options:"];
  for (const [name, spec] of Object.entries(specs)) {
    const def = spec.default === undefined ? "" : ` (default: ${String(spec.default)})`;
    lines.push(`  --${name}${spec.kind === "boolean" ? "" : ` <${spec.kind}>`}  ${spec.help}${def}`);
  }
  if (examples.length > 0) lines.push("", "examples:", ...examples.map((e) => `  ${e}`));
  return lines.join("\n");
}

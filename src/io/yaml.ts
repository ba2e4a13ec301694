// YAML for the official `all_config.yaml` (PyYAML `yaml.dump` of the pydantic PretrainConfig), through the
// `yaml` package: YAML 1.1 scalars as PyYAML resolves them (True/False, ~, .inf, 1.0e-05), errors as one
// ConfigError naming the file and line, and a writer in PyYAML's layout (sorted keys, indentless sequences,
// Python float reprs such as 0.0001, 1.0e-05 and 4.0 for keys that hold floats).
import { Document, LineCounter, type Scalar, type ScalarTag, type Tags, isPair, isScalar, parseDocument, visit } from "yaml";
import { ConfigError } from "../engine/errors.js";

export type YamlValue = null | boolean | number | string | YamlValue[] | { [key: string]: YamlValue };

/** Aliases a document may expand (a guard against alias bombs; the official files have none). */
const MAX_ALIASES = 100;

/**
 * PyYAML's booleans: yes/no/true/false/on/off in three casings, but not YAML 1.1's y/n (which PyYAML reads
 * as strings), in place of the package's YAML 1.1 boolean tags.
 */
const pyyamlBool: ScalarTag = {
  identify: (v: unknown) => typeof v === "boolean",
  default: true,
  tag: "tag:yaml.org,2002:bool",
  test: /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  resolve: (s: string) => /^(?:yes|true|on)$/i.test(s),
  stringify: (item) => (item.value === true ? "true" : "false"),
};

function withPyyamlBool(tags: Tags): Tags {
  return [pyyamlBool, ...tags.filter((t) => typeof t === "string" || t.tag !== pyyamlBool.tag)];
}

/** Parse YAML text. `source` names the file in errors. */
export function parseYaml(text: string, source = "<yaml>"): YamlValue {
  const lines = new LineCounter();
  const doc = parseDocument(text, { version: "1.1", uniqueKeys: true, prettyErrors: false, customTags: withPyyamlBool, lineCounter: lines });
  const err = doc.errors[0];
  if (err !== undefined) {
    const line = lines.linePos(err.pos[0]).line;
    throw new ConfigError(`${source}${line === undefined ? "" : ` line ${line}`}: ${err.message.split("\n")[0]}`);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    throw new ConfigError(`${source}: ${(e as Error).message.split("\n")[0]}`);
  }
  return plain(value, source);
}

/** Keep only JSON-like values: YAML 1.1 timestamps become their ISO text, other objects are refused. */
function plain(v: unknown, source: string): YamlValue {
  if (v === null || typeof v === "boolean" || typeof v === "number" || typeof v === "string") return v;
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map((x) => plain(x, source));
  if (v instanceof Map || v instanceof Set || typeof v !== "object") {
    throw new ConfigError(`${source}: a ${v instanceof Set ? "set" : v instanceof Map ? "mapping with non-string keys" : typeof v} is not a config value`);
  }
  const out: { [key: string]: YamlValue } = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = plain(x, source);
  return out;
}

// ------------------------------------------------------------------------------------------- writer

/** Python float repr as PyYAML writes it: 0.0001, 1.0e-05, 4.0, .inf, .nan. */
function formatNumber(x: number, isFloat: boolean): string {
  if (Number.isNaN(x)) return ".nan";
  if (!Number.isFinite(x)) return x > 0 ? ".inf" : "-.inf";
  if (Number.isInteger(x) && !isFloat) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-4 || a >= 1e16)) {
    const [m, e] = x.toExponential().split("e") as [string, string];
    const sign = e.startsWith("-") ? "-" : "+";
    const digits = e.replace(/^[-+]/, "").padStart(2, "0");
    return `${m.includes(".") ? m : `${m}.0`}e${sign}${digits}`;
  }
  const s = String(x);
  return s.includes(".") ? s : `${s}.0`;
}

export interface DumpOptions {
  /** Keys whose numbers are Python floats (written 4.0, not 4), at any depth. */
  readonly floatKeys?: ReadonlySet<string>;
}

/** Numbers carry whether they are floats to the stringifier through this flag on their node. */
type NumberNode = Scalar<number> & { pythonFloat?: boolean };

/** Write a value as block YAML the way PyYAML's `yaml.dump` does (keys sorted, indentless sequences). */
export function dumpYaml(value: YamlValue, opts: DumpOptions = {}): string {
  const floatKeys = opts.floatKeys ?? new Set<string>();
  const doc = new Document(value, {
    version: "1.1",
    sortMapEntries: true,
    // one tag for every number, written as Python's repr (its `test` makes the stringifier prefer it)
    customTags: (tags) => [{
      identify: (v: unknown) => typeof v === "number",
      default: true,
      tag: "tag:yaml.org,2002:float",
      test: /^[-+]?(?:\.inf|\.nan|[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?)$/,
      resolve: (s: string) => Number(s),
      stringify: (item) => formatNumber((item as NumberNode).value, (item as NumberNode).pythonFloat === true),
    }, ...withPyyamlBool(tags)],
  });
  // a number is a float when its key (or, in a sequence, the key of the sequence) is one of floatKeys
  visit(doc, {
    Scalar(_key, node, path) {
      if (typeof node.value !== "number") return;
      // the nearest pair above the number: its key names the setting (a number that is itself a key stays as is)
      const pair = [...path].reverse().find(isPair);
      if (pair === undefined || pair.key === node) return;
      (node as NumberNode).pythonFloat = floatKeys.has(isScalar(pair.key) ? String(pair.key.value) : String(pair.key));
    },
  });
  return doc.toString({ indentSeq: false, lineWidth: 0, singleQuote: true, nullStr: "null", trueStr: "true", falseStr: "false" });
}

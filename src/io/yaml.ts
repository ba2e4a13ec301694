// A small YAML subset, enough for the official `all_config.yaml` (PyYAML `yaml.dump` of the pydantic
// PretrainConfig): block mappings and sequences by indentation (PyYAML writes sequences under a key
// without extra indent), plain / single-quoted / double-quoted scalars (also folded over several lines),
// flow collections of scalars (`[]`, `[a, b]`, `{}`), comments, null/bool/int/float resolution as YAML 1.1
// core types. Anchors, aliases, tags and block scalars (| >) are refused with a ConfigError naming the line.
// `dumpYaml` writes the same subset the way PyYAML does (sorted keys, indentless sequences).
import { ConfigError } from "../engine/errors.js";

export type YamlValue = null | boolean | number | string | YamlValue[] | { [key: string]: YamlValue };

interface Line {
  readonly no: number;
  readonly indent: number;
  readonly text: string;
}

/** Remove a comment: `#` at the start or after whitespace, outside quotes. */
function stripComment(s: string): string {
  let quote: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote !== null) {
      if (c === quote) {
        if (quote === "'" && s[i + 1] === "'") { i++; continue; }
        quote = null;
      } else if (c === "\\" && quote === '"') i++;
    } else if (c === "'" || c === '"') {
      if (i === 0 || /[\s:[{,-]/.test(s[i - 1]!)) quote = c;
    } else if (c === "#" && (i === 0 || /\s/.test(s[i - 1]!))) return s.slice(0, i);
  }
  return s;
}

class Parser {
  private pos = 0;
  constructor(private readonly lines: readonly Line[], private readonly source: string) {}

  fail(line: Line | undefined, msg: string): never {
    throw new ConfigError(`${this.source}${line ? ` line ${line.no}` : ""}: ${msg}`);
  }

  peek(): Line | undefined {
    return this.lines[this.pos];
  }

  parseDocument(): YamlValue {
    const first = this.peek();
    if (first === undefined) return null;
    const v = this.parseBlock(first.indent);
    const rest = this.peek();
    if (rest !== undefined) this.fail(rest, `unexpected indentation or content ${JSON.stringify(rest.text)}`);
    return v;
  }

  /** A block node whose lines start at exactly `indent`. */
  parseBlock(indent: number): YamlValue {
    const line = this.peek()!;
    if (line.text === "-" || line.text.startsWith("- ")) return this.parseSequence(indent);
    if (keyOf(line.text) !== null) return this.parseMapping(indent);
    // a lone scalar document
    this.pos++;
    return this.scalarWithContinuation(line.text, indent - 1, line);
  }

  parseSequence(indent: number): YamlValue[] {
    const out: YamlValue[] = [];
    for (let line = this.peek(); line !== undefined && line.indent === indent && (line.text === "-" || line.text.startsWith("- ")); line = this.peek()) {
      this.pos++;
      const rest = line.text.slice(1).trimStart();
      if (rest === "") {
        const next = this.peek();
        out.push(next !== undefined && next.indent > indent ? this.parseBlock(next.indent) : null);
      } else if (keyOf(rest) !== null || rest.startsWith("- ")) {
        // compact nested block ("- key: v" continues with lines indented to the key)
        const inner = indent + (line.text.length - rest.length);
        this.pos--;
        this.replaceCurrent({ no: line.no, indent: inner, text: rest });
        out.push(this.parseBlock(inner));
      } else out.push(this.scalarWithContinuation(rest, indent, line));
    }
    return out;
  }

  private replaceCurrent(l: Line): void {
    (this.lines as Line[])[this.pos] = l;
  }

  parseMapping(indent: number): { [key: string]: YamlValue } {
    const out: { [key: string]: YamlValue } = {};
    for (let line = this.peek(); line !== undefined && line.indent === indent; line = this.peek()) {
      const k = keyOf(line.text);
      if (k === null) this.fail(line, `expected "key: value", got ${JSON.stringify(line.text)}`);
      this.pos++;
      if (Object.prototype.hasOwnProperty.call(out, k.key)) this.fail(line, `duplicate key "${k.key}"`);
      const rest = line.text.slice(k.end).trim();
      if (rest === "") {
        const next = this.peek();
        if (next !== undefined && (next.indent > indent || (next.indent === indent && (next.text === "-" || next.text.startsWith("- "))))) {
          out[k.key] = this.parseBlock(next.indent);
        } else out[k.key] = null;
      } else out[k.key] = this.scalarWithContinuation(rest, indent, line);
    }
    return out;
  }

  /** A scalar or flow value; plain and quoted scalars may continue on lines indented deeper than `parentIndent`. */
  scalarWithContinuation(text: string, parentIndent: number, line: Line): YamlValue {
    if (/^[|>][-+0-9]*$/.test(text)) this.fail(line, "block scalars (| and >) are not supported");
    let s = text;
    const quoted = s[0] === "'" || s[0] === '"';
    const open = (): boolean => quoted && !closedQuote(s);
    for (let next = this.peek(); next !== undefined && (next.indent > parentIndent || open()) && !(s[0] === "[" || s[0] === "{"); next = this.peek()) {
      if (!quoted && keyOf(next.text) !== null) this.fail(next, `a "key: value" line inside a plain scalar; check the indentation`);
      this.pos++;
      s += " " + next.text;
    }
    return parseInline(s, (m) => this.fail(line, m));
  }
}

function closedQuote(s: string): boolean {
  const q = s[0]!;
  for (let i = 1; i < s.length; i++) {
    if (q === "'" && s[i] === "'") { if (s[i + 1] === "'") { i++; continue; } return true; }
    if (q === '"') { if (s[i] === "\\") { i++; continue; } if (s[i] === '"') return true; }
  }
  return false;
}

/** The key of a "key: value" / "key:" line and where the value starts, or null. */
function keyOf(text: string): { key: string; end: number } | null {
  if (text[0] === "'" || text[0] === '"') {
    const q = text[0];
    let i = 1;
    let key = "";
    for (; i < text.length; i++) {
      if (text[i] === q) {
        if (q === "'" && text[i + 1] === "'") { key += "'"; i++; continue; }
        break;
      }
      if (q === '"' && text[i] === "\\") { key += text[++i] ?? ""; continue; }
      key += text[i];
    }
    if (text[i + 1] === ":" && (i + 2 === text.length || text[i + 2] === " ")) return { key, end: i + 2 };
    return null;
  }
  if (text.startsWith("- ") || text[0] === "[" || text[0] === "{") return null;
  const m = /^([^:#][^:]*?|):(?: |$)/.exec(text);
  if (m === null || m[1] === "") return null;
  return { key: m[1]!.trim(), end: m[0].length };
}

const INT = /^[-+]?(0|[1-9][0-9_]*)$/;
const FLOAT = /^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$/;

/** Resolve a plain scalar as PyYAML's safe loader does (YAML 1.1 core subset). */
function plainScalar(s: string): YamlValue {
  if (s === "" || s === "~" || s === "null" || s === "Null" || s === "NULL") return null;
  if (/^(true|True|TRUE)$/.test(s)) return true;
  if (/^(false|False|FALSE)$/.test(s)) return false;
  if (INT.test(s)) return Number(s.replace(/_/g, ""));
  if (/^0x[0-9a-fA-F]+$/.test(s)) return parseInt(s.slice(2), 16);
  if (/^0o?[0-7]+$/.test(s) && s !== "0") return parseInt(s.replace(/^0o?/, ""), 8);
  if (/^[-+]?\.(inf|Inf|INF)$/.test(s)) return s[0] === "-" ? -Infinity : Infinity;
  if (/^\.(nan|NaN|NAN)$/.test(s)) return NaN;
  if (FLOAT.test(s) && /[0-9]/.test(s)) return Number(s.replace(/_/g, ""));
  return s;
}

function parseInline(text: string, fail: (msg: string) => never): YamlValue {
  const s = text.trim();
  if (/^[&*!]/.test(s)) fail(`anchors, aliases and tags are not supported (${JSON.stringify(s.slice(0, 30))})`);
  const p = { i: 0 };
  const v = parseFlow(s, p, fail, false);
  if (s.slice(p.i).trim() !== "") fail(`unexpected text after a value: ${JSON.stringify(s.slice(p.i))}`);
  return v;
}

function parseFlow(s: string, p: { i: number }, fail: (msg: string) => never, inFlow: boolean): YamlValue {
  while (s[p.i] === " ") p.i++;
  const c = s[p.i];
  if (c === "[" || c === "{") {
    const close = c === "[" ? "]" : "}";
    p.i++;
    const list: YamlValue[] = [];
    const map: { [key: string]: YamlValue } = {};
    for (;;) {
      while (s[p.i] === " ") p.i++;
      if (s[p.i] === close) { p.i++; break; }
      if (p.i >= s.length) fail(`unclosed ${c}`);
      const item = parseFlow(s, p, fail, true);
      while (s[p.i] === " ") p.i++;
      if (c === "{") {
        if (s[p.i] !== ":") fail(`expected ":" in a flow mapping`);
        p.i++;
        map[String(item)] = parseFlow(s, p, fail, true);
        while (s[p.i] === " ") p.i++;
      } else list.push(item);
      if (s[p.i] === ",") p.i++;
      else if (s[p.i] !== close) fail(`expected "," or "${close}" in a flow collection`);
    }
    return c === "[" ? list : map;
  }
  if (c === "'" || c === '"') {
    let out = "";
    p.i++;
    for (;;) {
      if (p.i >= s.length) fail("unclosed quoted string");
      const ch = s[p.i]!;
      if (ch === c) {
        if (c === "'" && s[p.i + 1] === "'") { out += "'"; p.i += 2; continue; }
        p.i++;
        return out;
      }
      if (c === '"' && ch === "\\") {
        const e = s[p.i + 1]!;
        const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", '"': '"', "\\": "\\", "/": "/", "0": "\0", " ": " " };
        if (e in simple) { out += simple[e]; p.i += 2; continue; }
        if (e === "x" || e === "u" || e === "U") {
          const n = e === "x" ? 2 : e === "u" ? 4 : 8;
          out += String.fromCodePoint(parseInt(s.slice(p.i + 2, p.i + 2 + n), 16));
          p.i += 2 + n;
          continue;
        }
        fail(`unsupported escape \\${e}`);
      }
      out += ch;
      p.i++;
    }
  }
  // plain scalar: up to the end, or (in flow context) to , ] } or ": "
  const start = p.i;
  while (p.i < s.length) {
    const ch = s[p.i]!;
    if (inFlow && (ch === "," || ch === "]" || ch === "}" || (ch === ":" && (s[p.i + 1] === " " || s[p.i + 1] === undefined)))) break;
    p.i++;
  }
  return plainScalar(s.slice(start, p.i).trim());
}

/** Parse YAML text (the subset above). `source` names the file in errors. */
export function parseYaml(text: string, source = "<yaml>"): YamlValue {
  const lines: Line[] = [];
  text.split(/\r?\n/).forEach((raw, k) => {
    if (/^\s*\t/.test(raw)) throw new ConfigError(`${source} line ${k + 1}: tabs are not allowed for indentation`);
    if (raw === "---" || raw === "...") return;
    if (raw.startsWith("%")) return; // directives
    const body = stripComment(raw).trimEnd();
    if (body.trim() === "") return;
    const indent = body.length - body.trimStart().length;
    lines.push({ no: k + 1, indent, text: body.trimStart() });
  });
  return new Parser(lines, source).parseDocument();
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

function formatString(s: string): string {
  const plainOk = /^[A-Za-z_/.][A-Za-z0-9_ ./@()+-]*$/.test(s) && !/ $/.test(s) && typeof plainScalar(s) === "string" && !s.includes(": ") && !s.includes(" #");
  return plainOk ? s : `'${s.replace(/'/g, "''")}'`;
}

function scalar(v: YamlValue, isFloat: boolean): string {
  if (v === null) return "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") return formatNumber(v, isFloat);
  if (typeof v === "string") return formatString(v);
  if (Array.isArray(v)) return "[]";
  return "{}";
}

export interface DumpOptions {
  /** Keys whose numbers are Python floats (written 4.0, not 4), at any depth. */
  readonly floatKeys?: ReadonlySet<string>;
}

/** Write a value as block YAML the way PyYAML's `yaml.dump` does (keys sorted, indentless sequences). */
export function dumpYaml(value: YamlValue, opts: DumpOptions = {}): string {
  const out: string[] = [];
  const floatKeys = opts.floatKeys ?? new Set<string>();
  const isBlock = (v: YamlValue): boolean => (Array.isArray(v) && v.length > 0) || (typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length > 0);
  const emit = (v: YamlValue, indent: string, key: string): void => {
    if (Array.isArray(v)) {
      for (const item of v) {
        if (isBlock(item)) {
          const sub: string[] = [];
          const saved = out.length;
          emit(item, indent + "  ", key);
          sub.push(...out.splice(saved));
          out.push(`${indent}- ${sub[0]!.trimStart()}`, ...sub.slice(1));
        } else out.push(`${indent}- ${scalar(item, floatKeys.has(key))}`);
      }
      return;
    }
    if (typeof v === "object" && v !== null) {
      for (const k of Object.keys(v).sort()) {
        const child = v[k]!;
        if (isBlock(child)) {
          out.push(`${indent}${formatString(k)}:`);
          emit(child, Array.isArray(child) ? indent : indent + "  ", k);
        } else out.push(`${indent}${formatString(k)}: ${scalar(child, floatKeys.has(k))}`);
      }
      return;
    }
    out.push(indent + scalar(v, floatKeys.has(key)));
  };
  emit(value, "", "");
  return out.join("\n") + "\n";
}

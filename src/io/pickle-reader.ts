// Allow-list unpickler: interprets the data-only pickle opcodes that torch.save emits and calls
// nothing but the host functions its caller registers for named globals. It never executes code.

import { CheckpointError } from "../engine/errors.js";
import { quoteText } from "../util/message-text.js";

/** A Python tuple. */
export class PyTuple {
  constructor(readonly items: readonly PyValue[]) {}
}

/** A Python list. */
export class PyList {
  readonly items: PyValue[] = [];
}

export type PyKey = string | number | bigint | boolean | null;

/** A Python dict (or OrderedDict); `state` holds what a BUILD opcode set on it (e.g. a state_dict's `_metadata`). */
export class PyDict {
  readonly map = new Map<PyKey, PyValue>();
  state: PyValue | undefined;
  constructor(readonly typeName: string) {}
}

/** A value the host created (e.g. a storage or a tensor); opaque to the unpickler. */
export class PyHost {
  constructor(
    readonly typeName: string,
    readonly value: unknown,
  ) {}
}

/** What an allow-listed global is: a callable (REDUCE) or an inert marker such as a storage type. */
export interface GlobalHandler {
  readonly call?: (args: readonly PyValue[], what: string) => PyValue;
}

/** A reference to an allow-listed global ("module name"). */
export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
    readonly handler: GlobalHandler,
  ) {}
  get fullName(): string {
    return `${this.module}.${this.name}`;
  }
}

export type PyValue = null | boolean | number | bigint | string | Uint8Array | PyTuple | PyList | PyDict | PyGlobal | PyHost;

export interface UnpickleOptions {
  /** File/record name for error messages. */
  readonly source: string;
  /** Allowed globals, keyed "module name" (as in the GLOBAL opcode). Anything else is refused. */
  readonly globals: ReadonlyMap<string, GlobalHandler>;
  /** Refusal text appended when a global is not allowed. */
  readonly refusal: string;
  /** Resolves a BINPERSID id; absent means persistent ids are refused. */
  readonly persistentLoad?: (pid: PyValue) => PyValue;
  /** Most values the pickle may create (default MAX_PICKLE_OBJECTS). */
  readonly maxObjects?: number;
}

/**
 * Default cap on the values one pickle may create (strings, numbers, containers, globals, host objects; memo and
 * DUP references are free). A torch state dict needs about 20 per tensor; a hostile pickle can create one list per
 * 2 bytes (4 MB -> 2 M lists, over 500 MB of objects), so the cap keeps memory near 60 MB.
 */
export const MAX_PICKLE_OBJECTS = 250_000;
/** What one dict counts against MAX_PICKLE_OBJECTS: an empty Map costs about three lists. */
const DICT_WEIGHT = 3;

const MARK = Symbol("mark");
type StackItem = PyValue | typeof MARK;

const OPCODE_NAMES: Record<number, string> = {
  0x63: "GLOBAL", 0x69: "INST", 0x6f: "OBJ", 0x81: "NEWOBJ", 0x92: "NEWOBJ_EX", 0x82: "EXT1", 0x83: "EXT2",
  0x84: "EXT4", 0x50: "PERSID", 0x49: "INT", 0x4c: "LONG", 0x46: "FLOAT", 0x53: "STRING", 0x56: "UNICODE",
  0x70: "PUT", 0x67: "GET", 0x96: "BYTEARRAY8", 0x97: "NEXT_BUFFER", 0x98: "READONLY_BUFFER", 0x8f: "EMPTY_SET",
  0x90: "ADDITEMS", 0x91: "FROZENSET",
};

/** Describes a value for error messages. */
export function describePy(v: PyValue | undefined): string {
  if (v === undefined) return "nothing";
  if (v === null) return "None";
  if (typeof v === "string") return `str ${quoteText(v)}`;
  if (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") return `${typeof v} ${String(v)}`;
  if (v instanceof Uint8Array) return `bytes[${v.length}]`;
  if (v instanceof PyTuple) return `tuple of ${v.items.length}`;
  if (v instanceof PyList) return `list of ${v.items.length}`;
  if (v instanceof PyDict) return `${v.typeName} of ${v.map.size}`;
  if (v instanceof PyGlobal) return `global ${v.fullName}`;
  return v.typeName;
}

/** Unpickles `bytes` (protocols 2–5 data opcodes; no object construction beyond the allowed globals). */
export function unpickle(bytes: Uint8Array, opts: UnpickleOptions): PyValue {
  const src = opts.source;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  const stack: StackItem[] = [];
  const memo = new Map<number, PyValue>();
  const maxObjects = opts.maxObjects ?? MAX_PICKLE_OBJECTS;
  let objects = 0;
  let pos = 0;

  const fail = (msg: string): never => {
    throw new CheckpointError(`${src}: pickle ${msg}`);
  };
  const need = (n: number): number => {
    if (pos + n > bytes.length) fail(`truncated at byte ${pos} (needs ${n} more bytes, ${bytes.length - pos} left)`);
    const p = pos;
    pos += n;
    return p;
  };
  const readLine = (): string => {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) fail(`truncated: unterminated text line at byte ${pos}`);
    const s = new TextDecoder("latin1").decode(bytes.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const text = (n: number): string => {
    const p = need(n);
    try {
      return utf8.decode(bytes.subarray(p, p + n));
    } catch {
      return fail(`invalid UTF-8 string at byte ${p}`);
    }
  };
  /** Pushes a newly created value, counting it against the object cap (a dict, with its hash table, as DICT_WEIGHT). */
  const push = (v: PyValue): void => {
    objects += v instanceof PyDict ? DICT_WEIGHT : 1;
    if (objects > maxObjects) {
      fail(`creates more than ${maxObjects} objects (dicts count ${DICT_WEIGHT}) at byte ${pos - 1} of ${bytes.length}; refusing it as hostile or not a state dict`);
    }
    stack.push(v);
  };
  const pushAll = (to: PyValue[], items: readonly PyValue[]): void => {
    for (const v of items) to.push(v);
  };
  const pop = (): PyValue => {
    const v = stack.pop();
    if (v === undefined) return fail(`stack underflow at byte ${pos - 1}`);
    if (v === MARK) return fail(`unexpected MARK at byte ${pos - 1}`);
    return v;
  };
  const top = (): PyValue => {
    const v = stack[stack.length - 1];
    if (v === undefined || v === MARK) return fail(`stack underflow at byte ${pos - 1}`);
    return v;
  };
  const popMark = (): PyValue[] => {
    for (let i = stack.length - 1; i >= 0; i--) {
      if (stack[i] === MARK) {
        const items = stack.splice(i + 1) as PyValue[];
        stack.pop();
        return items;
      }
    }
    return fail(`no MARK on the stack at byte ${pos - 1}`);
  };
  const resolveGlobal = (module: string, name: string): PyGlobal => {
    const h = opts.globals.get(`${module} ${name}`);
    if (h === undefined) {
      return fail(`refers to the global ${quoteText(`${module}.${name}`)}, which is not allowed: ${opts.refusal}`);
    }
    return new PyGlobal(module, name, h);
  };
  const asKey = (k: PyValue): PyKey => {
    if (k === null || typeof k === "string" || typeof k === "number" || typeof k === "bigint" || typeof k === "boolean") return k;
    return fail(`dict key of type ${describePy(k)} is not supported`);
  };
  const setItems = (d: PyValue, kv: PyValue[]): void => {
    if (!(d instanceof PyDict)) fail(`SETITEM(S) on ${describePy(d)}, expected a dict`);
    if (kv.length % 2 !== 0) fail(`SETITEMS with an odd number of items`);
    for (let i = 0; i < kv.length; i += 2) (d as PyDict).map.set(asKey(kv[i] as PyValue), kv[i + 1] as PyValue);
  };
  const int = (v: bigint): number | bigint => (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
  const readLong = (n: number): number | bigint => {
    const p = need(n);
    if (n === 0) return 0;
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[p + i] as number);
    if ((bytes[p + n - 1] as number) & 0x80) v -= 1n << BigInt(8 * n);
    return int(v);
  };
  const memoGet = (i: number): PyValue => {
    const v = memo.get(i);
    if (v === undefined) return fail(`memo entry ${i} read before it was written`);
    return v;
  };
  const memoPut = (i: number): void => {
    memo.set(i, top());
  };

  while (true) {
    if (pos >= bytes.length) fail(`truncated: no STOP opcode before the end (${bytes.length} bytes)`);
    const at = pos;
    const op = bytes[pos++] as number;
    switch (op) {
      case 0x80: { // PROTO
        const v = bytes[need(1)] as number;
        if (v < 2 || v > 5) fail(`protocol ${v} is not supported (expected 2..5)`);
        break;
      }
      case 0x95: need(8); break; // FRAME: frames are only a read-ahead hint
      case 0x2e: { // STOP
        const v = pop();
        if (stack.length !== 0) fail(`STOP with ${stack.length} extra items on the stack`);
        return v;
      }
      case 0x28: stack.push(MARK); break; // MARK
      case 0x30: pop(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x32: stack.push(top()); break; // DUP
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4a: push(dv.getInt32(need(4), true)); break; // BININT
      case 0x4b: push(bytes[need(1)] as number); break; // BININT1
      case 0x4d: push(dv.getUint16(need(2), true)); break; // BININT2
      case 0x8a: push(readLong(bytes[need(1)] as number)); break; // LONG1
      case 0x8b: { // LONG4
        const n = dv.getInt32(need(4), true);
        if (n < 0 || n > 1024) fail(`LONG4 of ${n} bytes is not supported`);
        push(readLong(n));
        break;
      }
      case 0x47: push(dv.getFloat64(need(8), false)); break; // BINFLOAT (big-endian)
      case 0x58: push(text(dv.getUint32(need(4), true))); break; // BINUNICODE
      case 0x8c: push(text(bytes[need(1)] as number)); break; // SHORT_BINUNICODE
      case 0x8d: { // BINUNICODE8
        const n = dv.getBigUint64(need(8), true);
        if (n > BigInt(bytes.length)) fail(`BINUNICODE8 length ${n} exceeds the pickle`);
        push(text(Number(n)));
        break;
      }
      case 0x55: { // SHORT_BINSTRING (Python 2 str)
        const n = bytes[need(1)] as number;
        const p = need(n);
        push(new TextDecoder("latin1").decode(bytes.subarray(p, p + n)));
        break;
      }
      case 0x54: { // BINSTRING
        const n = dv.getInt32(need(4), true);
        if (n < 0) fail(`negative BINSTRING length`);
        const p = need(n);
        push(new TextDecoder("latin1").decode(bytes.subarray(p, p + n)));
        break;
      }
      case 0x43: { // SHORT_BINBYTES
        const n = bytes[need(1)] as number;
        const p = need(n);
        push(bytes.slice(p, p + n));
        break;
      }
      case 0x42: { // BINBYTES
        const n = dv.getUint32(need(4), true);
        const p = need(n);
        push(bytes.slice(p, p + n));
        break;
      }
      case 0x29: push(new PyTuple([])); break; // EMPTY_TUPLE
      case 0x74: push(new PyTuple(popMark())); break; // TUPLE
      case 0x85: push(new PyTuple([pop()])); break; // TUPLE1
      case 0x86: { const b = pop(); const a = pop(); push(new PyTuple([a, b])); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); const a = pop(); push(new PyTuple([a, b, c])); break; } // TUPLE3
      case 0x5d: push(new PyList()); break; // EMPTY_LIST
      case 0x6c: { const l = new PyList(); pushAll(l.items, popMark()); push(l); break; } // LIST
      case 0x61: { // APPEND
        const v = pop();
        const l = top();
        if (!(l instanceof PyList)) fail(`APPEND on ${describePy(l)}`);
        (l as PyList).items.push(v);
        break;
      }
      case 0x65: { // APPENDS
        const items = popMark();
        const l = top();
        if (!(l instanceof PyList)) fail(`APPENDS on ${describePy(l)}`);
        pushAll((l as PyList).items, items);
        break;
      }
      case 0x7d: push(new PyDict("dict")); break; // EMPTY_DICT
      case 0x64: { const d = new PyDict("dict"); setItems(d, popMark()); push(d); break; } // DICT
      case 0x73: { const v = pop(); const k = pop(); setItems(top(), [k, v]); break; } // SETITEM
      case 0x75: { const kv = popMark(); setItems(top(), kv); break; } // SETITEMS
      case 0x71: memoPut(bytes[need(1)] as number); break; // BINPUT
      case 0x72: memoPut(dv.getUint32(need(4), true)); break; // LONG_BINPUT
      case 0x94: memoPut(memo.size); break; // MEMOIZE
      case 0x68: stack.push(memoGet(bytes[need(1)] as number)); break; // BINGET
      case 0x6a: stack.push(memoGet(dv.getUint32(need(4), true))); break; // LONG_BINGET
      case 0x63: { // GLOBAL
        const module = readLine();
        const name = readLine();
        push(resolveGlobal(module, name));
        break;
      }
      case 0x93: { // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== "string" || typeof name !== "string") fail(`STACK_GLOBAL needs two strings`);
        push(resolveGlobal(module as string, name as string));
        break;
      }
      case 0x51: { // BINPERSID
        const pid = pop();
        if (opts.persistentLoad === undefined) fail(`persistent id ${describePy(pid)} is not allowed here`);
        push((opts.persistentLoad as (p: PyValue) => PyValue)(pid));
        break;
      }
      case 0x52: { // REDUCE
        const args = pop();
        const fn = pop();
        if (!(fn instanceof PyGlobal) || fn.handler.call === undefined) fail(`REDUCE calls ${describePy(fn)}, which is not callable here`);
        if (!(args instanceof PyTuple)) fail(`REDUCE arguments are ${describePy(args)}, expected a tuple`);
        const g = fn as PyGlobal;
        push((g.handler.call as NonNullable<GlobalHandler["call"]>)((args as PyTuple).items, `${src}: ${g.fullName}`));
        break;
      }
      case 0x62: { // BUILD: only setting the state of a dict (a state_dict's _metadata) is allowed
        const state = pop();
        const obj = top();
        if (!(obj instanceof PyDict)) fail(`BUILD on ${describePy(obj)} is not allowed (only dict state)`);
        (obj as PyDict).state = state;
        break;
      }
      default: {
        const name = OPCODE_NAMES[op] ?? `0x${op.toString(16).padStart(2, "0")}`;
        fail(`opcode ${name} at byte ${at} is not allowed (only the data opcodes torch.save writes are accepted)`);
      }
    }
  }
}

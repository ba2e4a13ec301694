// Minimal pickle (protocol 2) emitter for the opcodes a torch state_dict needs.

/** Accumulates pickle opcodes; `finish` appends STOP and returns the bytes. */
export class PickleWriter {
  private chunks: number[] = [];
  private readonly enc = new TextEncoder();

  constructor() {
    this.chunks.push(0x80, 2); // PROTO 2
  }

  private bytes(b: Uint8Array): void {
    for (const x of b) this.chunks.push(x);
  }

  private u32(n: number): void {
    this.chunks.push(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);
  }

  op(code: number): this {
    this.chunks.push(code);
    return this;
  }

  mark(): this { return this.op(0x28); }
  emptyTuple(): this { return this.op(0x29); }
  tuple(): this { return this.op(0x74); } // TUPLE from MARK
  reduce(): this { return this.op(0x52); }
  setItems(): this { return this.op(0x75); }
  binPersId(): this { return this.op(0x51); }
  bool(v: boolean): this { return this.op(v ? 0x88 : 0x89); }

  /** GLOBAL "module\nname\n". */
  global(module: string, name: string): this {
    this.op(0x63);
    this.bytes(this.enc.encode(`${module}\n${name}\n`));
    return this;
  }

  /** BINUNICODE. */
  str(s: string): this {
    const b = this.enc.encode(s);
    this.op(0x58);
    this.u32(b.length);
    this.bytes(b);
    return this;
  }

  /** BININT1 / BININT2 / BININT / LONG1, as Python's pickler picks. */
  int(v: number | bigint): this {
    const n = BigInt(v);
    if (n >= 0n && n < 256n) return this.op(0x4b).op(Number(n));
    if (n >= 0n && n < 65536n) {
      const x = Number(n);
      return this.op(0x4d).op(x & 0xff).op(x >>> 8);
    }
    if (n >= -(2n ** 31n) && n < 2n ** 31n) {
      this.op(0x4a);
      this.u32(Number(n) >>> 0);
      return this;
    }
    const out: number[] = [];
    let x = n;
    // Minimal two's-complement little-endian encoding.
    while (true) {
      const byte = Number(x & 0xffn);
      out.push(byte);
      x >>= 8n;
      if ((x === 0n && (byte & 0x80) === 0) || (x === -1n && (byte & 0x80) !== 0)) break;
    }
    this.op(0x8a).op(out.length);
    for (const b of out) this.op(b);
    return this;
  }

  /** A tuple of ints (EMPTY_TUPLE / MARK ... TUPLE). */
  intTuple(values: readonly (number | bigint)[]): this {
    if (values.length === 0) return this.emptyTuple();
    this.mark();
    for (const v of values) this.int(v);
    return this.tuple();
  }

  finish(): Uint8Array {
    this.chunks.push(0x2e); // STOP
    return Uint8Array.from(this.chunks);
  }
}

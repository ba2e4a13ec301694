// Deterministic mutations of valid binary files for the fuzz tests, and the check every parser must pass:
// success or one HrmError of one line, never another exception.

import { HrmError } from "../../src/engine/errors.js";
import { Rng } from "../../src/engine/rng.js";

const U32_VALUES = [0, 1, 2, 7, 8, 0x7f, 0xff, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffff0, 0xffffffff];
const U64_VALUES = [0n, 1n, 0xffffffffn, 2n ** 53n - 1n, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n];

/** One random mutation of `base`: truncation, bit flips, random bytes, a huge 2/4/8-byte field, insertion, deletion or repetition. */
export function mutate(rng: Rng, base: Uint8Array, hotOffsets: readonly number[] = []): Uint8Array {
  const n = base.length;
  const at = (): number => (hotOffsets.length > 0 && rng.uniform() < 0.5 ? hotOffsets[rng.int(0, hotOffsets.length - 1)] as number : rng.int(0, Math.max(0, n - 1)));
  switch (rng.int(0, 7)) {
    case 0: return base.slice(0, rng.int(0, Math.max(0, n - 1)));
    case 1: {
      const out = base.slice();
      for (let k = rng.int(1, 8); k > 0 && n > 0; k--) {
        const i = at() % n;
        out[i] = (out[i] as number) ^ (1 << rng.int(0, 7));
      }
      return out;
    }
    case 2: {
      const out = base.slice();
      for (let k = rng.int(1, 16); k > 0 && n > 0; k--) out[at() % n] = rng.int(0, 255);
      return out;
    }
    case 3: {
      const out = base.slice();
      const i = at();
      if (i + 4 > n) return out;
      const v = rng.uniform() < 0.2 ? rng.nextU32() : U32_VALUES[rng.int(0, U32_VALUES.length - 1)] as number;
      new DataView(out.buffer).setUint32(i, v >>> 0, true);
      return out;
    }
    case 4: {
      const out = base.slice();
      const i = at();
      if (i + 8 > n) return out;
      new DataView(out.buffer).setBigUint64(i, U64_VALUES[rng.int(0, U64_VALUES.length - 1)] as bigint, true);
      return out;
    }
    case 5: {
      const i = rng.int(0, n);
      const ins = new Uint8Array(rng.int(1, 32)).map(() => rng.int(0, 255));
      return concat([base.subarray(0, i), ins, base.subarray(i)]);
    }
    case 6: {
      const i = rng.int(0, n);
      const j = Math.min(n, i + rng.int(1, 64));
      return concat([base.subarray(0, i), base.subarray(j)]);
    }
    default: {
      const i = rng.int(0, n);
      const j = Math.min(n, i + rng.int(1, 16));
      const chunk = base.subarray(i, j);
      const parts: Uint8Array[] = [base.subarray(0, j)];
      for (let k = rng.int(1, 50); k > 0; k--) parts.push(chunk);
      parts.push(base.subarray(j));
      return concat(parts);
    }
  }
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength))));
}

/** Collects what a fuzz run found: any exception that is not a one-line HrmError. */
export class FuzzLog {
  readonly problems: string[] = [];
  runs = 0;
  failures = 0;

  /** Runs `fn` on one input; success and one-line HrmErrors are fine, anything else is a problem. */
  check(what: string, fn: () => unknown): void {
    this.runs++;
    try {
      fn();
    } catch (e) {
      this.failures++;
      if (!(e instanceof HrmError)) {
        this.problems.push(`${what}: ${e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e)}`.slice(0, 300));
      } else if (e.message.includes("\n") || e.message.length > 1000) {
        this.problems.push(`${what}: ${e.name} message is not one short line: ${JSON.stringify(e.message.slice(0, 160))}…`);
      }
    }
  }
}

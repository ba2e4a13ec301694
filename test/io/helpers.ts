// Shared assertions for the io tests.

import assert from "node:assert/strict";
import { CheckpointError } from "../../src/engine/errors.js";

/** Asserts `fn` throws a CheckpointError whose message contains every string (or matches every regexp) in `parts`. */
export function assertCheckpointError(fn: () => unknown, ...parts: (string | RegExp)[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof CheckpointError, `expected CheckpointError, got ${String(e)}`);
    for (const p of parts) {
      if (typeof p === "string") assert.ok(e.message.includes(p), `message "${e.message}" lacks "${p}"`);
      else assert.match(e.message, p);
    }
    return true;
  });
}

/** The bytes of a typed array (a view). */
export function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

// Random-access byte sources for archive readers: an in-memory array or an open file (no 2 GiB read limit).

import { constants as bufferConstants } from "node:buffer";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { CheckpointError } from "../engine/errors.js";

/** Bytes that can be read at any offset. */
export interface ByteSource {
  readonly size: number;
  /** Exactly `length` bytes from `offset`; throws CheckpointError if the range is outside the source. */
  read(offset: number, length: number): Uint8Array;
}

function checkRange(name: string, size: number, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > size) {
    throw new CheckpointError(`${name}: needs bytes [${offset}, ${offset + length}) but the file has ${size} bytes (truncated?)`);
  }
}

/** A ByteSource over memory; `read` returns views, not copies. */
export function bytesSource(bytes: Uint8Array, name: string): ByteSource {
  return {
    size: bytes.length,
    read(offset, length) {
      checkRange(name, bytes.length, offset, length);
      return bytes.subarray(offset, offset + length);
    },
  };
}

/** Opens `path` as a ByteSource for the duration of `fn`, then closes it. */
export function withFileSource<T>(path: string, fn: (src: ByteSource) => T): T {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw new CheckpointError(`${path}: cannot open (${(e as Error).message})`);
  }
  try {
    const size = fstatSync(fd).size;
    const src: ByteSource = {
      size,
      read(offset, length) {
        checkRange(path, size, offset, length);
        if (length > bufferConstants.MAX_LENGTH) {
          throw new CheckpointError(`${path}: a record of ${length} bytes at byte ${offset} is larger than one buffer can hold (${bufferConstants.MAX_LENGTH})`);
        }
        const out = new Uint8Array(length);
        let done = 0;
        while (done < length) {
          const n = readSync(fd, out, done, length - done, offset + done);
          if (n === 0) throw new CheckpointError(`${path}: unexpected end of file at byte ${offset + done}`);
          done += n;
        }
        return out;
      },
    };
    return fn(src);
  } finally {
    closeSync(fd);
  }
}

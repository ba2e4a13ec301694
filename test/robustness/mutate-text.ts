// Deterministic text mutations for the parser fuzz tests, and the check every parser must pass: each
// malformed input ends in success or a typed HrmError, never another exception.
import assert from "node:assert/strict";
import { Rng } from "../../src/engine/rng.js";
import { HrmError } from "../../src/engine/errors.js";

const ALPHABET = ["\0", "\"", ",", "\r", "\n", "\r\n", " ", "\t", "#", ".", "0", "9", "S", "G", "o", "x", "[", "]", "{", "}", ":", "-", "1e9", "é", "\uFEFF", "\uD800", "💥", "\\"];

function pickOne<T>(rng: Rng, xs: readonly T[]): T {
  return xs[rng.int(0, xs.length - 1)]!;
}

/** One random text mutation: truncate, drop/insert/replace characters, duplicate or drop lines, line endings, BOM, huge line. */
export function mutateText(text: string, rng: Rng): string {
  const at = (): number => rng.int(0, text.length);
  switch (rng.int(0, 10)) {
    case 0: return text.slice(0, at());
    case 1: { const i = at(); return text.slice(0, i) + text.slice(i + rng.int(1, 50)); }
    case 2: { const i = at(); return text.slice(0, i) + pickOne(rng, ALPHABET).repeat(rng.int(1, 5)) + text.slice(i); }
    case 3: { const i = at(); return text.slice(0, i) + pickOne(rng, ALPHABET) + text.slice(i + 1); }
    case 4: { const lines = text.split("\n"); const k = rng.int(0, lines.length - 1); lines.splice(k, 0, lines[k]!); return lines.join("\n"); }
    case 5: { const lines = text.split("\n"); lines.splice(rng.int(0, lines.length - 1), 1); return lines.join("\n"); }
    case 6: return text.replace(/\n/g, rng.int(0, 1) === 0 ? "\r\n" : "\r");
    case 7: return "\uFEFF" + text;
    case 8: { const i = at(); return text.slice(0, i) + pickOne(rng, ["a", ",", "\"", "["]).repeat(rng.int(10_000, 300_000)) + text.slice(i); }
    case 9: { const lines = text.split("\n"); const k = rng.int(0, lines.length - 1); lines[k] = lines[k]!.split(",").slice(0, rng.int(0, 3)).join(","); return lines.join("\n"); }
    default: return "";
  }
}

/** Apply 1-3 mutations. */
export function mutateTextMany(text: string, rng: Rng): string {
  let t = text;
  for (let k = rng.int(1, 3); k > 0; k--) t = mutateText(t, rng);
  return t;
}

export interface FuzzTally {
  ok: number;
  typed: number;
}

/** Run `parse`, counting success or HrmError; any other exception fails the test with the input's case number. */
export async function expectTyped(tally: FuzzTally, label: string, parse: () => Promise<unknown>): Promise<void> {
  try {
    await parse();
    tally.ok++;
  } catch (err) {
    if (!(err instanceof HrmError)) assert.fail(`${label}: ${(err as Error)?.constructor?.name}: ${(err as Error)?.message?.slice(0, 300)}`);
    assert.ok(err.message.length < 1000, `${label}: error message of ${err.message.length} characters`);
    tally.typed++;
  }
}

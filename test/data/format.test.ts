import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DataError } from "../../src/engine/errors.js";
import { formatIdentifiers, formatMetadata, parseMetadata, pythonFloat } from "../../src/data/format.js";

const META = {
  pad_id: 0, ignore_label_id: 0, blank_identifier_id: 0, vocab_size: 11, seq_len: 81,
  num_puzzle_identifiers: 1, total_groups: 1000, mean_puzzle_examples: 1, sets: ["all"],
};

describe("dataset.json", () => {
  it("is written like Python's json.dump, in the official field order", () => {
    assert.equal(formatMetadata(META),
      '{"pad_id": 0, "ignore_label_id": 0, "blank_identifier_id": 0, "vocab_size": 11, "seq_len": 81, "num_puzzle_identifiers": 1, "total_groups": 1000, "mean_puzzle_examples": 1.0, "sets": ["all"]}');
    assert.equal(pythonFloat(4.1458), "4.1458");
    assert.equal(pythonFloat(1e-7), "1e-07");
    assert.equal(formatIdentifiers(["<blank>", "a_t1_0123456789"]), '["<blank>", "a_t1_0123456789"]');
  });

  it("parses back and accepts a null ignore_label_id", () => {
    assert.deepEqual(parseMetadata(JSON.parse(formatMetadata(META)), "d.json"), META);
    assert.equal(parseMetadata({ ...META, ignore_label_id: null }, "d.json").ignore_label_id, null);
  });

  it("names the file and field of a bad value", () => {
    assert.throws(() => parseMetadata({ ...META, seq_len: "81" }, "x/dataset.json"), (e: unknown) => e instanceof DataError && e.message === 'x/dataset.json: "seq_len" must be a non-negative integer, got "81"');
    assert.throws(() => parseMetadata({ ...META, sets: [] }, "d.json"), /"sets" must be a non-empty list/);
    assert.throws(() => parseMetadata([], "d.json"), /expected a JSON object/);
  });
});

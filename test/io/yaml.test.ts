// YAML for all_config.yaml: PyYAML's layout (indentless sequences, folded long scalars, quoted strings,
// YAML 1.1 scalars as PyYAML resolves them) parses to the right values; dumpYaml writes PyYAML's layout
// and parseYaml reads it back.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError } from "../../src/engine/errors.js";
import { dumpYaml, parseYaml } from "../../src/io/yaml.js";

test("parseYaml reads the PyYAML dump layout", () => {
  const text = [
    "# comment line",
    "arch:",
    "  H_cycles: 2",
    "  expansion: 4.0",
    "  loss:",
    "    loss_type: stablemax_cross_entropy   # trailing comment",
    "    name: losses@ACTLossHead",
    "  rms_norm_eps: 1.0e-05",
    "  pos_encodings: rope",
    "checkpoint_path: checkpoints/Sudoku-extreme-1k-aug-1000 ACT-torch/HierarchicalReasoningModel_ACTV1",
    "  loose-caracara",
    "quoted: 'it''s: #not a comment'",
    "dq: \"tab\\there\"",
    "eval_save_outputs:",
    "- inputs",
    "- logits",
    "empty_list: []",
    "flow: [1, 2.5, x]",
    "nothing:",
    "tilde: ~",
    "yes_no: [true, False]",
    "lr: 7.0e-05",
    "neg: -3",
    "inf: .inf",
    "ver: '1.0'",
    "items:",
    "- name: a",
    "  value: 1",
    "- name: b",
    "  value: 2",
  ].join("\n");
  assert.deepEqual(parseYaml(text), {
    arch: { H_cycles: 2, expansion: 4, loss: { loss_type: "stablemax_cross_entropy", name: "losses@ACTLossHead" }, rms_norm_eps: 1e-5, pos_encodings: "rope" },
    checkpoint_path: "checkpoints/Sudoku-extreme-1k-aug-1000 ACT-torch/HierarchicalReasoningModel_ACTV1 loose-caracara",
    quoted: "it's: #not a comment",
    dq: "tab\there",
    eval_save_outputs: ["inputs", "logits"],
    empty_list: [],
    flow: [1, 2.5, "x"],
    nothing: null,
    tilde: null,
    yes_no: [true, false],
    lr: 7e-5,
    neg: -3,
    inf: Infinity,
    ver: "1.0",
    items: [{ name: "a", value: 1 }, { name: "b", value: 2 }],
  });
});

test("parseYaml: full YAML through the yaml package, PyYAML's booleans, errors as one ConfigError naming the line", () => {
  assert.deepEqual(parseYaml("a: &x 1\nb: *x\nc: |\n  text\nd: [y, n, yes, Off]", "c.yaml"), { a: 1, b: 1, c: "text\n", d: ["y", "n", true, false] });
  const bad = (text: string, re: RegExp): void => {
    assert.throws(() => parseYaml(text, "c.yaml"), (e: unknown) => e instanceof ConfigError && re.test(e.message) && !e.message.includes("\n"), text);
  };
  bad("a: 1\na: 2", /^c\.yaml line 2: .*unique/i);
  bad("a: 1\n   b: 2", /^c\.yaml line 1: .*compact/);
  bad("a: [1, 2", /^c\.yaml line \d+: /);
  bad("a: \"unterminated", /^c\.yaml line 1: /);
  // an alias bomb: each level doubles the aliases the value expands to
  const bomb = ["a0: &a0 [x, x]", ...Array.from({ length: 20 }, (_, i) => `a${i + 1}: &a${i + 1} [*a${i}, *a${i}]`)].join("\n");
  bad(bomb, /^c\.yaml: .*alias/i);
});

test("dumpYaml writes sorted keys, Python float reprs and quotes where needed; parseYaml reads it back", () => {
  const doc = { b: 1, a: { lr: 1e-4, tiny: 1e-5, ratio: 1, s: "a: b", t: "true", n: null, list: ["x", "y"], e: [] }, c: "plain text/ok" };
  const text = dumpYaml(doc, { floatKeys: new Set(["ratio"]) });
  assert.equal(text, [
    "a:",
    "  e: []",
    "  list:",
    "  - x",
    "  - y",
    "  lr: 0.0001",
    "  n: null",
    "  ratio: 1.0",
    "  s: 'a: b'",
    "  t: 'true'",
    "  tiny: 1.0e-05",
    "b: 1",
    "c: plain text/ok",
    "",
  ].join("\n"));
  assert.deepEqual(parseYaml(text), doc);
});

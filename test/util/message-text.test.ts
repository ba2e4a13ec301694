import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { clipText, describeValue, quoteText } from "../../src/util/message-text.js";

function deepArray(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

describe("quoteText", () => {
  it("quotes short text whole, escaping control characters", () => {
    assert.equal(quoteText("abc"), '"abc"');
    assert.equal(quoteText('a"b\nc\u0000'), '"a\\"b\\nc\\u0000"');
  });

  it("clips to 80 characters with an ellipsis and the full length", () => {
    assert.equal(quoteText("x".repeat(80)), `"${"x".repeat(80)}"`);
    assert.equal(quoteText("x".repeat(1234)), `"${"x".repeat(80)}…" (1234 characters)`);
    assert.equal(quoteText("abcdef", 3), '"abc…" (6 characters)');
  });

  it("counts escapes in the excerpt, never splits one, nor a surrogate pair", () => {
    const newlines = "\n".repeat(1000);
    assert.equal(quoteText(newlines), `"${"\\n".repeat(40)}…" (1000 characters)`);
    assert.equal(quoteText("ab\u0001", 6), '"ab…" (3 characters)', "\\u0001 (6 characters) does not fit after ab");
    assert.equal(quoteText("a😀b", 2), '"a…" (4 characters)');
    assert.equal(quoteText("a😀b", 3), '"a😀…" (4 characters)');
  });
});

describe("clipText", () => {
  it("escapes and clips without quotes or length (free text such as a parser's message)", () => {
    assert.equal(clipText("line 1\nline 2"), "line 1\\nline 2");
    assert.equal(clipText("y".repeat(500), 10), `${"y".repeat(10)}…`);
  });
});

describe("describeValue", () => {
  it("renders JSON-like values", () => {
    assert.equal(describeValue(12), "12");
    assert.equal(describeValue(NaN), "NaN");
    assert.equal(describeValue(null), "null");
    assert.equal(describeValue(undefined), "undefined");
    assert.equal(describeValue(true), "true");
    assert.equal(describeValue("81"), '"81"');
    assert.equal(describeValue([1, "a", { k: [2] }]), '[1,"a",{"k":[2]}]');
  });

  it("a string renders as quoteText does", () => {
    assert.equal(describeValue("z".repeat(300)), quoteText("z".repeat(300)));
  });

  it("stops 4 levels deep, so a 400,000-deep value is cheap and short", () => {
    assert.equal(describeValue(deepArray(400_000)), "[[[[[…]]]]]");
    const deepObject = JSON.parse(`${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}`) as unknown;
    assert.equal(describeValue(deepObject), '{"a":{"a":{"a":{"a":{…}}}}}');
  });

  it("clips long lists and objects with an ellipsis and stays near the limit", () => {
    const long = Array.from({ length: 100_000 }, (_, i) => i);
    const s = describeValue(long);
    assert.match(s, /^\[0,1,2,3,.*,…\]$/);
    assert.ok(s.length <= 90, `${s.length} characters`);
    const wide = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`key${i}`, "v".repeat(100)]));
    const w = describeValue(wide);
    assert.ok(w.startsWith('{"key0":"vvvv') && w.length <= 90 && !w.includes("\n"), w);
  });
});

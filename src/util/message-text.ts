// Short, bounded, one-line renderings of untrusted text and values for error messages. A value parsed from a
// hostile file may be nested 100,000 deep or hold megabytes, so JSON.stringify (recursive, unbounded) is unsafe.
// One format everywhere: a quoted excerpt of at most `max` characters (control characters escaped as in JSON),
// an ellipsis when cut and then the full length: "abc…" (1234 characters).

/** Default excerpt length of every rendering here. */
export const EXCERPT_CHARS = 80;

/** The escaped excerpt of `text` (at most `max` characters) and whether it was cut. */
function excerpt(text: string, max: number): { body: string; cut: boolean } {
  let body = "";
  for (const ch of text) { // by code point, so a surrogate pair is never split
    const shown = JSON.stringify(ch).slice(1, -1); // never splits an escape sequence either
    if (body.length + shown.length > max) return { body, cut: true };
    body += shown;
  }
  return { body, cut: false };
}

/**
 * `text` with newlines and other control characters escaped (as in JSON, without the quotes), cut to at most
 * `max` characters plus "…". Only the shown part of `text` is visited. For free text such as a parser's message.
 */
export function clipText(text: string, max = EXCERPT_CHARS): string {
  const { body, cut } = excerpt(text, max);
  return cut ? `${body}…` : body;
}

/** `text` as a JSON-quoted excerpt (see clipText), with its full length when cut: `"abc…" (1234 characters)`. */
export function quoteText(text: string, max = EXCERPT_CHARS): string {
  const { body, cut } = excerpt(text, max);
  return cut ? `"${body}…" (${text.length} characters)` : `"${body}"`;
}

const MAX_DEPTH = 4;

function render(v: unknown, depth: number, budget: { left: number }): string {
  if (budget.left <= 0) return "…";
  let out: string;
  if (v === undefined) out = "undefined";
  else if (v === null || typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") out = String(v);
  else if (typeof v === "string") out = quoteText(v, Math.max(8, Math.min(40, budget.left)));
  else if (Array.isArray(v)) {
    if (depth >= MAX_DEPTH) out = v.length === 0 ? "[]" : "[…]";
    else {
      const parts: string[] = [];
      budget.left -= 2;
      for (let i = 0; i < v.length && budget.left > 0; i++) parts.push(render(v[i], depth + 1, budget));
      out = `[${parts.join(",")}${parts.length < v.length ? ",…" : ""}]`;
    }
  } else if (typeof v === "object") {
    const keys = Object.keys(v);
    if (depth >= MAX_DEPTH) out = keys.length === 0 ? "{}" : "{…}";
    else {
      const parts: string[] = [];
      budget.left -= 2;
      for (let i = 0; i < keys.length && budget.left > 0; i++) {
        parts.push(`${quoteText(keys[i]!, 20)}:${render((v as Record<string, unknown>)[keys[i]!], depth + 1, budget)}`);
      }
      out = `{${parts.join(",")}${parts.length < keys.length ? ",…" : ""}}`;
    }
  } else out = typeof v;
  budget.left -= out.length + 1;
  return out;
}

/**
 * A JSON-like rendering of `v` (e.g. a header field) of roughly at most `max` characters, nested at most 4 levels
 * (`[[[[[…]]]]]`). Only what is shown is visited, so a huge or 400,000-deep value costs no more than a short one.
 * A string renders as quoteText does.
 */
export function describeValue(v: unknown, max = EXCERPT_CHARS): string {
  if (typeof v === "string") return quoteText(v, max);
  const s = render(v, 0, { left: max });
  return s.length <= max + 10 ? s : `${s.slice(0, max)}…`;
}

// Short, bounded renderings of untrusted values for error messages: a value parsed from a hostile
// file may be nested 100,000 deep or hold megabytes, so JSON.stringify (recursive, unbounded) is unsafe.

/** At most `max` characters of `text`, JSON-quoted, with the full length when cut. */
export function quoteText(text: string, max = 80): string {
  if (text.length <= max) return JSON.stringify(text);
  return `${JSON.stringify(text.slice(0, max))}... (${text.length} characters)`;
}

const MAX_DEPTH = 4;

function render(v: unknown, depth: number, budget: { left: number }): string {
  if (budget.left <= 0) return "...";
  let out: string;
  if (v === undefined) out = "undefined";
  else if (v === null || typeof v === "number" || typeof v === "boolean") out = String(v);
  else if (typeof v === "string") out = quoteText(v, Math.max(8, Math.min(40, budget.left)));
  else if (Array.isArray(v)) {
    if (depth >= MAX_DEPTH) out = v.length === 0 ? "[]" : "[...]";
    else {
      const parts: string[] = [];
      budget.left -= 2;
      for (let i = 0; i < v.length && budget.left > 0; i++) parts.push(render(v[i], depth + 1, budget));
      out = `[${parts.join(",")}${parts.length < v.length ? ",..." : ""}]`;
    }
  } else if (typeof v === "object") {
    const keys = Object.keys(v);
    if (depth >= MAX_DEPTH) out = keys.length === 0 ? "{}" : "{...}";
    else {
      const parts: string[] = [];
      budget.left -= 2;
      for (let i = 0; i < keys.length && budget.left > 0; i++) {
        parts.push(`${quoteText(keys[i]!, 20)}:${render((v as Record<string, unknown>)[keys[i]!], depth + 1, budget)}`);
      }
      out = `{${parts.join(",")}${parts.length < keys.length ? ",..." : ""}}`;
    }
  } else out = typeof v;
  budget.left -= out.length + 1;
  return out;
}

/** A JSON-like rendering of `v` of roughly at most `max` characters, nested at most 4 levels. */
export function describeValue(v: unknown, max = 80): string {
  const s = render(v, 0, { left: max });
  return s.length <= max + 10 ? s : `${s.slice(0, max)}...`;
}

// Text taken from a file, made fit for a one-line error message: control characters escaped, length clipped.

/** `s` with newlines and other control characters escaped (as in JSON), cut to `max` characters. */
export function clipText(s: string, max = 160): string {
  const one = JSON.stringify(s).slice(1, -1);
  return one.length > max ? `${one.slice(0, max)}…` : one;
}

/** `s` clipped (see clipText) and in double quotes. */
export function quoted(s: string, max = 160): string {
  return `"${clipText(s, max)}"`;
}

/**
 * A JSON value from a file (e.g. a header field) as JSON text cut to `max` characters. Only what is shown is
 * visited (at most 4 levels deep), so a huge or 400 000-deep value costs no more than a short one.
 */
export function jsonText(v: unknown, max = 80): string {
  let out = "";
  const emit = (x: unknown, depth: number): void => {
    if (out.length > max) return;
    if (typeof x !== "object" || x === null) {
      const s = JSON.stringify(x) ?? String(x);
      out += s.length > max ? s.slice(0, max + 1) : s;
      return;
    }
    const isArray = Array.isArray(x);
    if (depth >= 4) {
      out += isArray ? "[…]" : "{…}";
      return;
    }
    out += isArray ? "[" : "{";
    let first = true;
    for (const [k, item] of isArray ? (x as unknown[]).entries() : Object.entries(x)) {
      if (out.length > max) return;
      if (!first) out += ",";
      first = false;
      if (!isArray) out += `${JSON.stringify(k)}:`;
      emit(item, depth + 1);
    }
    out += isArray ? "]" : "}";
  };
  emit(v, 0);
  return out.length > max ? `${out.slice(0, max)}…` : out;
}

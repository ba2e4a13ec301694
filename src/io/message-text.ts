// Text taken from a file, made fit for a one-line error message: control characters escaped, length clipped.

/** `s` with newlines and other control characters escaped (as in JSON), cut to `max` characters. */
export function clipText(s: string, max = 80): string {
  const one = JSON.stringify(s).slice(1, -1);
  return one.length > max ? `${one.slice(0, max)}…` : one;
}

/** `s` clipped (see clipText) and in double quotes. */
export function quoted(s: string, max = 80): string {
  return `"${clipText(s, max)}"`;
}

/** A JSON value from a file (e.g. a header field), as JSON text cut to `max` characters. */
export function jsonText(v: unknown, max = 80): string {
  let s: string | undefined;
  try {
    s = JSON.stringify(v);
  } catch {
    s = undefined;
  }
  if (s === undefined) return String(v);
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

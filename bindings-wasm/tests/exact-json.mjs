// Exact JSON for comparisons: numbers keep their digits (no trip through a double) and
// objects are written with sorted keys, so two texts compare equal exactly when they hold
// the same JSON value.

class Digits {
  constructor(text) {
    this.text = text;
  }
}

const TOKEN = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

/** Parses JSON text, keeping each number as the digits written. */
export function parseExact(text) {
  // Each number token becomes a string that starts with U+0000, which no JSON string can
  // hold unescaped; the reviver turns those back into Digits.
  const marked = text.replace(TOKEN, (t) => (t.startsWith('"') ? t : `"\\u0000${t}"`));
  return JSON.parse(marked, (_, v) =>
    typeof v === "string" && v.startsWith("\u0000") ? new Digits(v.slice(1)) : v,
  );
}

/** Compact JSON with sorted keys; numbers from `parseExact` as written. */
export function canonical(value) {
  if (value instanceof Digits) return value.text;
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const members = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`);
    return `{${members.join(",")}}`;
  }
  return JSON.stringify(value);
}

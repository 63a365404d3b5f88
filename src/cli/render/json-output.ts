// `-o json`: one JSON document per line, with every time in one format, RFC 3339 (what the API server writes). The
// runtime keeps times as epoch milliseconds; they are converted here by name: `at`, `until`, and `...At`.

const TIME_KEY = /^(at|until|.+At)$/;

/** `value` as one line of JSON (with its newline), every time field as RFC 3339. */
export function jsonLine(value: unknown): string {
  return `${JSON.stringify(value, (key, field) => typeof field === 'number' && TIME_KEY.test(key) ? new Date(field).toISOString() : field)}\n`;
}

// JSON as Go's encoding/json writes a map[string]interface{}: compact, object keys sorted, and the
// HTML-sensitive characters escaped. ControllerRevision data is produced this way upstream (and
// kubectl recomputes it the same way before byte-comparing in `rollout undo`), so the sandbox must
// produce the very same bytes for the same template.

const GO_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/** Serializes `value` byte-for-byte as Go's `json.Marshal` would serialize the decoded equivalent. */
export function goJson(value: unknown): string {
  if (value === null || value === undefined) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return `[${value.map((item) => goJson(item === undefined ? null : item)).join(',')}]`;
  }
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).filter((key) => record[key] !== undefined).sort();
    return `{${keys.map((key) => `${goString(key)}:${goJson(record[key])}`).join(',')}}`;
  }
  if (typeof value === 'string') {
    return goString(value);
  }
  return JSON.stringify(value);
}

function goString(text: string): string {
  return JSON.stringify(text).replace(/[<>&\u2028\u2029]/g, (character) => GO_ESCAPES[character]);
}

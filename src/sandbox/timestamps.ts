// Kubernetes serializes metav1.Time as RFC 3339 with second precision.

/** `ms` (epoch milliseconds) as an RFC 3339 timestamp with second precision, e.g. `2024-05-01T10:00:00Z`. */
export function rfc3339(ms: number): string {
  // The controllers stamp many objects within the same virtual second: the last second's text is reused.
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    lastText = new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
    lastSecond = second;
  }
  return lastText;
}

let lastSecond = Number.NaN;
let lastText = '';

/** Epoch milliseconds of an RFC 3339 timestamp, or undefined when absent or unparsable. */
export function parseTimestamp(timestamp: string | undefined): number | undefined {
  if (!timestamp) {
    return undefined;
  }
  const ms = Date.parse(timestamp);
  return Number.isNaN(ms) ? undefined : ms;
}

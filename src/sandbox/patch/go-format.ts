// Go's `%v` rendering of decoded JSON values (map[string]interface{}, []interface{}, float64 ...), because
// strategic merge patch errors embed the offending map in their text and the API server returns that text.

/** `value` as Go's fmt prints it with `%v`: `map[a:1 b:[x y]]`, `<nil>`, `1e+06`. */
export function goFormat(value: unknown): string {
  if (value === null || value === undefined) {
    return '<nil>';
  }
  if (Array.isArray(value)) {
    return `[${value.map(goFormat).join(' ')}]`;
  }
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return `map[${Object.keys(record).sort().map((key) => `${key}:${goFormat(record[key])}`).join(' ')}]`;
  }
  if (typeof value === 'number') {
    return goFloat(value);
  }
  return String(value);
}

// fmt's %v of a float64 is strconv's 'g' with the shortest precision: exponent form when the decimal exponent
// is below -4 or at least 6 (so 1e6 prints as 1e+06, 100000 as 100000).
function goFloat(value: number): string {
  if (!Number.isFinite(value)) {
    return value > 0 ? '+Inf' : value < 0 ? '-Inf' : 'NaN';
  }
  if (value === 0) {
    return '0';
  }
  const [mantissa, exponentText] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    const sign = exponent < 0 ? '-' : '+';
    const magnitude = String(Math.abs(exponent)).padStart(2, '0');
    return `${mantissa}e${sign}${magnitude}`;
  }
  return String(value);
}

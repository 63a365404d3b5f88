// Resource quantities ("250m", "0.3", "2Gi", "1e3") as upstream parses them (k8s.io/apimachinery/pkg/api/resource).
// Parsing is exact (BigInt arithmetic) so that "0.3" is 300 millicores, never 301. Shared by the constructs (which
// reject what the API server would) and the sandbox's scheduler.

const DECIMAL_SUFFIXES: Record<string, number> = { 'n': -9, 'u': -6, 'm': -3, '': 0, 'k': 3, 'M': 6, 'G': 9, 'T': 12, 'P': 15, 'E': 18 };
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const QUANTITY_PATTERN = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])|[eE]([+-]?\d+))?$/;

/**
 * The value of a Kubernetes quantity multiplied by `scale` and rounded up, as upstream's
 * `Quantity.MilliValue()` (scale 1000) and `Quantity.Value()` (scale 1) do.
 */
export function scaledQuantity(quantity: string | number, scale: number): number {
  const text = String(quantity).trim();
  const match = QUANTITY_PATTERN.exec(text);
  if (!match) {
    throw new Error(`quantity "${text}" is not a valid Kubernetes quantity (expected a number with an optional suffix such as 250m, 0.5, 2Gi or 1e3)`);
  }
  const [, sign, number, suffix, exponent] = match;
  const [whole, fraction = ''] = number.split('.');
  let numerator = BigInt(`${whole || '0'}${fraction}`) * BigInt(scale);
  let decimalExponent = -fraction.length;
  if (exponent !== undefined) {
    decimalExponent += Number(exponent);
  } else if (suffix !== undefined && suffix in BINARY_SUFFIXES) {
    numerator *= 2n ** BigInt(BINARY_SUFFIXES[suffix]);
  } else {
    decimalExponent += DECIMAL_SUFFIXES[suffix ?? ''];
  }
  let value: bigint;
  if (decimalExponent >= 0) {
    value = numerator * 10n ** BigInt(decimalExponent);
  } else {
    const divisor = 10n ** BigInt(-decimalExponent);
    value = (numerator + divisor - 1n) / divisor;
  }
  return Number(sign === '-' ? -value : value);
}

/** CPU in millicores. */
export function milliCpu(quantity: string | number): number {
  return scaledQuantity(quantity, 1000);
}

/** Memory (or any other quantity) in base units, e.g. bytes. */
export function quantityValue(quantity: string | number): number {
  return scaledQuantity(quantity, 1);
}

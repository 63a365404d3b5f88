// A resource quantity as the API server stores it: k8s.io/apimachinery/pkg/api/resource/quantity.go's
// ParseQuantity followed by its String() (CanonicalizeBytes), so "0.5" is stored as "500m", "1024Mi" as "1Gi" and
// "1.5Gi" as "1536Mi". Ported function by function (parseQuantityString, ParseQuantity's int64 fast path and its
// inf.Dec path with rounding up to nanos, AsCanonicalBytes, AsCanonicalBase1024Bytes); BigInt stands in for both of
// Go's representations, with the int64 limits kept where they change the result (which strings are kept as
// written, the BinarySI cap).

/** How a quantity prints: its suffix family. */
type Format = 'DecimalExponent' | 'BinarySI' | 'DecimalSI';

/** A parsed quantity: value = unscaled * 10^-scale. */
interface Parsed {
  readonly unscaled: bigint;
  readonly scale: number;
  readonly format: Format;
  /** The input itself when it was already canonical (upstream keeps such strings as written). */
  readonly kept?: string;
}

/** Upstream's ErrFormatWrong text: what a malformed quantity is told. */
export const QUANTITY_FORMAT_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/** A quantity that upstream's ParseQuantity refuses, with its message. */
export class QuantityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuantityError';
  }
}

const DECIMAL_SUFFIXES: Readonly<Record<string, number>> = { 'n': -9, 'u': -6, 'm': -3, '': 0, 'k': 3, 'M': 6, 'G': 9, 'T': 12, 'P': 15, 'E': 18 };
const BINARY_SUFFIXES: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
// maxInt64Factors: the decimal digits an int64 always holds.
const MAX_INT64_FACTORS = 18;
const NANO = -9;

/**
 * The canonical form of a quantity as the API server stores and returns it (`Quantity.String()` after
 * `ParseQuantity`). A JSON number is read as its text, surrounding whitespace is ignored (UnmarshalJSON trims it).
 * @throws QuantityError with upstream's message when the quantity does not parse
 */
export function canonicalQuantity(quantity: string | number): string {
  const parsed = parseQuantity(String(quantity).trim());
  return parsed.kept ?? canonicalize(parsed);
}

// ParseQuantity.
function parseQuantity(text: string): Parsed {
  if (text.length === 0) {
    throw new QuantityError(QUANTITY_FORMAT_ERROR);
  }
  if (text === '0') {
    return { unscaled: 0n, scale: 0, format: 'DecimalSI', kept: text };
  }
  const { positive, value, num, denom, suffix } = parseQuantityString(text);
  const interpreted = interpretSuffix(suffix);
  if (!interpreted) {
    throw new QuantityError("unable to parse quantity's suffix");
  }
  const { base, exponent } = interpreted;
  let format = interpreted.format;
  let precision = 0;
  let scale = 0;
  let mantissa = 1n;
  if (format === 'BinarySI') {
    if (exponent >= 0 && denom.length === 0) {
      mantissa = 2n ** BigInt(exponent);
      // 1Mi (2^20) has ~6 digits of decimal precision, so exponent*3/10 - 1 is roughly the precision.
      precision = 15 - num.length - Math.trunc(Math.fround(exponent * 3 / 10)) - 1;
    } else {
      precision = -1;
    }
  } else {
    scale = exponent;
    precision = MAX_INT64_FACTORS - (num.length + denom.length);
  }
  if (precision >= 0) {
    scale -= denom.length;
    if (scale >= NANO) {
      const shifted = num + denom;
      const digits = BigInt(shifted);
      if (digits > INT64_MAX) {
        throw new QuantityError('unable to parse numeric value');
      }
      const product = digits * mantissa;
      if (product <= INT64_MAX) {
        const result = positive ? product : -product;
        const canonical = format === 'BinarySI'
          ? exponent % 10 === 0 && digits % 8n !== 0n
          : scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
        return { unscaled: result, scale: -scale, format, ...(canonical ? { kept: text } : {}) };
      }
    }
  }
  // The inf.Dec path: exact decimal arithmetic, then rounded up (away from zero) to nanos.
  const [whole, fraction = ''] = value.replace(/^[+-]/, '').split('.');
  let unscaled = BigInt(`${whole}${fraction}` || '0');
  let decimalScale = fraction.length;
  if (base === 10) {
    decimalScale -= exponent;
  } else {
    unscaled *= 2n ** BigInt(exponent);
  }
  if (unscaled !== 0n) {
    [unscaled, decimalScale] = roundUpToScale(unscaled, decimalScale, -NANO);
  }
  const maxAllowed = INT64_MAX * 10n ** BigInt(decimalScale);
  if (format === 'BinarySI' && decimalScale >= 0 && unscaled > maxAllowed) {
    [unscaled, decimalScale] = [INT64_MAX, 0];
  }
  if (format === 'BinarySI' && unscaled > 0n && unscaled < 10n ** BigInt(Math.max(decimalScale, 0))) {
    format = 'DecimalSI';
  }
  return { unscaled: positive ? unscaled : -unscaled, scale: decimalScale, format };
}

// inf.Dec.Round(x, s, RoundUp) on a magnitude: the value at exactly scale `target`, any dropped digits rounding up.
function roundUpToScale(unscaled: bigint, scale: number, target: number): [bigint, number] {
  if (scale <= target) {
    return [unscaled * 10n ** BigInt(target - scale), target];
  }
  const divisor = 10n ** BigInt(scale - target);
  const quotient = unscaled / divisor;
  return [unscaled % divisor === 0n ? quotient : quotient + 1n, target];
}

interface QuantityParts {
  positive: boolean;
  value: string;
  num: string;
  denom: string;
  suffix: string;
}

// parseQuantityString: the sign, the number without leading zeros, its fraction and the suffix.
function parseQuantityString(text: string): QuantityParts {
  const parts: QuantityParts = { positive: true, value: '', num: '', denom: '', suffix: '' };
  const end = text.length;
  let pos = 0;
  if (text[0] === '-') {
    parts.positive = false;
    pos++;
  } else if (text[0] === '+') {
    pos++;
  }
  while (pos < end && text[pos] === '0') {
    pos++;
  }
  if (pos >= end) {
    return { ...parts, num: '0', value: '0' };
  }
  let i = pos;
  while (i < end && isDigit(text[i])) {
    i++;
  }
  if (i >= end) {
    return { ...parts, num: text.slice(pos), value: text };
  }
  parts.num = text.slice(pos, i) || '0';
  pos = i;
  if (text[pos] === '.') {
    pos++;
    i = pos;
    while (i < end && isDigit(text[i])) {
      i++;
    }
    if (i >= end) {
      return { ...parts, denom: text.slice(pos), value: text };
    }
    parts.denom = text.slice(pos, i);
    pos = i;
  }
  parts.value = text.slice(0, pos);
  const suffixStart = pos;
  while (pos < end && 'eEinumkKMGTP'.includes(text[pos])) {
    pos++;
  }
  if (pos < end && (text[pos] === '-' || text[pos] === '+')) {
    pos++;
  }
  while (pos < end && isDigit(text[pos])) {
    pos++;
  }
  if (pos < end) {
    throw new QuantityError(QUANTITY_FORMAT_ERROR);
  }
  return { ...parts, suffix: text.slice(suffixStart) };
}

function isDigit(character: string): boolean {
  return character >= '0' && character <= '9';
}

// suffixHandler.interpret: a decimal SI suffix, a binary one, or an exponent (e3, E-6).
function interpretSuffix(suffix: string): { base: 2 | 10; exponent: number; format: Format } | undefined {
  if (suffix in DECIMAL_SUFFIXES) {
    return { base: 10, exponent: DECIMAL_SUFFIXES[suffix], format: 'DecimalSI' };
  }
  if (suffix in BINARY_SUFFIXES) {
    return { base: 2, exponent: BINARY_SUFFIXES[suffix], format: 'BinarySI' };
  }
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?\d+$/.test(suffix.slice(1))) {
    const exponent = BigInt(suffix.slice(1));
    if (exponent > INT64_MAX || exponent < INT64_MIN) {
      return undefined;
    }
    // Go keeps int32(parsed): the exponent wraps as a 32-bit integer.
    return { base: 10, exponent: Number(BigInt.asIntN(32, exponent)), format: 'DecimalExponent' };
  }
  return undefined;
}

// CanonicalizeBytes.
function canonicalize({ unscaled, scale, format }: Parsed): string {
  if (unscaled === 0n) {
    return '0';
  }
  let printed = format;
  if (format === 'BinarySI') {
    // The value as numerator / denominator (a power of ten).
    const numerator = scale >= 0 ? unscaled : unscaled * 10n ** BigInt(-scale);
    const denominator = scale >= 0 ? 10n ** BigInt(scale) : 1n;
    const magnitude = numerator < 0n ? -numerator : numerator;
    if (magnitude < 1024n * denominator || numerator % denominator !== 0n) {
      // Small or fractional binary quantities print in decimal rather than round.
      printed = 'DecimalSI';
    } else {
      const [amount, times] = removeFactors(numerator / denominator, 1024n);
      return `${amount}${binarySuffix(times * 10)}`;
    }
  }
  // AsCanonicalBytes: factors of ten into the exponent, then the exponent down to a multiple of 3.
  let [amount, exponent] = removeFactors(unscaled, 10n);
  exponent -= scale;
  while (exponent % 3 !== 0) {
    amount *= 10n;
    exponent--;
  }
  return `${amount}${printed === 'DecimalExponent' ? exponentSuffix(exponent) : decimalSuffix(exponent)}`;
}

// removeInt64Factors / removeBigIntFactors: divide out `base` while it divides, counting the times.
function removeFactors(value: bigint, base: bigint): [bigint, number] {
  const negative = value < 0n;
  let result = negative ? -value : value;
  let times = 0;
  while (result >= base && result % base === 0n) {
    result /= base;
    times++;
  }
  return [negative ? -result : result, times];
}

// listSuffixer.constructBytes: an exponent without a suffix prints none (upstream's own behaviour for 1e21 and up).
function decimalSuffix(exponent: number): string {
  return Object.keys(DECIMAL_SUFFIXES).find((suffix) => DECIMAL_SUFFIXES[suffix] === exponent) ?? '';
}

function binarySuffix(exponent: number): string {
  return Object.keys(BINARY_SUFFIXES).find((suffix) => BINARY_SUFFIXES[suffix] === exponent) ?? '';
}

function exponentSuffix(exponent: number): string {
  return exponent === 0 ? '' : `e${exponent}`;
}

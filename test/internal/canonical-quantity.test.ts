import { canonicalQuantity, QUANTITY_FORMAT_ERROR } from '../../src/internal/canonical-quantity';

describe('canonicalQuantity (apimachinery ParseQuantity + String)', () => {
  // TestQuantityString: each alternate spelling parses to the canonical one, and the canonical one is kept as written.
  test.each([
    ['1024Mi', '1Gi'], ['307200Ki', '300Mi'], ['6Ki', '6Ki'], ['1025024Mi', '1001Gi'], ['1024Gi', '1Ti'], ['5000m', '5'],
    ['0.5', '500m'], ['1000M', '1G'], ['0.001T', '1G'], ['1000u', '1m'], ['80m', '80m'], ['1.08', '1080m'],
    ['1080000000n', '1080m'], ['300M', '300M'], ['1T', '1T'], ['1234567M', '1234567M'], ['3k', '3k'], ['1025', '1025'],
    ['0', '0'], ['.001e12', '1e9'], ['0.001e0', '1e-3'], ['1000e-12', '1e-9'], ['80e-3', '80e-3'], ['300e6', '300e6'],
    ['1e12', '1e12'], ['1e3', '1e3'], ['3e3', '3e3'], ['00', '0'], ['1n', '1n'], ['80n', '80n'], ['1080n', '1080n'],
    ['1u', '1u'], ['80u', '80u'], ['1080u', '1080u'],
  ])('%s is stored as %s', (input, canonical) => {
    expect(canonicalQuantity(input)).toBe(canonical);
  });

  // TestQuantityParseEmit, and its negative twins.
  test.each([
    ['1Ki', '1Ki'], ['1Mi', '1Mi'], ['1Gi', '1Gi'], ['1024Mi', '1Gi'], ['1000M', '1G'], ['.001Ki', '1024m'],
    ['.000001Ki', '1024u'], ['.000000001Ki', '1024n'], ['.000000000001Ki', '2n'],
  ])('%s emits %s', (input, canonical) => {
    expect(canonicalQuantity(input)).toBe(canonical);
    expect(canonicalQuantity(`-${input}`)).toBe(`-${canonical}`);
  });

  // TestQuantityParse's saturating and rounding cases, printed.
  test.each([
    ['3.001n', '4n'], ['1.1E-9', '2e-9'], ['0.0000000001', '1n'], ['0.00000000050', '1n'], ['0.00000012345', '124n'],
    ['9Ei', '9223372036854775807'], ['9223372036854775807Ki', '9223372036854775807'], ['12E', '12E'],
    ['100.035Ki', '102435840m'], ['0.5Mi', '512Ki'], ['1.5Gi', '1536Mi'], ['.0001k', '100m'], ['1.2e3', '1200'], ['1.3E+6', '1300e3'],
  ])('%s is stored as %s', (input, canonical) => {
    expect(canonicalQuantity(input)).toBe(canonical);
  });

  test('canonical strings are kept as written, signs included, as upstream keeps its input', () => {
    expect(canonicalQuantity('+100m')).toBe('+100m');
    expect(canonicalQuantity('100Ki')).toBe('100Ki');
    expect(canonicalQuantity('1E3')).toBe('1E3');
    // The reuse test looks at the digits only, so a decimal point in an otherwise canonical string survives.
    expect(canonicalQuantity('1.G')).toBe('1.G');
    expect(canonicalQuantity('100.035k')).toBe('100.035k');
  });

  test('JSON numbers and surrounding whitespace (TestJSONWhitespace)', () => {
    expect(canonicalQuantity(0.5)).toBe('500m');
    expect(canonicalQuantity(2)).toBe('2');
    expect(canonicalQuantity(' 1')).toBe('1');
    expect(canonicalQuantity(' -1')).toBe('-1');
  });

  test.each(['1.1.M', '1+1.0M', '0.1mi', '0.1am', 'aoeu', '.5i', '1i', '-3.01i', '-3.01e-', ''])('%p is refused', (input) => {
    expect(() => canonicalQuantity(input)).toThrow(/quantities must match|unable to parse quantity's suffix/);
  });

  test('the format error is upstream\'s text', () => {
    expect(() => canonicalQuantity('aoeu')).toThrow(QUANTITY_FORMAT_ERROR);
  });
});

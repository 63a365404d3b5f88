import { fnv32, fnv32a, safeEncodeString, utf8 } from '../../../src/sandbox/controllers/fnv-hash';

// Golden values from Go's hash/fnv tests (golden32 / golden32a in fnv_test.go).
describe('fnv32 (FNV-1, Go hash/fnv.New32)', () => {
  test.each([
    ['', 0x811c9dc5],
    ['a', 0x050c5d7e],
    ['ab', 0x70772d38],
    ['abc', 0x439c2f4b],
  ])('hashes %j like Go', (text, expected) => {
    expect(fnv32(utf8(text))).toBe(expected);
  });

  test('hashing chunks equals hashing their concatenation (as successive hash.Write calls)', () => {
    expect(fnv32(utf8('ab'), utf8('c'))).toBe(fnv32(utf8('abc')));
  });
});

describe('fnv32a (FNV-1a, Go hash/fnv.New32a)', () => {
  test.each([
    ['', 0x811c9dc5],
    ['a', 0xe40c292c],
    ['ab', 0x4d2505ca],
    ['abc', 0x1a47e90b],
  ])('hashes %j like Go', (text, expected) => {
    expect(fnv32a(utf8(text))).toBe(expected);
  });
});

describe('safeEncodeString (apimachinery rand.SafeEncodeString)', () => {
  test('maps each character code modulo 27 onto the vowel-free alphabet', () => {
    // '0' is 48 -> 48 % 27 = 21 -> '4'; '1' is 49 -> 22 -> '5'; '9' is 57 -> 3 -> 'f'.
    expect(safeEncodeString('0')).toBe('4');
    expect(safeEncodeString('019')).toBe('45f');
  });

  test('only ever produces characters of the safe alphabet', () => {
    expect(safeEncodeString(String(fnv32(utf8('anything'))))).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
  });
});

// FNV-1 and FNV-1a (32 bit) and the "safe" encoding upstream uses to turn a hash into a name suffix
// (k8s.io/apimachinery/pkg/util/rand.SafeEncodeString). ControllerRevision names and pod
// `controller-revision-hash` labels are built from these, so the sandbox's names look like a cluster's.

const FNV32_OFFSET_BASIS = 0x811c9dc5;
const FNV32_PRIME = 0x01000193;

// Vowels and easily confused characters are left out so that generated names never spell words.
const SAFE_ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** The FNV-1 32-bit hash (Go's `hash/fnv.New32`) of the concatenated chunks. */
export function fnv32(...chunks: Uint8Array[]): number {
  let hash = FNV32_OFFSET_BASIS;
  for (const chunk of chunks) {
    for (const byte of chunk) {
      // eslint-disable-next-line no-bitwise -- FNV is defined on unsigned 32-bit words; `>>> 0` keeps the result unsigned
      hash = Math.imul(hash, FNV32_PRIME) >>> 0;
      // eslint-disable-next-line no-bitwise -- FNV-1 xors each byte into the low octet
      hash = (hash ^ byte) >>> 0;
    }
  }
  return hash;
}

/** The FNV-1a 32-bit hash (Go's `hash/fnv.New32a`) of the concatenated chunks. */
export function fnv32a(...chunks: Uint8Array[]): number {
  let hash = FNV32_OFFSET_BASIS;
  for (const chunk of chunks) {
    for (const byte of chunk) {
      // eslint-disable-next-line no-bitwise -- FNV-1a xors each byte into the low octet
      hash = (hash ^ byte) >>> 0;
      // eslint-disable-next-line no-bitwise -- FNV is defined on unsigned 32-bit words; `>>> 0` keeps the result unsigned
      hash = Math.imul(hash, FNV32_PRIME) >>> 0;
    }
  }
  return hash;
}

/** Maps every character of `text` onto the safe alphabet, as `rand.SafeEncodeString` does. */
export function safeEncodeString(text: string): string {
  let encoded = '';
  for (let i = 0; i < text.length; i++) {
    encoded += SAFE_ALPHANUMS[text.charCodeAt(i) % SAFE_ALPHANUMS.length];
  }
  return encoded;
}

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

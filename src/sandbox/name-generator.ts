// The suffixes of names the store generates from `metadata.generateName` (apiserver's names.SimpleNameGenerator,
// staging/src/k8s.io/apiserver/pkg/storage/names/generate.go): five characters from its alphabet, here drawn from a
// counter rather than at random so runs repeat.

// Characters of generated name suffixes, as upstream's (no vowels, no confusable digits).
const NAME_SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const NAME_SUFFIX_LENGTH = 5;
// A prime stride spreads consecutive counts over the alphabet: consecutive suffixes differ in their first character.
const NAME_SUFFIX_STRIDE = 7919;

/** Hands out generateName suffixes in a fixed order. */
export class NameGenerator {
  private counter = 0;

  /** `generateName` followed by the next suffix. */
  public generate(generateName: string): string {
    let n = ++this.counter * NAME_SUFFIX_STRIDE;
    let suffix = '';
    for (let i = 0; i < NAME_SUFFIX_LENGTH; i++) {
      suffix += NAME_SUFFIX_ALPHABET[n % NAME_SUFFIX_ALPHABET.length];
      n = Math.floor(n / NAME_SUFFIX_ALPHABET.length);
    }
    return generateName + suffix;
  }
}

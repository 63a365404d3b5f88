import { compareManifest } from './compare-synth';

const manifest = 'kind: Service\nmetadata:\n  name: zk\n  namespace: blog\n';

describe('compareManifest', () => {
  it('passes byte-identical text', () => {
    expect(compareManifest('python', manifest, manifest)).toEqual({ language: 'python', difference: '' });
  });

  it('names the first differing line when a value differs', () => {
    const actual = manifest.replace('name: zk', 'name: zookeeper');
    expect(compareManifest('go', manifest, actual).difference).toBe(
      'line 3 differs: TypeScript has "  name: zk", go has "  name: zookeeper" (the parsed objects differ too)');
  });

  it('fails text that parses to the same objects, and says so', () => {
    const actual = 'kind: Service\nmetadata:\n  namespace: blog\n  name: zk\n';
    expect(compareManifest('java', manifest, actual).difference).toBe(
      'line 3 differs: TypeScript has "  name: zk", java has "  namespace: blog" (the parsed objects are equal: only the text differs)');
  });

  it('reports a missing end as the end of the file', () => {
    expect(compareManifest('go', manifest, 'kind: Service\n').difference).toBe(
      'line 2 differs: TypeScript has "metadata:", go has "" (the parsed objects differ too)');
  });
});

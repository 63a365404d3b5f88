// The last step of `npm run test:langs` (issue 16): synthesizes examples/blog-app.ts in TypeScript and checks that
// the Python, Java and Go smoke programs (test/langs/<lang>/) wrote the same blog.k8s.yaml byte for byte. The
// bindings run the same JavaScript through the jsii kernel, so any difference is a binding bug (a prop lost or
// renamed on the way), never a formatting choice: nothing here normalizes the text before comparing.
// Usage: ts-node test/langs/compare-synth.ts ROOT LANG...  (reads ROOT/<lang>/blog.k8s.yaml, writes ROOT/typescript/)
import * as fs from 'fs';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import { parseAllDocuments } from 'yaml';
import { buildBlogApp } from '../../examples/blog-app';

/** The file the blog app's one chart is synthesized to. */
const MANIFEST = 'blog.k8s.yaml';

/** What one language's manifest looks like next to the TypeScript one. */
export interface Comparison {
  readonly language: string;
  /** Empty when the bytes are identical; otherwise what differs, in words. */
  readonly difference: string;
}

/** Compares one language's manifest text with the TypeScript one. */
export function compareManifest(language: string, expected: string, actual: string): Comparison {
  if (actual === expected) {
    return { language, difference: '' };
  }
  const expectedLines = expected.split('\n');
  const actualLines = actual.split('\n');
  const line = expectedLines.findIndex((text, index) => text !== actualLines[index]);
  const at = line === -1 ? expectedLines.length : line;
  // Equal after parsing means the same objects written differently: still a failure, but a different kind of one.
  const sameObjects = isDeepStrictEqual(
    parseAllDocuments(expected).map((doc) => doc.toJS()),
    parseAllDocuments(actual).map((doc) => doc.toJS()));
  return {
    language,
    difference: `line ${at + 1} differs: TypeScript has ${JSON.stringify(expectedLines[at] ?? '<end of file>')}, `
      + `${language} has ${JSON.stringify(actualLines[at] ?? '<end of file>')}`
      + (sameObjects ? ' (the parsed objects are equal: only the text differs)' : ' (the parsed objects differ too)'),
  };
}

function main(root: string, languages: string[]): number {
  if (languages.length === 0) {
    console.error('usage: compare-synth.ts ROOT LANG...');
    return 2;
  }
  const typescriptDir = path.join(root, 'typescript');
  fs.rmSync(typescriptDir, { recursive: true, force: true });
  buildBlogApp(typescriptDir).synth();
  const expected = fs.readFileSync(path.join(typescriptDir, MANIFEST), 'utf8');
  const results = languages.map((language) => {
    const file = path.join(root, language, MANIFEST);
    if (!fs.existsSync(file)) {
      return { language, difference: `${file} was not written` };
    }
    return compareManifest(language, expected, fs.readFileSync(file, 'utf8'));
  });
  for (const { language, difference } of results) {
    console.log(difference === '' ? `ok   ${language}: ${MANIFEST} is byte-identical to TypeScript's` : `FAIL ${language}: ${difference}`);
  }
  const failed = results.filter((result) => result.difference !== '').length;
  console.log(`langs: ${results.length - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

if (require.main === module) {
  process.exitCode = main(process.argv[2] ?? '', process.argv.slice(3));
}

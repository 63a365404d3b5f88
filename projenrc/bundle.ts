// The post-compile bundling step (issue 16): the runtime, the CLI, the sandbox, the rehearsal and the control plane
// each become one CommonJS file under lib/bundle/ with their npm dependencies (client-node, commander, yaml and theirs)
// inlined and tree-shaken, so the published package carries no node_modules tree and loads without flags in jest or a
// CommonJS app: client-node 1.x is ESM-only, and esbuild turns the runtime's `await import()` of it into a call of the
// inlined module. The licenses of every inlined package go into one generated third-party notice beside the bundles.
// The constructs (lib/index.js) stay jsii's per-file output: jsii loads them, and they import no npm dependency.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { build, Metafile, Plugin } from 'esbuild';
import { bundleFile, PUBLISHED_BUNDLES } from './bundles';
import { CLIENT_NODE_PARTS } from '../src/runtime/cluster/client-node-parts';

const root = join(__dirname, '..');
const outdir = dirname(join(root, bundleFile('any')));


/** The peer dependencies stay external: a user's App and Chart must be the very classes the bundles check against. */
const PEERS = Object.keys((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { peerDependencies?: object }).peerDependencies ?? {});

const NOTICE_FILE = 'THIRD-PARTY-NOTICES.md';

async function main(): Promise<void> {
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: {
      ...Object.fromEntries(Object.entries(PUBLISHED_BUNDLES).map(([name, bundle]) => [name, bundle.entry])),
      [CLIENT_NODE_BUNDLE]: CLIENT_NODE_ENTRY,
    },
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: PEERS,
    plugins: [clientNodeParts],
    // The adapter's `await import()` of client-node becomes a require() of client-node.js: CommonJS-loadable without
    // flags, as an inlined import() was.
    supported: { 'dynamic-import': false },
    // Minified to keep the installed package small (issue 16: below 10 MB); keepNames keeps every class's and
    // function's `name`, which errors and `constructor.name` show.
    minify: true,
    keepNames: true,
    legalComments: 'external',
    metafile: true,
    logLevel: 'warning',
  });
  writeFileSync(join(outdir, NOTICE_FILE), thirdPartyNotice(result.metafile, collectLegalComments()));
}

/**
 * client-node is most of the code of the CLI and the runtime, and only a command that connects needs it: it is a bundle
 * of its own, lib/bundle/client-node.js, that the others require() when the adapter's `await import()` runs, so that
 * `kubectl-stage --help` does not parse it (issue 16: start-up) and the package holds it once. Its entry re-exports
 * only the parts the adapter's types allow (client-node-parts.ts), the models' serializer and the Observable helper the
 * adapter imports by path, so the rest of client-node's API groups are shaken out.
 */
const CLIENT_NODE_BUNDLE = 'client-node';
const CLIENT_NODE_ENTRY = 'client-node-parts:entry';
const clientNodeParts: Plugin = {
  name: 'client-node-parts',
  setup(bundle) {
    const namespace = 'client-node-parts';
    bundle.onResolve({ filter: /^client-node-parts:entry$/ }, () => ({ path: CLIENT_NODE_ENTRY, namespace }));
    bundle.onResolve({ filter: /^@kubernetes\/client-node(\/|$)/ }, (args) =>
      (args.namespace === namespace ? undefined : { path: `./${CLIENT_NODE_BUNDLE}.js`, external: true }));
    bundle.onLoad({ filter: /.*/, namespace }, () => ({
      contents: [
        `export { ${CLIENT_NODE_PARTS.join(', ')} } from '@kubernetes/client-node';`,
        'export { ObjectSerializer } from \'@kubernetes/client-node/dist/gen/models/ObjectSerializer.js\';',
        'export { of } from \'@kubernetes/client-node/dist/gen/rxjsStub.js\';',
      ].join('\n'),
      resolveDir: root,
    }));
  },
};

/** The comments esbuild extracted (`/*! ... *\/`, `@license`), one copy each; the per-bundle .LEGAL.txt files go. */
function collectLegalComments(): string[] {
  const comments = new Set<string>();
  for (const file of readdirSync(outdir).filter((name) => name.endsWith('.LEGAL.txt'))) {
    const text = readFileSync(join(outdir, file), 'utf8');
    // esbuild writes a "Bundled license information:" header, then one "<file>:" line and its comments per source.
    for (const block of text.split(/\n(?=\S[^\n]*:\n)/)) {
      const body = block.split('\n').slice(1).join('\n').trim();
      if (body) comments.add(body);
    }
    rmSync(join(outdir, file));
  }
  return [...comments].sort();
}

interface InlinedPackage {
  readonly name: string;
  readonly version: string;
  readonly license: string;
  readonly licenseText?: string;
}

/** Every npm package whose code is in a bundle, found from the metafile's inputs, with its LICENSE file's text. */
function inlinedPackages(metafile: Metafile): InlinedPackage[] {
  const packages = new Map<string, InlinedPackage>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, use] of Object.entries(output.inputs)) {
      if (use.bytesInOutput === 0 || !input.includes('node_modules/')) continue;
      const dir = packageDir(join(root, input));
      if (packages.has(dir)) continue;
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; version: string; license?: string };
      const licenseFile = readdirSync(dir).find((name) => /^(licen[cs]e|copying)(\.|$|-)/i.test(name));
      packages.set(dir, {
        name: manifest.name,
        version: manifest.version,
        license: manifest.license ?? 'see the license text',
        licenseText: licenseFile ? readFileSync(join(dir, licenseFile), 'utf8').trim() : undefined,
      });
    }
  }
  return [...packages.values()].sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
}

/** The package folder holding a file: the nearest folder up with a package.json that names a package. */
function packageDir(file: string): string {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    // Some packages put a `{"type": "module"}` package.json in a subfolder; it names no package.
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name) return dir;
  }
  throw new Error(`no package.json names the package of ${relative(root, file)}`);
}

function thirdPartyNotice(metafile: Metafile, legalComments: string[]): string {
  const packages = inlinedPackages(metafile);
  const lines = [
    '# Third-party notices',
    '',
    `The files in lib/bundle/ contain code from the following ${packages.length} npm packages, inlined by esbuild.`,
    'This file is generated by projenrc/bundle.ts from the bundles\' inputs; do not edit it.',
    '',
  ];
  for (const pkg of packages) {
    lines.push(`## ${pkg.name}@${pkg.version} (${pkg.license})`, '');
    lines.push(pkg.licenseText ? fence(pkg.licenseText) : `The package ships no license file; its package.json says ${pkg.license}.`, '');
  }
  if (legalComments.length > 0) {
    lines.push('## License comments found in the inlined code', '', fence(legalComments.join('\n\n')), '');
  }
  return lines.join('\n');
}

function fence(text: string): string {
  return ['````text', text, '````'].join('\n');
}

if (!existsSync(join(root, 'src'))) throw new Error(`bundle.ts runs from the repository (no src/ under ${root}${sep})`);
mkdirSync(outdir, { recursive: true });
main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

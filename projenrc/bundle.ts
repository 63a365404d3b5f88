// The post-compile bundling step (issue 16): the runtime, the sandbox, the rehearsal and the control plane each become
// one CommonJS file under lib/bundle/, and the CLI three (the bin, the CLI, its actions: bundles.ts), with their npm
// dependencies (client-node, commander, yaml and theirs) inlined and tree-shaken, so the published package carries no
// node_modules tree and loads without flags in jest or a CommonJS app: client-node 1.x is ESM-only, and esbuild turns
// the runtime's `await import()` of it into a call of the inlined module. The licenses of every inlined package go into one generated third-party notice beside the bundles.
// The constructs (lib/index.js) stay jsii's per-file output: jsii loads them, and they import no npm dependency.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { build, BuildOptions, Metafile, Plugin } from 'esbuild';
import { BIN_BUNDLE, bundleFile, CLI_ACTIONS_BUNDLE, CLI_BUNDLE, CLIENT_NODE_BUNDLE, PUBLISHED_BUNDLES } from './bundles';
import { CLIENT_NODE_PARTS } from '../src/runtime/cluster/client-node-parts';

const root = join(__dirname, '..');
const outdir = dirname(join(root, bundleFile('any')));


/** The peer dependencies stay external: a user's App and Chart must be the very classes the bundles check against. */
const PEERS = Object.keys((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { peerDependencies?: object }).peerDependencies ?? {});

const NOTICE_FILE = 'THIRD-PARTY-NOTICES.md';

async function main(): Promise<void> {
  rmSync(outdir, { recursive: true, force: true });
  const { [BIN_BUNDLE]: bin, [CLI_BUNDLE]: cli, ...others } = PUBLISHED_BUNDLES;
  const options: BuildOptions = {
    absWorkingDir: root,
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: PEERS,
    // The adapter's `await import()` of client-node becomes a require() of client-node.js: CommonJS-loadable without
    // flags, as an inlined import() was.
    supported: { 'dynamic-import': false },
    // Minified to keep the installed package small (issue 16: below 10 MB); keepNames keeps every class's and
    // function's `name`, which errors and `constructor.name` show.
    minify: true,
    keepNames: true,
    legalComments: 'external',
    logLevel: 'warning',
  };
  // metafile in each call rather than in options, so that the result's type has one.
  const libraries = await build({
    ...options,
    metafile: true,
    entryPoints: {
      ...Object.fromEntries(Object.entries(others).map(([name, bundle]) => [name, bundle.entry])),
      [CLIENT_NODE_BUNDLE]: CLIENT_NODE_ENTRY,
    },
    plugins: [clientNodeParts, nodeFetchWithNodeUrl],
  });
  // The CLI on its own: in it, and only in it, on-use.ts becomes the forwarder to the actions bundle.
  const cliBuild = await build({
    ...options,
    metafile: true,
    entryPoints: { [CLI_BUNDLE]: cli.entry },
    plugins: [onUseFromActionsBundle, commanderWithoutChildProcess],
  });
  // The bin last: it carries the content keys of the bundles it loads, which must exist by then.
  const binBuild = await build({ ...options, metafile: true, entryPoints: { [BIN_BUNDLE]: bin.entry }, plugins: [bundleKeys] });
  const builds = [libraries, cliBuild, binBuild];
  const metafile: Metafile = {
    inputs: Object.assign({}, ...builds.map((result) => result.metafile.inputs)),
    outputs: Object.assign({}, ...builds.map((result) => result.metafile.outputs)),
  };
  writeFileSync(join(outdir, NOTICE_FILE), thirdPartyNotice(metafile, collectLegalComments()));
}

/**
 * client-node is most of the code of the CLI and the runtime, and only a command that connects needs it: it is a bundle
 * of its own, lib/bundle/client-node.js, that the others require() when the adapter's `await import()` runs, so that
 * `kubectl-stage --help` does not parse it (issue 16: start-up) and the package holds it once. Its entry re-exports
 * only the parts the adapter's types allow (client-node-parts.ts), the models' serializer and the Observable helper the
 * adapter imports by path, so the rest of client-node's API groups are shaken out.
 */
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

/**
 * node-fetch 2 (client-node's HTTP) requires whatwg-url for a URL class and uses it only where Node has none
 * (`Url.URL || whatwgUrl.URL`): every Node since 10 has one. whatwg-url and its tr46 tables were 283 KB of
 * client-node.js, parsed and run by every command that connects (issue 16: start-up); node-fetch gets Node's URL.
 */
const nodeFetchWithNodeUrl: Plugin = {
  name: 'node-fetch-with-node-url',
  setup(bundle) {
    const namespace = 'node-fetch-with-node-url';
    bundle.onResolve({ filter: /^whatwg-url$/ }, (args) =>
      (/[\\/]node_modules[\\/]node-fetch[\\/]/.test(args.importer) ? { path: 'whatwg-url', namespace } : undefined));
    bundle.onLoad({ filter: /.*/, namespace }, () => ({ contents: 'exports.URL = URL;', loader: 'js' }));
  },
};

/**
 * In the CLI's bundle, src/cli/on-use.ts is replaced by a module with the same exports, each of which requires the
 * actions bundle (built from on-use.ts itself) on first use and calls its own: the command modules keep calling
 * `onUse.kubeCluster()` and the CLI's bundle holds none of what the thunks load. The export names are on-use.ts's,
 * read by loading it (its thunks load nothing until called). The require() is the bundle loader's when the bin runs
 * the CLI (src/cli/bundle-loader.ts), Node's when node runs kubectl-stage-cli.js itself.
 */
const onUseFromActionsBundle: Plugin = {
  name: 'on-use-from-actions-bundle',
  setup(bundle) {
    const namespace = 'on-use-from-actions-bundle';
    const onUse = join(root, PUBLISHED_BUNDLES[CLI_ACTIONS_BUNDLE].entry);
    const actionsFile = `./${CLI_ACTIONS_BUNDLE}.js`;
    bundle.onResolve({ filter: /\/on-use$/ }, (args) =>
      (join(args.resolveDir, `${args.path}.ts`) === onUse ? { path: onUse, namespace } : undefined));
    bundle.onResolve({ filter: /.*/, namespace }, (args) => (args.path === actionsFile ? { path: actionsFile, external: true } : undefined));
    bundle.onLoad({ filter: /.*/, namespace }, () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const names = Object.keys(require(onUse) as object);
      return {
        contents: [
          `const actions = (): typeof import('./on-use') => require(${JSON.stringify(actionsFile)});`,
          ...names.map((name) => `export const ${name} = () => actions().${name}();`),
        ].join('\n'),
        loader: 'ts',
        resolveDir: dirname(onUse),
      };
    });
  },
};

/**
 * In the bin's bundle, src/cli/bundle-keys.ts's empty table becomes the sha256 (its first 16 hex digits) of each
 * bundle the bin loads, as written by the builds before, which names their code cache.
 */
const bundleKeys: Plugin = {
  name: 'bundle-keys',
  setup(bundle) {
    const namespace = 'bundle-keys';
    const keysModule = join(root, 'src', 'cli', 'bundle-keys.ts');
    bundle.onResolve({ filter: /\/bundle-keys$/ }, (args) =>
      (join(args.resolveDir, `${args.path}.ts`) === keysModule ? { path: keysModule, namespace } : undefined));
    bundle.onLoad({ filter: /.*/, namespace }, () => {
      const keys = Object.fromEntries([CLI_BUNDLE, CLI_ACTIONS_BUNDLE, CLIENT_NODE_BUNDLE].map((name) =>
        [name, createHash('sha256').update(readFileSync(join(root, bundleFile(name)))).digest('hex').slice(0, 16)]));
      return { contents: `export const BUNDLE_KEYS = ${JSON.stringify(keys)};`, loader: 'js' };
    });
  },
};

/**
 * commander requires node:child_process at its top for executable subcommands, which kubectl-stage has none of; Node
 * loading it (and net, dgram...) was about 4 ms of `--help`'s CPU. In the bin's bundle, commander gets a stand-in whose
 * spawn, the one function commander calls, loads the real module.
 */
const commanderWithoutChildProcess: Plugin = {
  name: 'commander-without-child-process',
  setup(bundle) {
    const namespace = 'commander-child-process';
    bundle.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      (/[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace } : undefined));
    bundle.onLoad({ filter: /.*/, namespace }, () => ({
      contents: 'exports.spawn = (...args) => require(\'node:child_process\').spawn(...args);',
      loader: 'js',
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

// How the kubectl-stage bin loads its bundles (issue 16: start-up). The bin (lib/bundle/kubectl-stage.js, bin.ts) is
// this loader and nothing else. It loads kubectl-stage-cli.js (commander and the command registrations: all that
// `--help` needs); what a command does once it runs is kubectl-stage-actions.js, the modules of on-use.ts's table,
// which the CLI bundle requires on first use and which requires client-node.js when a command connects (projenrc/
// bundle.ts builds them). Each is loaded here rather than by Node's require(): as a CommonJS module compiled with a V8
// code cache (code-cache-store.ts), which Node 20's require() cannot use, and, in the single executable, from its
// assets, since it has no files beside it.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { getAsset, isSea } from 'node:sea';
import { Script } from 'node:vm';
import { BUNDLE_KEYS } from './bundle-keys';
import { CodeCacheDir, codeCacheDir, CodeCacheStore } from './code-cache-store';

/** Where a loader finds bundles and the modules they require that are not bundles. */
export interface BundleLoaderOptions {
  /** The folder the bundles are in: their files' names in stack traces, and `__dirname` in them. */
  readonly dir: string;
  /** The JavaScript of bundle `name` (lib/bundle/<name>.js). */
  readonly source: (name: string) => string;
  /** Compiled code kept between runs. @default none: every run compiles */
  readonly cache?: CodeCacheStore;
  /** Loads what a bundle requires that is not a sibling bundle (`./<name>.js`): Node's modules. */
  readonly require: (id: string) => unknown;
}

interface LoadedBundle {
  readonly script: Script;
  readonly module: { exports: unknown };
  /** Whether V8 compiled it without cached code: the cache has none for this source yet, or one V8 refused. */
  readonly uncached: boolean;
}

/** Loads bundles by name, each once, as CommonJS modules whose `require('./<name>.js')` loads a sibling bundle. */
export class BundleLoader {
  private readonly loaded = new Map<string, LoadedBundle>();

  public constructor(private readonly options: BundleLoaderOptions) {}

  /** The exports of bundle `name`, which is run on first load. */
  public load(name: string): unknown {
    const known = this.loaded.get(name);
    if (known) return known.module.exports;
    const filename = join(this.options.dir, `${name}.js`);
    const cachedData = this.options.cache?.read(name);
    // The wrapper Node gives a CommonJS module, so the bundle sees the same five names as under require(); a bundle
    // built from a file with a shebang starts with it, which is JavaScript only at the start of a script.
    const source = this.options.source(name).replace(/^#!.*/, '');
    const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename, cachedData });
    const bundle: LoadedBundle = { script, module: { exports: {} }, uncached: cachedData === undefined || script.cachedDataRejected === true };
    // Registered before it runs, as require() does, so that a cycle gets the exports made so far rather than a loop.
    this.loaded.set(name, bundle);
    const run = script.runInThisContext() as (...args: unknown[]) => void;
    run(bundle.module.exports, (id: string) => this.require(id), bundle.module, filename, this.options.dir);
    return bundle.module.exports;
  }

  /**
   * Keeps the compiled code of every bundle loaded without a usable cache. Called as the process exits, so that the
   * cache holds the functions this run compiled, not only the bundles' top level.
   */
  public saveCodeCache(): void {
    for (const [name, bundle] of this.loaded) {
      if (bundle.uncached) this.options.cache?.write(name, bundle.script.createCachedData());
    }
  }

  private require(id: string): unknown {
    const sibling = /^\.\/([\w-]+)\.js$/.exec(id);
    return sibling ? this.load(sibling[1]) : this.options.require(id);
  }
}

/**
 * The loader of the bin and the single executable: the bundles beside this one (lib/bundle/<name>.js), or the single
 * executable's assets `<name>.js`, with the code cache of the user's cache folder, written as the process exits.
 */
export function programBundleLoader(): BundleLoader {
  const cacheDir = codeCacheDir(process.env);
  // The single executable's bundles are its assets; it names them as files beside itself, for stack traces.
  const install = isSea() ? process.execPath : __dirname;
  const loader = new BundleLoader({
    dir: isSea() ? dirname(process.execPath) : __dirname,
    source: (name) => (isSea() ? getAsset(`${name}.js`, 'utf8') : readFileSync(join(__dirname, `${name}.js`), 'utf8')),
    cache: cacheDir === undefined ? undefined : new CodeCacheDir(cacheDir, install, BUNDLE_KEYS),
    require: isSea() ? requireBuiltin : require,
  });
  process.once('exit', () => loader.saveCodeCache());
  return loader;
}

/**
 * The single executable's require() loads only Node's own modules; the bundles' require() of anything else is one of
 * the optional packages the inlined dependencies try and do without (ws: bufferutil and utf-8-validate; node-fetch:
 * encoding), for which Node's would print a warning on every run that connects before it throws "not found".
 */
function requireBuiltin(id: string): unknown {
  // Loaded here, not at start-up (issue 16): only the single executable asks, and only for a command that connects.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { isBuiltin } = require('node:module') as typeof import('node:module');
  if (!isBuiltin(id)) {
    throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(id);
}

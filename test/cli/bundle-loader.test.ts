// The bin's bundle loader (issue 16: start-up): bundles as CommonJS modules that load their siblings through it, each
// once, compiled with the code cache a store keeps; V8 refusing cached code costs a compile, never the run.
import { BundleLoader } from '../../src/cli/bundle-loader';
import { CodeCacheStore } from '../../src/cli/code-cache-store';

// Two bundles as esbuild writes them: `cli` requires its sibling `actions` on use, and Node's path module at once.
const SOURCES: Record<string, string> = {
  cli: [
    '#!/usr/bin/env node',
    'const path = require("node:path");',
    'exports.whereAmI = () => path.basename(__filename) + " in " + __dirname;',
    'exports.act = (n) => require("./actions.js").double(n);',
  ].join('\n'),
  actions: 'exports.double = (n) => n * 2;',
};

/** A store in memory that records what it was asked to keep. */
class MemoryStore implements CodeCacheStore {
  public readonly written: string[] = [];
  public constructor(public readonly data: Map<string, Buffer> = new Map()) {}
  public read(name: string): Buffer | undefined {
    return this.data.get(name);
  }
  public write(name: string, data: Buffer): void {
    this.written.push(name);
    this.data.set(name, data);
  }
}

interface LoaderOptions {
  readonly cache?: CodeCacheStore;
  /** Names of the bundles read, in order. */
  readonly read?: string[];
  /**
   * The bundles' folder. V8 keeps a compiled script for its source and file name, so a test that means V8 to take a
   * store's code, as a new process would, loads from a folder no other loader in this process used.
   */
  readonly dir?: string;
}

function loader({ cache, read = [], dir = '/opt/kubectl-stage/lib/bundle' }: LoaderOptions = {}): BundleLoader {
  return new BundleLoader({
    dir,
    source: (name) => {
      read.push(name);
      return SOURCES[name];
    },
    cache,
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require: (id) => require(id),
  });
}

type Cli = { whereAmI(): string; act(n: number): number };

test('a bundle runs as a CommonJS module beside its siblings, shebang and all', () => {
  const cli = loader().load('cli') as Cli;
  expect(cli.whereAmI()).toBe('cli.js in /opt/kubectl-stage/lib/bundle');
});

test('a sibling is read and run on its first require only, once however often it is required', () => {
  const read: string[] = [];
  const bundles = loader({ read });
  const cli = bundles.load('cli') as Cli;
  expect(read).toEqual(['cli']);
  expect([cli.act(2), cli.act(5)]).toEqual([4, 10]);
  expect(bundles.load('actions')).toBe(bundles.load('actions'));
  expect(read).toEqual(['cli', 'actions']);
});

test('the code of the bundles a run compiled is kept, and a later run that V8 accepts it for keeps nothing', () => {
  const store = new MemoryStore();
  const first = loader({ cache: store, dir: '/first/run' });
  (first.load('cli') as Cli).act(1);
  first.saveCodeCache();
  expect(store.written.sort()).toEqual(['actions', 'cli']);

  const reused = new MemoryStore(new Map(store.data));
  const second = loader({ cache: reused, dir: '/second/run' });
  expect((second.load('cli') as Cli).act(3)).toBe(6);
  second.saveCodeCache();
  expect(reused.written).toEqual([]);
});

test('a bundle never loaded has no code kept: only what a command used is cached', () => {
  const store = new MemoryStore();
  const bundles = loader({ cache: store });
  bundles.load('cli');
  bundles.saveCodeCache();
  expect(store.written).toEqual(['cli']);
});

test('code V8 refuses (another V8, a damaged file) is compiled over and replaced', () => {
  const store = new MemoryStore(new Map([['cli', Buffer.from('not V8 code')]]));
  const bundles = loader({ cache: store, dir: '/damaged/cache' });
  expect((bundles.load('cli') as Cli).whereAmI()).toBe('cli.js in /damaged/cache');
  bundles.saveCodeCache();
  expect(store.written).toEqual(['cli']);
  expect(store.data.get('cli')?.toString()).not.toBe('not V8 code');
});

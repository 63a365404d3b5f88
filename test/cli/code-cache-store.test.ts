// The code cache's folder (issue 16: start-up): per user, per install, per bundle content; a cache is an optimization
// only, so a folder that cannot be written leaves runs uncached and never fails them.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodeCacheDir, codeCacheDir } from '../../src/cli/code-cache-store';

let scratch: string;

beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'code-cache-store-'));
});

afterEach(() => {
  rmSync(scratch, { recursive: true, force: true });
});

function cacheFiles(): string[] {
  return readdirSync(scratch, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => entry.name).sort();
}

describe('codeCacheDir', () => {
  test('follows the XDG base directories: XDG_CACHE_HOME, else ~/.cache', () => {
    expect(codeCacheDir({ XDG_CACHE_HOME: '/x/cache', HOME: '/home/u' })).toBe('/x/cache/kubectl-stage');
    expect(codeCacheDir({ HOME: '/home/u' })).toBe('/home/u/.cache/kubectl-stage');
    expect(codeCacheDir({ XDG_CACHE_HOME: '', HOME: '/home/u' })).toBe('/home/u/.cache/kubectl-stage');
  });

  test('ignores a relative path, as the XDG rules say: it would name a folder under wherever the command runs', () => {
    expect(codeCacheDir({ XDG_CACHE_HOME: 'cache', HOME: '/home/u' })).toBe('/home/u/.cache/kubectl-stage');
    expect(codeCacheDir({ HOME: 'u' })).toBeUndefined();
  });

  test('is none without a home: never a folder other users share', () => {
    expect(codeCacheDir({})).toBeUndefined();
    expect(codeCacheDir({ HOME: '' })).toBeUndefined();
  });
});

describe('CodeCacheDir', () => {
  test('reads back what it wrote, for the same bundle content only', () => {
    new CodeCacheDir(scratch, '/install', { cli: 'k1' }).write('cli', Buffer.from('code of k1'));
    expect(new CodeCacheDir(scratch, '/install', { cli: 'k1' }).read('cli')?.toString()).toBe('code of k1');
    expect(new CodeCacheDir(scratch, '/install', { cli: 'k2' }).read('cli')).toBeUndefined();
  });

  test('keeps each install apart: V8\'s cached code carries the file names of the run that made it', () => {
    new CodeCacheDir(scratch, '/npm/lib/bundle', { cli: 'k1' }).write('cli', Buffer.from('npm'));
    new CodeCacheDir(scratch, '/usr/local/bin/kubectl-stage', { cli: 'k1' }).write('cli', Buffer.from('sea'));
    expect(new CodeCacheDir(scratch, '/npm/lib/bundle', { cli: 'k1' }).read('cli')?.toString()).toBe('npm');
    expect(new CodeCacheDir(scratch, '/usr/local/bin/kubectl-stage', { cli: 'k1' }).read('cli')?.toString()).toBe('sea');
  });

  test('caches no bundle it has no content key for', () => {
    const store = new CodeCacheDir(scratch, '/install', { cli: 'k1' });
    store.write('actions', Buffer.from('code'));
    expect(store.read('actions')).toBeUndefined();
    expect(cacheFiles()).toEqual([]);
  });

  test('a new content replaces the code of the bundle\'s earlier one, and only of that bundle', () => {
    new CodeCacheDir(scratch, '/install', { 'cli': 'k1', 'cli-actions': 'a1' }).write('cli', Buffer.from('old'));
    new CodeCacheDir(scratch, '/install', { 'cli': 'k1', 'cli-actions': 'a1' }).write('cli-actions', Buffer.from('actions'));
    new CodeCacheDir(scratch, '/install', { 'cli': 'k2', 'cli-actions': 'a1' }).write('cli', Buffer.from('new'));
    expect(cacheFiles()).toEqual([
      `cli-actions.a1.${process.version}-${process.arch}.v8`,
      `cli.k2.${process.version}-${process.arch}.v8`,
    ]);
  });

  test('a folder that cannot be made leaves the run uncached, without an error', () => {
    // A file where the folder should be: mkdir fails as for a read-only home, whoever runs the test.
    const blocked = join(scratch, 'not-a-folder');
    writeFileSync(blocked, '');
    const store = new CodeCacheDir(blocked, '/install', { cli: 'k1' });
    expect(() => store.write('cli', Buffer.from('code'))).not.toThrow();
    expect(store.read('cli')).toBeUndefined();
    expect(cacheFiles()).toEqual(['not-a-folder']);
  });
});

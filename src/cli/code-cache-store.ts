// Where kubectl-stage keeps V8's compiled code of its bundles between runs (issue 16: start-up). Node 20 has no
// module.enableCompileCache (22.1), so the bundle loader (bundle-loader.ts) asks V8 for a code cache itself: compiling
// the CLI's bundles cost `--help` about 9 ms of CPU and `status` about 60 ms, with kubectl's whole `--help` at 50 ms. A
// cache is an optimization only: any file-system error leaves a run uncached, never failed.
//
// The folder is per user ($XDG_CACHE_HOME/kubectl-stage, else ~/.cache/kubectl-stage, mode 0700), never a shared one
// like /tmp: V8 runs cached code as it finds it, so a file another user could plant there would run as this user.
// A file is named after its bundle, the bundle's content key (bundle-keys.ts) and the Node version and architecture:
// V8 itself checks only the source's length, so an upgraded bundle of the same length must not find its predecessor's
// code, and keys made at build time spare each run hashing 2.4 MB. Each install (the npm package's folder, the single
// executable) has a folder of its own, since V8's cached code keeps the file names of the run that made it, which
// stack traces show.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

/** Compiled code of bundles, by bundle name. */
export interface CodeCacheStore {
  /** The cached code of bundle `name`, if there is some for its current source. */
  read(name: string): Buffer | undefined;
  /** Keeps `data` as the code of bundle `name`'s current source, replacing any earlier source's. Never throws. */
  write(name: string, data: Buffer): void;
}

/**
 * The per-user cache folder of `env` by the XDG base directory rules (a relative path is ignored, as they say), or
 * undefined when the environment names no home.
 */
export function codeCacheDir(env: Record<string, string | undefined>): string | undefined {
  if (env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME)) return join(env.XDG_CACHE_HOME, 'kubectl-stage');
  return env.HOME && isAbsolute(env.HOME) ? join(env.HOME, '.cache', 'kubectl-stage') : undefined;
}

/** A store of one file per bundle, for the bundles whose content key it is given. */
export class CodeCacheDir implements CodeCacheStore {
  private readonly dir: string;

  /**
   * @param cacheDir the user's cache folder for kubectl-stage (codeCacheDir), whose folders are made on first write
   * @param install the folder or file the bundles are loaded from, which names the folder of their code
   * @param keys bundle name to a key that changes whenever the bundle's content does; a bundle without one is not cached
   */
  public constructor(cacheDir: string, install: string, private readonly keys: Readonly<Record<string, string>>) {
    this.dir = join(cacheDir, fnv1a(install));
  }

  public read(name: string): Buffer | undefined {
    const file = this.file(name);
    try {
      return file === undefined ? undefined : readFileSync(file);
    } catch {
      return undefined;
    }
  }

  public write(name: string, data: Buffer): void {
    const file = this.file(name);
    if (file === undefined) return;
    // Written under a name of this process's and renamed, so a concurrent run reads the whole file or none.
    const partial = `${file}.${process.pid}.partial`;
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      writeFileSync(partial, data, { mode: 0o600 });
      renameSync(partial, file);
      // The code of the bundle's earlier sources (an upgrade, another Node) will not be read again.
      for (const entry of readdirSync(this.dir)) {
        if (this.isCacheOf(name, entry) && join(this.dir, entry) !== file) rmSync(join(this.dir, entry), { force: true });
      }
    } catch {
      try {
        rmSync(partial, { force: true });
      } catch {
        // Nothing was written, or nothing can be removed: the next run tries again.
      }
    }
  }

  private file(name: string): string | undefined {
    const key = this.keys[name];
    return key === undefined ? undefined : join(this.dir, `${name}.${key}.${process.version}-${process.arch}.v8`);
  }

  private isCacheOf(name: string, entry: string): boolean {
    return entry.startsWith(`${name}.`) && entry.endsWith('.v8');
  }
}

/** The 32-bit FNV-1a hash of `text`'s UTF-16 code units, in hex: a short folder name, cheaper than loading crypto. */
function fnv1a(text: string): string {
  /* eslint-disable no-bitwise */ // FNV-1a is defined by its XOR and 32-bit multiply.
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
  /* eslint-enable no-bitwise */
}

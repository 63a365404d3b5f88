// `npm run package:report` (issue 16): what a user downloads and installs. The package has no run-time dependency, so
// installing it lays down exactly the tarball's files: the installed size is the unpacked tarball's disk usage.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..');

/** The packed package, unpacked where npm would install it. */
export interface PackedPackage {
  /** The tarball's path. */
  readonly tarball: string;
  /** The tarball's size in bytes. */
  readonly packedBytes: number;
  /** How many files the tarball holds. */
  readonly fileCount: number;
  /** The files' paths, from the package root. */
  readonly files: string[];
  /** The unpacked package: `<dir>/node_modules/<name>`, as `npm install <tarball>` would lay it out. */
  readonly installedDir: string;
  /** The unpacked package's disk usage in bytes (`du`). */
  readonly installedBytes: number;
}

/** Packs the package as `npm pack` publishes it (lib/ must be built and bundled) and unpacks it under `dir`. */
export function packPackage(dir: string): PackedPackage {
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: root, encoding: 'utf8' })) as
    Array<{ name: string; filename: string; size: number; entryCount: number; files: Array<{ path: string }> }>;
  const tarball = join(dir, packed.filename);
  const installedDir = join(dir, 'node_modules', packed.name);
  mkdirSync(installedDir, { recursive: true });
  execFileSync('tar', ['xzf', tarball, '--strip-components=1', '-C', installedDir]);
  const installedKb = Number(execFileSync('du', ['-sk', installedDir], { encoding: 'utf8' }).split('\t')[0]);
  return {
    tarball,
    packedBytes: packed.size,
    fileCount: packed.entryCount,
    files: packed.files.map((file) => file.path),
    installedDir,
    installedBytes: installedKb * 1024,
  };
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

if (require.main === module) {
  const dir = mkdtempSync(join(tmpdir(), 'package-report-'));
  try {
    const packed = packPackage(dir);
    console.log(`tarball: ${megabytes(packed.packedBytes)}, ${packed.fileCount} files; installed: ${megabytes(packed.installedBytes)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// `npm run package:plugin` (issue 16): `kubectl stage` as one file a user installs. The bin's bundles become a Node
// single executable application for linux/amd64: a copy of this Node binary with the bin (lib/bundle/kubectl-stage.js,
// the bundle loader) as its main script, and as assets the bundles it loads (the CLI, the actions and client-node.js,
// src/cli/bundle-loader.ts) and package.json (for --version), injected by postject. The binary
// and the LICENSE go into the tar.gz krew expects, and the krew plugin manifest is written beside it with the
// archive's sha256.
// Everything lands in dist/plugin/, which is never committed.
// https://nodejs.org/docs/latest-v20.x/api/single-executable-applications.html
// https://krew.sigs.k8s.io/docs/developer-guide/plugin-manifest/
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BIN_BUNDLE, bundleFile, CLI_ACTIONS_BUNDLE, CLI_BUNDLE, CLIENT_NODE_BUNDLE } from './bundles';

const root = join(__dirname, '..');
const outdir = join(root, 'dist', 'plugin');
const BINARY = BIN_BUNDLE;
/** The archive krew downloads: the platform in its name, as krew-index plugins name theirs. */
export const ARCHIVE = 'kubectl-stage-linux-amd64.tar.gz';
/** The plugin's name in krew: `kubectl krew install stage`, then `kubectl stage`. */
const PLUGIN = 'stage';
// Node's fixed sentinel for the SEA fuse (the docs' postject command line passes the same string).
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

interface PackageJson {
  readonly version: string;
  readonly repository: { readonly url: string };
}

function main(): void {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`package:plugin builds linux/amd64 from this machine's Node binary; this is ${process.platform}/${process.arch}`);
  }
  const bundle = join(root, bundleFile(BINARY));
  if (!existsSync(bundle)) {
    throw new Error(`${bundleFile(BINARY)} is missing: run \`npx projen bundle\` (or compile) first`);
  }
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });

  // 1. The preparation blob: the bin as the main script; the bundles it loads and package.json as assets. The bin
  //    compiles them with the code cache of the user's cache folder, made after execution by the first run: the
  //    code cache SEA makes at build time (useCodeCache) holds only what V8 compiles before running, the top level.
  const seaConfig = join(outdir, 'sea-config.json');
  const blob = join(outdir, 'sea-prep.blob');
  const seaMainFile = join(outdir, 'sea-main.js');
  // Node reads a single executable's main script as it is, where a shebang line is no JavaScript.
  writeFileSync(seaMainFile, readFileSync(bundle, 'utf8').replace(/^#!.*\n/, ''));
  const loaded = [CLI_BUNDLE, CLI_ACTIONS_BUNDLE, CLIENT_NODE_BUNDLE];
  writeFileSync(seaConfig, JSON.stringify({
    main: seaMainFile,
    output: blob,
    disableExperimentalSEAWarning: true,
    assets: {
      'package.json': join(root, 'package.json'),
      // Named as the loader asks for them: <bundle>.js.
      ...Object.fromEntries(loaded.map((name) => [`${name}.js`, join(root, bundleFile(name))])),
    },
  }, undefined, 2));
  execFileSync(process.execPath, ['--experimental-sea-config', seaConfig], { stdio: 'inherit' });

  // 2. A copy of this Node binary with the blob injected.
  const binary = join(outdir, BINARY);
  copyFileSync(process.execPath, binary);
  chmodSync(binary, 0o755);
  postject([binary, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE]);

  // 3. The archive: kubectl-stage and LICENSE at its root, owned by root, no timestamps in the gzip header.
  const tar = join(outdir, 'kubectl-stage.tar');
  execFileSync('tar', ['--create', `--file=${tar}`, '--owner=0', '--group=0', '--numeric-owner', '-C', outdir, BINARY, '-C', root, 'LICENSE']);
  const archive = gzipSync(readFileSync(tar), { level: 9 });
  rmSync(tar);
  writeFileSync(join(outdir, ARCHIVE), archive);
  const sha256 = createHash('sha256').update(archive).digest('hex');
  writeFileSync(join(outdir, `${ARCHIVE}.sha256`), `${sha256}  ${ARCHIVE}\n`);

  // 4. The krew manifest, named after the plugin as krew-index requires.
  writeFileSync(join(outdir, `${PLUGIN}.yaml`), krewManifest(pkg, sha256));
  for (const file of [blob, seaConfig, seaMainFile]) {
    rmSync(file);
  }
  process.stdout.write(`dist/plugin/${BINARY} (${(readFileSync(binary).length / 1024 ** 2).toFixed(0)} MiB), `
    + `dist/plugin/${ARCHIVE} (${(archive.length / 1024 ** 2).toFixed(1)} MiB, sha256 ${sha256}), dist/plugin/${PLUGIN}.yaml\n`);
}

// The postject the Node 20 docs use, a devDependency (.projenrc.ts).
function postject(args: string[]): void {
  execFileSync(join(root, 'node_modules', '.bin', 'postject'), args, { stdio: 'inherit' });
}

/** The krew manifest: one platform (linux/amd64), the release archive's URL on the repository's releases page. */
export function krewManifest(pkg: PackageJson, sha256: string): string {
  const homepage = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
  const version = `v${pkg.version}`;
  return `apiVersion: krew.googlecontainertools.github.com/v1alpha2
kind: Plugin
metadata:
  name: ${PLUGIN}
spec:
  version: ${JSON.stringify(version)}
  homepage: ${homepage}
  shortDescription: Staged StatefulSet and DaemonSet rollouts
  description: |
    Plan, stage, promote, watch, undo and rehearse staged StatefulSet and
    DaemonSet rollouts: a StatefulSet's partition walked step by step, a
    DaemonSet canaried node by node, each step gated (pods Ready, soak,
    HTTP, Prometheus or command checks) with automatic rollback.
  platforms:
  - selector:
      matchLabels:
        os: linux
        arch: amd64
    uri: ${homepage}/releases/download/${version}/${ARCHIVE}
    sha256: ${JSON.stringify(sha256)}
    files:
    - from: ./${BINARY}
      to: .
    - from: ./LICENSE
      to: .
    bin: ${BINARY}
`;
}

if (require.main === module) {
  main();
}

// Where the real control plane's binaries are: a folder given by the caller or by KUBE_CLUSTER_BIN_DIR, the
// newest build in the cache that `cluster/build.sh` (`npm run cluster:build`) fills, or the PATH.
import { accessSync, constants, existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';

/** The programs a control plane needs. */
export const CONTROL_PLANE_BINARIES = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok'] as const;

/** One of {@link CONTROL_PLANE_BINARIES}. */
export type ControlPlaneBinary = typeof CONTROL_PLANE_BINARIES[number];

/** The full path of each binary, and of a kubectl built beside them when there is one. */
export type ControlPlaneBinaries = Record<ControlPlaneBinary, string> & { readonly kubectl?: string };

/** The environment variable naming a folder that holds the binaries. */
export const BIN_DIR_ENV = 'KUBE_CLUSTER_BIN_DIR';

/** The cache root `cluster/build.sh` writes to (overridden there by CLUSTER_CACHE_DIR). */
export function clusterCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.CLUSTER_CACHE_DIR ?? join(homedir(), '.cache', 'cdk8s-staged-rollouts', 'cluster');
}

/**
 * The full path of every control-plane binary.
 * @param binDir a folder holding all of them (default: $KUBE_CLUSTER_BIN_DIR, then the newest complete build in
 *   the cache, then each one on the PATH)
 * @throws naming the binaries not found and where they were looked for, with the command that builds them
 */
export function findControlPlaneBinaries(binDir?: string, env: NodeJS.ProcessEnv = process.env): ControlPlaneBinaries {
  const explicit = binDir ?? env[BIN_DIR_ENV];
  const folders = explicit ? [explicit] : [...newestCacheBuild(env), ...(env.PATH ?? '').split(delimiter).filter(Boolean)];
  const found: Partial<Record<ControlPlaneBinary, string>> = {};
  const missing: string[] = [];
  for (const name of CONTROL_PLANE_BINARIES) {
    const path = folders.map((folder) => join(folder, name)).find(isExecutableFile);
    if (path) {
      found[name] = path;
    } else {
      missing.push(name);
    }
  }
  if (missing.length > 0) {
    const where = explicit ? explicit : `${clusterCacheRoot(env)} and the PATH`;
    throw new Error(`control plane binaries not found (${missing.join(', ')}) in ${where}; build them with \`npm run cluster:build\` (needs Go) or put them on the PATH`);
  }
  const kubectl = [...new Set(CONTROL_PLANE_BINARIES.map((name) => dirname(found[name]!)))]
    .map((folder) => join(folder, 'kubectl')).find(isExecutableFile);
  return { ...(found as Record<ControlPlaneBinary, string>), kubectl };
}

// The build folders in the cache that hold every binary, newest first.
function newestCacheBuild(env: NodeJS.ProcessEnv): string[] {
  const root = clusterCacheRoot(env);
  if (!existsSync(root)) {
    return [];
  }
  return readdirSync(root)
    .map((key) => join(root, key, 'bin'))
    .filter((folder) => CONTROL_PLANE_BINARIES.every((name) => isExecutableFile(join(folder, name))))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

import { chmodSync, mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONTROL_PLANE_BINARIES, findControlPlaneBinaries } from '../../src/control-plane/binaries';

function folderWith(names: readonly string[], root = mkdtempSync(join(tmpdir(), 'bins-'))): string {
  mkdirSync(root, { recursive: true });
  for (const name of names) {
    writeFileSync(join(root, name), '#!/bin/sh\n');
    chmodSync(join(root, name), 0o755);
  }
  return root;
}

test('a folder given explicitly (or by KUBE_CLUSTER_BIN_DIR) must hold every binary; kubectl beside them is optional', () => {
  const full = folderWith([...CONTROL_PLANE_BINARIES, 'kubectl']);
  expect(findControlPlaneBinaries(full, {})).toEqual({
    'etcd': join(full, 'etcd'),
    'kube-apiserver': join(full, 'kube-apiserver'),
    'kube-controller-manager': join(full, 'kube-controller-manager'),
    'kube-scheduler': join(full, 'kube-scheduler'),
    'kwok': join(full, 'kwok'),
    'kubectl': join(full, 'kubectl'),
  });
  expect(findControlPlaneBinaries(undefined, { KUBE_CLUSTER_BIN_DIR: full }).etcd).toBe(join(full, 'etcd'));
  const noKubectl = folderWith(CONTROL_PLANE_BINARIES);
  expect(findControlPlaneBinaries(noKubectl, {}).kubectl).toBeUndefined();
});

test('missing or non-executable binaries are named with where they were looked for and how to build them', () => {
  const partial = folderWith(['etcd', 'kube-apiserver']);
  writeFileSync(join(partial, 'kwok'), 'not executable');
  expect(() => findControlPlaneBinaries(partial, {})).toThrow(
    `control plane binaries not found (kube-controller-manager, kube-scheduler, kwok) in ${partial}; build them with \`npm run cluster:build\` (needs Go) or put them on the PATH`);
});

test('without a folder: the newest complete build in the cache, then the PATH', () => {
  const cache = mkdtempSync(join(tmpdir(), 'cache-'));
  const older = folderWith(CONTROL_PLANE_BINARIES, join(cache, 'aaaa', 'bin'));
  const newer = folderWith(CONTROL_PLANE_BINARIES, join(cache, 'bbbb', 'bin'));
  folderWith(['etcd'], join(cache, 'cccc', 'bin')); // incomplete: never chosen
  utimesSync(older, new Date(2020, 0, 1), new Date(2020, 0, 1));
  expect(findControlPlaneBinaries(undefined, { CLUSTER_CACHE_DIR: cache, PATH: '' }).kwok).toBe(join(newer, 'kwok'));
  const onPath = folderWith(CONTROL_PLANE_BINARIES);
  expect(findControlPlaneBinaries(undefined, { CLUSTER_CACHE_DIR: join(cache, 'none'), PATH: `/nowhere:${onPath}` }).kwok).toBe(join(onPath, 'kwok'));
});

import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import { localPromoterGone, promoterIdentity } from '../../src/cli/promoter-identity';

test('the identity is host/pid', () => {
  expect(promoterIdentity()).toBe(`${os.hostname()}/${process.pid}`);
});

test('only a promoter of this host whose process has exited is known gone', () => {
  const exited = spawnSync('true').pid;
  expect(localPromoterGone(`${os.hostname()}/${exited}`)).toBe(true);
  expect(localPromoterGone(`${os.hostname()}/${process.pid}`)).toBe(false);
  expect(localPromoterGone(`${os.hostname()}/${process.ppid}`)).toBe(false);
  expect(localPromoterGone(`another-host/${exited}`)).toBe(false);
  expect(localPromoterGone('ci-runner')).toBe(false);
});

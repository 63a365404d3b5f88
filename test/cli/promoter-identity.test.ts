import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import { newPromoter } from '../../src/cli/promoter-identity';
import { parseLeaseHolder } from '../../src/runtime/promotion/lease-holder';

test('the identity is host/pid/scope/nonce.N: one process token, a new N for every command run', () => {
  const first = parseLeaseHolder(newPromoter().holder)!;
  const second = parseLeaseHolder(newPromoter().holder)!;
  expect(first).toMatchObject({ host: os.hostname(), pid: process.pid });
  expect(first.nonce).toMatch(/^[0-9a-f]{8}\.\d+$/);
  expect(second.nonce.split('.')[0]).toBe(first.nonce.split('.')[0]);
  expect(second.nonce).not.toBe(first.nonce);
});

test('another command of this same process is never gone: it may be running (found on the real control plane)', () => {
  const running = newPromoter();
  const next = newPromoter();
  expect(next.gone(running.holder)).toBe(false);
  expect(running.gone(next.holder)).toBe(false);
});

test('only a promoter of this machine and PID namespace whose process has exited is known gone', () => {
  const me = newPromoter();
  const localPromoterGone = me.gone;
  const { scope } = parseLeaseHolder(me.holder)!;
  const exited = spawnSync('true').pid;
  const host = os.hostname();
  if (scope !== undefined) {
    expect(localPromoterGone(`${host}/${exited}/${scope}/0badcafe`)).toBe(true);
  }
  expect(localPromoterGone(me.holder)).toBe(false);
  expect(localPromoterGone(`${host}/${process.ppid}/${scope ?? '-'}/0badcafe`)).toBe(false);
  // A container of the same host name in another PID namespace: its pid names nothing here, yet it may be alive.
  expect(localPromoterGone(`${host}/${exited}/0ther5c0pe00/0badcafe`)).toBe(false);
  expect(localPromoterGone(`${host}/${exited}`)).toBe(false);
  expect(localPromoterGone(`another-host/${exited}/${scope ?? '-'}/0badcafe`)).toBe(false);
  expect(localPromoterGone('ci-runner')).toBe(false);
});

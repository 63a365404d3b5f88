import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import { localPromoterGone, promoterIdentity } from '../../src/cli/promoter-identity';
import { parseLeaseHolder } from '../../src/runtime/lease-holder';

test('the identity is host/pid/scope/nonce, the same for the whole process', () => {
  const me = parseLeaseHolder(promoterIdentity())!;
  expect(me).toMatchObject({ host: os.hostname(), pid: process.pid });
  expect(me.nonce).toMatch(/^[0-9a-f]{8}$/);
  expect(promoterIdentity()).toBe(promoterIdentity());
});

test('only a promoter of this machine and PID namespace whose process has exited is known gone', () => {
  const { scope } = parseLeaseHolder(promoterIdentity())!;
  const exited = spawnSync('true').pid;
  const host = os.hostname();
  if (scope !== undefined) {
    expect(localPromoterGone(`${host}/${exited}/${scope}/0badcafe`)).toBe(true);
  }
  expect(localPromoterGone(promoterIdentity())).toBe(false);
  expect(localPromoterGone(`${host}/${process.ppid}/${scope ?? '-'}/0badcafe`)).toBe(false);
  // A container of the same host name in another PID namespace: its pid names nothing here, yet it may be alive.
  expect(localPromoterGone(`${host}/${exited}/0ther5c0pe00/0badcafe`)).toBe(false);
  expect(localPromoterGone(`${host}/${exited}`)).toBe(false);
  expect(localPromoterGone(`another-host/${exited}/${scope ?? '-'}/0badcafe`)).toBe(false);
  expect(localPromoterGone('ci-runner')).toBe(false);
});

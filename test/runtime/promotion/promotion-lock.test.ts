import { runtimeClockOf } from '../../../src/rehearsal/virtual-runtime-clock';
import { KubeLease } from '../../../src/runtime/kube/kube-types';
import { formatLeaseHolder, isLeaseHolderGone, PromoterProcess } from '../../../src/runtime/promotion/lease-holder';
import { decideLease, formatMicroTime, leaseExpiresAt, leaseNameFor, PromotionLock } from '../../../src/runtime/promotion/promotion-lock';
import { RuntimeError } from '../../../src/runtime/runtime-error';
import { RESOURCES } from '../../../src/sandbox/api';
import { VirtualClock } from '../../../src/sandbox/clock';
import { createSandboxApi } from '../../../src/sandbox/store';
import { InProcessCluster } from '../../support/in-process-cluster';

const KAFKA = { kind: 'StatefulSet' as const, namespace: 'default', name: 'kafka' };
const T0 = Date.UTC(2026, 0, 1);

function lease(holder: string, renewedSecondsAgo: number, duration = 30): KubeLease {
  return {
    metadata: { name: 'statefulset-kafka-stage', namespace: 'default' },
    spec: { holderIdentity: holder, leaseDurationSeconds: duration, renewTime: new Date(T0 - renewedSecondsAgo * 1000).toISOString() },
  };
}

describe('decideLease', () => {
  test.each([
    ['no Lease', undefined, { type: 'create' }],
    ['our own Lease (a rerun of the same promoter)', lease('me', 5), { type: 'renew' }],
    ['a released Lease (empty holder)', lease('', 1), { type: 'take-over' }],
    ['an expired Lease', lease('other', 31), { type: 'take-over' }],
    ['a Lease that expires exactly now', lease('other', 30), { type: 'take-over' }],
    ['a live Lease of another holder', lease('other', 10), { type: 'held', holder: 'other', expiresAt: T0 + 20_000 }],
  ])('%s', (_name, current, expected) => {
    expect(decideLease(current, 'me', T0)).toEqual(expected);
  });

  test('a live Lease whose holder is known dead is taken over without waiting', () => {
    expect(decideLease(lease('host/123', 5), 'me', T0, (holder) => holder === 'host/123')).toEqual({ type: 'take-over' });
    expect(decideLease(lease('host/124', 5), 'me', T0, (holder) => holder === 'host/123')).toMatchObject({ type: 'held' });
  });

  test('expiry falls back to acquireTime, then to "expired"', () => {
    expect(leaseExpiresAt({ metadata: {}, spec: { acquireTime: new Date(T0).toISOString(), leaseDurationSeconds: 15 } })).toBe(T0 + 15_000);
    expect(leaseExpiresAt({ metadata: {}, spec: {} })).toBe(0);
  });

  test('names and times', () => {
    expect(leaseNameFor(KAFKA)).toBe('statefulset-kafka-stage');
    expect(leaseNameFor({ kind: 'DaemonSet', namespace: 'x', name: 'node-exporter' })).toBe('daemonset-node-exporter-stage');
    expect(formatMicroTime(Date.UTC(2026, 0, 1, 12, 30, 15, 123))).toBe('2026-01-01T12:30:15.123000Z');
  });
});

describe('PromotionLock', () => {
  function setup() {
    const clock = new VirtualClock(T0);
    const api = createSandboxApi({ clock });
    const cluster = new InProcessCluster(api);
    const lost: string[] = [];
    const lockFor = (holder: string, holderGone?: (holder: string) => boolean) => new PromotionLock({
      cluster, clock: runtimeClockOf(clock), workload: KAFKA, holder, holderGone, onLost: (reason) => lost.push(`${holder}: ${reason}`),
    });
    const stored = () => api.get(RESOURCES.leases, 'default', 'statefulset-kafka-stage')?.spec;
    return { clock, api, cluster, lost, lockFor, stored };
  }

  test('acquires, renews on the clock, and releases with an empty holder', async () => {
    const { clock, lockFor, stored } = setup();
    const lock = lockFor('alice/1');
    await lock.acquire();
    expect(lock.held).toBe(true);
    expect(stored()).toMatchObject({ holderIdentity: 'alice/1', leaseDurationSeconds: 30, leaseTransitions: 0, renewTime: '2026-01-01T00:00:00.000000Z' });
    await clock.runUntil(() => stored()?.renewTime !== '2026-01-01T00:00:00.000000Z');
    expect(stored()?.renewTime).toBe('2026-01-01T00:00:10.000000Z');
    expect(lock.held).toBe(true);
    await lock.release();
    expect(lock.held).toBe(false);
    expect(stored()).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1 });
  });

  test('a second promoter is refused with lock-held, naming the holder and the expiry', async () => {
    const { lockFor } = setup();
    await lockFor('alice/1').acquire();
    const refusal = await lockFor('bob/2').acquire().catch((error) => error);
    expect(RuntimeError.is(refusal, 'lock-held')).toBe(true);
    expect(refusal.message).toBe('statefulset/kafka is being promoted by alice/1 (lease default/statefulset-kafka-stage expires at '
      + '2026-01-01T00:00:30.000Z, in 30s); wait for it to finish, or ask it to stop with "kubectl-stage abort sts/kafka"');
  });

  test('an expired Lease (its promoter died) is taken over as a new transition, and the old holder learns it lost', async () => {
    const { clock, cluster, lockFor, stored, lost } = setup();
    const dead = lockFor('alice/1');
    await dead.acquire();
    // alice stops answering: every renewal fails until her Lease has expired.
    cluster.inject({ verb: 'get', kind: 'Lease', code: 500 });
    clock.advance(31_000);
    await clock.runUntil(() => lost.length > 0);
    expect(lost[0]).toMatch(/^alice\/1: could not renew lease default\/statefulset-kafka-stage before it expired/);
    const taker = lockFor('bob/2');
    await taker.acquire();
    expect(stored()).toMatchObject({ holderIdentity: 'bob/2', leaseTransitions: 1 });
  });

  test('a Lease that conflicts on every write ends acquiring with an API error', async () => {
    const { cluster, lockFor } = setup();
    cluster.inject({ verb: 'create', kind: 'Lease', code: 409, times: 100 });
    const error = await lockFor('alice/1').acquire().catch((failure) => failure);
    expect(RuntimeError.is(error, 'api')).toBe(true);
    expect(error.message).toBe('lease default/statefulset-kafka-stage kept changing: 10 writes in a row conflicted (last: injected 409 for create Lease)');
  });

  test('a conflict while acquiring is re-read and decided again', async () => {
    const { cluster, lockFor, stored } = setup();
    cluster.inject({ verb: 'create', kind: 'Lease', code: 409 });
    await lockFor('alice/1').acquire();
    expect(stored()?.holderIdentity).toBe('alice/1');
    expect(cluster.calls.filter((call) => call.includes('Lease'))).toEqual(['get Lease statefulset-kafka-stage', 'create Lease', 'get Lease statefulset-kafka-stage', 'create Lease']);
  });

  test('a conflict while releasing is re-read, and the Lease released when it is still ours', async () => {
    const { cluster, lockFor, stored } = setup();
    const lock = lockFor('alice/1');
    await lock.acquire();
    cluster.inject({ verb: 'replace', kind: 'Lease', code: 409 });
    await lock.release();
    expect(stored()).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1 });
    expect(cluster.calls.slice(-4)).toEqual([
      'get Lease statefulset-kafka-stage', 'replace Lease statefulset-kafka-stage', 'get Lease statefulset-kafka-stage', 'replace Lease statefulset-kafka-stage',
    ]);
  });

  test('a Lease another holder took meanwhile is left to it', async () => {
    const { clock, cluster, lockFor, stored, lost } = setup();
    const lock = lockFor('alice/1');
    await lock.acquire();
    // alice's renewal fails until her Lease expires; bob takes it over; alice then stops.
    cluster.inject({ verb: 'get', kind: 'Lease', code: 500 });
    clock.advance(31_000);
    await clock.runUntil(() => lost.length > 0);
    await lockFor('bob/2').acquire();
    await lock.release();
    expect(stored()).toMatchObject({ holderIdentity: 'bob/2', leaseDurationSeconds: 30 });
  });

  test('a live Lease of a promoter in another PID namespace of a same-named host is never taken over', async () => {
    const { lockFor, stored } = setup();
    await lockFor('pod/7/ns-a/aaaa0001').acquire();
    // In our namespace pid 7 names no process, which proves nothing about a process of another namespace.
    const self: PromoterProcess = { host: 'pod', pid: 1, scope: 'ns-b', nonce: 'bbbb0002' };
    const refusal = await lockFor(formatLeaseHolder(self), (holder) => isLeaseHolderGone(holder, self, () => false)).acquire()
      .catch((error) => error);
    expect(RuntimeError.is(refusal, 'lock-held')).toBe(true);
    expect(stored()?.holderIdentity).toBe('pod/7/ns-a/aaaa0001');
    // The same pid in our own namespace and boot does name a process we can check: gone, so taken over at once.
    const sameScope: PromoterProcess = { ...self, scope: 'ns-a' };
    await lockFor(formatLeaseHolder(sameScope), (holder) => isLeaseHolderGone(holder, sameScope, () => false)).acquire();
    expect(stored()).toMatchObject({ holderIdentity: 'pod/1/ns-a/bbbb0002', leaseTransitions: 1 });
  });
});

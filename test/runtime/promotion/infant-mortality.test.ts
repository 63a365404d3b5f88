import { detectFailedStart, detectInfantMortality, soakBaseline } from '../../../src/runtime/promotion/infant-mortality';
import { pod, PodShape } from '../kube-fixtures';

const healthy: PodShape = { revision: 'web-new', readyForSeconds: 60 };
const web2 = (shape: PodShape = {}) => pod({ ...healthy, name: 'web-2', uid: 'u2', ...shape });
const web1 = (shape: PodShape = {}) => pod({ ...healthy, name: 'web-1', uid: 'u1', ...shape });

describe('soakBaseline', () => {
  test('records uid and restart count per pod name', () => {
    expect(soakBaseline([web2({ restarts: 1 }), web1()])).toEqual({
      'web-2': { uid: 'u2', restarts: 1 },
      'web-1': { uid: 'u1', restarts: 0 },
    });
  });
});

describe('detectInfantMortality over a soak window', () => {
  const baseline = soakBaseline([web2({ restarts: 1 }), web1()]);

  test('unchanged healthy pods: the soak continues', () => {
    expect(detectInfantMortality(baseline, [web2({ restarts: 1 }), web1()])).toEqual([]);
  });

  test('a pod not in the baseline is not watched', () => {
    expect(detectInfantMortality(baseline, [web2({ restarts: 1 }), web1(), pod({ name: 'web-0', restarts: 9 })])).toEqual([]);
  });

  test('a restart count increase fails the step', () => {
    expect(detectInfantMortality(baseline, [web2({ restarts: 2 }), web1()])).toEqual([
      { pod: 'web-2', reason: 'Restarted', message: 'pod web-2 restarted during the soak (restart count 1 -> 2)' },
    ]);
  });

  test.each([
    ['CrashLoopBackOff', 'back-off 10s restarting failed container'],
    ['ImagePullBackOff', 'Back-off pulling image "app:bad"'],
    ['ErrImagePull', 'manifest unknown'],
  ])('%s on a watched pod fails the step', (reason, message) => {
    expect(detectInfantMortality(baseline, [web2({ restarts: 1 }), web1({ waiting: { reason, message } })])).toEqual([
      { pod: 'web-1', reason, message: `pod web-1: ${reason} - ${message}` },
    ]);
  });

  test('Unschedulable (after eviction, say) fails the step, with readiness loss', () => {
    const signs = detectInfantMortality(baseline, [
      web2({ restarts: 1 }), web1({ readyForSeconds: undefined, unschedulable: '0/3 nodes are available' }),
    ]);
    expect(signs).toEqual([
      { pod: 'web-1', reason: 'Unschedulable', message: 'pod web-1: Unschedulable - 0/3 nodes are available' },
      { pod: 'web-1', reason: 'NotReady', message: 'pod web-1 lost readiness during the soak' },
    ]);
  });

  test('readiness loss alone fails the step', () => {
    expect(detectInfantMortality(baseline, [web2({ restarts: 1, readyForSeconds: undefined }), web1()])).toEqual([
      { pod: 'web-2', reason: 'NotReady', message: 'pod web-2 lost readiness during the soak' },
    ]);
  });

  test('a pod deleted, terminating or recreated under another uid is Replaced', () => {
    const replaced = (name: string) => ({ pod: name, reason: 'Replaced', message: `pod ${name} was deleted or replaced during the soak` });
    expect(detectInfantMortality(baseline, [web1()])).toEqual([replaced('web-2')]);
    expect(detectInfantMortality(baseline, [web2({ restarts: 1, terminating: true }), web1()])).toEqual([replaced('web-2')]);
    expect(detectInfantMortality(baseline, [web2({ restarts: 0, uid: 'u2-new' }), web1()])).toEqual([replaced('web-2')]);
  });
});

describe('detectFailedStart before the gate passes', () => {
  test('CrashLoopBackOff and ImagePullBackOff on the update revision fail at once', () => {
    const pods = [
      pod({ name: 'web-2', revision: 'web-new', waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "app:bad"' } }),
      pod({ name: 'web-1', revision: 'web-new', waiting: { reason: 'CrashLoopBackOff', message: 'back-off 20s' } }),
    ];
    expect(detectFailedStart(pods, 'web-new')).toEqual([
      { pod: 'web-2', reason: 'ImagePullBackOff', message: 'pod web-2: ImagePullBackOff - Back-off pulling image "app:bad"' },
      { pod: 'web-1', reason: 'CrashLoopBackOff', message: 'pod web-1: CrashLoopBackOff - back-off 20s' },
    ]);
  });

  test('ErrImagePull and Unschedulable may still clear: no early failure', () => {
    const pods = [
      pod({ name: 'web-2', revision: 'web-new', waiting: { reason: 'ErrImagePull', message: 'timeout' } }),
      pod({ name: 'web-1', revision: 'web-new', unschedulable: '0/3 nodes are available' }),
    ];
    expect(detectFailedStart(pods, 'web-new')).toEqual([]);
  });

  test('pods of another revision or terminating pods are ignored', () => {
    const pods = [
      pod({ name: 'web-0', revision: 'web-old', waiting: { reason: 'CrashLoopBackOff' } }),
      pod({ name: 'web-2', revision: 'web-new', terminating: true, waiting: { reason: 'CrashLoopBackOff' } }),
    ];
    expect(detectFailedStart(pods, 'web-new')).toEqual([]);
  });
});

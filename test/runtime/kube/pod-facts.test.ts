import {
  formatProblem, isPodAvailable, isPodReady, isPodTerminating, podName, podNodeName, podProblems, podReadySince,
  podRestartCount, podRevision, statefulSetPodOrdinal, WARNING_WAITING_REASONS,
} from '../../../src/runtime/kube/pod-facts';
import { NOW, pod } from '../kube-fixtures';

describe('pod identity', () => {
  test('name, revision label and node', () => {
    const p = pod({ name: 'kafka-2', revision: 'kafka-7b9c', node: 'node-1' });
    expect(podName(p)).toBe('kafka-2');
    expect(podRevision(p)).toBe('kafka-7b9c');
    expect(podNodeName(p)).toBe('node-1');
  });

  test('a pod without the revision label has no revision', () => {
    expect(podRevision(pod())).toBeUndefined();
  });

  test.each([
    ['kafka-0', 'kafka', 0],
    ['kafka-12', 'kafka', 12],
    ['my-kafka-3', 'my-kafka', 3],
    ['kafka-3', 'my-kafka', undefined],
    ['kafka-x', 'kafka', undefined],
    ['kafka', 'kafka', undefined],
  ])('ordinal of %s in set %s is %s', (name, set, ordinal) => {
    expect(statefulSetPodOrdinal(pod({ name }), set)).toBe(ordinal);
  });

  test('a deletion timestamp means terminating', () => {
    expect(isPodTerminating(pod({ terminating: true }))).toBe(true);
    expect(isPodTerminating(pod())).toBe(false);
  });
});

describe('readiness and availability', () => {
  test('Ready follows the Ready condition', () => {
    expect(isPodReady(pod({ readyForSeconds: 5 }))).toBe(true);
    expect(isPodReady(pod())).toBe(false);
    expect(isPodReady({ metadata: { name: 'bare' } })).toBe(false);
  });

  test('readySince is the Ready transition time, only while Ready', () => {
    expect(podReadySince(pod({ readyForSeconds: 5 }))).toBe(NOW - 5000);
    expect(podReadySince(pod())).toBeUndefined();
  });

  test('a Ready condition with an unparsable time has no readySince', () => {
    const p = pod({ readyForSeconds: 5 });
    const broken = { ...p, status: { ...p.status, conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: 'soon' }] } };
    expect(podReadySince(broken)).toBeUndefined();
    expect(isPodAvailable(broken, 10, NOW)).toBe(false);
  });

  test('minReadySeconds 0: Available as soon as Ready', () => {
    expect(isPodAvailable(pod({ readyForSeconds: 0 }), 0, NOW)).toBe(true);
    expect(isPodAvailable(pod(), 0, NOW)).toBe(false);
  });

  test('Available needs lastTransitionTime + minReadySeconds strictly before now (podutil.IsPodAvailable)', () => {
    expect(isPodAvailable(pod({ readyForSeconds: 9 }), 10, NOW)).toBe(false);
    expect(isPodAvailable(pod({ readyForSeconds: 10 }), 10, NOW)).toBe(false);
    expect(isPodAvailable(pod({ readyForSeconds: 10 }), 10, NOW + 1)).toBe(true);
    expect(isPodAvailable(pod({ readyForSeconds: 11 }), 10, NOW)).toBe(true);
  });
});

describe('podRestartCount', () => {
  test('sums containers and init containers', () => {
    const p = pod({ restarts: 2 });
    const withInit = { ...p, status: { ...p.status, initContainerStatuses: [{ name: 'init', restartCount: 3 }] } };
    expect(podRestartCount(p)).toBe(2);
    expect(podRestartCount(withInit)).toBe(5);
    expect(podRestartCount({ metadata: {} })).toBe(0);
  });
});

describe('podProblems', () => {
  test('the warning reasons are kubectl appendWarning\'s, in its order', () => {
    expect(WARNING_WAITING_REASONS).toEqual([
      'ImagePullBackOff', 'ErrImagePull', 'CrashLoopBackOff', 'CreateContainerConfigError', 'CreateContainerError',
    ]);
  });

  test.each(WARNING_WAITING_REASONS)('a container waiting with %s is a problem', (reason) => {
    expect(podProblems(pod({ waiting: { reason, message: 'details' } }))).toEqual([
      { reason, message: 'details', container: 'app' },
    ]);
  });

  test.each(['ContainerCreating', 'PodInitializing'])('a container waiting with %s is not a problem', (reason) => {
    expect(podProblems(pod({ waiting: { reason } }))).toEqual([]);
  });

  test('Unschedulable comes first, then waiting containers, then a Failed phase', () => {
    const p = pod({
      unschedulable: '0/3 nodes are available: 3 Insufficient cpu.',
      waiting: { reason: 'ErrImagePull', message: 'pull access denied' },
      phase: 'Failed',
    });
    expect(podProblems(p)).toEqual([
      { reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient cpu.' },
      { reason: 'ErrImagePull', message: 'pull access denied', container: 'app' },
      { reason: 'Failed', message: 'the pod has terminated in phase Failed' },
    ]);
  });

  test('a healthy pod has no problems', () => {
    expect(podProblems(pod({ readyForSeconds: 30 }))).toEqual([]);
  });

  test('formatProblem joins reason and message, or shows the reason alone', () => {
    expect(formatProblem({ reason: 'ImagePullBackOff', message: 'Back-off pulling image "app:bad"' }))
      .toBe('ImagePullBackOff - Back-off pulling image "app:bad"');
    expect(formatProblem({ reason: 'CrashLoopBackOff', message: '' })).toBe('CrashLoopBackOff');
  });
});

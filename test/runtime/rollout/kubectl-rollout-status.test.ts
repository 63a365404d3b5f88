import { appendPodWarning, kubectlDaemonSetStatus, kubectlStatefulSetStatus } from '../../../src/runtime/rollout/kubectl-rollout-status';
import { daemonSet, pod, statefulSet } from '../kube-fixtures';

// The messages are kubectl's (rollout_status.go) without the trailing newline it prints.
describe('kubectlStatefulSetStatus (StatefulSetStatusViewer)', () => {
  test('a non-RollingUpdate strategy is an error', () => {
    expect(kubectlStatefulSetStatus(statefulSet({ strategy: 'OnDelete' }))).toEqual({
      message: '', done: true, error: 'rollout status is only available for RollingUpdate strategy type',
    });
  });

  test('waits for the spec to be observed (generation ahead, or observedGeneration 0)', () => {
    const waiting = { message: 'Waiting for statefulset spec update to be observed...', done: false };
    expect(kubectlStatefulSetStatus(statefulSet({ generation: 3, observedGeneration: 2 }))).toEqual(waiting);
    expect(kubectlStatefulSetStatus(statefulSet({ generation: 1, observedGeneration: 0 }))).toEqual(waiting);
  });

  test('waits for Ready pods of any revision', () => {
    expect(kubectlStatefulSetStatus(statefulSet({ replicas: 5, readyReplicas: 3 }))).toEqual({
      message: 'Waiting for 2 pods to be ready...', done: false,
    });
  });

  test('waits for a partitioned roll out', () => {
    expect(kubectlStatefulSetStatus(statefulSet({ replicas: 5, partition: 2, updatedReplicas: 1 }))).toEqual({
      message: 'Waiting for partitioned roll out to finish: 1 out of 3 new pods have been updated...', done: false,
    });
  });

  test('calls a staged update (partition >= replicas) complete at once: the gap the runtime fills', () => {
    expect(kubectlStatefulSetStatus(statefulSet({ replicas: 3, partition: 3, updatedReplicas: 0 }))).toEqual({
      message: 'partitioned roll out complete: 0 new pods have been updated...', done: true,
    });
  });

  test('with rollingUpdate but no partition, reports the partitioned roll out complete', () => {
    expect(kubectlStatefulSetStatus(statefulSet({ updatedReplicas: 3 }))).toEqual({
      message: 'partitioned roll out complete: 3 new pods have been updated...', done: true,
    });
  });

  test('without rollingUpdate, compares the revisions', () => {
    expect(kubectlStatefulSetStatus(statefulSet({ noRollingUpdate: true, updatedReplicas: 1 }))).toEqual({
      message: 'waiting for statefulset rolling update to complete 1 pods at revision web-new...', done: false,
    });
    expect(kubectlStatefulSetStatus(statefulSet({
      noRollingUpdate: true, currentRevision: 'web-new', updateRevision: 'web-new', currentReplicas: 3,
    }))).toEqual({ message: 'statefulset rolling update complete 3 pods at revision web-new...', done: true });
  });
});

describe('kubectlDaemonSetStatus (DaemonSetStatusViewer)', () => {
  test('a non-RollingUpdate strategy is an error', () => {
    expect(kubectlDaemonSetStatus(daemonSet({ strategy: 'OnDelete' }))).toEqual({
      message: '', done: true, error: 'rollout status is only available for RollingUpdate strategy type',
    });
  });

  test('waits for the spec to be observed', () => {
    expect(kubectlDaemonSetStatus(daemonSet({ generation: 4, observedGeneration: 3 }))).toEqual({
      message: 'Waiting for daemon set spec update to be observed...', done: false,
    });
  });

  test('waits for updated pods, then available ones', () => {
    expect(kubectlDaemonSetStatus(daemonSet({ desired: 10, updated: 4, available: 9 }))).toEqual({
      message: 'Waiting for daemon set "agent" rollout to finish: 4 out of 10 new pods have been updated...', done: false,
    });
    expect(kubectlDaemonSetStatus(daemonSet({ desired: 10, updated: 10, available: 7 }))).toEqual({
      message: 'Waiting for daemon set "agent" rollout to finish: 7 of 10 updated pods are available...', done: false,
    });
  });

  test('reports success when every desired pod is updated and available', () => {
    expect(kubectlDaemonSetStatus(daemonSet())).toEqual({ message: 'daemon set "agent" successfully rolled out', done: true });
  });
});

describe('appendPodWarning (kubectl Deployment appendWarning, applied to any workload)', () => {
  const message = 'Waiting for 1 pods to be ready...';

  test('no problem pod leaves the message as it is', () => {
    expect(appendPodWarning(message, [pod({ readyForSeconds: 3 })])).toBe(message);
  });

  test('an image pull back-off names reason and message', () => {
    const pods = [pod({ readyForSeconds: 3 }), pod({ name: 'web-2', waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "app:bad"' } })];
    expect(appendPodWarning(message, pods))
      .toBe('Waiting for 1 pods to be ready... (Warning: ImagePullBackOff - Back-off pulling image "app:bad")');
  });

  test('Unschedulable shows the scheduler message alone', () => {
    expect(appendPodWarning(message, [pod({ unschedulable: '0/3 nodes are available: 3 Insufficient memory.' })]))
      .toBe('Waiting for 1 pods to be ready... (Warning: 0/3 nodes are available: 3 Insufficient memory.)');
  });

  test('only the first problem pod is named; a Failed phase alone is no warning', () => {
    const pods = [
      pod({ name: 'web-0', phase: 'Failed' }),
      pod({ name: 'web-1', waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' } }),
      pod({ name: 'web-2', waiting: { reason: 'ErrImagePull', message: 'not found' } }),
    ];
    expect(appendPodWarning(message, pods))
      .toBe('Waiting for 1 pods to be ready... (Warning: CrashLoopBackOff - back-off 5m0s restarting failed container)');
  });
});

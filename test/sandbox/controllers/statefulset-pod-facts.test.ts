import { KubeObject } from '../../../src/sandbox/api';
import { sameSyncInputs } from '../../../src/sandbox/controllers/statefulset/statefulset-pod-facts';

// A pod of StatefulSet `web` as the controller created it, Pending and not yet bound.
function createdPod(): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'web-0',
      namespace: 'default',
      uid: 'pod-uid',
      labels: { 'app': 'web', 'controller-revision-hash': 'web-1', 'statefulset.kubernetes.io/pod-name': 'web-0' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'set-uid', controller: true }],
    },
    spec: { containers: [{ name: 'app', image: 'app:1' }] },
    status: { phase: 'Pending' },
  };
}

function changed(pod: KubeObject, change: (copy: KubeObject) => void): KubeObject {
  const copy = structuredClone(pod);
  change(copy);
  return copy;
}

const ready = (since: string) => ({ phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: since }] });

describe('sameSyncInputs', () => {
  test('is true for changes a StatefulSet sync does not read: binding, container states, other annotations', () => {
    const pod = createdPod();
    const bound = changed(pod, (copy) => {
      copy.spec.nodeName = 'node-1';
    });
    const creating = changed(bound, (copy) => {
      copy.status.containerStatuses = [{ name: 'app', ready: false, state: { waiting: { reason: 'ContainerCreating' } } }];
    });
    const annotated = changed(creating, (copy) => {
      copy.metadata.annotations = { note: 'x' };
    });
    expect(sameSyncInputs(pod, bound)).toBe(true);
    expect(sameSyncInputs(bound, creating)).toBe(true);
    expect(sameSyncInputs(creating, annotated)).toBe(true);
  });

  test('is false when the phase, readiness, its transition time, deletion, labels or the controller change', () => {
    const pod = createdPod();
    const running = changed(pod, (copy) => {
      copy.status = { phase: 'Running' };
    });
    const readyPod = changed(pod, (copy) => {
      copy.status = ready('2026-01-01T00:00:10Z');
    });
    expect(sameSyncInputs(pod, running)).toBe(false);
    expect(sameSyncInputs(running, readyPod)).toBe(false);
    expect(sameSyncInputs(readyPod, changed(readyPod, (copy) => {
      copy.status = ready('2026-01-01T00:00:20Z');
    }))).toBe(false);
    expect(sameSyncInputs(pod, changed(pod, (copy) => {
      copy.metadata.deletionTimestamp = '2026-01-01T00:00:30Z';
    }))).toBe(false);
    expect(sameSyncInputs(pod, changed(pod, (copy) => {
      copy.metadata.labels = { ...copy.metadata.labels, 'controller-revision-hash': 'web-2' };
    }))).toBe(false);
    expect(sameSyncInputs(pod, changed(pod, (copy) => {
      copy.metadata.ownerReferences = [];
    }))).toBe(false);
  });
});

// StatefulSet rules beyond the basic rollout: maxUnavailable > 1, minReadySeconds, scale-down order,
// and the revision new pods get when scaling up past a partition (stateful_set_control.go).
import { EventLog, getObject, images, names, statefulSetRolledOut, updateObject } from './workload-helpers';
import { KubeObject, RESOURCES } from '../../../src/sandbox/api';
import { PodFailureMode } from '../../../src/sandbox/controllers';
import { parseTimestamp } from '../../../src/sandbox/timestamps';
import { isReady } from '../../support/pod-readiness';
import { InProcessSandboxKit, startSandboxKit } from '../../support/sandbox-kit';
import { statefulSetManifest } from '../../support/workload-manifests';

let sandbox: InProcessSandboxKit;

afterEach(() => sandbox.stop());

async function start(options: { maxUnavailableStatefulSet?: boolean } = {}): Promise<void> {
  sandbox = await startSandboxKit({ nodes: 3, kubeletTiming: 'sandbox', ...options });
}

function set(): KubeObject {
  return getObject(sandbox, RESOURCES.statefulSets, 'web');
}

function podNames(): string[] {
  return names(sandbox, RESOURCES.pods, 'app=web');
}

function setImage(image: string, extra: (spec: any) => void = () => undefined): void {
  updateObject(sandbox, RESOURCES.statefulSets, 'web', (object) => {
    object.spec.template.spec.containers[0].image = image;
    extra(object.spec);
  });
}

function scale(replicas: number): void {
  updateObject(sandbox, RESOURCES.statefulSets, 'web', (object) => {
    object.spec.replicas = replicas;
  });
}

/** Deletes the pod and lets the StatefulSet recreate it with a container that runs but never becomes Ready. */
function recreateNeverReady(podName: string): void {
  sandbox.kubelet.addFailureRule({ mode: PodFailureMode.NEVER_READY, podName });
  sandbox.api.delete(RESOURCES.pods, 'default', podName);
  sandbox.advanceUntil(() => {
    const pod = sandbox.api.get(RESOURCES.pods, 'default', podName);
    return pod?.status?.phase === 'Running' && !pod.metadata.deletionTimestamp;
  });
}

function readySince(podName: string): number {
  const ready = getObject(sandbox, RESOURCES.pods, podName).status.conditions.find((condition: any) => condition.type === 'Ready');
  return parseTimestamp(ready.lastTransitionTime)!;
}

describe('maxUnavailable (MaxUnavailableStatefulSet)', () => {
  test('OrderedReady with maxUnavailable 2 replaces two pods at a time from the highest ordinal', async () => {
    await start();
    sandbox.api.create(RESOURCES.statefulSets, statefulSetManifest('web', {
      spec: {
        replicas: 5,
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } },
      },
    }));
    sandbox.advanceUntil(() => statefulSetRolledOut(sandbox, 'web'));

    let mostUnavailable = 0;
    const { resourceVersion } = sandbox.api.list(RESOURCES.pods, { namespace: 'default' });
    const unwatch = sandbox.api.watch(RESOURCES.pods, { namespace: 'default', resourceVersion }, () => {
      const available = sandbox.api.list(RESOURCES.pods, { namespace: 'default', labelSelector: 'app=web' }).items
        .filter((pod) => isReady(pod) && !pod.metadata.deletionTimestamp).length;
      mostUnavailable = Math.max(mostUnavailable, 5 - available);
    });
    const deletions = new EventLog(sandbox, RESOURCES.pods);
    setImage('web:2');
    sandbox.advanceUntil(() => statefulSetRolledOut(sandbox, 'web'));
    deletions.stop();
    unwatch();

    expect(deletions.deletionBatches()).toEqual([['web-4', 'web-3'], ['web-2', 'web-1'], ['web-0']]);
    expect(mostUnavailable).toBe(2);
    expect(images(sandbox, podNames())).toEqual(['web:2', 'web:2', 'web:2', 'web:2', 'web:2']);
  });

  test('Parallel with maxUnavailable "50%" of 4 replaces two at a time', async () => {
    await start();
    sandbox.api.create(RESOURCES.statefulSets, statefulSetManifest('web', {
      spec: {
        replicas: 4,
        podManagementPolicy: 'Parallel',
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '50%' } },
      },
    }));
    sandbox.advanceUntil(() => statefulSetRolledOut(sandbox, 'web'));
    const deletions = new EventLog(sandbox, RESOURCES.pods);
    setImage('web:2');
    sandbox.advanceUntil(() => statefulSetRolledOut(sandbox, 'web'));
    deletions.stop();
    expect(deletions.deletionBatches()).toEqual([['web-3', 'web-2'], ['web-1', 'web-0']]);
  });

  test('Parallel replaces an outdated pod that is already unavailable first, even with the budget spent (kubernetes#137409)', async () => {
    await start();
    sandbox.api.create(RESOURCES.statefulSets, statefulSetManifest('web', {
      spec: {
        replicas: 4,
        podManagementPolicy: 'Parallel',
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
      },
    }));
    sandbox.advanceUntil(() => statefulSetRolledOut(sandbox, 'web'));
    recreateNeverReady('web-0');
    sandbox.clock.advance(60_000);
    expect(set().status.readyReplicas).toBe(3);

    const pods = new EventLog(sandbox, RESOURCES.pods);
    setImage('web:2');
    sandbox.clock.advance(0);
    expect(pods.deletions()).toEqual(['web-0']);
    sandbox.kubelet.clearFailureRules();
    sandbox.advanceUntil(() => statefulSetRolledOut(sandbox, 'web'));
    pods.stop();
    expect(pods.deletions()).toEqual(['web-0', 'web-3', 'web-2', 'web-1']);
  });

  test('with the feature gate off, maxUnavailable is ignored and pods go one at a time', async () => {
    await start({ maxUnavailableStatefulSet: false });
    sandbox.api.create(RESOURCES.statefulSets, statefulSetManifest('web', {
      spec: {
        replicas: 3,
        podManagementPolicy: 'Parallel',
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 3 } },
      },
    }));
    sandbox.advanceUntil(() => statefulSetRolledOut(sandbox, 'web'));
    const deletions = new EventLog(sandbox, RESOURCES.pods);
    setImage('web:2');
    sandbox.advanceUntil(() => statefulSetRolledOut(sandbox, 'web'));
    deletions.stop();
    expect(deletions.deletionBatches()).toEqual([['web-2'], ['web-1'], ['web-0']]);
  });
});

describe('minReadySeconds', () => {
  test('a pod counts as available, and the next one is created, only once it has been Ready for minReadySeconds', async () => {
    await start();
    sandbox.api.create(RESOURCES.statefulSets, statefulSetManifest('web', { spec: { replicas: 2, minReadySeconds: 30 } }));
    sandbox.advanceUntil(() => set().status?.readyReplicas === 1);
    expect(set().status).toEqual(expect.objectContaining({ replicas: 1, readyReplicas: 1, availableReplicas: 0 }));
    const web0Ready = readySince('web-0');

    const pods = new EventLog(sandbox, RESOURCES.pods);
    sandbox.advanceUntil(() => podNames().length === 2);
    const createdAt = sandbox.clock.now();
    pods.stop();
    expect(createdAt - web0Ready).toBeGreaterThan(30_000);
    expect(createdAt - web0Ready).toBeLessThanOrEqual(31_000);
    expect(set().status.availableReplicas).toBe(1);

    sandbox.advanceUntil(() => set().status?.readyReplicas === 2);
    expect(set().status.availableReplicas).toBe(1);
    sandbox.advanceUntil(() => set().status?.availableReplicas === 2);
    expect(sandbox.clock.now() - readySince('web-1')).toBeGreaterThan(30_000);
    expect(sandbox.clock.now() - readySince('web-1')).toBeLessThanOrEqual(31_000);
  });

  test('a rolling update deletes the next pod only once the replaced one is available', async () => {
    await start();
    sandbox.api.create(RESOURCES.statefulSets, statefulSetManifest('web', { spec: { replicas: 2, minReadySeconds: 20, podManagementPolicy: 'Parallel' } }));
    sandbox.advanceUntil(() => statefulSetRolledOut(sandbox, 'web'));
    setImage('web:2');
    sandbox.advanceUntil(() => {
      const pod = sandbox.api.get(RESOURCES.pods, 'default', 'web-1');
      return pod?.spec.containers[0].image === 'web:2' && isReady(pod);
    });
    const web1Ready = readySince('web-1');
    sandbox.advanceUntil(() => sandbox.api.get(RESOURCES.pods, 'default', 'web-0')?.metadata.deletionTimestamp !== undefined);
    expect(sandbox.clock.now() - web1Ready).toBeGreaterThan(20_000);
    expect(sandbox.clock.now() - web1Ready).toBeLessThanOrEqual(21_000);
    sandbox.advanceUntil(() => statefulSetRolledOut(sandbox, 'web'));
    expect(set().status).toEqual(expect.objectContaining({ availableReplicas: 2, updatedReplicas: 2, currentReplicas: 2, observedGeneration: 2 }));
  });
});

describe('scale-down', () => {
  test('OrderedReady removes pods from the highest ordinal, each only after the previous one is gone', async () => {
    await start();
    sandbox.api.create(RESOURCES.statefulSets, statefulSetManifest('web', { spec: { replicas: 4 } }));
    sandbox.advanceUntil(() => statefulSetRolledOut(sandbox, 'web'));
    const stillPresentAtDeletion: string[][] = [];
    const order: string[] = [];
    const { resourceVersion } = sandbox.api.list(RESOURCES.pods, { namespace: 'default' });
    const unwatch = sandbox.api.watch(RESOURCES.pods, { namespace: 'default', resourceVersion }, (event) => {
      if (event.type === 'MODIFIED' && event.object.metadata.deletionTimestamp && !order.includes(event.object.metadata.name!)) {
        order.push(event.object.metadata.name!);
        stillPresentAtDeletion.push(podNames());
      }
    });
    scale(1);
    sandbox.advanceUntil(() => podNames().length === 1 && statefulSetRolledOut(sandbox, 'web'));
    unwatch();
    expect(order).toEqual(['web-3', 'web-2', 'web-1']);
    expect(stillPresentAtDeletion).toEqual([
      ['web-0', 'web-1', 'web-2', 'web-3'],
      ['web-0', 'web-1', 'web-2'],
      ['web-0', 'web-1'],
    ]);
    expect(set().status).toEqual(expect.objectContaining({ replicas: 1, readyReplicas: 1, currentReplicas: 1, observedGeneration: 2 }));
  });

  test('Parallel removes every condemned pod at once', async () => {
    await start();
    sandbox.api.create(RESOURCES.statefulSets, statefulSetManifest('web', { spec: { replicas: 4, podManagementPolicy: 'Parallel' } }));
    sandbox.advanceUntil(() => statefulSetRolledOut(sandbox, 'web'));
    const deletions = new EventLog(sandbox, RESOURCES.pods);
    scale(1);
    sandbox.advanceUntil(() => podNames().length === 1);
    deletions.stop();
    expect(deletions.deletionBatches()).toEqual([['web-3', 'web-2', 'web-1']]);
  });

  test('OrderedReady does not scale down while a remaining pod is unhealthy', async () => {
    await start();
    sandbox.api.create(RESOURCES.statefulSets, statefulSetManifest('web', { spec: { replicas: 3 } }));
    sandbox.advanceUntil(() => statefulSetRolledOut(sandbox, 'web'));
    recreateNeverReady('web-0');

    scale(1);
    sandbox.advanceUntil(() => set().status?.observedGeneration === 2);
    sandbox.clock.advance(600_000);
    expect(podNames()).toEqual(['web-0', 'web-1', 'web-2']);
    expect(sandbox.pods('web').filter((pod) => pod.metadata.deletionTimestamp)).toEqual([]);

    sandbox.kubelet.clearFailureRules();
    sandbox.api.delete(RESOURCES.pods, 'default', 'web-0');
    sandbox.advanceUntil(() => podNames().length === 1 && statefulSetRolledOut(sandbox, 'web'));
    expect(podNames()).toEqual(['web-0']);
  });

  test('the lowest unavailable condemned pod may go even though it is not Ready', async () => {
    await start();
    sandbox.api.create(RESOURCES.statefulSets, statefulSetManifest('web', { spec: { replicas: 3 } }));
    sandbox.advanceUntil(() => statefulSetRolledOut(sandbox, 'web'));
    recreateNeverReady('web-2');
    expect(isReady(getObject(sandbox, RESOURCES.pods, 'web-2'))).toBe(false);

    const pods = new EventLog(sandbox, RESOURCES.pods);
    scale(1);
    sandbox.advanceUntil(() => podNames().length === 1);
    pods.stop();
    expect(pods.deletions()).toEqual(['web-2', 'web-1']);
  });

  test('a condemned pod that is Ready but not yet available for minReadySeconds is the first unavailable and goes at once', async () => {
    await start();
    sandbox.api.create(RESOURCES.statefulSets, statefulSetManifest('web', { spec: { replicas: 3, minReadySeconds: 60 } }));
    sandbox.advanceUntil(() => statefulSetRolledOut(sandbox, 'web'));
    sandbox.api.delete(RESOURCES.pods, 'default', 'web-2');
    sandbox.advanceUntil(() => {
      const pod = sandbox.api.get(RESOURCES.pods, 'default', 'web-2');
      return pod !== undefined && !pod.metadata.deletionTimestamp && isReady(pod);
    });
    const readyAt = sandbox.clock.now();

    scale(2);
    sandbox.advanceUntil(() => sandbox.api.get(RESOURCES.pods, 'default', 'web-2')?.metadata.deletionTimestamp !== undefined);
    expect(sandbox.clock.now() - readyAt).toBeLessThan(60_000);
  });
});

describe('partition and scale-up', () => {
  test('new ordinals at or above the partition get the update revision, those below it the current one', async () => {
    await start();
    sandbox.api.create(RESOURCES.statefulSets, statefulSetManifest('web', { spec: { replicas: 2 } }));
    sandbox.advanceUntil(() => statefulSetRolledOut(sandbox, 'web'));
    const currentRevision = set().status.currentRevision;

    setImage('web:2', (spec) => {
      spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: 3 } };
    });
    sandbox.advanceUntil(() => set().status?.observedGeneration === 2);
    const updateRevision = set().status.updateRevision;
    expect(updateRevision).not.toBe(currentRevision);

    scale(5);
    sandbox.advanceUntil(() => set().status?.readyReplicas === 5);
    const revisions = podNames().map((name) => getObject(sandbox, RESOURCES.pods, name).metadata.labels!['controller-revision-hash']);
    expect(podNames()).toEqual(['web-0', 'web-1', 'web-2', 'web-3', 'web-4']);
    expect(revisions).toEqual([currentRevision, currentRevision, currentRevision, updateRevision, updateRevision]);
    expect(images(sandbox, podNames())).toEqual(['web:1', 'web:1', 'web:1', 'web:2', 'web:2']);
    expect(set().status).toEqual(expect.objectContaining({
      replicas: 5, currentReplicas: 3, updatedReplicas: 2, currentRevision, updateRevision, observedGeneration: 3,
    }));
  });
});

describe('status.observedGeneration', () => {
  test('follows every spec change, even one that changes no pod', async () => {
    await start();
    sandbox.api.create(RESOURCES.statefulSets, statefulSetManifest('web', { spec: { replicas: 1 } }));
    sandbox.advanceUntil(() => statefulSetRolledOut(sandbox, 'web'));
    expect(set().status.observedGeneration).toBe(1);
    updateObject(sandbox, RESOURCES.statefulSets, 'web', (object) => {
      object.spec.minReadySeconds = 5;
    });
    expect(set().metadata.generation).toBe(2);
    sandbox.clock.advance(0);
    expect(set().status.observedGeneration).toBe(2);
    // A status or metadata-only write does not bump the generation.
    updateObject(sandbox, RESOURCES.statefulSets, 'web', (object) => {
      object.metadata.labels = { team: 'storage' };
    });
    sandbox.clock.advance(0);
    expect(set().metadata.generation).toBe(2);
    expect(set().status.observedGeneration).toBe(2);
  });
});

// DaemonSet rolling-update rules (pkg/controller/daemon/update.go): maxSurge, maxUnavailable as a
// percentage, OnDelete, nodes added, tainted and untainted mid-rollout, and the status counts.
import { EventLog, getObject, updateObject } from './workload-helpers';
import { KubeObject, RESOURCES } from '../../../src/sandbox/api';
import { makeNodes } from '../../../src/sandbox/nodes';
import { isReady } from '../../support/pod-readiness';
import { InProcessSandboxKit, startSandboxKit } from '../../support/sandbox-kit';
import { daemonSetManifest } from '../../support/workload-manifests';

let sandbox: InProcessSandboxKit;

afterEach(() => sandbox.stop());

function ds(): KubeObject {
  return getObject(sandbox, RESOURCES.daemonSets, 'agent');
}

function pods(): KubeObject[] {
  return sandbox.pods('agent');
}

function live(): KubeObject[] {
  return pods().filter((pod) => !pod.metadata.deletionTimestamp);
}

function imageOn(nodeName: string): string[] {
  return live().filter((pod) => pod.spec.nodeName === nodeName || targetNode(pod) === nodeName).map((pod) => pod.spec.containers[0].image);
}

/** The node a daemon pod is pinned to by its node affinity, scheduled or not. */
function targetNode(pod: KubeObject): string {
  return pod.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].values[0];
}

function settled(): boolean {
  const status = ds().status ?? {};
  return status.observedGeneration === ds().metadata.generation && status.desiredNumberScheduled > 0
    && status.updatedNumberScheduled === status.desiredNumberScheduled && status.numberAvailable === status.desiredNumberScheduled
    && pods().length === status.desiredNumberScheduled;
}

function setImage(image: string): void {
  updateObject(sandbox, RESOURCES.daemonSets, 'agent', (object) => {
    object.spec.template.spec.containers[0].image = image;
  });
}

function rollingUpdate(rolling: Record<string, unknown>): Record<string, unknown> {
  return { updateStrategy: { type: 'RollingUpdate', rollingUpdate: rolling } };
}

function setTaints(nodeName: string, taints: unknown[]): void {
  updateObject(sandbox, RESOURCES.nodes, nodeName, (node) => {
    node.spec.taints = taints;
  });
}

describe('DaemonSet RollingUpdate with maxSurge', () => {
  test('a new pod starts next to the old one, which goes only once the new one is available; never more than maxSurge extra', async () => {
    sandbox = await startSandboxKit({ nodes: 3, kubeletTiming: 'sandbox' });
    sandbox.api.create(RESOURCES.daemonSets, daemonSetManifest('agent', { spec: { minReadySeconds: 5, ...rollingUpdate({ maxSurge: 1, maxUnavailable: 0 }) } }));
    sandbox.advanceUntil(settled);

    let mostPods = 0;
    let fewestAvailable = 3;
    const oldDeletedWithNewAvailable: boolean[] = [];
    const { resourceVersion } = sandbox.api.list(RESOURCES.pods, { namespace: 'default' });
    const seen = new Set<string>();
    const unwatch = sandbox.api.watch(RESOURCES.pods, { namespace: 'default', resourceVersion }, (event) => {
      mostPods = Math.max(mostPods, live().length);
      fewestAvailable = Math.min(fewestAvailable, live().filter(isReady).length);
      const pod = event.object;
      if (event.type === 'MODIFIED' && pod.metadata.deletionTimestamp && !seen.has(pod.metadata.name!)) {
        seen.add(pod.metadata.name!);
        const replacement = live().find((candidate) => targetNode(candidate) === targetNode(pod) && candidate.spec.containers[0].image === 'agent:2');
        oldDeletedWithNewAvailable.push(replacement !== undefined && isReady(replacement));
      }
    });
    setImage('agent:2');
    sandbox.advanceUntil(settled);
    unwatch();

    expect(oldDeletedWithNewAvailable).toEqual([true, true, true]);
    expect(mostPods).toBe(4);
    expect(fewestAvailable).toBe(3);
    expect(pods().map((pod) => pod.spec.containers[0].image)).toEqual(['agent:2', 'agent:2', 'agent:2']);
  });

  test('with a hostPort the surge pod cannot be scheduled next to the old one, so the rollout stalls (accepted, as upstream: kubernetes#106417)', async () => {
    sandbox = await startSandboxKit({ nodes: 3, kubeletTiming: 'sandbox' });
    const manifest = daemonSetManifest('agent', { spec: rollingUpdate({ maxSurge: 1, maxUnavailable: 0 }) });
    manifest.spec.template.spec.containers[0].ports = [{ containerPort: 9100, hostPort: 9100 }];
    sandbox.api.create(RESOURCES.daemonSets, manifest);
    sandbox.advanceUntil(settled);

    setImage('agent:2');
    sandbox.advanceUntil(() => ds().status?.observedGeneration === 2);
    sandbox.clock.advance(600_000);

    const surge = pods().filter((pod) => pod.spec.containers[0].image === 'agent:2');
    expect(surge).toHaveLength(1);
    expect(surge[0].spec.nodeName).toBeUndefined();
    expect(surge[0].status.conditions).toEqual([expect.objectContaining({
      type: 'PodScheduled',
      status: 'False',
      reason: 'Unschedulable',
      message: "0/3 nodes are available: 1 node(s) didn't have free ports for the requested pod ports, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling..",
    })]);
    expect(pods().filter((pod) => pod.spec.containers[0].image === 'agent:1' && isReady(pod))).toHaveLength(3);
    expect(ds().status).toEqual(expect.objectContaining({
      desiredNumberScheduled: 3, updatedNumberScheduled: 0, numberAvailable: 3, numberUnavailable: 0,
    }));
  });
});

describe('DaemonSet RollingUpdate with maxUnavailable', () => {
  test('a percentage is of the nodes that should run the pod, rounded up: 30% of 4 replaces two nodes at a time', async () => {
    sandbox = await startSandboxKit({ nodes: 4, kubeletTiming: 'sandbox' });
    sandbox.api.create(RESOURCES.daemonSets, daemonSetManifest('agent', { spec: rollingUpdate({ maxUnavailable: '30%' }) }));
    sandbox.advanceUntil(settled);
    const log = new EventLog(sandbox, RESOURCES.pods);
    setImage('agent:2');
    sandbox.advanceUntil(settled);
    log.stop();
    const batches = log.deletionBatches(targetNode).map((nodes) => nodes.sort());
    expect(batches.map((batch) => batch.length)).toEqual([2, 2]);
    expect(batches.flat().sort()).toEqual(['node-1', 'node-2', 'node-3', 'node-4']);
  });
});

describe('DaemonSet OnDelete', () => {
  test('pods are replaced only when deleted, and then at the new template', async () => {
    sandbox = await startSandboxKit({ nodes: 3, kubeletTiming: 'sandbox' });
    sandbox.api.create(RESOURCES.daemonSets, daemonSetManifest('agent', { spec: { updateStrategy: { type: 'OnDelete' } } }));
    sandbox.advanceUntil(settled);
    setImage('agent:2');
    sandbox.advanceUntil(() => ds().status?.observedGeneration === 2);
    sandbox.clock.advance(600_000);
    expect(pods().map((pod) => pod.spec.containers[0].image)).toEqual(['agent:1', 'agent:1', 'agent:1']);
    expect(ds().status).toEqual(expect.objectContaining({ updatedNumberScheduled: 0, numberAvailable: 3, observedGeneration: 2 }));

    const onNode2 = live().find((pod) => pod.spec.nodeName === 'node-2')!;
    sandbox.api.delete(RESOURCES.pods, 'default', onNode2.metadata.name!);
    sandbox.advanceUntil(() => ds().status?.updatedNumberScheduled === 1 && ds().status?.numberAvailable === 3);
    expect(imageOn('node-1')).toEqual(['agent:1']);
    expect(imageOn('node-2')).toEqual(['agent:2']);
    expect(imageOn('node-3')).toEqual(['agent:1']);
  });
});

describe('DaemonSet nodes changing mid-rollout', () => {
  test('a NoExecute taint removes the pod, a new node and the untainted node get the new template', async () => {
    sandbox = await startSandboxKit({ nodes: 3, kubeletTiming: 'sandbox' });
    sandbox.api.create(RESOURCES.daemonSets, daemonSetManifest('agent', { spec: rollingUpdate({ maxUnavailable: 1 }) }));
    sandbox.advanceUntil(settled);
    setImage('agent:2');
    sandbox.advanceUntil(() => pods().some((pod) => pod.metadata.deletionTimestamp));
    const firstReplaced = targetNode(pods().find((pod) => pod.metadata.deletionTimestamp)!);
    const tainted = ['node-1', 'node-2', 'node-3'].find((name) => name !== firstReplaced)!;

    setTaints(tainted, [{ key: 'dedicated', value: 'infra', effect: 'NoExecute' }]);
    sandbox.advanceUntil(() => imageOn(tainted).length === 0 && ds().status?.desiredNumberScheduled === 2);
    sandbox.advanceUntil(settled);
    expect(ds().status).toEqual(expect.objectContaining({
      desiredNumberScheduled: 2, currentNumberScheduled: 2, updatedNumberScheduled: 2, numberMisscheduled: 0,
    }));

    const [node4] = makeNodes([{ name: 'node-1' }, { name: 'node-2' }, { name: 'node-3' }, { name: 'node-4' }], sandbox.clock.now()).slice(3);
    sandbox.api.create(RESOURCES.nodes, node4);
    setTaints(tainted, []);
    sandbox.advanceUntil(() => settled() && ds().status.desiredNumberScheduled === 4);
    for (const node of ['node-1', 'node-2', 'node-3', 'node-4']) {
      expect(imageOn(node)).toEqual(['agent:2']);
    }
    expect(ds().status).toEqual(expect.objectContaining({
      desiredNumberScheduled: 4, currentNumberScheduled: 4, updatedNumberScheduled: 4, numberReady: 4, numberAvailable: 4, numberUnavailable: 0,
    }));
  });

  test('a NoSchedule taint leaves the running pod in place until a rolling update deletes it, and nothing replaces it', async () => {
    sandbox = await startSandboxKit({ nodes: 3, kubeletTiming: 'sandbox' });
    sandbox.api.create(RESOURCES.daemonSets, daemonSetManifest('agent', { spec: rollingUpdate({ maxUnavailable: 1 }) }));
    sandbox.advanceUntil(settled);
    setTaints('node-3', [{ key: 'dedicated', value: 'infra', effect: 'NoSchedule' }]);
    sandbox.clock.advance(60_000);
    expect(imageOn('node-3')).toEqual(['agent:1']);
    expect(ds().status).toEqual(expect.objectContaining({ desiredNumberScheduled: 2, numberMisscheduled: 1 }));

    // update.go walks every node with daemon pods, so the old pod on node-3 is an update candidate like
    // any other; the manage loop then creates nothing there because the node should not run the pod.
    const log = new EventLog(sandbox, RESOURCES.pods);
    setImage('agent:2');
    sandbox.advanceUntil(() => settled() && imageOn('node-3').length === 0);
    sandbox.clock.advance(60_000);
    log.stop();
    expect(imageOn('node-3')).toEqual([]);
    expect(log.additions().map((name) => targetNode(log.events.find((event) => event.object.metadata.name === name)!.object)).sort())
      .toEqual(['node-1', 'node-2']);
    expect(ds().status).toEqual(expect.objectContaining({
      desiredNumberScheduled: 2, currentNumberScheduled: 2, updatedNumberScheduled: 2, numberMisscheduled: 0,
    }));
  });
});

describe('DaemonSet status counts', () => {
  test('numberAvailable waits for minReadySeconds; numberUnavailable is desired minus available; observedGeneration follows the spec', async () => {
    sandbox = await startSandboxKit({ nodes: 3, kubeletTiming: 'sandbox' });
    sandbox.api.create(RESOURCES.daemonSets, daemonSetManifest('agent', { spec: { minReadySeconds: 30, ...rollingUpdate({ maxUnavailable: 1 }) } }));
    sandbox.advanceUntil(() => ds().status?.numberReady === 3);
    expect(ds().status).toEqual(expect.objectContaining({
      observedGeneration: 1,
      desiredNumberScheduled: 3,
      currentNumberScheduled: 3,
      updatedNumberScheduled: 3,
      numberReady: 3,
      numberAvailable: 0,
      numberUnavailable: 3,
    }));
    const readyAt = sandbox.clock.now();
    sandbox.advanceUntil(() => ds().status?.numberAvailable === 3);
    expect(sandbox.clock.now() - readyAt).toBeGreaterThan(29_000);
    expect(sandbox.clock.now() - readyAt).toBeLessThanOrEqual(31_000);
    expect(ds().status.numberUnavailable).toBe(0);

    const statuses: Array<[number, number, number]> = [];
    const { resourceVersion } = sandbox.api.list(RESOURCES.daemonSets, { namespace: 'default' });
    const unwatch = sandbox.api.watch(RESOURCES.daemonSets, { namespace: 'default', resourceVersion }, (event) => {
      const status = event.object.status;
      // Status writes for the new generation only (the spec write itself carries the old counts).
      if (status.observedGeneration === 2) {
        statuses.push([status.updatedNumberScheduled, status.numberAvailable, status.numberUnavailable]);
      }
    });
    setImage('agent:2');
    sandbox.advanceUntil(settled);
    unwatch();

    expect(ds().status.observedGeneration).toBe(2);
    // Updated nodes only ever grow, one node is unavailable at a time, and every write keeps unavailable = 3 - available.
    const updated = statuses.map(([count]) => count);
    expect(updated).toEqual([...updated].sort());
    expect(updated[0]).toBe(0);
    expect(updated[updated.length - 1]).toBe(3);
    expect(statuses.every(([, available, unavailable]) => available + unavailable === 3 && unavailable <= 1)).toBe(true);
  });
});

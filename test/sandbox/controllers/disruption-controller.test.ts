import { getObject, updateObject } from './workload-helpers';
import { KubeObject, RESOURCES } from '../../../src/sandbox/api';
import { isReady } from '../../support/pod-readiness';
import { InProcessSandboxKit, startSandboxKit } from '../../support/sandbox-kit';
import { daemonSetManifest, statefulSetManifest } from '../../support/workload-manifests';

let sandbox: InProcessSandboxKit | undefined;

afterEach(() => sandbox?.stop());

function budget(name: string, app: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace: 'default' }, spec: { selector: { matchLabels: { app } }, ...spec } };
}

function status(name: string): Record<string, any> {
  return getObject(sandbox!, RESOURCES.podDisruptionBudgets, name).status;
}

function allReady(app: string, count: number): boolean {
  const pods = sandbox!.pods(app);
  return pods.length === count && pods.every(isReady);
}

function events(name: string): KubeObject[] {
  return sandbox!.api.list(RESOURCES.events, { namespace: 'default' }).items.filter((event) => event.involvedObject?.name === name);
}

describe('disruption controller', () => {
  test('a StatefulSet\'s budget: maxUnavailable 1 of 3 allows one disruption once all are Ready', async () => {
    sandbox = await startSandboxKit({ nodes: 3, kubeletTiming: 'sandbox' });
    sandbox.api.create(RESOURCES.podDisruptionBudgets, budget('zk-pdb', 'zk', { maxUnavailable: 1 }));
    sandbox.clock.advance(0);
    expect(status('zk-pdb')).toEqual(expect.objectContaining({ disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0, observedGeneration: 1 }));
    expect(events('zk-pdb').map((event) => [event.reason, event.message, event.source.component])).toEqual([['NoPods', 'No matching pods found', 'controllermanager']]);

    sandbox.api.create(RESOURCES.statefulSets, statefulSetManifest('zk', { spec: { podManagementPolicy: 'Parallel' } }));
    sandbox.advanceUntil(() => allReady('zk', 3) && status('zk-pdb').currentHealthy === 3);
    expect(status('zk-pdb')).toEqual({
      observedGeneration: 1,
      disruptionsAllowed: 1,
      currentHealthy: 3,
      desiredHealthy: 2,
      expectedPods: 3,
      conditions: [expect.objectContaining({ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '', observedGeneration: 1 })],
    });
  });

  test('scaling the set changes the expected pods; minAvailable as a percent of the scale rounds up', async () => {
    sandbox = await startSandboxKit({ nodes: 3, kubeletTiming: 'sandbox' });
    sandbox.api.create(RESOURCES.statefulSets, statefulSetManifest('web', { spec: { podManagementPolicy: 'Parallel', replicas: 4 } }));
    sandbox.api.create(RESOURCES.podDisruptionBudgets, budget('web-pdb', 'web', { minAvailable: '50%' }));
    sandbox.advanceUntil(() => allReady('web', 4) && status('web-pdb').currentHealthy === 4);
    expect(status('web-pdb')).toEqual(expect.objectContaining({ expectedPods: 4, desiredHealthy: 2, disruptionsAllowed: 2 }));

    updateObject(sandbox, RESOURCES.statefulSets, 'web', (set) => { set.spec.replicas = 5; });
    sandbox.advanceUntil(() => allReady('web', 5) && status('web-pdb').currentHealthy === 5);
    expect(status('web-pdb')).toEqual(expect.objectContaining({ expectedPods: 5, desiredHealthy: 3, disruptionsAllowed: 2 }));
  });

  test('a pod that stops being Ready takes the allowed disruption away (InsufficientPods)', async () => {
    sandbox = await startSandboxKit({ nodes: 3, kubeletTiming: 'sandbox' });
    sandbox.api.create(RESOURCES.statefulSets, statefulSetManifest('zk', { spec: { podManagementPolicy: 'Parallel' } }));
    sandbox.api.create(RESOURCES.podDisruptionBudgets, budget('zk-pdb', 'zk', { minAvailable: 3 }));
    sandbox.advanceUntil(() => allReady('zk', 3) && status('zk-pdb').currentHealthy === 3);
    expect(status('zk-pdb')).toEqual(expect.objectContaining({ expectedPods: 3, desiredHealthy: 3, disruptionsAllowed: 0 }));
    expect(status('zk-pdb').conditions).toEqual([expect.objectContaining({ status: 'False', reason: 'InsufficientPods' })]);
  });

  test('DaemonSet pods: an integer minAvailable counts the pods; a percentage fails as upstream (no scale subresource)', async () => {
    sandbox = await startSandboxKit({ nodes: 3, kubeletTiming: 'sandbox' });
    sandbox.api.create(RESOURCES.daemonSets, daemonSetManifest('agent'));
    sandbox.api.create(RESOURCES.podDisruptionBudgets, budget('agent-pdb', 'agent', { minAvailable: 2 }));
    sandbox.advanceUntil(() => allReady('agent', 3) && status('agent-pdb').currentHealthy === 3);
    expect(status('agent-pdb')).toEqual(expect.objectContaining({ expectedPods: 3, desiredHealthy: 2, disruptionsAllowed: 1 }));

    updateObject(sandbox, RESOURCES.podDisruptionBudgets, 'agent-pdb', (pdb) => { pdb.spec = { selector: pdb.spec.selector, maxUnavailable: '50%' }; });
    sandbox.clock.advance(0);
    expect(status('agent-pdb')).toEqual(expect.objectContaining({ disruptionsAllowed: 0 }));
    expect(status('agent-pdb').conditions).toEqual([expect.objectContaining({
      status: 'False', reason: 'SyncFailed', message: 'daemonsets.apps does not implement the scale subresource',
    })]);
    expect(events('agent-pdb').map((event) => event.message)).toContain(
      'Failed to calculate the number of expected pods: daemonsets.apps does not implement the scale subresource');
  });

  test('a pod recorded as disrupted stops counting, and counts again when it was not deleted within two minutes', async () => {
    sandbox = await startSandboxKit({ nodes: 3, kubeletTiming: 'sandbox' });
    sandbox.api.create(RESOURCES.statefulSets, statefulSetManifest('zk', { spec: { podManagementPolicy: 'Parallel' } }));
    sandbox.api.create(RESOURCES.podDisruptionBudgets, budget('zk-pdb', 'zk', { maxUnavailable: 1 }));
    sandbox.advanceUntil(() => allReady('zk', 3) && status('zk-pdb').currentHealthy === 3);
    const pdb = getObject(sandbox, RESOURCES.podDisruptionBudgets, 'zk-pdb');
    const admittedAt = sandbox.clock.now();
    sandbox.api.updateStatus(RESOURCES.podDisruptionBudgets, { ...pdb, status: { ...pdb.status, disruptionsAllowed: 0, disruptedPods: { 'zk-1': new Date(admittedAt).toISOString().replace(/\.\d{3}Z$/, 'Z') } } });
    sandbox.clock.advance(0);
    expect(status('zk-pdb')).toEqual(expect.objectContaining({ currentHealthy: 2, disruptionsAllowed: 0, disruptedPods: { 'zk-1': expect.any(String) } }));

    sandbox.advanceUntil(() => status('zk-pdb').currentHealthy === 3, 200_000);
    expect(sandbox.clock.now() - admittedAt).toBeGreaterThanOrEqual(120_000);
    expect(status('zk-pdb').disruptedPods).toBeUndefined();
    expect(events('zk-1').map((event) => event.reason)).toContain('NotDeleted');
  });

  test('a pod two budgets cover is warned about, and the first budget by name syncs', async () => {
    sandbox = await startSandboxKit({ nodes: 1, kubeletTiming: 'sandbox' });
    sandbox.api.create(RESOURCES.podDisruptionBudgets, budget('a-pdb', 'web', { minAvailable: 1 }));
    sandbox.api.create(RESOURCES.podDisruptionBudgets, budget('b-pdb', 'web', { minAvailable: 1 }));
    sandbox.api.create(RESOURCES.pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'solo', namespace: 'default', labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'c:1' }] } });
    sandbox.advanceUntil(() => isReady(getObject(sandbox!, RESOURCES.pods, 'solo')) && status('a-pdb').currentHealthy === 1);
    expect(events('solo').find((event) => event.reason === 'MultiplePodDisruptionBudgets')?.message)
      .toBe('Pod "default"/"solo" matches multiple PodDisruptionBudgets.  Chose "a-pdb" arbitrarily.');
  });
});

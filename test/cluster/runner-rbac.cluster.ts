// StagedRolloutRunner's RBAC enforced by a real API server: kubectl-stage run with the token of the ServiceAccount the
// construct synthesizes succeeds for every command the Role is meant to allow, and is refused, in one line naming the
// fix and before any change, for what it is not. RBAC is the real API server's alone (the sandbox has no authorizer),
// so this runs on the real control plane only.
import { Chart, Testing } from 'cdk8s';
import { StagedRolloutRunner, StagedRolloutRunnerProps } from '../../src/staged-rollout-runner';
import { allReadyOn, livePods, ScenarioCluster, startScenarioCluster } from '../support/scenario-cluster';
import { serviceAccountKubeconfig } from '../support/service-account-kubeconfig';
import { daemonSetManifest, statefulSetManifest } from '../support/workload-manifests';

jest.setTimeout(300_000);

let cluster: ScenarioCluster;
beforeAll(async () => {
  cluster = await startScenarioCluster('kube', { nodes: 3 });
});
afterAll(() => cluster?.stop());

/** Applies a runner's objects and returns a kubeconfig that authenticates as its ServiceAccount. */
async function runnerKubeconfig(name: string, props: Omit<StagedRolloutRunnerProps, 'name'>): Promise<string> {
  const chart = new Chart(Testing.app(), name, { namespace: 'default' });
  const runner = new StagedRolloutRunner(chart, name, { name, ...props });
  await cluster.apply(Testing.synth(chart));
  return serviceAccountKubeconfig(cluster, runner.serviceAccount.name);
}

test('with the runner\'s token, stage, plan, promote, status, history and undo succeed', async () => {
  await cluster.apply([statefulSetManifest('kafka', { replicas: 3, image: 'kafka:1', updateStrategy: 'rolling' })]);
  await cluster.waitFor('3 brokers Ready', (s) => allReadyOn(s, 'kafka', 3, 'kafka:1'));
  const kubeconfig = await runnerKubeconfig('runner', { allowUndo: true });
  const as = (args: string[]) => cluster.stage(args, { kubeconfig });

  expect(await as(['stage', 'sts/kafka'])).toMatchObject({ code: 0, stderr: '' });
  expect((await cluster.kubectl(['set', 'image', 'sts/kafka', 'kafka=kafka:2'])).code).toBe(0);
  await cluster.waitFor('the new revision', (s) => s.statefulSets[0].status?.updateRevision !== s.statefulSets[0].status?.currentRevision);
  expect(await as(['plan', 'sts/kafka', '--plan', 'canary'])).toMatchObject({ code: 0, stderr: '' });
  const promote = await as(['promote', 'sts/kafka', '--plan', 'canary', '--all', '--soak', '1s']);
  expect(promote).toMatchObject({ code: 0, stderr: '' });
  await cluster.waitFor('every broker on kafka:2', (s) => allReadyOn(s, 'kafka', 3, 'kafka:2'));
  expect(await as(['status', 'sts/kafka'])).toMatchObject({ code: 0, stderr: '' });
  expect(await as(['history', 'sts/kafka'])).toMatchObject({ code: 0, stderr: '' });
  const undo = await as(['undo', 'sts/kafka']);
  expect(undo).toMatchObject({ code: 0, stderr: '' });
  await cluster.waitFor('the undo rolled out', (s) => livePods(s, 'kafka').length === 3
    && livePods(s, 'kafka').every((pod) => pod.spec.containers[0].image === 'kafka:1'));
  // The promotion's Events were written with the runner's token too (create events is granted).
  const events = await cluster.kubectl(['get', 'events', '--field-selector', 'involvedObject.name=kafka', '-o', 'json']);
  const reasons = JSON.parse(events.stdout).items.filter((event: any) => event.reportingComponent === 'kubectl-stage');
  expect(reasons.length).toBeGreaterThan(0);
});

test('what the Role does not grant is refused with one line naming the fix, and nothing changes', async () => {
  await cluster.apply([daemonSetManifest('agent', { image: 'agent:1', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } }, hostPort: 9100 })]);
  await cluster.waitFor('the agents Ready', (s) => allReadyOn(s, 'agent', 3, 'agent:1'));
  const kubeconfig = await runnerKubeconfig('plain', {});
  const before = (await cluster.snapshot()).daemonSets[0];

  const stageDs = await cluster.stage(['stage', 'ds/agent'], { kubeconfig });
  expect(stageDs.code).toBe(6);
  expect(stageDs.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(stageDs.stderr).toMatch(/^error: .*daemonsets\.apps "agent" is forbidden: User "system:serviceaccount:default:plain" cannot get resource "daemonsets"/);
  expect(stageDs.stderr).toContain('allowDaemonSetCanary');
  const after = (await cluster.snapshot()).daemonSets[0];
  expect([after.metadata.generation, after.metadata.annotations, after.spec.updateStrategy])
    .toEqual([before.metadata.generation, before.metadata.annotations, before.spec.updateStrategy]);

  // A runner whose promotion Job names sts/kafka may touch that StatefulSet only (resourceNames): not web.
  await cluster.apply([statefulSetManifest('web', { replicas: 1, image: 'web:1', updateStrategy: 'rolling' })]);
  const scoped = await runnerKubeconfig('scoped', { promotionJob: { image: 'example/kubectl-stage:1', workload: 'sts/kafka' } });
  const web = await cluster.stage(['stage', 'sts/web'], { kubeconfig: scoped });
  expect(web.code).toBe(6);
  expect(web.stderr).toMatch(/^error: .*statefulsets\.apps "web" is forbidden: User "system:serviceaccount:default:scoped" cannot get/);
  expect((await cluster.stage(['status', 'sts/kafka'], { kubeconfig: scoped })).code).toBe(0);
});

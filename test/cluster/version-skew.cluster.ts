// What differs between the Kubernetes version the sandbox models (1.33, its /version) and the control plane built
// here (1.36), pinned on each engine. From 1.34 on, ControllerRevision data omits the template's null
// creationTimestamp (apimachinery's ObjectMeta became `omitzero`), and kubectl up to 1.33 encodes it: so `rollout undo
// --to-revision=<the current revision>` answers `skipped rollback` from kubectl of the server's own version and `rolled
// back` (a no-op patch) from kubectl 1.33 against 1.34+. kubectl-stage answers as the server's own kubectl would on both.
import { isReady } from '../support/pod-readiness';
import { allReadyOn, Engine, livePods, ScenarioCluster, startScenarioCluster } from '../support/scenario-cluster';
import { daemonSetManifest, statefulSetManifest } from '../support/workload-manifests';

jest.setTimeout(300_000);

const SKIPPED = (kind: string, name: string, revision: number) => `${kind}.apps/${name} skipped rollback (current template already matches revision ${revision})\n`;

async function undoToCurrent(cluster: ScenarioCluster, kind: 'statefulset' | 'daemonset', name: string): Promise<Record<string, string>> {
  const revision = Math.max(...(await cluster.snapshot()).controllerRevisions
    .filter((r) => r.metadata.ownerReferences?.[0]?.name === name).map((r) => Number(r.revision)));
  const answers: Record<string, string> = {
    kubectl133: (await cluster.kubectl(['rollout', 'undo', `${kind}/${name}`, `--to-revision=${revision}`], { blocking: true })).stdout,
    ours: (await cluster.stage(['undo', `${kind}/${name}`, '--to-revision', String(revision)])).stdout.split('\n')[0] + '\n',
    skipped: SKIPPED(kind, name, revision),
  };
  if (cluster.kube?.kubectlPath) {
    answers.kubectl136 = (await cluster.kubectl(['rollout', 'undo', `${kind}/${name}`, `--to-revision=${revision}`], { binary: cluster.kube.kubectlPath })).stdout;
  }
  return answers;
}

describe.each<Engine>(['sandbox', 'kube'])('on the %s engine', (engine) => {
  let cluster: ScenarioCluster;
  beforeAll(async () => {
    cluster = await startScenarioCluster(engine, { nodes: 3 });
    await cluster.apply([statefulSetManifest('web', { replicas: 2, image: 'web:1', updateStrategy: 'rolling' }), daemonSetManifest('agent', { image: 'agent:1', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } }, hostPort: 9100 })]);
    await cluster.waitFor('the pods Ready', (s) => allReadyOn(s, 'web', 2, 'web:1')
      && livePods(s, 'agent').length === 3 && livePods(s, 'agent').every(isReady));
    expect((await cluster.kubectl(['set', 'image', 'sts/web', 'web=web:2'])).code).toBe(0);
    expect((await cluster.kubectl(['set', 'image', 'ds/agent', 'agent=agent:2'])).code).toBe(0);
    await cluster.waitFor('both rolled out', (s) => allReadyOn(s, 'web', 2, 'web:2') && allReadyOn(s, 'agent', 3, 'agent:2'));
  });
  afterAll(() => cluster?.stop());

  test.each<['statefulset' | 'daemonset', string]>([['statefulset', 'web'], ['daemonset', 'agent']])('undo %s to the current revision', async (kind, name) => {
    const answers = await undoToCurrent(cluster, kind, name);
    expect(answers.ours).toBe(answers.skipped);
    if (engine === 'sandbox') {
      expect(answers.kubectl133).toBe(answers.skipped);
    } else {
      expect(answers.kubectl133).toBe(`${kind}.apps/${name} rolled back\n`);
      expect(answers.kubectl136).toBe(answers.skipped);
    }
  });
});

// StagedRolloutController's RBAC, measured: controller processes (leader election on) run on the sandbox promoting a
// StatefulSet to the end, another whose canary fails and is rolled back, one by an ordered restart, and a DaemonSet
// node canary; every request they send must be allowed by the synthesized roles, and every permission the roles grant
// must be used by one. With the default props, a run promoting one StatefulSet must be allowed too.
// test/cluster/controller.cluster.ts runs the controller with the synthesized account's token on kube-apiserver.
import { Testing } from 'cdk8s';
import { Manifest, testChart } from './manifest';
import { allows, Grants, requestAttributes, unusedPermissions } from './rbac';
import { RolloutKeys } from '../../src/keys';
import { ClusterRequest } from '../../src/runtime/cluster/cluster-decorator';
import { ControllerProcess } from '../../src/runtime/controller/controller-process';
import { RESOURCES } from '../../src/sandbox/api';
import { StagedRolloutController, StagedRolloutControllerProps } from '../../src/staged-rollout-controller';
import { isReady } from '../support/pod-readiness';
import { RecordingCluster } from '../support/recording-cluster';
import { InProcessSandboxKit, startSandboxKit } from '../support/sandbox-kit';
import { zookeeperServerPage } from '../support/simulated-metrics';
import { daemonSetManifest, statefulSetManifest } from '../support/workload-manifests';

let sandbox: InProcessSandboxKit;
afterEach(() => sandbox?.stop());

/** The roles a controller in namespace `ops` watching `default` is bound to: the workloads', and the leader election's. */
function synthesizedGrants(allow: Partial<StagedRolloutControllerProps>): { workloads: Grants; election: Grants } {
  const chart = testChart('ops');
  new StagedRolloutController(chart, 'controller', { image: 'registry.example.com/kubectl-stage:1.0.0', watchNamespace: 'default', ...allow });
  const objects = Testing.synth(chart) as Manifest[];
  const role = (name: string) => objects.find((object) => object.kind === 'Role' && object.metadata.name === name)!;
  const clusterRules = objects.filter((object) => object.kind === 'ClusterRole').flatMap((object) => object.rules);
  return {
    workloads: { namespace: 'default', roleRules: role('kubectl-stage-controller').rules, clusterRules },
    election: { namespace: 'ops', roleRules: role('kubectl-stage-controller-leader-election').rules, clusterRules: [] },
  };
}

/** Records a controller run promoting kafka (a StatefulSet), and with `everything`, the other workloads too. */
async function recordControllerRun(everything: boolean): Promise<ClusterRequest[]> {
  sandbox = await startSandboxKit();
  sandbox.api.create(RESOURCES.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ops' } });
  const annotate = (manifest: ReturnType<typeof statefulSetManifest>, annotations: Record<string, string>) => ({
    ...manifest, metadata: { ...manifest.metadata, annotations },
  });
  sandbox.api.create(RESOURCES.statefulSets, annotate(statefulSetManifest('kafka', { updateStrategy: 'staged' }), { [RolloutKeys.PLAN_ANNOTATION]: 'canary' }));
  if (everything) {
    sandbox.api.create(RESOURCES.statefulSets, annotate(statefulSetManifest('zookeeper', { updateStrategy: 'staged' }), {
      [RolloutKeys.PLAN_ANNOTATION]: 'canary', [RolloutKeys.STEP_TIMEOUT_ANNOTATION]: '2m', [RolloutKeys.AUTO_ROLLBACK_ANNOTATION]: 'true',
    }));
    // An ordered restart: zk-2 leads by the pods' simulated ZooKeeper metrics and is restarted last.
    sandbox.api.create(RESOURCES.statefulSets, annotate(statefulSetManifest('zk', { updateStrategy: 'staged', ports: [{ name: 'metrics', containerPort: 7000 }] }), {
      [RolloutKeys.PLAN_ANNOTATION]: 'canary', [RolloutKeys.RESTART_ORDER_ANNOTATION]: 'zookeeper-leader-last',
    }));
    // A nodes= step reads node labels: the canary's cluster-wide node listing is used.
    const node = sandbox.api.get(RESOURCES.nodes, undefined, 'node-1')!;
    sandbox.api.update(RESOURCES.nodes, { ...node, metadata: { ...node.metadata, labels: { ...node.metadata.labels, canary: 'yes' } } });
    sandbox.api.create(RESOURCES.daemonSets, annotate(daemonSetManifest('node-exporter', { updateStrategy: { type: 'OnDelete' } }), {
      [RolloutKeys.PLAN_ANNOTATION]: 'nodes=canary=yes,100%',
    }));
  }
  const statefulSets = everything ? ['kafka', 'zookeeper', 'zk'] : ['kafka'];
  await sandbox.runUntil(() => statefulSets.every((name) => sandbox.pods(name).length === 3 && sandbox.pods(name).every(isReady))
    && (!everything || (sandbox.pods('node-exporter').length === 3 && sandbox.pods('node-exporter').every(isReady))));
  if (everything) {
    for (const pod of sandbox.pods('zk')) {
      sandbox.podMetrics.set('default', pod.metadata.name!, 7000, zookeeperServerPage(sandbox.clock, () => sandbox.pods('zk'), 'zk-2', () => 0));
    }
  }
  const recording = new RecordingCluster(sandbox.cluster);
  const process = new ControllerProcess({
    cluster: recording, clock: sandbox.runtimeClock, holder: 'controller-a', namespace: 'default', leaderElection: { namespace: 'ops', name: 'kubectl-stage-controller' },
  });
  const stop = new AbortController();
  const done = process.run(stop.signal);
  await sandbox.runUntil(() => process.notReady() === undefined);
  sandbox.setImage('kafka', 'kafka:2');
  if (everything) {
    sandbox.setImage('zookeeper', 'zookeeper:bad');
    sandbox.setImage('zk', 'zk:2');
    sandbox.setImage('node-exporter', 'node-exporter:2', { kind: 'DaemonSet' });
  }
  await sandbox.runUntil(() => sandbox.promotionState('kafka')?.phase === 'complete' && (!everything || (sandbox.promotionState('zookeeper')?.phase === 'rolled-back'
    && sandbox.promotionState('zk')?.phase === 'complete'
    && sandbox.promotionState('node-exporter', { kind: 'DaemonSet' })?.phase === 'complete')), 3_600_000);
  stop.abort();
  await sandbox.runUntil(done);
  return recording.requests;
}

test('every request of a controller run is allowed by the synthesized roles, and every granted permission is used', async () => {
  const requests = await recordControllerRun(true);
  const grants = synthesizedGrants({ allowRollback: true, allowDaemonSetCanary: true, allowOrderedRestart: true });
  const attributes = requests.map(requestAttributes);
  const refused = attributes.filter((request) => !allows(grants.workloads, request) && !allows(grants.election, request));
  expect(refused).toEqual([]);
  // The ordered restart deleted its pods one at a time and read their metrics through the pod proxy.
  expect(attributes).toContainEqual({ verb: 'delete', apiGroup: '', resource: 'pods', namespace: 'default', name: 'zk-2' });
  expect(attributes).toContainEqual({ verb: 'get', apiGroup: '', resource: 'pods/proxy', namespace: 'default', name: 'zk-0' });
  expect(unusedPermissions(grants.workloads, attributes)).toEqual([]);
  expect(unusedPermissions(grants.election, attributes)).toEqual([]);
});

test('with the default props, every request of a run promoting a StatefulSet is allowed', async () => {
  const attributes = (await recordControllerRun(false)).map(requestAttributes);
  const grants = synthesizedGrants({});
  expect(attributes.filter((request) => !allows(grants.workloads, request) && !allows(grants.election, request))).toEqual([]);
  // The informer watches DaemonSets too, though it may change none (found on kube-apiserver: refused, it cannot start).
  expect(attributes).toContainEqual(expect.objectContaining({ verb: 'list', apiGroup: 'apps', resource: 'daemonsets' }));
  expect(attributes).toContainEqual(expect.objectContaining({ verb: 'watch', apiGroup: 'apps', resource: 'daemonsets' }));
  expect(unusedPermissions(grants.election, attributes)).toEqual([]);
});

// Seed 003's section on DaemonSet and StatefulSet update strategies, with the machine's kubectl, on the sandbox and on
// the real control plane: RollingUpdate is today's DaemonSet default (the post's "OnDelete is the default" describes
// Kubernetes 1.6), OnDelete replaces a pod only when the user deletes it, and a StatefulSet keeps a history it rolls
// back to. The post's Deployment and ReplicationController parts are not replayed: neither engine's scenario kit
// runs Deployments (the sandbox serves none). The sandbox-only replay is test/sandbox/e2e/update-strategies.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { differentialTest } from './differential';
import { allReadyOn, ClusterSnapshot, livePods } from '../support/scenario-cluster';

const FIXTURES = join(__dirname, '..', 'sandbox', 'e2e', 'fixtures');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const NODE_EXPORTER = fixture('node-exporter-v0.13.yaml');
const ONLY_ROLLING = 'error: rollout status is only available for RollingUpdate strategy type\n';

const images = (snapshot: ClusterSnapshot, app: string) => livePods(snapshot, app).map((pod) => pod.spec.containers[0].image);
/** Every workload's status counts all its pods Ready and available (the status is written after the pods change). */
const reported = (snapshot: ClusterSnapshot) => snapshot.statefulSets.every((set) => set.status?.readyReplicas === set.spec.replicas
  && set.status?.availableReplicas === set.spec.replicas) && snapshot.daemonSets.every((set) => set.status?.desiredNumberScheduled > 0
  && set.status?.numberReady === set.status?.desiredNumberScheduled && set.status?.numberAvailable === set.status?.desiredNumberScheduled);
const observed = (snapshot: ClusterSnapshot) => [...snapshot.daemonSets, ...snapshot.statefulSets]
  .every((set) => set.status?.observedGeneration === set.metadata.generation);

differentialTest('seed 003: a DaemonSet defaults to RollingUpdate; OnDelete replaces only the pod the user deletes', { nodes: 3 }, async (cluster, trace) => {
  // The post's manifest without its updateStrategy (as `grep -v` would write it).
  const defaulted = await cluster.kubectl(['apply', '-f', '-'], { stdin: NODE_EXPORTER.replace('  updateStrategy:\n\n    type: RollingUpdate\n', '') });
  expect(defaulted.stdout).toBe('daemonset.apps/node-exporter created\n');
  const strategy = await cluster.kubectl(['get', 'ds', 'node-exporter', '-o', 'jsonpath={.spec.updateStrategy}']);
  expect(JSON.parse(strategy.stdout)).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
  const first = await cluster.waitFor('a pod on each node', (s) => allReadyOn(s, 'node-exporter', 3, 'prom/node-exporter:v0.13.0') && reported(s));
  trace.record('default strategy', first, { strategy });
  expect((await cluster.kubectl(['delete', 'ds', 'node-exporter'])).stdout).toBe('daemonset.apps "node-exporter" deleted\n');
  await cluster.waitFor('the pods gone', (s) => s.pods.length === 0);

  const onDelete = await cluster.kubectl(['apply', '-f', '-'], { stdin: NODE_EXPORTER.replace('type: RollingUpdate', 'type: OnDelete') });
  expect(onDelete.stdout).toBe('daemonset.apps/node-exporter created\n');
  await cluster.waitFor('a pod on each node', (s) => allReadyOn(s, 'node-exporter', 3, 'prom/node-exporter:v0.13.0') && reported(s));
  const setImage = await cluster.kubectl(['set', 'image', 'ds/node-exporter', 'node-exporter=prom/node-exporter:v0.14.0']);
  expect(setImage.stdout).toBe('daemonset.apps/node-exporter image updated\n');
  await cluster.waitFor('the template observed', observed);
  await cluster.pause(3000);
  const untouched = await cluster.waitFor('a stable point', () => true);
  expect(images(untouched, 'node-exporter')).toEqual(Array(3).fill('prom/node-exporter:v0.13.0'));
  const status = await cluster.kubectl(['rollout', 'status', 'ds', 'node-exporter']);
  expect(status).toMatchObject({ code: 1, stderr: ONLY_ROLLING });
  trace.record('OnDelete template changed', untouched, { status });

  // The pod on node-2 (a DaemonSet pod's name is random; its node is not).
  const victim = livePods(untouched, 'node-exporter').find((pod) => pod.spec.nodeName === 'node-2')!;
  // --wait=false: the pod is replaced on its node; the wait below watches for that.
  const deleted = await cluster.kubectl(['delete', 'pod', victim.metadata.name, '--wait=false']);
  expect(deleted.stdout).toBe(`pod "${victim.metadata.name}" deleted\n`);
  const replaced = await cluster.waitFor('the deleted pod replaced', (s) => allReadyOn(s, 'node-exporter', 3) && reported(s)
    && livePods(s, 'node-exporter').every((pod) => pod.metadata.uid !== victim.metadata.uid));
  const replacement = livePods(replaced, 'node-exporter').find((pod) => pod.spec.nodeName === victim.spec.nodeName)!;
  expect(replacement.spec.containers[0].image).toBe('prom/node-exporter:v0.14.0');
  expect(images(replaced, 'node-exporter').filter((image) => image.endsWith('v0.13.0'))).toHaveLength(2);
  trace.record('one pod deleted and replaced', replaced);
});

const KAFKA = (version: string) => `gcr.io/google_containers/kubernetes-kafka:1.0-${version}`;
const ZOOKEEPER = (version: string) => `gcr.io/google_containers/kubernetes-zookeeper:1.0-${version}`;

differentialTest('seed 003: an OnDelete StatefulSet keeps its pods until deleted; a StatefulSet\'s history and undo', { nodes: 3 }, async (cluster, trace) => {
  const applied = await cluster.kubectl(['apply', '-f', '-'], { stdin: fixture('kafka_mini.yaml').replace('type: RollingUpdate', 'type: OnDelete') });
  expect(applied.code).toBe(0);
  await cluster.waitFor('3 brokers Ready', (s) => allReadyOn(s, 'kafka', 3, KAFKA('10.2.1')) && reported(s));
  expect((await cluster.kubectl(['set', 'image', 'sts/kafka', `k8skafka=${KAFKA('10.2.2')}`])).stdout).toBe('statefulset.apps/kafka image updated\n');
  await cluster.waitFor('the template observed', observed);
  await cluster.pause(3000);
  const untouched = await cluster.waitFor('a stable point', () => true);
  expect(images(untouched, 'kafka')).toEqual(Array(3).fill(KAFKA('10.2.1')));
  const status = await cluster.kubectl(['rollout', 'status', 'sts', 'kafka']);
  expect(status).toMatchObject({ code: 1, stderr: ONLY_ROLLING });
  trace.record('OnDelete template changed', untouched, { status });

  // --wait=false: kafka-0 comes back under the same name, which kubectl's wait would not notice
  // (k8s.io/kubectl pkg/cmd/wait/delete.go looks the pod up by name); the wait below watches for it.
  expect((await cluster.kubectl(['delete', 'pod', 'kafka-0', '--wait=false'])).stdout).toBe('pod "kafka-0" deleted\n');
  const replaced = await cluster.waitFor('kafka-0 replaced', (s) => allReadyOn(s, 'kafka', 3) && reported(s)
    && images(s, 'kafka')[0] === KAFKA('10.2.2'));
  expect(images(replaced, 'kafka')).toEqual([KAFKA('10.2.2'), KAFKA('10.2.1'), KAFKA('10.2.1')]);
  trace.record('kafka-0 deleted and replaced', replaced);

  expect((await cluster.kubectl(['apply', '-f', join(FIXTURES, 'zookeeper_mini.yaml')])).code).toBe(0);
  await cluster.waitFor('3 ZooKeeper servers Ready', (s) => allReadyOn(s, 'zk', 3, ZOOKEEPER('3.4.10')) && reported(s));
  await cluster.kubectl(['set', 'image', 'sts/zk', `kubernetes-zookeeper=${ZOOKEEPER('3.4.11')}`]);
  const updated = await cluster.waitFor('every server on 3.4.11', (s) => allReadyOn(s, 'zk', 3, ZOOKEEPER('3.4.11'))
    && s.statefulSets.some((set) => set.metadata.name === 'zk' && set.status?.currentRevision === set.status?.updateRevision) && reported(s));
  const history = await cluster.kubectl(['rollout', 'history', 'sts/zk']);
  expect(history.stdout).toBe('statefulset.apps/zk \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n');
  trace.record('zk updated', updated, { history });

  const undone = await cluster.kubectl(['rollout', 'undo', 'sts/zk']);
  expect(undone.stdout).toBe('statefulset.apps/zk rolled back\n');
  const back = await cluster.waitFor('every server back on 3.4.10', (s) => allReadyOn(s, 'zk', 3, ZOOKEEPER('3.4.10'))
    && s.statefulSets.some((set) => set.metadata.name === 'zk' && set.status?.currentRevision === set.status?.updateRevision) && reported(s));
  const after = await cluster.kubectl(['rollout', 'history', 'sts/zk']);
  expect(after.stdout).toBe('statefulset.apps/zk \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n');
  trace.record('zk undone', back, { undone, after });
});

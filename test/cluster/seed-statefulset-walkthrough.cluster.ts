// Seed 000's StatefulSet walk-through ("Kubernetes StatefulSets & DaemonSets Updates", first half) with the
// machine's kubectl, on the sandbox and on the real control plane: the ZooKeeper ensemble and the Kafka cluster
// created from the post's manifests, a rolling update in reverse ordinal order, an update staged with
// partition 3, a deleted pod recreated at the old revision, the canary at partition 2, then partitions 1 and 0.
// The commands are the post's; the sandbox-only replay of the same walk is test/sandbox/e2e/statefulset-blog.test.ts.
import { join } from 'node:path';
import { differentialTest } from './differential';
import { isReady } from '../support/pod-readiness';
import { allReadyOn, ClusterSnapshot, CommandResult, livePods } from '../support/scenario-cluster';

const FIXTURES = join(__dirname, '..', 'sandbox', 'e2e', 'fixtures');
const KAFKA_IMAGE = 'gcr.io/google_containers/kubernetes-kafka:1.0-10.2.1';

const kafka = (snapshot: ClusterSnapshot) => snapshot.statefulSets.find((set) => set.metadata.name === 'kafka')!;
const cpus = (snapshot: ClusterSnapshot) => livePods(snapshot, 'kafka').map((pod) => pod.spec.containers[0].resources.requests.cpu);
const revisions = (snapshot: ClusterSnapshot) => livePods(snapshot, 'kafka').map((pod) => pod.metadata.labels['controller-revision-hash']);
const uids = (snapshot: ClusterSnapshot) => livePods(snapshot, 'kafka').map((pod) => pod.metadata.uid);
const lastLine = (result: CommandResult) => result.stdout.trim().split('\n').pop();
const partitionPatch = (partition: number) => ['patch', 'sts', 'kafka', '-p',
  `{"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":${partition}}}}}`];
const cpuPatch = (cpu: string) => ['patch', 'sts', 'kafka', '--type=json', '-p',
  `[{"op": "replace", "path": "/spec/template/spec/containers/0/resources/requests/cpu", "value":"${cpu}"}]`];

/** Every broker Ready, `updated` of them on the update revision, and the controller's status says so. */
const rolledOut = (updated: number) => (snapshot: ClusterSnapshot) => {
  const set = kafka(snapshot);
  return allReadyOn(snapshot, 'kafka', 3, KAFKA_IMAGE) && (set.status?.updatedReplicas ?? 0) === updated
    && set.status?.readyReplicas === 3 && set.status?.availableReplicas === 3
    && revisions(snapshot).filter((revision) => revision === set.status.updateRevision).length === updated;
};

/**
 * The post's "each Pod is deleted and recreated in reverse ordinal order ... the controller waits for each updated
 * Pod to be running and ready before updating the subsequent Pod", checked on every snapshot a wait looks at: once a
 * broker is touched by the update (deleted, terminating or recreated on the update revision), every broker with a
 * higher ordinal is already on the update revision and Ready. Collects the violations, and whether a snapshot showed
 * the update half done (kafka-2 updated, kafka-0 not yet touched), so that the check saw the update while it ran.
 */
function reverseOrdinalOrder(): { check: (snapshot: ClusterSnapshot) => void; violations: string[]; sawHalfDone: boolean } {
  const result = { check: (_snapshot: ClusterSnapshot) => {}, violations: [] as string[], sawHalfDone: false };
  result.check = (snapshot: ClusterSnapshot) => {
    const set = kafka(snapshot);
    const pod = (ordinal: number) => snapshot.pods.find((candidate) => candidate.metadata.name === `kafka-${ordinal}`);
    const updated = (ordinal: number) => {
      const found = pod(ordinal);
      return found !== undefined && !found.metadata.deletionTimestamp && found.metadata.labels['controller-revision-hash'] === set.status.updateRevision;
    };
    const touched = (ordinal: number) => pod(ordinal) === undefined || pod(ordinal).metadata.deletionTimestamp !== undefined || updated(ordinal);
    for (let ordinal = 0; ordinal < 3; ordinal++) {
      for (let higher = ordinal + 1; higher < 3; higher++) {
        if (touched(ordinal) && !(updated(higher) && isReady(pod(higher)))) {
          result.violations.push(`kafka-${ordinal} touched while kafka-${higher} is not updated and Ready`);
        }
      }
    }
    result.sawHalfDone ||= updated(2) && !touched(0);
  };
  return result;
}

differentialTest('seed 000: ZooKeeper and Kafka StatefulSets, a rolling update, staging with a partition, a canary and a phased roll out', { nodes: 3 }, async (cluster, trace) => {
  const zookeeper = await cluster.kubectl(['apply', '-f', join(FIXTURES, 'zookeeper_mini.yaml')]);
  expect(zookeeper).toMatchObject({ code: 0, stderr: '' });
  expect(zookeeper.stdout).toBe('service/zk-hs created\nservice/zk-cs created\npoddisruptionbudget.policy/zk-pdb created\nstatefulset.apps/zk created\n');
  const ensemble = await cluster.waitFor('3 ZooKeeper servers Ready', (s) => allReadyOn(s, 'zk', 3)
    && s.statefulSets.some((set) => set.metadata.name === 'zk' && set.status?.readyReplicas === 3 && set.status?.availableReplicas === 3));
  trace.record('zookeeper_mini.yaml applied', ensemble, { zookeeper });

  const applied = await cluster.kubectl(['apply', '-f', join(FIXTURES, 'kafka_mini.yaml')]);
  expect(applied.stdout).toBe('service/kafka-hs created\npoddisruptionbudget.policy/kafka-pdb created\nstatefulset.apps/kafka created\n');
  const created = await cluster.waitFor('3 brokers Ready', rolledOut(3));
  expect(cpus(created)).toEqual(['500m', '500m', '500m']);
  trace.record('kafka_mini.yaml applied', created, { applied, pods: await cluster.kubectl(['get', 'po', '-lapp=kafka', '-o', 'custom-columns=NAME:.metadata.name,READY:.status.containerStatuses[0].ready,PHASE:.status.phase']) });

  // The rolling update: kafka-2, then kafka-1, then kafka-0, each once the previous is Running and Ready.
  const order = reverseOrdinalOrder();
  const createdUids = uids(created);
  expect(await cluster.kubectl(cpuPatch('250m'))).toMatchObject({ code: 0, stdout: 'statefulset.apps/kafka patched\n' });
  // The wait looks at the update while it runs; rollout status then reports it complete.
  const updated = await cluster.waitFor('every broker on 250m', (s) => {
    order.check(s);
    return rolledOut(3)(s) && kafka(s).status.currentRevision === kafka(s).status.updateRevision;
  });
  expect(order.violations).toEqual([]);
  expect(order.sawHalfDone).toBe(true);
  const status = await cluster.kubectl(['rollout', 'status', 'sts', 'kafka'], { blocking: true });
  expect(status.code).toBe(0);
  expect(lastLine(status)).toBe(`statefulset rolling update complete 3 pods at revision ${kafka(updated).status.updateRevision}...`);
  expect(cpus(updated)).toEqual(['250m', '250m', '250m']);
  expect(uids(updated).filter((uid) => createdUids.includes(uid))).toEqual([]);
  trace.record('rolling update to 250m', updated, { status: lastLine(status)!, history: await cluster.kubectl(['rollout', 'history', 'sts/kafka']) });

  // Partition 3 stages the next change: the template moves to 0.3 CPU, no pod does, however long one waits.
  expect((await cluster.kubectl(partitionPatch(3))).stdout).toBe('statefulset.apps/kafka patched\n');
  expect((await cluster.kubectl(cpuPatch('0.3'))).stdout).toBe('statefulset.apps/kafka patched\n');
  await cluster.waitFor('the staged revision', (s) => kafka(s).status.updateRevision !== kafka(s).status.currentRevision);
  await cluster.pause(3000);
  const staged = await cluster.waitFor('a stable point', () => true);
  expect(uids(staged)).toEqual(uids(updated));
  expect(revisions(staged)).toEqual(Array(3).fill(kafka(staged).status.currentRevision));
  expect(kafka(staged).status.updatedReplicas ?? 0).toBe(0);
  trace.record('staged at partition 3', staged, {
    templateCpu: await cluster.kubectl(['get', 'sts', 'kafka', '-o', 'jsonpath={.spec.template.spec.containers[0].resources.requests.cpu}']),
    rolloutStatus: await cluster.kubectl(['rollout', 'status', 'sts/kafka', '--watch=false']),
  });

  // A deleted pod comes back at the current revision, with the current 250m request.
  // --wait=false: kubectl's wait for the deletion GETs the pod, then lists it by name; a pod recreated under the same
  // name in between keeps it waiting forever (k8s.io/kubectl pkg/cmd/wait/delete.go, IsDeleted's precondition looks
  // at the name, not the uid). On the sandbox a blocking command lets virtual time run through that window; the wait
  // below waits for the same thing.
  const deleted = await cluster.kubectl(['delete', 'po', 'kafka-1', '--wait=false']);
  expect(deleted).toMatchObject({ code: 0, stdout: 'pod "kafka-1" deleted\n' });
  const recreated = await cluster.waitFor('kafka-1 recreated and Ready', (s) => rolledOut(0)(s) && !uids(s).includes(uids(staged)[1]));
  expect(revisions(recreated)[1]).toBe(kafka(recreated).status.currentRevision);
  const yaml = await cluster.kubectl(['get', 'po', 'kafka-1', '-o', 'yaml']);
  expect(yaml.stdout).toMatch(/requests:\n\s+cpu: 250m\n\s+memory: 1Gi\n/);
  trace.record('kafka-1 deleted and recreated', recreated, { deleted });

  // Partition 2: the canary, kafka-2 alone.
  expect((await cluster.kubectl(partitionPatch(2))).stdout).toBe('statefulset.apps/kafka patched\n');
  const canaryStatus = await cluster.kubectl(['rollout', 'status', 'sts', 'kafka'], { blocking: true });
  expect(lastLine(canaryStatus)).toBe('partitioned roll out complete: 1 new pods have been updated...');
  const canary = await cluster.waitFor('kafka-2 updated and Ready', rolledOut(1));
  expect(cpus(canary)).toEqual(['250m', '250m', '300m']);
  expect(revisions(canary)[2]).toBe(kafka(canary).status.updateRevision);
  trace.record('canary at partition 2', canary, { status: lastLine(canaryStatus)! });

  // Partition 1 updates one more broker; partition 0 completes the update.
  expect((await cluster.kubectl(partitionPatch(1))).stdout).toBe('statefulset.apps/kafka patched\n');
  const phased = await cluster.waitFor('kafka-1 updated and Ready', rolledOut(2));
  expect(cpus(phased)).toEqual(['250m', '300m', '300m']);
  trace.record('partition 1', phased, { rolloutStatus: await cluster.kubectl(['rollout', 'status', 'sts/kafka', '--watch=false']) });

  expect((await cluster.kubectl(partitionPatch(0))).stdout).toBe('statefulset.apps/kafka patched\n');
  const finalStatus = await cluster.kubectl(['rollout', 'status', 'sts', 'kafka'], { blocking: true });
  // With a rollingUpdate stanza kubectl reports a partitioned roll out, even at partition 0.
  expect(lastLine(finalStatus)).toBe('partitioned roll out complete: 3 new pods have been updated...');
  const complete = await cluster.waitFor('every broker updated', (s) => rolledOut(3)(s) && kafka(s).status.currentRevision === kafka(s).status.updateRevision);
  expect(cpus(complete)).toEqual(['300m', '300m', '300m']);
  trace.record('partition 0', complete, { status: lastLine(finalStatus)!, history: await cluster.kubectl(['rollout', 'history', 'sts/kafka']) });

  // Cleaning up: the objects go, the claims stay.
  const cleaned = await cluster.kubectl(['delete', '-f', join(FIXTURES, 'kafka_mini.yaml')]);
  expect(cleaned.stdout).toBe('service "kafka-hs" deleted\npoddisruptionbudget.policy "kafka-pdb" deleted\nstatefulset.apps "kafka" deleted\n');
  const gone = await cluster.waitFor('the brokers gone', (s) => s.pods.every((pod) => pod.metadata.labels?.app !== 'kafka'));
  const claims = await cluster.kubectl(['get', 'pvc', '-o', 'custom-columns=NAME:.metadata.name,STATUS:.status.phase', '--no-headers']);
  expect(claims.stdout.split('\n').filter((line) => line.startsWith('datadir-kafka-')).map((line) => line.split(/\s+/).join(' ')))
    .toEqual(['datadir-kafka-0 Bound', 'datadir-kafka-1 Bound', 'datadir-kafka-2 Bound']);
  trace.record('kafka_mini.yaml deleted', gone, { cleaned, claims });
});

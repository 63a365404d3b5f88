// Seed 000 ("Kubernetes StatefulSets & DaemonSets Updates"), first half, replayed with the real kubectl: the
// ZooKeeper and Kafka StatefulSets, a rolling update, staging with a partition, a canary and the phased roll out.
// Commands are the post's, verbatim; time moves only when the test drives the sandbox's virtual clock.
import { tableRows, whenWatched } from './kubectl-session';
import { lastLine, useSeedReplay } from './seed-replay';
import { ApiEvent, KubeObject, RESOURCES } from '../../../src/sandbox/api';
import { isReady } from '../../support/pod-readiness';

jest.setTimeout(120_000);

const replay = useSeedReplay({ nodes: 3 });

const pods = (app: string) => replay.sandbox.api.list(RESOURCES.pods, { namespace: 'default', labelSelector: `app=${app}` }).items;
const pod = (name: string) => replay.sandbox.api.get(RESOURCES.pods, 'default', name);
const kafka = () => replay.sandbox.api.get(RESOURCES.statefulSets, 'default', 'kafka')!;
const cpuOf = (object: KubeObject | undefined) => object?.spec.containers[0].resources.requests.cpu;
const revisionOf = (object: KubeObject | undefined) => object?.metadata.labels?.['controller-revision-hash'];
const allReady = (app: string, count: number) => () => pods(app).length === count
  && pods(app).every((each) => isReady(each) && !each.metadata.deletionTimestamp);
const rolledOut = (sts: KubeObject, updated: number) => sts.status?.observedGeneration === sts.metadata.generation
  && sts.status?.updatedReplicas === updated && sts.status?.readyReplicas === sts.spec.replicas;

/** Records the pods' watch events, to tell the order things happened in. */
function recordPods(app: string): { events: ApiEvent[]; stop: () => void } {
  const events: ApiEvent[] = [];
  const stop = replay.sandbox.api.watch(RESOURCES.pods, { namespace: 'default', labelSelector: `app=${app}` }, (event) => events.push(event));
  return { events, stop };
}

/** Index of the first event where every one of `count` pods exists, and of the first where any pod is running. */
function creationOrder(events: ApiEvent[], count: number): { allCreated: number; firstRunning: number } {
  const seen = new Set<string>();
  let allCreated = -1;
  events.forEach((event, index) => {
    seen.add(event.object.metadata.name!);
    if (allCreated < 0 && seen.size === count) {
      allCreated = index;
    }
  });
  return { allCreated, firstRunning: events.findIndex((event) => event.object.status?.phase === 'Running') };
}

describe('seed 000: ZooKeeper and Kafka StatefulSets', () => {
  test('kubectl apply -f zookeeper_mini.yaml creates the ensemble, and the Parallel policy creates all zk pods at once', async () => {
    const recording = recordPods('zk');
    const applied = await replay.session.run('kubectl apply -f zookeeper_mini.yaml');
    expect(applied).toMatchObject({ code: 0, stderr: '' });
    expect(applied.stdout).toBe('service/zk-hs created\nservice/zk-cs created\npoddisruptionbudget.policy/zk-pdb created\nstatefulset.apps/zk created\n');

    await replay.sandbox.runUntil(allReady('zk', 3));
    recording.stop();
    const order = creationOrder(recording.events, 3);
    expect(order.allCreated).toBeGreaterThanOrEqual(0);
    expect(order.allCreated).toBeLessThan(order.firstRunning);

    const listed = await replay.session.run('kubectl get po -lapp=zk');
    expect(tableRows(listed.stdout).map((row) => row.slice(0, 4))).toEqual([
      ['zk-0', '1/1', 'Running', '0'], ['zk-1', '1/1', 'Running', '0'], ['zk-2', '1/1', 'Running', '0'],
    ]);
  });

  test('kubectl get po -lapp=kafka -w shows the brokers created in parallel, all Pending before any runs', async () => {
    const watch = replay.session.start('kubectl get po -lapp=kafka -w');
    await Promise.race([whenWatched(replay.sandbox, RESOURCES.pods, (options) => options.labelSelector === 'app=kafka'), watch.done]);
    const recording = recordPods('kafka');
    const applied = await replay.session.run('kubectl apply -f kafka_mini.yaml');
    expect(applied.stdout).toBe('service/kafka-hs created\npoddisruptionbudget.policy/kafka-pdb created\nstatefulset.apps/kafka created\n');

    await replay.sandbox.runUntil(allReady('kafka', 3));
    recording.stop();
    const order = creationOrder(recording.events, 3);
    expect(order.allCreated).toBeLessThan(order.firstRunning);

    const readyLines = (text: string) => tableRows(text).filter((row) => row[1] === '1/1').length;
    await watch.waitForOutput((text) => readyLines(text) === 3);
    const rows = tableRows((await watch.interrupt()).stdout);
    const firstRunning = rows.findIndex((row) => row[2] === 'Running');
    expect(new Set(rows.slice(0, firstRunning).map((row) => row[0]))).toEqual(new Set(['kafka-0', 'kafka-1', 'kafka-2']));
    expect(rows.slice(0, 3).map((row) => row.slice(1, 4))).toEqual(Array(3).fill(['0/1', 'Pending', '0']));
    expect(rows.filter((row) => row[2] === 'ContainerCreating').map((row) => row[0]).sort()).toEqual(['kafka-0', 'kafka-1', 'kafka-2']);
  });

  test('a template patch updates kafka-2, kafka-1 and kafka-0 in that order, each after the previous is Running and Ready', async () => {
    const watch = replay.session.start('kubectl get po -lapp=kafka -w');
    await watch.waitForOutput((text) => tableRows(text).length >= 3);

    const patched = await replay.session.run(
      'kubectl patch sts kafka --type=\'json\' -p=\'[{"op": "replace", "path": "/spec/template/spec/containers/0/resources/requests/cpu", "value":"250m"}]\'');
    expect(patched).toMatchObject({ code: 0, stdout: 'statefulset.apps/kafka patched\n' });

    const statusResult = await replay.runBlocking('kubectl rollout status sts kafka');
    expect(statusResult.code).toBe(0);
    const revision = kafka().status.updateRevision;
    expect(statusResult.stdout).toContain('Waiting for 1 pods to be ready...\n');
    expect(lastLine(statusResult.stdout)).toBe(`statefulset rolling update complete 3 pods at revision ${revision}...`);

    // The watch prints asynchronously: wait for its line showing kafka-0 back to Ready before reading it.
    const firstTerminating = (rows: string[][], name: string) => rows.findIndex((row) => row[0] === name && row[2] === 'Terminating');
    const readyAgain = (rows: string[][], name: string) => rows.findIndex((row, index) =>
      index > firstTerminating(rows, name) && row[0] === name && row[1] === '1/1' && row[2] === 'Running');
    await watch.waitForOutput((text) => firstTerminating(tableRows(text), 'kafka-0') >= 0 && readyAgain(tableRows(text), 'kafka-0') >= 0);
    const lines = tableRows((await watch.interrupt()).stdout);
    expect(firstTerminating(lines, 'kafka-2')).toBeGreaterThan(0);
    expect(readyAgain(lines, 'kafka-2')).toBeLessThan(firstTerminating(lines, 'kafka-1'));
    expect(readyAgain(lines, 'kafka-1')).toBeLessThan(firstTerminating(lines, 'kafka-0'));
    expect(readyAgain(lines, 'kafka-0')).toBeGreaterThan(firstTerminating(lines, 'kafka-0'));
    expect(pods('kafka').map(cpuOf)).toEqual(['250m', '250m', '250m']);
  });

  test('partition 3 stages the next template change: no pod is updated, even after waiting', async () => {
    const staged = await replay.session.run('kubectl patch sts kafka -p \'{"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":3}}}}\'');
    expect(staged.stdout).toBe('statefulset.apps/kafka patched\n');
    const changed = await replay.session.run(
      'kubectl patch sts kafka --type=\'json\' -p=\'[{"op": "replace", "path": "/spec/template/spec/containers/0/resources/requests/cpu", "value":"0.3"}]\'');
    expect(changed.stdout).toBe('statefulset.apps/kafka patched\n');

    await replay.sandbox.runUntil(() => kafka().status?.observedGeneration === kafka().metadata.generation);
    const uids = pods('kafka').map((p) => p.metadata.uid);
    await replay.sandbox.advance(10 * 60_000);
    expect(pods('kafka').map((p) => p.metadata.uid)).toEqual(uids);
    expect(kafka().status.updateRevision).not.toBe(kafka().status.currentRevision);
    expect(pods('kafka').map(revisionOf)).toEqual(Array(3).fill(kafka().status.currentRevision));
    expect(kafka().status.updatedReplicas).toBe(0);
  });

  test('a deleted pod comes back at the current (old) revision, with the 250m request', async () => {
    const oldUid = pod('kafka-1')!.metadata.uid;
    // kubectl delete waits, with a watch, for the pod to be gone (its graceful termination, in virtual time); the
    // clock stops once the controller has recreated it, so the watch below sees the new pod start.
    const deletion = replay.session.start('kubectl delete po kafka-1');
    await Promise.race([whenWatched(replay.sandbox, RESOURCES.pods, (options) => options.fieldSelector === 'metadata.name=kafka-1'), deletion.done]);
    await replay.sandbox.runUntil(() => pod('kafka-1') !== undefined && pod('kafka-1')!.metadata.uid !== oldUid);
    expect((await deletion.done).stdout).toBe('pod "kafka-1" deleted\n');

    // kubectl get po kafka-1 -w: the recreated pod starts, runs, then becomes ready.
    const watch = replay.session.start('kubectl get po kafka-1 -w');
    await Promise.race([whenWatched(replay.sandbox, RESOURCES.pods, (options) => options.fieldSelector === 'metadata.name=kafka-1'), watch.done]);
    await replay.sandbox.runUntil(() => {
      const recreated = pod('kafka-1');
      return recreated !== undefined && recreated.metadata.uid !== oldUid && isReady(recreated) && !recreated.metadata.deletionTimestamp;
    });
    await watch.waitForOutput((text) => tableRows(text).some((row) => row[1] === '1/1'));
    const states = tableRows((await watch.interrupt()).stdout).map((row) => `${row[1]} ${row[2]}`)
      .filter((state, index, all) => state !== all[index - 1]);
    expect(states[0]).toMatch(/^0\/1 (Pending|ContainerCreating)$/);
    expect(states[states.length - 1]).toBe('1/1 Running');
    expect(states.every((state) => ['0/1 Pending', '0/1 ContainerCreating', '0/1 Running', '1/1 Running'].includes(state))).toBe(true);

    const yaml = await replay.session.run('kubectl get po kafka-1 -o yaml');
    expect(yaml.stdout).toMatch(/requests:\n\s+cpu: 250m\n\s+memory: 1Gi\n/);
    expect(revisionOf(pod('kafka-1'))).toBe(kafka().status.currentRevision);
  });

  test('partition 2 rolls out a canary: only kafka-2 is updated', async () => {
    const canary = await replay.session.run('kubectl patch sts kafka -p \'{"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":2}}}}\'');
    expect(canary.stdout).toBe('statefulset.apps/kafka patched\n');
    const status = await replay.runBlocking('kubectl rollout status sts kafka');
    expect(status.stdout).toContain('Waiting for partitioned roll out to finish: 0 out of 1 new pods have been updated...\n');
    expect(lastLine(status.stdout)).toBe('partitioned roll out complete: 1 new pods have been updated...');
    expect(pods('kafka').map(cpuOf)).toEqual(['250m', '250m', '300m']);
    expect(revisionOf(pod('kafka-2'))).toBe(kafka().status.updateRevision);
  });

  test('partition 1 updates one more broker, partition 0 completes the update', async () => {
    await replay.session.run('kubectl patch sts kafka -p \'{"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":1}}}}\'');
    await replay.sandbox.runUntil(() => rolledOut(kafka(), 2));
    expect(pods('kafka').map(cpuOf)).toEqual(['250m', '300m', '300m']);

    await replay.session.run('kubectl patch sts kafka -p \'{"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":0}}}}\'');
    // With a rollingUpdate stanza kubectl reports a partitioned roll out, even at partition 0.
    const status = await replay.runBlocking('kubectl rollout status sts kafka');
    const revision = kafka().status.updateRevision;
    expect(lastLine(status.stdout)).toBe('partitioned roll out complete: 3 new pods have been updated...');
    expect(pods('kafka').map(cpuOf)).toEqual(['300m', '300m', '300m']);
    expect(kafka().status.currentRevision).toBe(revision);
  });

  test('kubectl delete -f kafka_mini.yaml removes the objects but keeps the claims', async () => {
    const deleted = await replay.session.run('kubectl delete -f kafka_mini.yaml');
    expect(deleted.stdout).toBe('service "kafka-hs" deleted\npoddisruptionbudget.policy "kafka-pdb" deleted\nstatefulset.apps "kafka" deleted\n');
    await replay.sandbox.runUntil(() => pods('kafka').length === 0);
    const claims = await replay.session.run('kubectl get pvc');
    expect(tableRows(claims.stdout).map((row) => row[0])).toEqual(expect.arrayContaining(['datadir-kafka-0', 'datadir-kafka-1', 'datadir-kafka-2']));
  });
});

// Seed 003's section on DaemonSet and StatefulSet update strategies, checked with the real kubectl: OnDelete
// replaces a pod only when the user deletes it, RollingUpdate is today's default (the post's "OnDelete is the
// default" and "no DaemonSet history" describe Kubernetes 1.6), and a StatefulSet keeps a history it can roll back to.
import { CommandResult, whenWatched } from './kubectl-session';
import { useSeedReplay } from './seed-replay';
import { KubeObject, RESOURCES } from '../../../src/sandbox/api';
import { isReady } from '../../support/pod-readiness';

jest.setTimeout(120_000);

const replay = useSeedReplay({ nodes: 3 });

const podsOf = (selector: string) => replay.sandbox.api.list(RESOURCES.pods, { namespace: 'default', labelSelector: selector }).items;
const imageOf = (pod: KubeObject) => pod.spec.containers[0].image;
const allReady = (selector: string, count: number) => () => podsOf(selector).length === count
  && podsOf(selector).every((pod) => isReady(pod) && !pod.metadata.deletionTimestamp);

/** `kubectl delete pod` waits for the pod to be gone: keep the clock still until its watch is open, then run it. */
function deletePod(name: string): Promise<CommandResult> {
  const uid = replay.sandbox.api.get(RESOURCES.pods, 'default', name)?.metadata.uid;
  return replay.runBlocking(`kubectl delete pod ${name}`, {
    started: () => whenWatched(replay.sandbox, RESOURCES.pods, (options) => options.fieldSelector === `metadata.name=${name}`),
    until: () => replay.sandbox.api.get(RESOURCES.pods, 'default', name)?.metadata.uid !== uid,
  });
}

describe('seed 003: DaemonSet and StatefulSet update strategies', () => {
  test('a DaemonSet without updateStrategy gets RollingUpdate with maxUnavailable 1 and maxSurge 0', async () => {
    await replay.session.run('grep -v "type: RollingUpdate" node-exporter-v0.13.yaml | grep -v "updateStrategy:" > node-exporter-default.yaml');
    expect((await replay.session.run('kubectl apply -f node-exporter-default.yaml')).stdout).toBe('daemonset.apps/node-exporter created\n');
    const strategy = await replay.session.run('kubectl get ds node-exporter -o jsonpath=\'{.spec.updateStrategy}\'');
    expect(JSON.parse(strategy.stdout)).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    const deleted = replay.session.start('kubectl delete ds node-exporter');
    await replay.sandbox.runUntil(deleted.done);
    await replay.sandbox.runUntil(() => podsOf('app=node-exporter').length === 0);
  });

  test('OnDelete DaemonSet: a template change replaces no pod until one is deleted, and that one comes back new', async () => {
    await replay.session.run('sed "s/type: RollingUpdate/type: OnDelete/" node-exporter-v0.13.yaml > node-exporter-ondelete.yaml');
    expect((await replay.session.run('kubectl apply -f node-exporter-ondelete.yaml')).stdout).toBe('daemonset.apps/node-exporter created\n');
    await replay.sandbox.runUntil(allReady('app=node-exporter', 3));

    const set = await replay.session.run('kubectl set image ds/node-exporter node-exporter=prom/node-exporter:v0.14.0');
    expect(set.stdout).toBe('daemonset.apps/node-exporter image updated\n');
    await replay.sandbox.advance(10 * 60_000);
    expect(podsOf('app=node-exporter').map(imageOf)).toEqual(Array(3).fill('prom/node-exporter:v0.13.0'));

    const status = await replay.session.run('kubectl rollout status ds node-exporter');
    expect(status).toMatchObject({ code: 1, stderr: 'error: rollout status is only available for RollingUpdate strategy type\n' });

    const victim = podsOf('app=node-exporter')[0];
    expect((await deletePod(victim.metadata.name!)).stdout).toBe(`pod "${victim.metadata.name}" deleted\n`);
    await replay.sandbox.runUntil(allReady('app=node-exporter', 3));
    const replacement = podsOf('app=node-exporter').find((pod) => pod.spec.nodeName === victim.spec.nodeName)!;
    expect(imageOf(replacement)).toBe('prom/node-exporter:v0.14.0');
    expect(podsOf('app=node-exporter').map(imageOf).filter((image) => image.endsWith('v0.13.0'))).toHaveLength(2);
  });

  test('OnDelete StatefulSet: pods keep the old template until deleted', async () => {
    await replay.session.run('sed "s/type: RollingUpdate/type: OnDelete/" kafka_mini.yaml > kafka-ondelete.yaml');
    await replay.session.run('kubectl apply -f kafka-ondelete.yaml');
    await replay.sandbox.runUntil(allReady('app=kafka', 3));

    await replay.session.run('kubectl set image sts/kafka k8skafka=gcr.io/google_containers/kubernetes-kafka:1.0-10.2.2');
    await replay.sandbox.advance(10 * 60_000);
    expect(podsOf('app=kafka').map(imageOf)).toEqual(Array(3).fill('gcr.io/google_containers/kubernetes-kafka:1.0-10.2.1'));
    expect((await replay.session.run('kubectl rollout status sts kafka')).stderr)
      .toBe('error: rollout status is only available for RollingUpdate strategy type\n');

    await deletePod('kafka-0');
    await replay.sandbox.runUntil(allReady('app=kafka', 3));
    expect(podsOf('app=kafka').map(imageOf)).toEqual([
      'gcr.io/google_containers/kubernetes-kafka:1.0-10.2.2',
      'gcr.io/google_containers/kubernetes-kafka:1.0-10.2.1',
      'gcr.io/google_containers/kubernetes-kafka:1.0-10.2.1',
    ]);
  });

  test('a StatefulSet keeps its update history and rolls back to the previous revision', async () => {
    expect((await replay.session.run('kubectl apply -f zookeeper_mini.yaml')).code).toBe(0);
    await replay.sandbox.runUntil(allReady('app=zk', 3));
    await replay.session.run('kubectl set image sts/zk kubernetes-zookeeper=gcr.io/google_containers/kubernetes-zookeeper:1.0-3.4.11');
    await replay.sandbox.runUntil(() => allReady('app=zk', 3)() && podsOf('app=zk').every((pod) => imageOf(pod).endsWith('3.4.11')));

    const history = await replay.session.run('kubectl rollout history sts/zk');
    expect(history.stdout).toBe('statefulset.apps/zk \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n');
    const undone = await replay.session.run('kubectl rollout undo sts/zk');
    expect(undone.stdout).toBe('statefulset.apps/zk rolled back\n');
    await replay.sandbox.runUntil(() => allReady('app=zk', 3)() && podsOf('app=zk').every((pod) => imageOf(pod).endsWith('3.4.10')));
    const after = await replay.session.run('kubectl rollout history sts/zk');
    expect(after.stdout).toBe('statefulset.apps/zk \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n');
  });
});

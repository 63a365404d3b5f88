// Seed 001's troubleshooting: "a DaemonSet rolling update may get stuck when a node has run out of resources";
// find the node without a DaemonSet pod with `kubectl get pods -o wide`, delete a non-DaemonSet pod there to make
// room, and the rollout goes on. Nodes have one CPU; a busy pod takes 950m of node-1's.
import { tableRows, whenWatched } from './kubectl-session';
import { firstLine, lastLine, useSeedReplay } from './seed-replay';
import { KubeObject, RESOURCES } from '../../../src/sandbox/api';
import { makeNodes } from '../../../src/sandbox/nodes';
import { isReady } from '../../support/pod-readiness';

jest.setTimeout(120_000);

const replay = useSeedReplay({ nodes: 0 }, (sandbox) => {
  for (const node of makeNodes(['node-1', 'node-2', 'node-3'].map((name) => ({ name, cpu: '1' })), sandbox.clock.now())) {
    sandbox.addNode(node);
  }
});

const fluentdPods = () => replay.sandbox.api.list(RESOURCES.pods, { namespace: 'kube-system', labelSelector: 'name=fluentd-elasticsearch' }).items;
const requestsCpu = (pod: KubeObject) => pod.spec.containers[0].resources?.requests?.cpu === '100m';

describe('seed 001: a DaemonSet rollout stuck on a full node', () => {
  test('the new pod for the full node stays Pending and the rollout waits, until room is made', async () => {
    await replay.session.run('kubectl apply -f busy-pod.yaml');
    await replay.session.run('kubectl apply -f fluentd-daemonset.yaml --record=true');
    await replay.sandbox.runUntil(() => fluentdPods().length === 3 && fluentdPods().every((pod) => isReady(pod) && !pod.metadata.deletionTimestamp));

    await replay.session.run('kubectl apply -f fluentd-daemonset-update.yaml --record=true');
    const status = replay.session.start('kubectl rollout status ds/fluentd-elasticsearch -n kube-system');
    await firstLine(status);
    await replay.sandbox.runUntil(() => fluentdPods().some((pod) => requestsCpu(pod) && !pod.spec.nodeName
      && (pod.status?.conditions ?? []).some((condition: any) => condition.type === 'PodScheduled' && condition.reason === 'Unschedulable')));
    await replay.sandbox.advance(2 * 60_000);

    const wide = tableRows((await replay.session.run('kubectl get pods -l name=fluentd-elasticsearch -o wide -n kube-system')).stdout);
    const pending = wide.filter((row) => row[2] === 'Pending');
    expect(pending).toHaveLength(1);
    expect(pending[0][6]).toBe('<none>');
    expect(wide.filter((row) => row[2] === 'Running').map((row) => row[6])).not.toContain('node-1');
    const stuck = await status.interrupt();
    expect(stuck.stdout).not.toContain('successfully rolled out');

    // The scheduler keeps retrying the pending pod, so timers never run out: drive the clock by the cluster's
    // state rather than by the kubectl processes, which then see that state and exit.
    const resumed = replay.session.start('kubectl rollout status ds/fluentd-elasticsearch -n kube-system');
    await firstLine(resumed);
    const freed = replay.session.start('kubectl delete pod busy -n kube-system');
    await Promise.race([whenWatched(replay.sandbox, RESOURCES.pods, (options) => options.fieldSelector === 'metadata.name=busy'), freed.done]);
    await replay.sandbox.runUntil(() => !replay.sandbox.api.get(RESOURCES.pods, 'kube-system', 'busy'));
    expect((await freed.done).stdout).toBe('pod "busy" deleted\n');
    await replay.sandbox.runUntil(() => {
      const ds = replay.sandbox.api.get(RESOURCES.daemonSets, 'kube-system', 'fluentd-elasticsearch')!;
      return ds.status?.updatedNumberScheduled === 3 && ds.status?.numberAvailable === 3;
    });
    expect(lastLine((await resumed.done).stdout)).toBe('daemon set "fluentd-elasticsearch" successfully rolled out');
    expect(fluentdPods().map((pod) => pod.spec.nodeName).sort()).toEqual(['node-1', 'node-2', 'node-3']);
    expect(fluentdPods().every(requestsCpu)).toBe(true);
  });
});

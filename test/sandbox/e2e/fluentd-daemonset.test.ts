// Seed 001 (DaemonSet rolling update and rollback, fluentd-elasticsearch in kube-system) replayed with the real
// kubectl on three nodes: RollingUpdate defaults, rollout status while one pod at a time is replaced, `set image`
// (a strategic merge patch of the containers by name), history, undo as roll-forward and the ControllerRevisions.
import { tableRows } from './kubectl-session';
import { distinctLines, lastLine, useSeedReplay } from './seed-replay';
import { KubeObject, RESOURCES } from '../../../src/sandbox/api';

jest.setTimeout(120_000);

const replay = useSeedReplay({ nodes: 3 });

const fluentdPods = () => replay.sandbox.api.list(RESOURCES.pods, { namespace: 'kube-system', labelSelector: 'name=fluentd-elasticsearch' }).items;
const container = (pod: KubeObject) => pod.spec.containers[0];


describe('seed 001: fluentd-elasticsearch DaemonSet rolling update and rollback', () => {
  test('kubectl apply --record=true creates it on every node, with the RollingUpdate strategy', async () => {
    const applied = await replay.session.run('kubectl apply -f fluentd-daemonset.yaml --record=true');
    expect(applied.stdout).toBe('daemonset.apps/fluentd-elasticsearch created\n');
    await replay.sandbox.runUntil(() => fluentdPods().length === 3 && fluentdPods().every((pod) => pod.status?.phase === 'Running'));
    await replay.sandbox.advance(10_000);

    const listed = tableRows((await replay.session.run('kubectl get ds -n kube-system')).stdout);
    expect(listed.map((row) => row.slice(0, 7))).toEqual([['fluentd-elasticsearch', '3', '3', '3', '3', '3', '<none>']]);

    const strategy = await replay.session.run('kubectl get ds/fluentd-elasticsearch -o go-template=\'{{.spec.updateStrategy.type}}{{"\\n"}}\' -n kube-system');
    expect(strategy.stdout).toBe('RollingUpdate\n');
    const dryRun = await replay.session.run('kubectl apply -f fluentd-daemonset.yaml --dry-run=client -o go-template=\'{{.spec.updateStrategy.type}}{{"\\n"}}\'');
    expect(dryRun.stdout).toBe('RollingUpdate\n');
  });

  test('applying the updated template replaces one pod at a time, as rollout status reports', async () => {
    const applied = await replay.session.run('kubectl apply -f fluentd-daemonset-update.yaml --record=true');
    expect(applied.stdout).toBe('daemonset.apps/fluentd-elasticsearch configured\n');

    const status = await replay.runBlocking('kubectl rollout status ds/fluentd-elasticsearch -n kube-system');
    expect(status.code).toBe(0);
    const lines = distinctLines(status.stdout);
    expect(lines.filter((line) => line.includes('out of 3 new pods'))).toEqual([
      'Waiting for daemon set "fluentd-elasticsearch" rollout to finish: 0 out of 3 new pods have been updated...',
      'Waiting for daemon set "fluentd-elasticsearch" rollout to finish: 1 out of 3 new pods have been updated...',
      'Waiting for daemon set "fluentd-elasticsearch" rollout to finish: 2 out of 3 new pods have been updated...',
    ]);
    expect(lines).toContain('Waiting for daemon set "fluentd-elasticsearch" rollout to finish: 2 of 3 updated pods are available...');
    expect(lines[lines.length - 1]).toBe('daemon set "fluentd-elasticsearch" successfully rolled out');
    expect(fluentdPods().map((pod) => container(pod).resources.requests)).toEqual(Array(3).fill({ cpu: '100m', memory: '200Mi' }));
  });

  test('kubectl set image patches the one container by name and keeps the rest of it', async () => {
    const set = await replay.session.run('kubectl set image ds/fluentd-elasticsearch fluentd-elasticsearch=quay.io/fluentd_elasticsearch/fluentd:v2.6.0 -n kube-system');
    expect(set.stdout).toBe('daemonset.apps/fluentd-elasticsearch image updated\n');
    const status = await replay.runBlocking('kubectl rollout status ds/fluentd-elasticsearch -n kube-system');
    expect(lastLine(status.stdout)).toBe('daemon set "fluentd-elasticsearch" successfully rolled out');
    for (const pod of fluentdPods()) {
      expect(container(pod).image).toBe('quay.io/fluentd_elasticsearch/fluentd:v2.6.0');
      expect(container(pod).resources).toEqual({ limits: { memory: '200Mi' }, requests: { cpu: '100m', memory: '200Mi' } });
      expect(container(pod).volumeMounts.map((mount: any) => mount.name)).toEqual(['varlog', 'varlibdockercontainers']);
    }
  });

  test('rollout history, a revision\'s template, and undo --to-revision=2 rolling forward to revision 4', async () => {
    // The seed runs the rollback steps without -n: its DaemonSet lives in the current namespace.
    await replay.session.run('kubectl config set-context --current --namespace=kube-system');

    const history = await replay.session.run('kubectl rollout history daemonset fluentd-elasticsearch ');
    expect(history.stdout).toBe([
      'daemonset.apps/fluentd-elasticsearch ',
      'REVISION  CHANGE-CAUSE',
      '1         kubectl apply --filename=fluentd-daemonset.yaml --record=true',
      '2         kubectl apply --filename=fluentd-daemonset-update.yaml --record=true',
      '3         kubectl apply --filename=fluentd-daemonset-update.yaml --record=true',
      '',
      '',
    ].join('\n'));

    const first = await replay.session.run('kubectl rollout history daemonset fluentd-elasticsearch --revision=1');
    expect(first.stdout).toContain('daemonset.apps/fluentd-elasticsearch with revision #1\nPod Template:\n  Labels:\tname=fluentd-elasticsearch\n');
    expect(first.stdout).toMatch(/Image:\s+quay\.io\/fluentd_elasticsearch\/fluentd:v2\.5\.2\n/);
    expect(first.stdout).toMatch(/\/var\/log from varlog \(rw\)/);
    expect(first.stdout).toMatch(/Type:\s+HostPath \(bare host directory volume\)\n\s+Path:\s+\/var\/log\n/);

    const undone = await replay.session.run('kubectl rollout undo daemonset fluentd-elasticsearch --to-revision=2');
    expect(undone.stdout).toBe('daemonset.apps/fluentd-elasticsearch rolled back\n');
    const status = await replay.runBlocking('kubectl rollout status ds/fluentd-elasticsearch');
    const lines = distinctLines(status.stdout);
    expect(lines).toContain('Waiting for daemon set "fluentd-elasticsearch" rollout to finish: 2 of 3 updated pods are available...');
    expect(lines[lines.length - 1]).toBe('daemon set "fluentd-elasticsearch" successfully rolled out');
    expect(fluentdPods().map((pod) => container(pod).image)).toEqual(Array(3).fill('quay.io/fluentd_elasticsearch/fluentd:v2.5.2'));

    // Revision numbers only move forward: the revision rolled back to is renumbered 4.
    const revisions = tableRows((await replay.session.run('kubectl get controllerrevision -l name=fluentd-elasticsearch')).stdout);
    expect(revisions.map((row) => [row[1], row[2]]).sort()).toEqual([
      ['daemonset.apps/fluentd-elasticsearch', '1'],
      ['daemonset.apps/fluentd-elasticsearch', '3'],
      ['daemonset.apps/fluentd-elasticsearch', '4'],
    ]);
    expect(revisions.every((row) => /^fluentd-elasticsearch-[a-z0-9]+$/.test(row[0]))).toBe(true);
  });

  test('kubectl delete ds fluentd-elasticsearch -n kube-system removes it and its pods', async () => {
    const deleted = replay.session.start('kubectl delete ds fluentd-elasticsearch -n kube-system');
    await replay.sandbox.runUntil(deleted.done);
    expect((await deleted.done).stdout).toBe('daemonset.apps "fluentd-elasticsearch" deleted\n');
    await replay.sandbox.runUntil(() => fluentdPods().length === 0);
  });
});

import { RESOURCES } from '../../src/sandbox/api';
import { PodFailureMode } from '../../src/sandbox/controllers';
import { allOn, CliKit, startCliKit } from '../support/cli-kit';

jest.setTimeout(60_000);

describe('plan, stage and status against the sandbox', () => {
  let cli: CliKit;
  beforeAll(async () => {
    cli = await startCliKit({ kubelet: { failureRules: [{ mode: PodFailureMode.IMAGE_PULL, image: 'kafka:bad' }] } });
    await cli.createStatefulSet('kafka', { replicas: 3, image: 'kafka:1', updateStrategy: 'rolling', spec: { podManagementPolicy: 'Parallel' } });
  });
  afterAll(() => cli.sandbox.stop());

  test('plan shows each step\'s ordinals and changes nothing', async () => {
    const before = cli.sandbox.api.get(RESOURCES.statefulSets, 'default', 'kafka')!.metadata.resourceVersion;
    const ours = await cli.stage(['plan', 'sts/kafka', '--plan', 'canary']);
    expect(ours.code).toBe(0);
    expect(ours.stdout).toBe([
      'statefulset/kafka: plan canary (from --plan), 3 replicas',
      'STEP  PARTITION         UPDATED  MOVES',
      '0     3 (pinned 32767)  0/3      staged: no pod moves',
      '1     2                 1/3      kafka-2',
      '2     0                 3/3      kafka-1 kafka-0',
      '',
    ].join('\n'));
    expect(cli.sandbox.api.get(RESOURCES.statefulSets, 'default', 'kafka')!.metadata.resourceVersion).toBe(before);
    const json = JSON.parse((await cli.stage(['plan', 'sts/kafka', '--plan', '3,1,0', '-o', 'json'])).stdout);
    expect(json.steps.map((step: { moves: number[] }) => step.moves)).toEqual([[], [2, 1], [0]]);
    const bad = await cli.stage(['plan', 'sts/kafka']);
    expect(bad.code).toBe(4);
    expect(bad.stderr).toMatch(/^error: statefulset\/kafka has no partition plan: pass --plan/);
  });

  test('stage pins the partition; a template change then rolls nothing; status says staged where kubectl says complete', async () => {
    const staged = await cli.stage(['stage', 'sts/kafka']);
    expect(staged).toEqual({ stdout: 'statefulset.apps/kafka staged (partition 32767): template changes roll no pod until promoted\n', stderr: '', code: 0 });
    expect((await cli.stage(['stage', 'sts/kafka'])).stdout).toBe('statefulset.apps/kafka already staged (partition 32767)\n');
    cli.setImage('kafka', 'kafka:2');
    await cli.sandbox.advance(30_000);
    expect(allOn(cli, 'kafka', 'kafka:1', 3)).toBe(true);

    const kubectlStatus = await cli.kubectl(['rollout', 'status', 'sts/kafka', '--watch=false']);
    const ours = await cli.stage(['status', 'sts/kafka', '-o', 'json']);
    const report = JSON.parse(ours.stdout);
    expect(report.phase).toBe('staged');
    expect(`${report.kubectl.message}\n`).toBe(kubectlStatus.stdout);
    const text = await cli.stage(['status', 'sts/kafka']);
    expect(text.stdout.split('\n')[0]).toMatch(/^statefulset\/kafka: update staged \(partition 3\): 0 of 3 pods on revision kafka-[a-z0-9]+; promote to roll it out$/);
    expect(text.stdout).toContain(`  kubectl rollout status would say: ${kubectlStatus.stdout}`);
  });

  test('status names the blocking pod with its image pull error; --watch follows the rollout to complete', async () => {
    const sts = cli.sandbox.api.get(RESOURCES.statefulSets, 'default', 'kafka')!;
    sts.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: 2 } };
    sts.spec.template.spec.containers[0].image = 'kafka:bad';
    cli.sandbox.api.update(RESOURCES.statefulSets, sts);
    await cli.runUntil(() => cli.pods('kafka').some((pod) => pod.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff'));
    const stuck = JSON.parse((await cli.stage(['status', 'sts/kafka', '-o', 'json'])).stdout);
    expect(stuck.phase).toBe('rolling');
    expect(stuck.blocking.map((pod: { pod: string; reason: string }) => [pod.pod, pod.reason.split(' (')[0]])).toEqual([['kafka-2', 'not Ready']]);
    expect(stuck.blocking[0].problems[0].reason).toBe('ImagePullBackOff');

    cli.setImage('kafka', 'kafka:2');
    const fixed = cli.sandbox.api.get(RESOURCES.statefulSets, 'default', 'kafka')!;
    fixed.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: 0 } };
    cli.sandbox.api.update(RESOURCES.statefulSets, fixed);
    const watched = await cli.stage(['status', 'sts/kafka', '--watch', '-o', 'json']);
    const reports = watched.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(watched.code).toBe(0);
    expect(reports.length).toBeGreaterThan(1);
    expect(reports[reports.length - 1].phase).toBe('complete');
    expect(reports.slice(0, -1).every((report: { settled: boolean }) => !report.settled)).toBe(true);
    expect(allOn(cli, 'kafka', 'kafka:2', 3)).toBe(true);
  });

  test('--watch on a terminal redraws in place; bad flags are bad input', async () => {
    const live = await cli.stage(['status', 'sts/kafka', '--watch'], { isTTY: true });
    expect(live.stdout.startsWith('statefulset/kafka: rollout complete: 3 of 3 pods on revision')).toBe(true);
    expect((await cli.stage(['status', 'sts/kafka', '-o', 'yaml'])).stderr)
      .toBe('error: unable to match a printer suitable for the output format "yaml", allowed formats are: json,text\n');
    expect((await cli.stage(['status', 'deploy/kafka'])).code).toBe(4);
    const unknown = await cli.stage(['status', 'sts/kafka', '--bogus']);
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toContain("error: unknown option '--bogus'");
    expect((await cli.stage(['status', 'sts/kafka', '--watch', '--timeout', 'soon'])).code).toBe(4);
  });

  test('status --watch --timeout ends with exit code 3 while a pod stays broken, Ctrl-C with 130', async () => {
    cli.setImage('kafka', 'kafka:bad');
    const result = await cli.stage(['status', 'sts/kafka', '--watch', '--timeout', '2m']);
    expect(result.code).toBe(3);
    expect(result.stderr).toBe('error: timed out waiting for statefulset/kafka to settle after 2m\n');
    const interrupted = new AbortController();
    interrupted.abort();
    expect((await cli.stage(['status', 'sts/kafka', '--watch'], { signal: interrupted.signal })).code).toBe(130);
    expect(result.stdout).toMatch(/^statefulset\/kafka: rolling \(partition 0\): 1 of 3 pods on revision kafka-[a-z0-9]+; waiting for kafka-2 \(not Ready \((ErrImagePull|ImagePullBackOff)/m);
  });
});

describe('DaemonSet history and status', () => {
  let cli: CliKit;
  beforeAll(async () => {
    cli = await startCliKit({ nodes: 2 });
  });
  afterAll(() => cli.sandbox.stop());

  test('history matches kubectl\'s revisions and change-causes and names the nodes; status completes by revision', async () => {
    cli.sandbox.api.create(RESOURCES.daemonSets, {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent', namespace: 'default' },
      spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent', image: 'agent:1' }] } } },
    });
    await cli.runUntil(() => allOn(cli, 'agent', 'agent:1', 2));
    cli.setImage('agent', 'agent:2', { kind: 'DaemonSet', changeCause: 'roll agent:2' });
    await cli.runUntil(() => allOn(cli, 'agent', 'agent:2', 2));
    const ours = await cli.stage(['history', 'ds/agent']);
    const theirs = await cli.kubectl(['rollout', 'history', 'ds/agent']);
    const columns = (text: string) => text.trim().split('\n').slice(1).map((line) => line.split(/ {2,}/).slice(0, 2));
    expect(columns(ours.stdout)).toEqual(columns(theirs.stdout));
    expect(ours.stdout.trim().split('\n').pop()).toMatch(/^2 +roll agent:2 +agent=agent:2 +node-1,node-2$/);
    const detail = await cli.stage(['history', 'ds/agent', '--revision', '1']);
    expect(detail.stdout).toBe((await cli.kubectl(['rollout', 'history', 'ds/agent', '--revision=1'])).stdout);

    const report = JSON.parse((await cli.stage(['status', 'ds/agent', '-o', 'json'])).stdout);
    expect(report.phase).toBe('complete');
    const kubectlStatus = await cli.kubectl(['rollout', 'status', 'ds/agent', '--watch=false']);
    expect(`${report.kubectl.message}\n`).toBe(kubectlStatus.stdout);
  });

  test('undo rolls a DaemonSet back with kubectl\'s messages; status --watch follows it to complete', async () => {
    const undone = await cli.stage(['undo', 'ds/agent']);
    expect(undone).toEqual({ stdout: 'daemonset.apps/agent rolled back\n', stderr: '', code: 0 });
    const watched = await cli.stage(['status', 'ds/agent', '--watch']);
    expect(watched.code).toBe(0);
    expect(watched.stdout.trim().split('\n').pop()).toMatch(/^daemonset\/agent: rollout complete: 2 of 2 pods on revision [a-z0-9]+, Ready and Available$/);
    expect(allOn(cli, 'agent', 'agent:1', 2)).toBe(true);
    const ours = await cli.stage(['undo', 'ds/agent', '--to-revision', '3']);
    const theirs = await cli.kubectl(['rollout', 'undo', 'ds/agent', '--to-revision=3']);
    expect(theirs.stdout).toBe('daemonset.apps/agent skipped rollback (current template already matches revision 3)\n');
    expect(ours.stdout).toBe(theirs.stdout);
  });

  test('stage ds/NAME switches to OnDelete: a template change then moves no pod, and status says staged', async () => {
    const staged = await cli.stage(['stage', 'ds/agent']);
    expect(staged.code).toBe(0);
    expect(staged.stdout).toBe('daemonset.apps/agent staged (OnDelete; RollingUpdate recorded in staged-rollouts.io/original-strategy): '
      + 'template changes roll no pod until promoted\n');
    expect((await cli.stage(['stage', 'ds/agent'])).stdout).toBe('daemonset.apps/agent already staged (OnDelete, original strategy recorded)\n');
    cli.setImage('agent', 'agent:3', { kind: 'DaemonSet' });
    await cli.sandbox.advance(30_000);
    expect(allOn(cli, 'agent', 'agent:1', 2)).toBe(true);
    const report = JSON.parse((await cli.stage(['status', 'ds/agent', '-o', 'json'])).stdout);
    expect(report.phase).toBe('staged');
  });
});

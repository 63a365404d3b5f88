// Promotions that walk a long plan or are steered while they run, on both engines: 100 replicas by 100,99,90,50,0;
// pause, resume and abort from a second command; a promoter killed mid-step and resumed; two promoters at once.
import { differentialTest } from './differential';
import { isReady } from '../support/pod-readiness';
import { allReadyOn, ClusterSnapshot, livePods } from '../support/scenario-cluster';
import { statefulSetManifest } from '../support/workload-manifests';

const onImage = (snapshot: ClusterSnapshot, app: string, image: string) => livePods(snapshot, app)
  .filter((pod) => pod.spec.containers[0].image === image).length;
const templateChanged = (name: string) => (snapshot: ClusterSnapshot) => snapshot.statefulSets.some((set) => set.metadata.name === name
  && set.status?.observedGeneration === set.metadata.generation && set.status?.updateRevision !== set.status?.currentRevision);

differentialTest('100 replicas promoted by 100,99,90,50,0 move exactly 1, 10, 50 and 100 pods', { nodes: 4 }, async (cluster, trace) => {
  await cluster.apply([statefulSetManifest('web', {
    replicas: 100,
    image: 'web:1',
    updateStrategy: 'rolling',
    spec: {
      podManagementPolicy: 'Parallel',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 10 } },
    },
  })]);
  await cluster.waitFor('100 pods Ready', (s) => allReadyOn(s, 'web', 100, 'web:1'));
  expect((await cluster.stage(['stage', 'sts/web'])).code).toBe(0);
  expect((await cluster.kubectl(['set', 'image', 'sts/web', 'web=web:2'])).code).toBe(0);
  await cluster.waitFor('the new revision', templateChanged('web'));
  const moved: number[] = [];
  for (let step = 1; step <= 4; step++) {
    const result = await cluster.stage(['promote', 'sts/web', '--plan', '100,99,90,50,0', '--step', '--soak', '0s']);
    expect(result.code).toBe(0);
    const snapshot = await cluster.waitFor('a stable point', () => true);
    moved.push(onImage(snapshot, 'web', 'web:2'));
    trace.record(`step ${step}`, snapshot);
  }
  expect(moved).toEqual([1, 10, 50, 100]);
}, 900_000);

differentialTest('the forced-rollback trap: kubectl rollout undo stays stuck, kubectl-stage undo deletes only the stuck pod', { nodes: 3 }, async (cluster, trace) => {
  await cluster.apply([statefulSetManifest('trap', { replicas: 3, image: 'web:1', updateStrategy: 'rolling' })]);
  await cluster.waitFor('3 pods Ready', (s) => allReadyOn(s, 'trap', 3, 'web:1'));
  expect((await cluster.kubectl(['set', 'image', 'sts/trap', 'trap=web:bad'])).code).toBe(0);
  await cluster.waitFor('trap-2 in ImagePullBackOff', (s) => livePods(s, 'trap').some((pod) => pod.spec.containers[0].image === 'web:bad'
    && pod.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff'));

  const kubectlUndo = await cluster.kubectl(['rollout', 'undo', 'sts/trap']);
  expect(kubectlUndo.stdout).toBe('statefulset.apps/trap rolled back\n');
  await cluster.pause(5000);
  const stuck = await cluster.waitFor('a stable point', () => true);
  expect(livePods(stuck, 'trap').find((pod) => pod.metadata.name === 'trap-2')?.spec.containers[0].image).toBe('web:bad');
  const status = await cluster.stage(['status', 'sts/trap']);
  expect(status.stdout).toContain('\n  to get out: kubectl delete pod trap-2 -n default\n');
  trace.record('stuck after kubectl undo', stuck, { status });

  const uids = Object.fromEntries(livePods(stuck, 'trap').map((pod) => [pod.metadata.name, pod.metadata.uid]));
  const ours = await cluster.stage(['undo', 'sts/trap', '--to-revision', '3']);
  expect(ours.code).toBe(0);
  expect(ours.stdout.split('\n')[0]).toBe('statefulset.apps/trap skipped rollback (current template already matches revision 3)');
  expect(ours.stdout).toContain('\npod/trap-2 deleted\n');
  const after = await cluster.waitFor('every pod back on web:1', (s) => allReadyOn(s, 'trap', 3, 'web:1'));
  const afterUids = Object.fromEntries(livePods(after, 'trap').map((pod) => [pod.metadata.name, pod.metadata.uid]));
  expect(afterUids['trap-0']).toBe(uids['trap-0']);
  expect(afterUids['trap-1']).toBe(uids['trap-1']);
  expect(afterUids['trap-2']).not.toBe(uids['trap-2']);
  trace.record('escaped', after, { ours, history: await cluster.kubectl(['rollout', 'history', 'sts/trap']) });
});

differentialTest('pause, resume and abort steer a running promotion from a second command', { nodes: 3 }, async (cluster, trace) => {
  await cluster.apply([statefulSetManifest('kafka', { replicas: 3, image: 'kafka:1', updateStrategy: 'rolling' })]);
  await cluster.waitFor('3 brokers Ready', (s) => allReadyOn(s, 'kafka', 3, 'kafka:1'));
  expect((await cluster.stage(['stage', 'sts/kafka'])).code).toBe(0);
  expect((await cluster.kubectl(['set', 'image', 'sts/kafka', 'kafka=kafka:2'])).code).toBe(0);
  await cluster.waitFor('the new revision', templateChanged('kafka'));

  // The promoter soaks for a long time after step 1; pause it there, then abort.
  const promoting = cluster.stage(['promote', 'sts/kafka', '--plan', 'canary', '--all', '--soak', '10m']);
  await cluster.waitFor('kafka-2 Ready on kafka:2', (s) => livePods(s, 'kafka').some((pod) => pod.metadata.name === 'kafka-2'
    && pod.spec.containers[0].image === 'kafka:2' && (pod.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True')));
  const paused = await cluster.stage(['pause', 'sts/kafka']);
  expect(paused.code).toBe(0);
  const resumed = await cluster.stage(['resume', 'sts/kafka']);
  expect(resumed.code).toBe(0);
  const aborted = await cluster.stage(['abort', 'sts/kafka']);
  expect(aborted.code).toBe(0);
  const result = await promoting;
  expect(result.code).not.toBe(0);
  expect(result.stdout).toMatch(/abort/);
  const after = await cluster.waitFor('a stable point', () => true);
  expect(livePods(after, 'kafka').map((pod) => pod.spec.containers[0].image)).toEqual(['kafka:1', 'kafka:1', 'kafka:2']);
  trace.record('aborted', after, { paused, resumed, aborted, result: { ...result, stdout: result.stdout.split('\n').filter((line) => !/soak/.test(line)).join('\n') } });
});

differentialTest('a promoter killed mid-step is resumed by the next run, and a second promoter is refused by the Lease', { nodes: 3 }, async (cluster, trace) => {
  await cluster.apply([statefulSetManifest('kafka', { replicas: 3, image: 'kafka:1', updateStrategy: 'rolling' })]);
  await cluster.waitFor('3 brokers Ready', (s) => allReadyOn(s, 'kafka', 3, 'kafka:1'));
  expect((await cluster.stage(['stage', 'sts/kafka'])).code).toBe(0);
  expect((await cluster.kubectl(['set', 'image', 'sts/kafka', 'kafka=kafka:2'])).code).toBe(0);
  await cluster.waitFor('the new revision', templateChanged('kafka'));

  const kill = new AbortController();
  const first = cluster.stage(['promote', 'sts/kafka', '--plan', 'canary', '--all', '--soak', '10m'], { signal: kill.signal });
  await cluster.waitFor('the canary step written', (s) => s.statefulSets[0]?.spec.updateStrategy?.rollingUpdate?.partition === 2);
  // A second promoter while the first holds the Lease.
  const second = await cluster.stage(['promote', 'sts/kafka', '--plan', 'canary', '--all', '--soak', '1s']);
  expect(second.code).toBe(5);
  kill.abort();
  expect((await first).code).toBe(130);

  const resumed = await cluster.stage(['promote', 'sts/kafka', '--plan', 'canary', '--all', '--soak', '1s']);
  expect(resumed.code).toBe(0);
  const after = await cluster.waitFor('every broker on kafka:2', (s) => allReadyOn(s, 'kafka', 3, 'kafka:2'));
  trace.record('resumed and complete', after, { second });
});

differentialTest('infant mortality: a canary that loses readiness during its soak fails the step and is rolled back', { nodes: 3 }, async (cluster, trace) => {
  await cluster.apply([statefulSetManifest('kafka', { replicas: 3, image: 'kafka:1', updateStrategy: 'rolling' })]);
  await cluster.waitFor('3 brokers Ready', (s) => allReadyOn(s, 'kafka', 3, 'kafka:1'));
  expect((await cluster.stage(['stage', 'sts/kafka'])).code).toBe(0);
  // The new revision's containers turn Ready, then flap (10 s Ready, 10 s not, on both engines).
  expect((await cluster.kubectl(['set', 'env', 'sts/kafka', 'SANDBOX_FAILURE=FlappingReadiness'])).code).toBe(0);
  await cluster.waitFor('the new revision', templateChanged('kafka'));

  const promote = await cluster.stage(['promote', 'sts/kafka', '--plan', 'canary', '--all', '--soak', '1m', '--auto-rollback']);
  expect(promote.code).toBe(2);
  expect(promote.stdout).toMatch(/\nstep 1: gate passed; soaking for 1m/);
  expect(promote.stdout).toContain('\ninfant mortality during the soak of step 1: pod kafka-2 lost readiness during the soak\n');
  const after = await cluster.waitFor('every broker back on the old template', (s) => livePods(s, 'kafka').length === 3
    && livePods(s, 'kafka').every((pod) => !(pod.spec.containers[0].env ?? []).length && isReady(pod)));
  trace.record('rolled back', after, { promote });
});

// kubectl-stage end to end on the sandbox and on the real control plane: the seed's staged Kafka release walked by
// the canary plan, status and history beside kubectl's, and a bad canary rolled back.
import { differentialTest } from './differential';
import { allReadyOn, ClusterSnapshot, livePods } from '../support/scenario-cluster';
import { statefulSetManifest } from '../support/workload-manifests';

const kafka = (replicas: number, image: string) => statefulSetManifest('kafka', { replicas, image, updateStrategy: 'rolling' });

const images = (snapshot: ClusterSnapshot) => livePods(snapshot, 'kafka').map((pod) => pod.spec.containers[0].image);
const templateChanged = (snapshot: ClusterSnapshot) => snapshot.statefulSets.some((set) => set.status?.observedGeneration === set.metadata.generation
  && set.status?.updateRevision !== set.status?.currentRevision);

differentialTest('stage, change, plan, promote --plan canary step by step, status and history', { nodes: 3 }, async (cluster, trace) => {
  await cluster.apply([kafka(3, 'kafka:1')]);
  trace.record('created', await cluster.waitFor('3 brokers Ready', (s) => allReadyOn(s, 'kafka', 3, 'kafka:1')));

  const staged = await cluster.stage(['stage', 'sts/kafka']);
  expect(staged.code).toBe(0);
  trace.record('staged', await cluster.waitFor('a stable point', () => true), { staged });

  expect((await cluster.kubectl(['set', 'image', 'sts/kafka', 'kafka=kafka:2'])).code).toBe(0);
  const changed = await cluster.waitFor('the new revision', templateChanged);
  expect(images(changed)).toEqual(['kafka:1', 'kafka:1', 'kafka:1']);
  const plan = await cluster.stage(['plan', 'sts/kafka', '--plan', 'canary']);
  expect(plan.code).toBe(0);
  trace.record('template changed', changed, { plan, rolloutStatus: await cluster.kubectl(['rollout', 'status', 'sts/kafka', '--watch=false']) });

  const step = await cluster.stage(['promote', 'sts/kafka', '--plan', 'canary', '--step', '--soak', '1s']);
  expect(step.stderr).toBe('');
  expect(step.code).toBe(0);
  const afterStep = await cluster.waitFor('a stable point', () => true);
  expect(images(afterStep)).toEqual(['kafka:1', 'kafka:1', 'kafka:2']);
  const stepStatus = await cluster.stage(['status', 'sts/kafka']);
  const stepRolloutStatus = await cluster.kubectl(['rollout', 'status', 'sts/kafka', '--watch=false']);
  expect(stepStatus.stdout).toContain(`\n  kubectl rollout status would say: ${stepRolloutStatus.stdout.trim()}\n`);
  trace.record('step 1', afterStep, { step, status: stepStatus, rolloutStatus: stepRolloutStatus });

  const rest = await cluster.stage(['promote', 'sts/kafka', '--plan', 'canary', '--all', '--soak', '1s']);
  expect(rest.code).toBe(0);
  expect(rest.stdout).toMatch(/promotion complete: every pod of statefulset\/kafka is on revision kafka-\w+\n$/);
  const done = await cluster.waitFor('a stable point', () => true);
  expect(images(done)).toEqual(['kafka:2', 'kafka:2', 'kafka:2']);
  const status = await cluster.stage(['status', 'sts/kafka']);
  const rolloutStatus = await cluster.kubectl(['rollout', 'status', 'sts/kafka', '--watch=false']);
  // What our status says kubectl would say is what kubectl says, on the same objects.
  expect(status.stdout).toContain(`\n  kubectl rollout status would say: ${rolloutStatus.stdout.trim()}\n`);
  // history --revision is kubectl's, byte for byte.
  const revision = String(Math.max(...done.controllerRevisions.map((r) => Number(r.revision))));
  const ours = await cluster.stage(['history', 'sts/kafka', '--revision', revision]);
  const theirs = await cluster.kubectl(['rollout', 'history', 'sts/kafka', '--revision', revision]);
  expect(ours.stdout).toBe(theirs.stdout);
  trace.record('complete', done, {
    rest,
    status,
    rolloutStatus,
    history: await cluster.stage(['history', 'sts/kafka']),
    kubectlHistory: await cluster.kubectl(['rollout', 'history', 'sts/kafka']),
    revision: ours,
  });
});

differentialTest('a bad canary fails its step and --auto-rollback puts every broker back', { nodes: 3 }, async (cluster, trace) => {
  await cluster.apply([kafka(3, 'kafka:1')]);
  await cluster.waitFor('3 brokers Ready', (s) => allReadyOn(s, 'kafka', 3, 'kafka:1'));
  expect((await cluster.stage(['stage', 'sts/kafka'])).code).toBe(0);
  expect((await cluster.kubectl(['set', 'image', 'sts/kafka', 'kafka=kafka:bad'])).code).toBe(0);
  await cluster.waitFor('the new revision', templateChanged);

  const promote = await cluster.stage(['promote', 'sts/kafka', '--plan', 'canary', '--auto-rollback', '--timeout', '20s']);
  expect(promote.code).toBe(2);
  expect(promote.stdout).toContain('step 1 failed: pod kafka-2: ImagePullBackOff - Back-off pulling image "kafka:bad"');
  const after = await cluster.waitFor('every broker back on kafka:1', (s) => allReadyOn(s, 'kafka', 3, 'kafka:1'));
  trace.record('rolled back', after, {
    promote,
    status: await cluster.stage(['status', 'sts/kafka']),
    history: await cluster.stage(['history', 'sts/kafka']),
  });
});

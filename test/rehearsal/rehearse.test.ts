// rehearse() end to end on the blog app's constructs: the release's template diff, the steps of its plan with the pods
// each moves and their simulated times, PodDisruptionBudget headroom, the rollback path of an injected failure, a
// DaemonSet node canary, and the same report byte for byte from the same inputs.
import { App, Chart } from 'cdk8s';
import { KafkaCluster, NodeExporter, PartitionPlan, StatefulSetRollout, ZooKeeperEnsemble } from '../../src';
import { PodFailureMode } from '../../src/internal/pod-failure-conventions';
import { rehearse, RehearsalReport, RehearsedWorkload, synthYaml } from '../../src/rehearsal';
import { RuntimeError } from '../../src/runtime/runtime-error';

interface BlogRelease {
  readonly kafkaImage?: string;
  readonly exporterImage?: string;
  readonly kafkaRollout?: StatefulSetRollout;
}

// The blog app (examples/blog-app.ts) with the images a release changes.
function blogApp(release: BlogRelease = {}): string {
  const app = new App();
  const chart = new Chart(app, 'blog');
  const zk = new ZooKeeperEnsemble(chart, 'zk', { name: 'zk', replicas: 3 });
  new KafkaCluster(chart, 'kafka', { name: 'kafka', replicas: 3, zooKeeper: zk, image: release.kafkaImage ?? 'apache/kafka:3.9.1', rollout: release.kafkaRollout });
  new NodeExporter(chart, 'node-exporter', { image: release.exporterImage ?? 'quay.io/prometheus/node-exporter:v1.12.1' });
  return synthYaml(app);
}

const FROM = blogApp();
const KAFKA_392 = blogApp({ kafkaImage: 'apache/kafka:3.9.2' });

function only(report: RehearsalReport): RehearsedWorkload {
  expect(report.workloads).toHaveLength(1);
  return report.workloads[0];
}

describe('rehearse', () => {
  test('a Kafka image change promoted by the default canary plan: kafka-2, then kafka-1 and kafka-0', async () => {
    const report = await rehearse({ from: FROM, to: KAFKA_392, soakMs: 120_000 });
    const kafka = only(report);
    expect(kafka).toMatchObject({ kind: 'StatefulSet', namespace: 'default', name: 'kafka', plan: 'canary', planSource: 'default', outcome: 'complete' });
    // The broker and its config init container run the same image.
    expect(kafka.changes).toEqual([
      { path: 'spec.containers[kafka].image', from: 'apache/kafka:3.9.1', to: 'apache/kafka:3.9.2' },
      { path: 'spec.initContainers[config].image', from: 'apache/kafka:3.9.1', to: 'apache/kafka:3.9.2' },
    ]);
    expect(kafka.steps.map((step) => step.pods)).toEqual([[], ['kafka-2'], ['kafka-1', 'kafka-0']]);
    expect(kafka.steps.map((step) => step.result)).toEqual(['passed', 'passed', 'passed']);
    // A broker restarts in 16 s of simulated time: 1 s to stop, 2 s to pull, 8 s to start, then its readiness probe's
    // initialDelaySeconds of 5; each step then soaks 120 s. The canary step restarts one broker, the next two, one by one.
    expect(kafka.steps.map((step) => [step.startMs, step.durationMs])).toEqual([[0, 0], [0, 16_000 + 120_000], [136_000, 2 * 16_000 + 120_000]]);
    expect(kafka.durationMs).toBe(288_000);
    expect(report.durationMs).toBe(288_000);
    // One broker down at a time: the budget (maxUnavailable 1 of 3) is met exactly, never broken.
    expect(kafka.steps.map((step) => step.maxUnavailable)).toEqual([0, 1, 1]);
    expect(kafka.maxUnavailable).toBe(1);
    expect(kafka.steps[1].budgets).toEqual([{ budget: 'kafka-pdb', minHealthy: 2, desiredHealthy: 2, violated: false }]);
    expect(kafka.message).toMatch(/^every pod of statefulset\/kafka is on revision kafka-\w+$/);
    expect(report).toMatchObject({ otherChanges: [], failures: [], nodes: 3, succeeded: true, warnings: [] });
  });

  test('the kubelet timing decides the simulated durations: a 10 s image pull makes each broker restart 8 s longer', async () => {
    const kafka = only(await rehearse({ from: FROM, to: KAFKA_392, kubelet: { imagePullMs: 10_000 } }));
    expect(kafka.steps.map((step) => step.durationMs)).toEqual([0, 24_000, 2 * 24_000]);
  });

  test('--fail kafka-2:CrashLoop fails the canary step and rolls Kafka back; kafka-1 and kafka-0 never move', async () => {
    const report = await rehearse({ from: FROM, to: KAFKA_392, soakMs: 120_000, timeoutMs: 300_000, failures: [{ target: 'kafka-2', mode: PodFailureMode.CRASH_LOOP }] });
    const kafka = only(report);
    expect(kafka.outcome).toBe('rolled-back');
    expect(kafka.steps.map((step) => step.result)).toEqual(['passed', 'failed', 'not-reached']);
    expect(kafka.steps[2].pods).toEqual(['kafka-1', 'kafka-0']);
    // The kubelet's message quotes the pod's uid, which the report leaves out: it counts every object created before.
    expect(kafka.steps[1].message).toBe('pod kafka-2: CrashLoopBackOff - back-off 10s restarting failed container=kafka pod=kafka-2_default');
    expect(kafka.message).toMatch(/^rolled back to revision kafka-\w+: step 1 failed: pod kafka-2: CrashLoopBackOff/);
    expect(report).toMatchObject({ succeeded: false, failures: [{ target: 'kafka-2', mode: 'CrashLoop' }] });
  });

  test('without autoRollback a failed canary stops where it is', async () => {
    const report = await rehearse({
      from: FROM, to: KAFKA_392, timeoutMs: 300_000, autoRollback: false, failures: [{ target: 'kafka-2', mode: PodFailureMode.IMAGE_PULL }],
    });
    const kafka = only(report);
    expect(kafka.outcome).toBe('failed');
    expect(kafka.steps.map((step) => step.result)).toEqual(['passed', 'failed', 'not-reached']);
    expect(kafka.steps[1].message).toMatch(/pod kafka-2: ImagePullBackOff/);
  });

  test('a node-exporter release by a node canary, with node-2 failing: the canary node passes, node-2\'s step fails', async () => {
    const report = await rehearse({
      from: FROM,
      to: blogApp({ exporterImage: 'quay.io/prometheus/node-exporter:v1.13.0' }),
      plan: '1,100%',
      timeoutMs: 300_000,
      failures: [{ target: 'node-2', mode: PodFailureMode.NEVER_READY }],
    });
    const exporter = only(report);
    expect(exporter).toMatchObject({ kind: 'DaemonSet', name: 'node-exporter', plan: '1,100%', planSource: 'option', outcome: 'rolled-back' });
    expect(exporter.changes).toEqual([
      { path: 'spec.containers[node-exporter].image', from: 'quay.io/prometheus/node-exporter:v1.12.1', to: 'quay.io/prometheus/node-exporter:v1.13.0' },
    ]);
    expect(exporter.steps.map((step) => step.nodes)).toEqual([[], ['node-1'], ['node-2', 'node-3']]);
    // node-3's pod never moves: the canary replaces one daemon pod at a time (maxUnavailable 1), and node-2's never got Ready.
    expect(exporter.steps.map((step) => step.pods.length)).toEqual([0, 1, 1]);
    expect(exporter.steps.map((step) => step.result)).toEqual(['passed', 'passed', 'failed']);
    // A daemon pod restarts in 11 s (1 s to stop, 2 s to pull, 8 s to start; no readiness probe); node-2's never gets
    // Ready, so its step fails at the 5 minute timeout.
    expect(exporter.steps[1].durationMs).toBe(11_000);
    expect(exporter.steps[2].durationMs).toBe(300_000);
    expect(exporter.steps[2].message).toMatch(/^timed out after 5m0s waiting for node-exporter-\w+ on node-2 not Ready/);
    expect(exporter.message).toMatch(/^rolled back to revision \w+: step 2 timed out/);
  });

  test('the same inputs give the same report, byte for byte', async () => {
    const options = { from: FROM, to: KAFKA_392, failures: [{ target: 'node-1', mode: PodFailureMode.CRASH_LOOP }] };
    const first = JSON.stringify(await rehearse(options));
    expect(JSON.stringify(await rehearse(options))).toBe(first);
  });

  test('a release that changes no pod template promotes nothing and lists the other changes', async () => {
    const to = FROM.replace('maxUnavailable: 1', 'maxUnavailable: 2');
    const report = await rehearse({ from: FROM, to });
    expect(report).toEqual({ workloads: [], otherChanges: ['PodDisruptionBudget/default/zk-pdb'], failures: [], nodes: 3, durationMs: 0, succeeded: true, warnings: [] });
  });

  test.each([
    [{ soakMs: -1 }, 'rehearse: soakMs must be a number of ms >= 0, got -1'],
    [{ nodes: 0 }, 'rehearse: nodes must be an integer from 1 to 5000, got 0'],
    [{ failures: [{ target: 'kafka-7', mode: PodFailureMode.CRASH_LOOP }] },
      'failure kafka-7:CrashLoop: "kafka-7" is neither a node of the rehearsal (node-1, node-2, node-3) nor a pod of a StatefulSet the new release changes (kafka-0, kafka-1, kafka-2)'],
    [{ failures: [{ target: 'node-1', mode: 'Explode' as PodFailureMode }] },
      'failure node-1:Explode: unknown mode "Explode" (expected one of ImagePull, CrashLoop, NeverReady, FlappingReadiness)'],
    [{ plan: '50%,10%' }, /plan "50%,10%"/],
    [{ plan: '5,0' }, /^plan "5,0" from --plan does not fit statefulset\/kafka with 3 replicas/],
  ])('bad input %j is refused with a RuntimeError', async (options, message) => {
    const rehearsal = rehearse({ from: FROM, to: KAFKA_392, ...options });
    await expect(rehearsal).rejects.toThrow(RuntimeError);
    await expect(rehearsal).rejects.toThrow(message);
  });

  test('a staged Kafka is promoted by its plan annotation, one broker a step', async () => {
    const rollout = StatefulSetRollout.staged(PartitionPlan.linear(1));
    const report = await rehearse({ from: blogApp({ kafkaRollout: rollout }), to: blogApp({ kafkaRollout: rollout, kafkaImage: 'apache/kafka:3.9.2' }) });
    const kafka = only(report);
    expect(kafka).toMatchObject({ planSource: 'annotation', plan: PartitionPlan.linear(1).toString(), outcome: 'complete' });
    expect(kafka.steps.map((step) => step.pods)).toEqual([[], ['kafka-2'], ['kafka-1'], ['kafka-0']]);
  });

  test('objects other than the templates are applied too (a Service the API server gave a clusterIP), and listed', async () => {
    const to = KAFKA_392.replace('port: 2181', 'port: 2182');
    expect(to).not.toBe(KAFKA_392);
    const report = await rehearse({ from: FROM, to });
    expect(only(report).outcome).toBe('complete');
    expect(report.otherChanges).toEqual(['Service/default/zk-cs']);
  });

  test('objects of kinds the sandbox does not serve are left out and reported, so a real app can still be rehearsed', async () => {
    const deployment = (image: string) => `---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: default }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: ${image} }] }
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: web, namespace: default }
spec: { defaultBackend: { service: { name: web, port: { number: 80 } } } }
`;
    const report = await rehearse({ from: FROM + deployment('web:1'), to: KAFKA_392 + deployment('web:2') });
    expect(only(report)).toMatchObject({ name: 'kafka', outcome: 'complete' });
    expect(report.otherChanges).toEqual(['Deployment/default/web']);
    expect(report.warnings).toEqual(['not rehearsed, as the sandbox does not serve their kinds: apps/v1 Deployment (1), '
      + 'networking.k8s.io/v1 Ingress (1); their 1 change is listed under other changes but not applied']);
    const unchanged = await rehearse({ from: FROM + deployment('web:1'), to: FROM + deployment('web:1') });
    expect(unchanged.workloads).toEqual([]);
    expect(unchanged.warnings).toEqual(['not rehearsed, as the sandbox does not serve their kinds: apps/v1 Deployment (1), '
      + 'networking.k8s.io/v1 Ingress (1); none of them changed']);
  });

  test('an old release that never gets Ready is a warning, and the new release is promoted from there', async () => {
    const report = await rehearse({ from: blogApp({ kafkaImage: 'apache/kafka:bad' }), to: KAFKA_392, timeoutMs: 120_000 });
    // Promoted from no broker Ready, every step is below the budget; the report says so too.
    expect(report.warnings).toEqual([
      'StatefulSet/default/kafka of the old release did not get Ready (0 of 3 replicas Ready, no progress for 120 s of simulated time); it was promoted from there',
      'StatefulSet/default/kafka step 0: PodDisruptionBudget kafka-pdb was down to 0 healthy pods of the 2 it requires: a voluntary disruption (a node drain) would have been refused',
      'StatefulSet/default/kafka step 1: PodDisruptionBudget kafka-pdb was down to 0 healthy pods of the 2 it requires: a voluntary disruption (a node drain) would have been refused',
      'StatefulSet/default/kafka step 2: PodDisruptionBudget kafka-pdb was down to 1 healthy pods of the 2 it requires: a voluntary disruption (a node drain) would have been refused',
    ]);
    expect(only(report).name).toBe('kafka');
  });

  test('an old release slower to get Ready than the step timeout, but progressing, is waited for', async () => {
    const web = (image: string) => `
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: web }
spec:
  replicas: 12
  podManagementPolicy: OrderedReady
  selector: { matchLabels: { app: web } }
  serviceName: web
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: "${image}" }] }
`;
    // Twelve pods one after another, 10 s each: 120 s, twice the timeout. The promotion moves one pod a step.
    const onePodAStep = Array.from({ length: 13 }, (_, index) => 12 - index).join(',');
    const report = await rehearse({ from: web('web:1'), to: web('web:2'), timeoutMs: 60_000, plan: onePodAStep });
    expect(report.warnings).toEqual([]);
    expect(only(report).outcome).toBe('complete');
    expect(only(report).steps).toHaveLength(13);
  });

  test('synthYaml takes a Chart as well as an App', () => {
    const app = new App();
    const chart = new Chart(app, 'exporter');
    new NodeExporter(chart, 'node-exporter');
    expect(synthYaml(chart)).toBe(synthYaml(app));
    expect(synthYaml(chart)).toMatch(/^kind: DaemonSet$/m);
  });

  test('a node canary plan that does not parse is refused before anything runs', async () => {
    const to = blogApp({ exporterImage: 'quay.io/prometheus/node-exporter:v1.13.0' });
    await expect(rehearse({ from: FROM, to, plan: 'nodes=' })).rejects.toThrow(RuntimeError);
  });

  test('an OnDelete StatefulSet, which has no partition to stage, is refused before anything runs', async () => {
    const onDelete = (release: string) => release.replace(/(name: kafka\n[\s\S]*?updateStrategy:\n\s+)(rollingUpdate:[\s\S]*?\n\s+)?type: RollingUpdate/, '$1type: OnDelete');
    expect(onDelete(FROM)).toMatch(/type: OnDelete/);
    await expect(rehearse({ from: onDelete(FROM), to: onDelete(KAFKA_392) })).rejects.toThrow(/^statefulset\/kafka uses the OnDelete update strategy/);
  });

  test('a manifest that is not YAML is refused naming its source', async () => {
    await expect(rehearse({ from: FROM, to: 'a: [', toSource: 'next.yaml' })).rejects.toThrow(/^next\.yaml: document 1 is not valid YAML/);
  });
});

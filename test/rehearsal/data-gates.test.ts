// rehearse() of StatefulSets that declare data-aware gates (`kafka`, `zookeeper`): the rehearsal runs them as promote
// would, on the pods' simulated metrics (a healthy cluster whenever its pods run), so the secure blog app's next
// release rehearses to the end, and a gate that finds no metrics stops the rehearsal as it would stop promote.
import * as os from 'os';
import * as path from 'path';
import { App, Chart, JsonPatch } from 'cdk8s';
import { buildSecureBlogApp } from '../../examples/blog-app-secure';
import { KafkaCluster, PartitionPlan, RolloutGate, StatefulSetRollout, ZooKeeperEnsemble } from '../../src';
import { PodFailureMode } from '../../src/internal/pod-failure-conventions';
import { rehearse, synthYaml } from '../../src/rehearsal';

jest.setTimeout(60_000);

function secureBlogApp(release: { kafkaImage?: string; zooKeeperImage?: string }): string {
  return synthYaml(buildSecureBlogApp(path.join(os.tmpdir(), 'unused'), release).charts[0]);
}

// A KRaft cluster gated on its partitions, whose metrics port is named `metrics`, or renamed so no gate finds it.
function gatedKafka(image: string, metricsPortName: string): string {
  const app = new App();
  const chart = new Chart(app, 'release');
  const kafka = new KafkaCluster(chart, 'kafka', {
    name: 'kafka',
    replicas: 3,
    image,
    metrics: {},
    rollout: StatefulSetRollout.staged(PartitionPlan.canary(), { gates: [RolloutGate.kafka({ minIsr: true })] }),
  });
  if (metricsPortName !== 'metrics') {
    const ports: { name: string }[] = (kafka.brokerService.apiObject.toJson() as any).spec.template.spec.containers[0].ports;
    const index = ports.findIndex((port) => port.name === 'metrics');
    kafka.brokerService.apiObject.addJsonPatch(JsonPatch.replace(`/spec/template/spec/containers/0/ports/${index}/name`, metricsPortName));
  }
  return synthYaml(app);
}

describe('rehearse data-aware gates', () => {
  test('the secure blog app\'s next release: kafka and zk promoted through their gates, the ZooKeeper leader last', async () => {
    const report = await rehearse({
      from: secureBlogApp({}),
      to: secureBlogApp({ kafkaImage: 'apache/kafka:3.9.2', zooKeeperImage: 'zookeeper:3.9.4' }),
      soakMs: 60_000,
    });
    expect(report.workloads.map((workload) => [workload.name, workload.plan, workload.outcome])).toEqual([
      ['kafka', 'canary', 'complete'], ['zk', 'linear:1', 'complete'],
    ]);
    const [kafka, zk] = report.workloads;
    expect(kafka.steps.map((step) => step.pods)).toEqual([[], ['kafka-2'], ['kafka-1', 'kafka-0']]);
    expect(zk.steps.map((step) => step.pods)).toEqual([[], ['zk-1'], ['zk-0'], ['zk-2']]);
    expect([...kafka.steps, ...zk.steps].every((step) => step.result === 'passed')).toBe(true);
    expect(report.succeeded).toBe(true);
    expect(report.warnings.join('\n')).toContain('cert-manager.io/v1 Certificate (2), monitoring.coreos.com/v1 PodMonitor (2)');
  });

  test('a broker that never runs fails the canary, and the rollback restores it', async () => {
    const report = await rehearse({
      from: secureBlogApp({}),
      to: secureBlogApp({ kafkaImage: 'apache/kafka:3.9.2' }),
      failures: [{ target: 'kafka-2', mode: PodFailureMode.IMAGE_PULL }],
    });
    expect(report.workloads).toHaveLength(1);
    expect(report.workloads[0]).toMatchObject({ name: 'kafka', outcome: 'rolled-back' });
    expect(report.succeeded).toBe(false);
  });

  test('the gate runs: with no port named metrics it fails before the first step, as promote would', async () => {
    const report = await rehearse({ from: gatedKafka('apache/kafka:4.1.0', 'jmx'), to: gatedKafka('apache/kafka:4.1.1', 'jmx') });
    const [kafka] = report.workloads;
    expect(kafka.outcome).not.toBe('complete');
    expect(kafka.steps[0]).toMatchObject({ step: 0, result: 'failed' });
    expect(kafka.steps[0].message).toContain('kafka:min-isr');
    expect(kafka.steps[1].result).toBe('not-reached');
  });

  test('the same cluster with its metrics port rehearses to the end', async () => {
    const report = await rehearse({ from: gatedKafka('apache/kafka:4.1.0', 'metrics'), to: gatedKafka('apache/kafka:4.1.1', 'metrics') });
    expect(report.workloads[0]).toMatchObject({ name: 'kafka', outcome: 'complete' });
  });

  test('a zookeeper gate without a restart order is served too', async () => {
    const ensemble = (image: string) => {
      const app = new App();
      new ZooKeeperEnsemble(new Chart(app, 'release'), 'zk', {
        name: 'zk',
        replicas: 3,
        image,
        metrics: {},
        rollout: StatefulSetRollout.staged(PartitionPlan.canary(), { gates: [RolloutGate.zookeeper()] }),
      });
      return synthYaml(app);
    };
    const report = await rehearse({ from: ensemble('zookeeper:3.9.3'), to: ensemble('zookeeper:3.9.4') });
    expect(report.workloads[0]).toMatchObject({ name: 'zk', outcome: 'complete' });
    expect(report.workloads[0].steps.map((step) => step.pods)).toEqual([[], ['zk-2'], ['zk-1', 'zk-0']]);
  });
});

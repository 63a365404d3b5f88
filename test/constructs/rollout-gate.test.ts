// RolloutGate: gates declared with the workload, validated at synth time with the grammar `promote --gate` parses, and
// written to the staged-rollouts.io/gates annotation that the runtime reads back to the same gates.
import { find, synthValid, testChart } from './manifest';
import { RolloutKeys } from '../../src/keys';
import { PartitionPlan } from '../../src/partition-plan';
import { RolloutGate } from '../../src/rollout-gate';
import { gatesOfAnnotation, parseGate } from '../../src/runtime/promotion/gate-spec';
import { StatefulSetRollout } from '../../src/statefulset-rollout';
import { ValidationError } from '../../src/validation-error';
import { ZooKeeperEnsemble } from '../../src/zookeeper-ensemble';

describe('RolloutGate', () => {
  test.each([
    [RolloutGate.kafka(), 'kafka'],
    [RolloutGate.kafka({ minIsr: true }), 'kafka:min-isr'],
    [RolloutGate.kafka({ minIsr: true, metricsPort: 9404 }), 'kafka:min-isr,port=9404'],
    [RolloutGate.zookeeper(), 'zookeeper'],
    [RolloutGate.zookeeper({ metricsPort: 7000 }), 'zookeeper:port=7000'],
    [RolloutGate.http('http://kafka-exporter:9308/healthz'), 'http=http://kafka-exporter:9308/healthz'],
    [RolloutGate.prometheus('sum(kafka_server_replicamanager_underreplicatedpartitions)', '==0'), 'prom=sum(kafka_server_replicamanager_underreplicatedpartitions)==0'],
  ])('%s is written as --gate takes it', (gate, text) => {
    expect(gate.text).toBe(text);
    expect(gate.toString()).toBe(text);
  });

  test.each([
    [() => RolloutGate.kafka({ metricsPort: 0 }), 'RolloutGate.kafka', 'metricsPort', 'port "0" is not a port number (1-65535)'],
    [() => RolloutGate.zookeeper({ metricsPort: 7000.5 }), 'RolloutGate.zookeeper', 'metricsPort', 'port "7000.5" is not a port number (1-65535)'],
    [() => RolloutGate.http('kafka:9308/healthz'), 'RolloutGate.http', 'url', 'the URL must use http or https, not kafka'],
    [() => RolloutGate.prometheus('sum(up)', 'about 3'), 'RolloutGate.prometheus', 'condition', 'use an operator (>=, <=, ==, !=, >, <) followed by a number'],
    [() => RolloutGate.prometheus(' ', '==0'), 'RolloutGate.prometheus', 'query', 'use a PromQL instant query'],
  ])('refuses bad input at synth time, naming the factory, the prop and what is valid', (make, where, prop, fix) => {
    let caught: unknown;
    try {
      make();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as Error).message).toContain(where);
    expect((caught as Error).message).toContain(prop);
    expect((caught as Error).message).toContain(fix);
  });

  test('a synthesized annotation parses in the runtime to the same gates', () => {
    const gates = [
      RolloutGate.zookeeper({ metricsPort: 7000 }),
      RolloutGate.http('http://zk-exporter:9141/healthz'),
      RolloutGate.prometheus('min(zk_synced_followers{app="zk"})', '>= 2'),
    ];
    const chart = testChart();
    new ZooKeeperEnsemble(chart, 'zk', { name: 'zk', rollout: StatefulSetRollout.staged(PartitionPlan.canary(), { gates }) });
    const sts = find(synthValid(chart), 'StatefulSet', 'zk');
    const annotation = sts.metadata.annotations[RolloutKeys.GATES_ANNOTATION];
    expect(annotation).toBe('["zookeeper:port=7000","http=http://zk-exporter:9141/healthz","prom=min(zk_synced_followers{app=\\"zk\\"})>= 2"]');
    const prometheusUrl = 'http://prometheus:9090';
    expect(gatesOfAnnotation(annotation, 'statefulset/zk', { prometheusUrl }))
      .toEqual(gates.map((gate) => parseGate(gate.text, { prometheusUrl })));
    expect(gatesOfAnnotation(annotation, 'statefulset/zk', { prometheusUrl })[2]).toMatchObject({ query: 'min(zk_synced_followers{app="zk"})', condition: { operator: '>=', threshold: 2 } });
  });

  test('no gates, no annotation; gates on a rollout kubectl-stage does not promote are refused', () => {
    const chart = testChart();
    new ZooKeeperEnsemble(chart, 'zk', { name: 'zk', rollout: StatefulSetRollout.staged(PartitionPlan.canary()) });
    expect(find(synthValid(chart), 'StatefulSet', 'zk').metadata.annotations[RolloutKeys.GATES_ANNOTATION]).toBeUndefined();
    expect(() => StatefulSetRollout.rollingUpdate({ gates: [RolloutGate.kafka()] }))
      .toThrow(/gates run when kubectl-stage promotes a staged rollout: use StatefulSetRollout.staged\(plan, \{ gates \}\)/);
  });
});

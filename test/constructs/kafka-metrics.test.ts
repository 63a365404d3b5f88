import { parse } from 'yaml';
import { find, Manifest, selects, synthValid, testChart, thrownValidationError, validationErrors } from './manifest';
import { KafkaCluster } from '../../src/kafka-cluster';
import { KAFKA_JMX_EXPORTER_RULES } from '../../src/kafka-jmx-exporter';
import { PartitionPlan } from '../../src/partition-plan';
import { MonitorKind } from '../../src/prometheus-monitor';
import { RolloutGate } from '../../src/rollout-gate';
import {
  OFFLINE_PARTITIONS, PARTITION_UNDER_MIN_ISR, PARTITION_UNDER_REPLICATED, UNDER_MIN_ISR, UNDER_REPLICATED,
} from '../../src/runtime/promotion/kafka-health';
import { StatefulSetRollout } from '../../src/statefulset-rollout';

interface Rule {
  readonly pattern: string;
  readonly name: string;
  readonly labels?: Record<string, string>;
}

/**
 * The exporter's naming of one MBean attribute, as jmx_exporter's JmxCollector does it: the first rule whose
 * pattern matches the whole `domain<key=value, ...><>attribute` string, with $n replaced and the name lower-cased.
 */
function exportedSample(rules: Rule[], bean: string): { name: string; labels: Record<string, string> } | undefined {
  for (const rule of rules) {
    const match = new RegExp(`^${rule.pattern}$`).exec(bean);
    if (match) {
      const substitute = (text: string) => text.replace(/\$(\d+)/g, (_, group) => match[Number(group)]);
      const labels = Object.fromEntries(Object.entries(rule.labels ?? {}).map(([key, value]) => [substitute(key), substitute(value)]));
      return { name: substitute(rule.name).toLowerCase(), labels };
    }
  }
  return undefined;
}

describe('KafkaCluster metrics', () => {
  test('the JMX exporter agent in every pool, its rules, a metrics Service and a PodMonitor over brokers and controllers', () => {
    const chart = testChart('streaming');
    const kafka = new KafkaCluster(chart, 'kafka', { replicas: 3, controllers: 3, metrics: { monitor: { labels: { release: 'kube-prometheus-stack' } } } });
    const objects = synthValid(chart);
    expect(kafka.metricsPort).toBe(9404);
    for (const name of ['kafka', 'kafka-controller']) {
      const spec = find(objects, 'StatefulSet', name).spec.template.spec;
      const init = spec.initContainers.find((container: Manifest) => container.name === 'jmx-exporter');
      expect(init.image).toBe('quay.io/strimzi/kafka:0.45.0-kafka-3.9.0');
      expect(init.command).toEqual(['sh', '-c',
        'set -- /opt/kafka/libs/jmx_prometheus_javaagent-*.jar && [ "$#" -eq 1 ] && [ -f "$1" ] && cp "$1" /opt/jmx-exporter/jmx_prometheus_javaagent.jar']);
      expect(init.securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true, allowPrivilegeEscalation: false });
      expect(init.env[0].name).toBe('JMX_EXPORTER_RULES_SHA256');
      const kafkaContainer = spec.containers[0];
      expect(kafkaContainer.ports).toContainEqual({ name: 'metrics', containerPort: 9404 });
      expect(kafkaContainer.command[2]).toContain(
        'export KAFKA_OPTS="${KAFKA_OPTS:-} -javaagent:/opt/jmx-exporter/jmx_prometheus_javaagent.jar=9404:/etc/jmx-exporter/config.yaml" && exec /etc/kafka/docker/run');
      // Not in the container's environment, which `kubectl exec kafka-topics.sh` would inherit.
      expect(kafkaContainer.env.map((e: Manifest) => e.name)).not.toContain('KAFKA_OPTS');
      expect(kafkaContainer.volumeMounts).toEqual(expect.arrayContaining([
        { name: 'jmx-exporter', mountPath: '/opt/jmx-exporter', readOnly: true },
        { name: 'jmx-exporter-rules', mountPath: '/etc/jmx-exporter', readOnly: true },
      ]));
      expect(spec.volumes).toContainEqual({ name: 'jmx-exporter-rules', configMap: { name: 'kafka-metrics' } });
      expect(kafkaContainer.securityContext.readOnlyRootFilesystem).toBe(true);
    }
    expect(find(objects, 'ConfigMap', 'kafka-metrics').data['config.yaml']).toBe(KAFKA_JMX_EXPORTER_RULES);
    const service = find(objects, 'Service', 'kafka-metrics');
    expect(service.spec.ports).toEqual([{ name: 'metrics', port: 9404, targetPort: 'metrics' }]);
    const monitor = find(objects, 'PodMonitor', 'kafka');
    expect(monitor.metadata.labels.release).toBe('kube-prometheus-stack');
    expect(monitor.spec.podMetricsEndpoints).toEqual([{ port: 'metrics', path: '/metrics' }]);
    for (const name of ['kafka', 'kafka-controller']) {
      const podLabels = find(objects, 'StatefulSet', name).spec.template.metadata.labels;
      expect(selects(service.spec.selector, podLabels)).toBe(true);
      expect(selects(monitor.spec.selector.matchLabels, podLabels)).toBe(true);
    }
  });

  test('a ServiceMonitor selects the metrics Service', () => {
    const chart = testChart();
    new KafkaCluster(chart, 'kafka', { replicas: 3, metrics: { port: 7071, monitor: { kind: MonitorKind.SERVICE_MONITOR } } });
    const objects = synthValid(chart);
    const monitor = find(objects, 'ServiceMonitor', 'kafka');
    expect(selects(monitor.spec.selector.matchLabels, find(objects, 'Service', 'kafka-metrics').metadata.labels)).toBe(true);
    expect(selects(monitor.spec.selector.matchLabels, find(objects, 'Service', 'kafka-hs').metadata.labels)).toBe(false);
    expect(find(objects, 'Service', 'kafka-metrics').spec.ports[0].port).toBe(7071);
  });

  test('a configuration of the user\'s replaces the rules, and a change of it rolls the pods', () => {
    const build = (config?: string) => {
      const chart = testChart();
      new KafkaCluster(chart, 'kafka', { replicas: 3, metrics: { config } });
      const objects = synthValid(chart);
      const init = find(objects, 'StatefulSet', 'kafka').spec.template.spec.initContainers.find((c: Manifest) => c.name === 'jmx-exporter');
      return { rules: find(objects, 'ConfigMap', 'kafka-metrics').data['config.yaml'], hash: init.env[0].value };
    };
    const own = build('rules:\n- pattern: ".*"\n');
    expect(own.rules).toBe('rules:\n- pattern: ".*"\n');
    expect(own.hash).not.toBe(build().hash);
    expect(build('rules: []\n').hash).not.toBe(own.hash);
  });

  test('no metrics objects without metrics', () => {
    const chart = testChart();
    new KafkaCluster(chart, 'kafka', { replicas: 3 });
    const objects = synthValid(chart);
    expect(objects.filter((object) => object.metadata.name === 'kafka-metrics')).toEqual([]);
    expect(find(objects, 'StatefulSet', 'kafka').spec.template.spec.initContainers.map((c: Manifest) => c.name)).toEqual(['config']);
  });

  test('the rules name every metric the kafka gate reads, ISR changes and request latency', () => {
    const config = parse(KAFKA_JMX_EXPORTER_RULES);
    expect(config.lowercaseOutputName).toBe(true);
    const rules = config.rules as Rule[];
    expect(exportedSample(rules, 'kafka.server<type=ReplicaManager, name=UnderReplicatedPartitions><>Value')?.name).toBe(UNDER_REPLICATED);
    expect(exportedSample(rules, 'kafka.server<type=ReplicaManager, name=UnderMinIsrPartitionCount><>Value')?.name).toBe(UNDER_MIN_ISR);
    expect(exportedSample(rules, 'kafka.controller<type=KafkaController, name=OfflinePartitionsCount><>Value')?.name).toBe(OFFLINE_PARTITIONS);
    expect(exportedSample(rules, 'kafka.cluster<type=Partition, name=UnderReplicated, topic=orders, partition=3><>Value'))
      .toEqual({ name: PARTITION_UNDER_REPLICATED, labels: { topic: 'orders', partition: '3' } });
    expect(exportedSample(rules, 'kafka.cluster<type=Partition, name=UnderMinIsr, topic=orders, partition=3><>Value')?.name).toBe(PARTITION_UNDER_MIN_ISR);
    expect(exportedSample(rules, 'kafka.server<type=ReplicaManager, name=IsrShrinksPerSec><>Count')?.name).toBe('kafka_server_replicamanager_isrshrinks_total');
    expect(exportedSample(rules, 'kafka.server<type=ReplicaManager, name=IsrExpandsPerSec><>Count')?.name).toBe('kafka_server_replicamanager_isrexpands_total');
    expect(exportedSample(rules, 'kafka.network<type=RequestMetrics, name=TotalTimeMs, request=Produce><>99thPercentile'))
      .toEqual({ name: 'kafka_network_requestmetrics_totaltimems', labels: { request: 'Produce', quantile: '0.99' } });
    expect(config.includeObjectNames).toContain('kafka.network:type=RequestMetrics,name=TotalTimeMs,*');
  });

  test.each<[string, object, string, string]>([
    ['a listener\'s port', { port: 9092 }, 'metrics.port', 'the listener PLAINTEXT (listeners) uses 9092'],
    ['a jar path with a space', { agentJar: '/opt/my agent.jar' }, 'metrics.agentJar', 'use an absolute path of a .jar'],
    ['an image with a space', { agentImage: 'a b' }, 'metrics.agentImage', 'name an image with its tag'],
    ['a blank configuration', { config: ' ' }, 'metrics.config', 'give the exporter\'s YAML configuration'],
    ['a configuration indented with tabs', { config: 'rules:\n\t- pattern: x' }, 'metrics.config', 'YAML forbids tabs'],
    ['a bad monitor label', { monitor: { labels: { 'a b': 'x' } } }, 'metrics.monitor.labels key', ''],
  ])('rejects %s', (_, metrics, property, fix) => {
    const error = thrownValidationError(() => new KafkaCluster(testChart(), 'kafka', { metrics }));
    expect(error.path).toBe('test/kafka');
    expect(error.property).toBe(property);
    expect(error.fix).toContain(fix);
  });

  describe('the rollout\'s data-aware gates', () => {
    function errors(metrics: object | undefined, gate: RolloutGate): string[] {
      const chart = testChart();
      new KafkaCluster(chart, 'kafka', { replicas: 3, metrics, rollout: StatefulSetRollout.staged(PartitionPlan.canary(), { gates: [gate] }) });
      return validationErrors(chart);
    }

    test('the kafka gate needs the metrics port it reads', () => {
      expect(errors(undefined, RolloutGate.kafka())).toEqual([
        'test/kafka: rollout.gates: "kafka" is not valid; the kafka gate reads each broker\'s container port named "metrics", which only `metrics` adds:'
        + ' set metrics (the JMX exporter), or give the gate the metricsPort of your own exporter',
      ]);
      expect(errors({}, RolloutGate.kafka({ minIsr: true }))).toEqual([]);
      expect(errors(undefined, RolloutGate.kafka({ metricsPort: 7071 }))).toEqual([]);
    });

    test('the zookeeper gate belongs on the ensemble', () => {
      expect(errors({}, RolloutGate.zookeeper())).toEqual([
        expect.stringContaining('test/kafka: rollout.gates: "zookeeper" is not valid; the zookeeper gate reads ZooKeeper\'s metrics'),
      ]);
    });
  });
});

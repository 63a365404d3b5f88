// runDataGate with its I/O faked: the kafka gate's Prometheus source, the metrics port, and polling on the clock.
import { RuntimeClock } from '../../../src/runtime/clock';
import { Cluster, ClusterError } from '../../../src/runtime/cluster/cluster';
import { KubePod } from '../../../src/runtime/kube/kube-types';
import { DATA_GATE_POLL_MS, runDataGate } from '../../../src/runtime/promotion/data-gates';
import { KafkaGateSpec, ZooKeeperGateSpec } from '../../../src/runtime/promotion/gate-spec';

/**
 * A clock that moves only when the gate sleeps between polls; the time limit of a reading (a sleep with a signal)
 * never fires, so every reading answers.
 */
function steppingClock(): RuntimeClock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms, signal) => {
      if (signal) {
        return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      }
      slept.push(ms);
      now += ms;
    },
  };
}

const pod = (name: string, metricsPort?: number): KubePod => ({
  metadata: { name },
  spec: { containers: [{ name: 'kafka', ports: metricsPort === undefined ? [] : [{ name: 'metrics', containerPort: metricsPort }] }] },
} as KubePod);

const noCluster = { podProxyGet: () => Promise.reject(new Error('not used')) } as unknown as Cluster;
const kafka: KafkaGateSpec = { type: 'kafka', text: 'kafka', minIsr: false };

describe('runDataGate', () => {
  test('kafka through Prometheus: one query over the workload\'s pods, samples attributed by their pod label', async () => {
    const urls: string[] = [];
    const clock = steppingClock();
    const result = await runDataGate(kafka, {
      cluster: noCluster,
      namespace: 'data',
      pods: () => [pod('kafka-1'), pod('kafka-0')],
      prometheusUrl: 'http://prom:9090/',
      timeoutMs: 1_000,
      io: {
        clock,
        fetch: async (url) => {
          urls.push(url);
          const sample = (name: string, podName: string, value: string) => ({ metric: { __name__: name, namespace: 'data', pod: podName }, value: [1, value] });
          return {
            status: 200,
            text: async () => JSON.stringify({
              status: 'success',
              data: {
                resultType: 'vector',
                result: [
                  sample('kafka_server_replicamanager_underreplicatedpartitions', 'kafka-0', '0'),
                  sample('kafka_server_replicamanager_underreplicatedpartitions', 'kafka-1', '4'),
                  sample('kafka_controller_kafkacontroller_offlinepartitionscount', 'kafka-0', '0'),
                ],
              },
            }),
          };
        },
      },
    });
    expect(decodeURIComponent(urls[0])).toBe('http://prom:9090/api/v1/query?query={__name__=~"kafka_server_replicamanager_underreplicatedpartitions|'
      + 'kafka_controller_kafkacontroller_offlinepartitionscount|kafka_server_replicamanager_underminisrpartitioncount|'
      + 'kafka_cluster_partition_underreplicated|kafka_cluster_partition_underminisr",namespace="data",pod=~"kafka-0|kafka-1"}');
    expect(result).toEqual({ gate: 'kafka', passed: false, message: 'kafka: kafka-1 reports 4 under-replicated partitions (still so after 1s)' });
    // Read at once, then every poll interval (the last one cut to what was left).
    expect(clock.slept).toEqual([1_000]);
  });

  test('the metrics port: the gate\'s own, else the container port named metrics, else a message saying how to give one', async () => {
    const asked: string[] = [];
    const cluster = {
      podProxyGet: async (namespace: string, name: string, port: number, path: string) => {
        asked.push(`${namespace}/${name}:${port}/${path}`);
        return '# TYPE quorum_size gauge\nquorum_size 1\nsynced_followers 0\n';
      },
    } as unknown as Cluster;
    const context = { cluster, namespace: 'zk', pods: () => [pod('zk-0', 7000)], io: { clock: steppingClock(), fetch: () => Promise.reject(new Error('unused')) }, timeoutMs: 0 };
    const gate: ZooKeeperGateSpec = { type: 'zookeeper', text: 'zookeeper' };
    expect(await runDataGate(gate, context)).toEqual({ gate: 'zookeeper', passed: true, message: 'zookeeper: leader zk-0 with 0 of 0 followers synced (quorum size 1)' });
    expect(await runDataGate({ ...gate, port: 7001 }, context)).toMatchObject({ passed: true });
    expect(asked).toEqual(['zk/zk-0:7000/metrics', 'zk/zk-0:7001/metrics']);
    expect(await runDataGate(gate, { ...context, pods: () => [pod('zk-0')] })).toEqual({
      gate: 'zookeeper',
      passed: false,
      message: 'zookeeper: zk-0: no container port named "metrics"; name the metrics port so, or give it: zookeeper:port=PORT; no server reports being leader (still so after 0s)',
    });
  });

  test('a failing gate polls every interval until it passes', async () => {
    const clock = steppingClock();
    let reads = 0;
    const cluster = {
      podProxyGet: async () => `kafka_server_replicamanager_underreplicatedpartitions ${++reads < 3 ? 1 : 0}\n`,
    } as unknown as Cluster;
    const result = await runDataGate(kafka, { cluster, namespace: 'd', pods: () => [pod('kafka-0', 9404)], io: { clock, fetch: () => Promise.reject(new Error('unused')) }, timeoutMs: 60_000 });
    expect(result.passed).toBe(true);
    expect(result.message).toBe(`kafka: 1 broker: no under-replicated or offline partitions (no broker reports kafka_controller_kafkacontroller_offlinepartitionscount: offline partitions of a KRaft controller quorum are not checked) (after ${2 * DATA_GATE_POLL_MS / 1000}s)`);
    expect(clock.slept).toEqual([DATA_GATE_POLL_MS, DATA_GATE_POLL_MS]);
  });

  test('a pod proxy request the account may not make (403) is not a gate failure to wait out: it stops the gate at once; other errors are readings', async () => {
    const clock = steppingClock();
    const forbidden = new ClusterError(403, 'pods "kafka-0" is forbidden: User "u" cannot get resource "pods/proxy" in API group "" in the namespace "d"', { reason: 'Forbidden' });
    const context = (error: Error) => ({
      cluster: { podProxyGet: () => Promise.reject(error) } as unknown as Cluster,
      namespace: 'd',
      pods: () => [pod('kafka-0', 9404)],
      io: { clock, fetch: () => Promise.reject(new Error('unused')) },
      timeoutMs: 60_000,
    });
    await expect(runDataGate(kafka, context(forbidden))).rejects.toBe(forbidden);
    expect(clock.slept).toEqual([]);
    expect(await runDataGate(kafka, { ...context(new ClusterError(503, 'unavailable')), timeoutMs: 0 })).toMatchObject({ passed: false });
  });
});

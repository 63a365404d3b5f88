// Whether a Kafka cluster may lose a broker now: the decision of the `kafka` gate over what each broker's JMX exporter
// reports (the metric names of prometheus/jmx_exporter's example_configs/kafka-2_0_0.yml, whose generic gauge rule
// turns `kafka.server<type=ReplicaManager, name=UnderReplicatedPartitions><>Value` into
// kafka_server_replicamanager_underreplicatedpartitions). Pure: the readings in, the verdict and its message out.
import { HealthVerdict, PodReading } from './pod-reading';

/** ReplicaManager.UnderReplicatedPartitions: partitions this broker leads whose ISR is smaller than the replica set. */
export const UNDER_REPLICATED = 'kafka_server_replicamanager_underreplicatedpartitions';
/** KafkaController.OfflinePartitionsCount: partitions without a live leader, reported by the active controller. */
export const OFFLINE_PARTITIONS = 'kafka_controller_kafkacontroller_offlinepartitionscount';
/** ReplicaManager.UnderMinIsrPartitionCount: partitions this broker leads whose ISR is below min.insync.replicas. */
export const UNDER_MIN_ISR = 'kafka_server_replicamanager_underminisrpartitioncount';
/** Partition.UnderReplicated by topic and partition (1 when under-replicated), when the exporter keeps it. */
export const PARTITION_UNDER_REPLICATED = 'kafka_cluster_partition_underreplicated';
/** Partition.UnderMinIsr by topic and partition, when the exporter keeps it. */
export const PARTITION_UNDER_MIN_ISR = 'kafka_cluster_partition_underminisr';

/** Every metric the gate reads. */
export const KAFKA_GATE_METRICS = [UNDER_REPLICATED, OFFLINE_PARTITIONS, UNDER_MIN_ISR, PARTITION_UNDER_REPLICATED, PARTITION_UNDER_MIN_ISR];

/**
 * The `kafka` gate's verdict: every broker's metrics readable, no under-replicated partitions on any broker, no
 * offline partitions (summed over brokers, since only the active controller reports them), and with `minIsr` no
 * partition under min.insync.replicas.
 */
export function kafkaHealth(brokers: readonly PodReading[], minIsr: boolean): HealthVerdict {
  if (brokers.length === 0) {
    return { passed: false, message: 'no broker pods to read metrics from' };
  }
  const problems: string[] = [];
  let offline = 0;
  let offlineReported = false;
  for (const broker of brokers) {
    if (broker.error !== undefined || !broker.samples) {
      problems.push(`${broker.pod}: ${broker.error ?? 'no metrics'}`);
      continue;
    }
    const samples = broker.samples;
    const countOf = (metric: string, one: string, many: string, byPartition: string) => {
      const values = samples.filter((sample) => sample.name === metric).map((sample) => sample.value);
      if (values.length === 0) {
        problems.push(`${broker.pod} does not report ${metric} (is the JMX exporter's Kafka rule set loaded?)`);
        return;
      }
      const count = values.reduce((sum, value) => sum + value, 0);
      if (count > 0 || Number.isNaN(count)) {
        const partitions = samples.filter((sample) => sample.name === byPartition && sample.value > 0)
          .map((sample) => `${sample.labels.topic}-${sample.labels.partition}`);
        problems.push(`${broker.pod} reports ${count} ${count === 1 ? one : many}${partitions.length > 0 ? ` (${partitions.join(', ')})` : ''}`);
      }
    };
    countOf(UNDER_REPLICATED, 'under-replicated partition', 'under-replicated partitions', PARTITION_UNDER_REPLICATED);
    if (minIsr) {
      countOf(UNDER_MIN_ISR, 'partition under min.insync.replicas', 'partitions under min.insync.replicas', PARTITION_UNDER_MIN_ISR);
    }
    const offlineSamples = samples.filter((sample) => sample.name === OFFLINE_PARTITIONS);
    if (offlineSamples.length > 0) {
      offlineReported = true;
      const count = offlineSamples.reduce((sum, sample) => sum + sample.value, 0);
      offline += count;
      if (count > 0 || Number.isNaN(count)) {
        problems.push(`${broker.pod} (controller) reports ${count} offline partition${count === 1 ? '' : 's'}`);
      }
    }
  }
  if (problems.length > 0) {
    return { passed: false, message: problems.join('; ') };
  }
  const checked = minIsr ? 'no under-replicated, offline or under-min-ISR partitions' : 'no under-replicated or offline partitions';
  const controller = offlineReported ? '' : ` (no broker reports ${OFFLINE_PARTITIONS}: offline partitions of a KRaft controller quorum are not checked)`;
  return { passed: offline === 0, message: `${brokers.length} broker${brokers.length === 1 ? '' : 's'}: ${checked}${controller}` };
}

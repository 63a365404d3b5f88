// A KRaft Kafka cluster with three dedicated controllers and three brokers, spread over zones, whose
// upgrades are staged: nothing moves until `kubectl-stage promote` walks the canary plan.
import { App, Chart, Size } from 'cdk8s';
import { KafkaCluster, PartitionPlan, StatefulSetRollout } from '../src';

/** Builds the app into `outdir` (call `synth()` on the result to write it). */
export function buildKafkaKraftApp(outdir: string): App {
  const app = new App({ outdir });
  const chart = new Chart(app, 'kafka-kraft', { namespace: 'streaming' });
  new KafkaCluster(chart, 'kafka', {
    name: 'events',
    replicas: 3,
    controllers: 3,
    storageSize: Size.gibibytes(100),
    topologySpreadKey: 'topology.kubernetes.io/zone',
    rollout: StatefulSetRollout.staged(PartitionPlan.canary()),
    changeCause: 'events: Kafka 4.1.0',
  });
  return app;
}

// The seed's blog setup: a 3-server `zk` ensemble, a 3-broker `kafka` in ZooKeeper mode (both Parallel) and
// node-exporter on every node with a RollingUpdate.
import { App, Chart } from 'cdk8s';
import { KafkaCluster, NodeExporter, ZooKeeperEnsemble } from '../src';

/** What changes from one release of the blog app to the next. */
export interface BlogRelease {
  /** The Kafka brokers' image. @default KafkaCluster's (apache/kafka:3.9.1 in ZooKeeper mode) */
  readonly kafkaImage?: string;
}

/** Builds the app into `outdir` (call `synth()` on the result to write it). */
export function buildBlogApp(outdir: string, release: BlogRelease = {}): App {
  const app = new App({ outdir });
  const chart = new Chart(app, 'blog');
  const zk = new ZooKeeperEnsemble(chart, 'zk', { name: 'zk', replicas: 3 });
  new KafkaCluster(chart, 'kafka', { name: 'kafka', replicas: 3, zooKeeper: zk, image: release.kafkaImage });
  new NodeExporter(chart, 'node-exporter');
  return app;
}

// The seed's blog setup: a 3-server `zk` ensemble, a 3-broker `kafka` in ZooKeeper mode (both Parallel) and
// node-exporter on every node with a RollingUpdate. blog-app-secure.ts builds the same shape with production settings.
import { App, Chart } from 'cdk8s';
import { KafkaCluster, KafkaClusterProps, NodeExporter, ZooKeeperEnsemble, ZooKeeperEnsembleProps } from '../src';

/** What changes from one release of the blog app to the next. */
export interface BlogRelease {
  /** The Kafka brokers' image. @default KafkaCluster's (apache/kafka:3.9.1 in ZooKeeper mode) */
  readonly kafkaImage?: string;
  /** The ZooKeeper servers' image. @default ZooKeeperEnsemble's (zookeeper:3.9.5) */
  readonly zooKeeperImage?: string;
}

/** Settings of the blog app's ensemble and brokers beyond the seed's shape (names, sizes, the ZooKeeper link). */
export interface BlogAppOptions {
  /** Props of the `zk` ensemble. @default - the seed's: none beyond its name and three servers */
  readonly zooKeeper?: Omit<ZooKeeperEnsembleProps, 'name' | 'replicas' | 'image'>;
  /** Props of the `kafka` cluster. @default - the seed's: none beyond its name, three brokers and the ensemble */
  readonly kafka?: Omit<KafkaClusterProps, 'name' | 'replicas' | 'zooKeeper' | 'image'>;
}

/** Builds the app into `outdir` (call `synth()` on the result to write it). */
export function buildBlogApp(outdir: string, release: BlogRelease = {}, options: BlogAppOptions = {}): App {
  const app = new App({ outdir });
  const chart = new Chart(app, 'blog');
  const zk = new ZooKeeperEnsemble(chart, 'zk', { ...options.zooKeeper, name: 'zk', replicas: 3, image: release.zooKeeperImage });
  new KafkaCluster(chart, 'kafka', { ...options.kafka, name: 'kafka', replicas: 3, zooKeeper: zk, image: release.kafkaImage });
  new NodeExporter(chart, 'node-exporter');
  return app;
}

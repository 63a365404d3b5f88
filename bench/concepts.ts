// The workloads the benchmark synthesizes: for each concept, how to add instance `i` with our construct and
// with the hand-written cdk8s-plus-28 baseline that produces the same objects.
import { Chart } from 'cdk8s';
import { addKafkaBaseline } from './baselines/kafka-baseline';
import { addNodeExporterBaseline } from './baselines/node-exporter-baseline';
import { addZooKeeperBaseline } from './baselines/zookeeper-baseline';
import { KafkaCluster } from '../src/kafka-cluster';
import { NodeExporter } from '../src/node-exporter';
import { ZooKeeperEnsemble } from '../src/zookeeper-ensemble';

/** One benchmarked concept: a name and how each side adds its `index`-th instance to a chart. */
export interface BenchConcept {
  /** Short name used on the command line and in the results table. */
  readonly name: string;
  /** Adds instance `index` (its own names) to `chart` using our construct. */
  addOurs(chart: Chart, index: number): void;
  /** Adds instance `index` to `chart` as a user without this library would write it (cdk8s-plus-28 and L1). */
  addBaseline(chart: Chart, index: number): void;
}

/** Name of instance `index`: the name of its workload, and the prefix of its other objects' names. */
export function instanceName(concept: string, index: number): string {
  return `${concept}-bench-${index}`;
}

/** Namespace of every instance: the benchmark chart has none, so our constructs use `default` and so do the baselines. */
const NAMESPACE = 'default';

/** The three constructs issue 6 benchmarks. */
export const CONCEPTS: readonly BenchConcept[] = [
  {
    name: 'kafka',
    addOurs: (chart, i) => new KafkaCluster(chart, `kafka-${i}`, { name: instanceName('kafka', i) }),
    addBaseline: (chart, i) => addKafkaBaseline(chart, `kafka-${i}`, instanceName('kafka', i), NAMESPACE),
  },
  {
    name: 'zookeeper',
    addOurs: (chart, i) => new ZooKeeperEnsemble(chart, `zookeeper-${i}`, { name: instanceName('zookeeper', i) }),
    addBaseline: (chart, i) => addZooKeeperBaseline(chart, `zookeeper-${i}`, instanceName('zookeeper', i), NAMESPACE),
  },
  {
    name: 'node-exporter',
    addOurs: (chart, i) => new NodeExporter(chart, `node-exporter-${i}`, { name: instanceName('node-exporter', i), scrapeService: true }),
    addBaseline: (chart, i) => addNodeExporterBaseline(chart, `node-exporter-${i}`, instanceName('node-exporter', i), NAMESPACE),
  },
];

/** Looks a concept up by name; the error lists the valid names. */
export function conceptNamed(name: string): BenchConcept {
  const concept = CONCEPTS.find((c) => c.name === name);
  if (!concept) {
    throw new Error(`concept '${name}' is unknown; valid: ${CONCEPTS.map((c) => c.name).join(', ')}`);
  }
  return concept;
}

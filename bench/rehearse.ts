// Rehearsal benchmark (issue 17): `rehearse()` of a release, from two YAML texts to the report, in one fresh process:
// the sandbox started on virtual time, the old release loaded and Ready, the new one promoted step by step. The wall
// time is the whole call, what `kubectl-stage rehearse` costs a CI job after Node has started.
import { performance } from 'perf_hooks';
import { App, Chart, Yaml } from 'cdk8s';
import { benchStatefulSet } from './bench-workloads';
import { KafkaCluster, NodeExporter, ZooKeeperEnsemble } from '../src';
import { rehearse } from '../src/rehearsal/rehearse';

/** The cases: the blog app's three workloads on 3 nodes, and one 100-replica StatefulSet. */
export const REHEARSAL_CASES = ['blog-app', 'statefulset-100'] as const;

/** One of {@link REHEARSAL_CASES}. */
export type RehearsalCase = typeof REHEARSAL_CASES[number];

/** What one rehearsal measured. */
export interface RehearsalMeasurement {
  readonly name: RehearsalCase;
  /** Wall time of the `rehearse()` call, in ms. */
  readonly wallMs: number;
  /** CPU time (user + system) of the same span, in ms. */
  readonly cpuMs: number;
  /** Simulated time of the promotions, from the report, in ms. */
  readonly virtualMs: number;
  /** Workloads promoted. */
  readonly workloads: number;
  /** Steps rehearsed, over every workload. */
  readonly steps: number;
  /** Whether every promotion completed. */
  readonly succeeded: boolean;
}

// The blog app (3-broker Kafka in ZooKeeper mode, a 3-server ensemble, node-exporter) with every image of `version`.
function blogRelease(version: 1 | 2): string {
  const chart = new Chart(new App(), 'blog');
  const zk = new ZooKeeperEnsemble(chart, 'zk', { name: 'zk', replicas: 3, image: version === 1 ? 'zookeeper:3.9.3' : 'zookeeper:3.9.4' });
  new KafkaCluster(chart, 'kafka', { name: 'kafka', replicas: 3, zooKeeper: zk, image: version === 1 ? 'apache/kafka:3.9.1' : 'apache/kafka:3.9.2' });
  new NodeExporter(chart, 'node-exporter', { image: version === 1 ? 'quay.io/prometheus/node-exporter:v1.12.1' : 'quay.io/prometheus/node-exporter:v1.13.0' });
  return Yaml.stringify(...chart.toJson());
}

// The case's two releases and the rehearsal's options.
function rehearsalOf(name: RehearsalCase): Parameters<typeof rehearse>[0] {
  if (name === 'blog-app') {
    return { from: blogRelease(1), to: blogRelease(2), nodes: 3, plan: undefined, soakMs: 0 };
  }
  return {
    from: Yaml.stringify(benchStatefulSet('web', 100, 'app:1')),
    to: Yaml.stringify(benchStatefulSet('web', 100, 'app:2')),
    nodes: 3,
    plan: 'canary,10%,50%,100%',
    soakMs: 0,
  };
}

/** Rehearses the case once and measures the call. */
export async function measureRehearsal(name: RehearsalCase): Promise<RehearsalMeasurement> {
  const options = rehearsalOf(name);
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const report = await rehearse(options);
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  return {
    name,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    virtualMs: report.durationMs,
    workloads: report.workloads.length,
    steps: report.workloads.reduce((total, workload) => total + workload.steps.length, 0),
    succeeded: report.succeeded,
  };
}

// Child-process entry: `rehearse.ts <case>` prints one JSON RehearsalMeasurement line.
if (require.main === module) {
  measureRehearsal(process.argv[2] as RehearsalCase).then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (error) => {
      process.stderr.write(`${error.stack ?? error}\n`);
      process.exitCode = 1;
    });
}

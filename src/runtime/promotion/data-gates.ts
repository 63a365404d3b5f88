// The data-aware gates (`kafka`, `zookeeper`): read the workload's own pods' metrics, through the API server's pod
// proxy (so a promoter on a laptop reaches them; RBAC `get` on `pods/proxy`) or, for Kafka when a Prometheus server is
// given, through Prometheus; decide with kafka-health.ts / zookeeper-health.ts; and poll on the runtime clock until the
// cluster is healthy or the gate's time is up. Run before the first step and after each soak.
import { GateIo, GateResult, promSamples } from './external-gates';
import { DataGateSpec } from './gate-spec';
import { KAFKA_GATE_METRICS, kafkaHealth } from './kafka-health';
import { HealthVerdict, PodReading } from './pod-reading';
import { MetricSample, parsePrometheusText } from './prometheus-text';
import { zookeeperHealth } from './zookeeper-health';
import { Cluster, ClusterError } from '../cluster/cluster';
import { formatDuration } from '../duration';
import { KubePod } from '../kube/kube-types';

/** The container port a data-aware gate reads when the gate names none. */
export const METRICS_PORT_NAME = 'metrics';

/** How often a failing data-aware gate reads the metrics again, in ms. */
export const DATA_GATE_POLL_MS = 5000;

/** What a data-aware gate reads through. */
export interface DataGateContext {
  readonly cluster: Cluster;
  /** The workload's namespace. */
  readonly namespace: string;
  /** The workload's pods as observed now (asked again at every reading). */
  readonly pods: () => readonly KubePod[];
  /** `fetch` for Prometheus, and the clock the polls wait on. */
  readonly io: Pick<GateIo, 'fetch' | 'clock'>;
  /** The Prometheus server; a `kafka` gate reads through it when set. @default the pod proxy */
  readonly prometheusUrl?: string;
  /** How long the gate waits for the cluster to be healthy before it fails, in ms. */
  readonly timeoutMs: number;
  /** Stops the polls. @default never */
  readonly signal?: AbortSignal;
  /** Told what a failing reading found before the gate reads again, when it differs from the last one. @default none */
  readonly onWaiting?: (message: string) => void;
}

/**
 * Runs a data-aware gate: reads and decides at once, then every {@link DATA_GATE_POLL_MS} while it fails, until it
 * passes or `timeoutMs` has passed; never throws (an error reading is a failing reading, with the error in its message).
 */
export async function runDataGate(spec: DataGateSpec, context: DataGateContext): Promise<GateResult> {
  const { clock } = context.io;
  const start = clock.now();
  let told = '';
  for (;;) {
    const remaining = start + context.timeoutMs - clock.now();
    const verdict = await readWithin(spec, context, Math.max(remaining, 1));
    const waited = clock.now() - start;
    if (verdict.passed) {
      return { gate: spec.text, passed: true, message: `${spec.text}: ${verdict.message}${waited > 0 ? ` (after ${formatDuration(waited)})` : ''}` };
    }
    const left = start + context.timeoutMs - clock.now();
    if (left <= 0 || context.signal?.aborted) {
      return { gate: spec.text, passed: false, message: `${spec.text}: ${verdict.message} (still so after ${formatDuration(context.timeoutMs)})` };
    }
    if (verdict.message !== told) {
      told = verdict.message;
      context.onWaiting?.(`${spec.text}: ${verdict.message}`);
    }
    await clock.sleep(Math.min(DATA_GATE_POLL_MS, left), context.signal).catch(() => undefined);
  }
}

// One reading and its verdict, given up after `ms`.
async function readWithin(spec: DataGateSpec, context: DataGateContext, ms: number): Promise<HealthVerdict> {
  const controller = new AbortController();
  const timeout = context.io.clock.sleep(ms, controller.signal)
    .then((): HealthVerdict => ({ passed: false, message: `no metrics within ${formatDuration(ms)}` }), () => undefined);
  try {
    const verdict = await Promise.race([readOnce(spec, context, controller.signal), timeout]);
    return verdict ?? { passed: false, message: 'interrupted' };
  } catch (error) {
    if (ClusterError.is(error, 403)) {
      throw error;
    }
    return { passed: false, message: (error as Error).message };
  } finally {
    controller.abort();
  }
}

async function readOnce(spec: DataGateSpec, context: DataGateContext, signal: AbortSignal): Promise<HealthVerdict> {
  const pods = [...context.pods()].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '', 'en', { numeric: true }));
  if (spec.type === 'zookeeper') {
    return zookeeperHealth(await readThroughPodProxy(pods, spec, context));
  }
  const readings = context.prometheusUrl
    ? await readThroughPrometheus(pods, context, context.prometheusUrl, signal)
    : await readThroughPodProxy(pods, spec, context);
  return kafkaHealth(readings, spec.minIsr);
}

/**
 * Each pod's metrics page, read through the API server's pod proxy on the gate's port or the pod's `metrics` port (also
 * how an ordered restart finds the leader).
 */
export async function readThroughPodProxy(pods: readonly KubePod[], spec: Pick<DataGateSpec, 'type' | 'port'>,
  context: Pick<DataGateContext, 'cluster' | 'namespace'>): Promise<PodReading[]> {
  return Promise.all(pods.map(async (pod): Promise<PodReading> => {
    const name = pod.metadata.name ?? '';
    const port = spec.port ?? metricsPortOf(pod);
    if (port === undefined) {
      return { pod: name, error: `no container port named "${METRICS_PORT_NAME}"; name the metrics port so, or give it: ${spec.type}:port=PORT` };
    }
    let text: string;
    try {
      text = await context.cluster.podProxyGet(context.namespace, name, port, 'metrics');
    } catch (error) {
      // A refusal is the account's RBAC (no `get` on pods/proxy), not the pod's health: waiting changes nothing, and
      // failing the gate would roll a healthy step back. It stops the promotion where it is, saying so.
      if (ClusterError.is(error, 403)) {
        throw error;
      }
      return { pod: name, error: `metrics unreachable on port ${port} (${(error as Error).message})` };
    }
    try {
      return { pod: name, samples: parsePrometheusText(text) };
    } catch (error) {
      return { pod: name, error: `metrics on port ${port} unreadable (${(error as Error).message})` };
    }
  }));
}

/**
 * The brokers' samples from Prometheus: one instant query for every metric the gate reads, over the workload's pods by
 * the `namespace` and `pod` labels that the Prometheus operator's PodMonitor and ServiceMonitor (and the usual
 * kubernetes_sd relabelling) attach.
 */
async function readThroughPrometheus(pods: readonly KubePod[], context: DataGateContext, prometheusUrl: string,
  signal: AbortSignal): Promise<PodReading[]> {
  const names = pods.map((pod) => pod.metadata.name ?? '');
  const query = `{__name__=~"${KAFKA_GATE_METRICS.join('|')}",namespace="${context.namespace}",pod=~"${names.join('|')}"}`;
  const url = `${prometheusUrl.replace(/\/+$/, '')}/api/v1/query?query=${encodeURIComponent(query)}`;
  const response = await context.io.fetch(url, { signal });
  const body = await response.text();
  if (response.status < 200 || response.status >= 300) {
    throw new Error(`Prometheus answered ${response.status} for ${query}: ${body.slice(0, 200)}`);
  }
  const samples = promSamples(JSON.parse(body));
  return names.map((pod) => {
    const own: MetricSample[] = samples.filter((sample) => sample.labels.pod === pod)
      .map((sample) => ({ name: sample.labels.__name__ ?? '', labels: sample.labels, value: sample.value }));
    return own.length > 0 ? { pod, samples: own } : { pod, error: 'Prometheus has no samples of it (is it scraped, with namespace and pod labels?)' };
  });
}

/** The number of the pod's container port named `metrics`, if any. */
export function metricsPortOf(pod: KubePod): number | undefined {
  for (const container of pod.spec?.containers ?? []) {
    const port = container.ports?.find((candidate) => candidate.name === METRICS_PORT_NAME);
    if (port) {
      return port.containerPort;
    }
  }
  return undefined;
}

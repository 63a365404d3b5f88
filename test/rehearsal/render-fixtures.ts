// Hand-made rehearsal reports for the renderers' tests: a canary walked to the end, a canary that failed and was
// rolled back over a violated PodDisruptionBudget, a DaemonSet node canary, and a 60-replica linear walk long enough to fold.
import { PodFailureMode } from '../../src/internal/pod-failure-conventions';
import { RehearsalReport, RehearsedStep, RehearsedWorkload } from '../../src/rehearsal/rehearsal-report';

const kafkaImage = { path: 'spec.containers[kafka].image', from: 'apache/kafka:3.9.1', to: 'apache/kafka:3.9.2' };

/** Kafka walked canary first: kafka-2, then kafka-1 and kafka-0. */
export const completedKafka: RehearsedWorkload = {
  kind: 'StatefulSet',
  namespace: 'default',
  name: 'kafka',
  changes: [kafkaImage],
  plan: 'canary',
  planSource: 'annotation',
  steps: [
    { step: 0, pods: [], startMs: 0, durationMs: 0, maxUnavailable: 0, budgets: [{ budget: 'kafka', minHealthy: 3, desiredHealthy: 2, violated: false }], result: 'passed' },
    { step: 1, pods: ['kafka-2'], startMs: 0, durationMs: 130_000, maxUnavailable: 1, budgets: [{ budget: 'kafka', minHealthy: 2, desiredHealthy: 2, violated: false }], result: 'passed' },
    { step: 2, pods: ['kafka-1', 'kafka-0'], startMs: 130_000, durationMs: 250_000, maxUnavailable: 1, budgets: [{ budget: 'kafka', minHealthy: 2, desiredHealthy: 2, violated: false }], result: 'passed' },
  ],
  outcome: 'complete',
  message: 'promotion complete: every pod of statefulset/kafka is on revision kafka-7d9f',
  durationMs: 380_000,
  maxUnavailable: 1,
};

/** Every promotion complete. */
export const completedReport: RehearsalReport = {
  workloads: [completedKafka],
  otherChanges: ['ConfigMap/default/kafka-config'],
  failures: [],
  nodes: 3,
  durationMs: 380_000,
  succeeded: true,
  warnings: [],
};

/** Kafka's canary cannot pull its image; the update is rolled back, and the rollback took kafka below its budget. */
export const rolledBackKafka: RehearsedWorkload = {
  ...completedKafka,
  changes: [{ ...kafkaImage, to: 'apache/kafka:bad' }],
  plan: 'canary',
  planSource: 'option',
  steps: [
    completedKafka.steps[0],
    {
      step: 1,
      pods: ['kafka-2'],
      startMs: 0,
      durationMs: 600_000,
      maxUnavailable: 2,
      budgets: [{ budget: 'kafka', minHealthy: 1, desiredHealthy: 2, violated: true }],
      result: 'failed',
      message: 'pod kafka-2: ImagePullBackOff',
    },
    { step: 2, pods: ['kafka-1', 'kafka-0'], startMs: 0, durationMs: 0, maxUnavailable: 0, budgets: [], result: 'not-reached' },
  ],
  outcome: 'rolled-back',
  message: 'step 1 failed: pod kafka-2: ImagePullBackOff; rolled back to revision kafka-7d9f',
  durationMs: 660_000,
  maxUnavailable: 2,
};

/** node-exporter moved one node first, then the other two. */
export const completedNodeExporter: RehearsedWorkload = {
  kind: 'DaemonSet',
  namespace: 'monitoring',
  name: 'node-exporter',
  changes: [
    { path: 'spec.containers[node-exporter].env[LOG_LEVEL]', to: 'debug' },
    { path: 'spec.containers[node-exporter].image', from: 'quay.io/prometheus/node-exporter:v1.12.1', to: 'quay.io/prometheus/node-exporter:v1.13.0' },
  ],
  plan: '1,100%',
  planSource: 'default',
  steps: [
    { step: 0, pods: [], startMs: 0, durationMs: 0, maxUnavailable: 0, budgets: [], result: 'passed' },
    { step: 1, pods: ['node-exporter-4xk2p'], nodes: ['node-1'], startMs: 0, durationMs: 12_000, maxUnavailable: 1, budgets: [], result: 'passed' },
    { step: 2, pods: ['node-exporter-8sd9q', 'node-exporter-zt6vb'], nodes: ['node-2', 'node-3'], startMs: 12_000, durationMs: 24_000, maxUnavailable: 1, budgets: [], result: 'passed' },
  ],
  outcome: 'complete',
  message: 'promotion complete: every pod of daemonset/node-exporter is on revision node-exporter-5c6b',
  durationMs: 36_000,
  maxUnavailable: 1,
};

/** The failed canary beside a DaemonSet that completed, with a warning about the budget. */
export const rolledBackReport: RehearsalReport = {
  workloads: [rolledBackKafka, completedNodeExporter],
  otherChanges: [],
  failures: [{ target: 'kafka-2', mode: PodFailureMode.IMAGE_PULL }],
  nodes: 3,
  durationMs: 696_000,
  succeeded: false,
  warnings: ['statefulset/kafka step 1: 1 healthy pod of the 2 PodDisruptionBudget kafka requires; an eviction would have been refused'],
};

/** A 60-replica StatefulSet walked one pod per step (linear:1), with more than ten other changes. */
export function linearReport(): RehearsalReport {
  const replicas = 60;
  const steps: RehearsedStep[] = [{ step: 0, pods: [], startMs: 0, durationMs: 0, maxUnavailable: 0, budgets: [], result: 'passed' }];
  for (let ordinal = replicas - 1; ordinal >= 0; ordinal--) {
    const step = replicas - ordinal;
    steps.push({ step, pods: [`web-${ordinal}`], startMs: (step - 1) * 15_000, durationMs: 15_000, maxUnavailable: 1, budgets: [], result: 'passed' });
  }
  return {
    workloads: [{
      kind: 'StatefulSet',
      namespace: 'default',
      name: 'web',
      changes: [{ path: 'spec.containers[web].image', from: 'web:1', to: 'web:2' }],
      plan: 'linear:1',
      planSource: 'option',
      steps,
      outcome: 'complete',
      message: 'promotion complete',
      durationMs: replicas * 15_000,
      maxUnavailable: 1,
    }],
    otherChanges: Array.from({ length: 12 }, (_, index) => `ConfigMap/default/web-${String(index).padStart(2, '0')}`),
    failures: [],
    nodes: 3,
    durationMs: replicas * 15_000,
    succeeded: true,
    warnings: [],
  };
}

/** `report` with every object's keys in reverse order: the same data, as an engine building it otherwise would. */
export function reversedKeys(report: RehearsalReport): RehearsalReport {
  const reverse = (value: unknown): unknown => Array.isArray(value) ? value.map(reverse)
    : typeof value === 'object' && value !== null ? Object.fromEntries(Object.entries(value).reverse().map(([key, field]) => [key, reverse(field)]))
      : value;
  return reverse(report) as RehearsalReport;
}

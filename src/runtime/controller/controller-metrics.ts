// What `kubectl-stage controller` counts, and the Prometheus text exposition format (version 0.0.4) it is served in on
// /metrics: small enough to write by hand (counters, gauges and one histogram), so the controller needs no client library.
import { Cluster, ClusterError } from '../cluster/cluster';
import { ClusterDecorator, ClusterRequest } from '../cluster/cluster-decorator';

/** The bounds of the step duration histogram, in seconds: a pod restart up to an hour's soak. */
export const STEP_DURATION_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600];

type Labels = Readonly<Record<string, string>>;

interface Family {
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly series: Map<string, { labels: Labels; value: number; buckets?: number[]; sum?: number }>;
}

/** The controller's metrics, by name. */
export class ControllerMetrics {
  private readonly families = new Map<string, Family>();

  public constructor() {
    this.family('staged_rollouts_promotions_total', 'counter', 'Promotions the controller finished, by workload kind and outcome phase.');
    this.family('staged_rollouts_promotions_in_progress', 'gauge', 'Promotions the controller is running now.');
    this.family('staged_rollouts_step_duration_seconds', 'histogram', 'Time from a step\'s start to the start of the next step or the end of the promotion.');
    this.family('staged_rollouts_gate_results_total', 'counter', 'Gate evaluations, by gate and result.');
    this.family('staged_rollouts_rollbacks_total', 'counter', 'Rollbacks to the previous revision, by workload kind.');
    this.family('staged_rollouts_api_errors_total', 'counter', 'API requests that failed, by verb and HTTP code (0: no answer).');
    this.family('staged_rollouts_invalid_annotations_total', 'counter', 'Workloads left untouched because their annotations could not be read.');
    this.family('staged_rollouts_promotions_forbidden_total', 'counter', 'Promotions stopped by a request the controller\'s RBAC refuses, by workload kind.');
    this.family('staged_rollouts_notifications_failed_total', 'counter', 'Webhook notifications given up on after their retries.');
    this.family('staged_rollouts_leader', 'gauge', 'Whether this replica is the active controller (1) or a standby (0).');
  }

  /** Adds `by` to a counter (or a gauge). */
  public add(name: string, labels: Labels = {}, by = 1): void {
    const series = this.series(name, labels);
    series.value += by;
  }

  /** Sets a gauge. */
  public set(name: string, value: number, labels: Labels = {}): void {
    this.series(name, labels).value = value;
  }

  /** Records one observation of a histogram. */
  public observe(name: string, value: number, labels: Labels = {}): void {
    const series = this.series(name, labels);
    series.buckets ??= STEP_DURATION_BUCKETS.map(() => 0);
    STEP_DURATION_BUCKETS.forEach((bound, index) => {
      if (value <= bound) {
        series.buckets![index]++;
      }
    });
    series.value++;
    series.sum = (series.sum ?? 0) + value;
  }

  /** The current value of a counter or gauge series (the count of a histogram); 0 when never written. */
  public value(name: string, labels: Labels = {}): number {
    return this.families.get(name)?.series.get(labelText(labels))?.value ?? 0;
  }

  /** The Prometheus text exposition of every family. */
  public render(): string {
    const lines: string[] = [];
    for (const [name, family] of this.families) {
      lines.push(`# HELP ${name} ${family.help}`, `# TYPE ${name} ${family.type}`);
      for (const [key, series] of family.series) {
        if (family.type !== 'histogram') {
          lines.push(`${name}${key} ${formatValue(series.value)}`);
          continue;
        }
        STEP_DURATION_BUCKETS.forEach((bound, index) => {
          lines.push(`${name}_bucket${labelText({ ...series.labels, le: String(bound) })} ${series.buckets?.[index] ?? 0}`);
        });
        lines.push(`${name}_bucket${labelText({ ...series.labels, le: '+Inf' })} ${series.value}`);
        lines.push(`${name}_sum${key} ${formatValue(series.sum ?? 0)}`, `${name}_count${key} ${series.value}`);
      }
    }
    return `${lines.join('\n')}\n`;
  }

  private family(name: string, type: Family['type'], help: string): void {
    this.families.set(name, { help, type, series: new Map() });
    if (type === 'gauge' && name !== 'staged_rollouts_leader') {
      this.series(name, {});
    }
  }

  private series(name: string, labels: Labels): { labels: Labels; value: number; buckets?: number[]; sum?: number } {
    const family = this.families.get(name);
    if (!family) {
      throw new Error(`no metric ${name}`);
    }
    const key = labelText(labels);
    let series = family.series.get(key);
    if (!series) {
      series = { labels, value: 0 };
      family.series.set(key, series);
    }
    return series;
  }
}

/** A {@link Cluster} that counts failed requests into `staged_rollouts_api_errors_total`. */
export class ErrorCountingCluster extends ClusterDecorator {
  public constructor(inner: Cluster, private readonly metrics: ControllerMetrics) {
    super(inner);
  }

  protected async around<T>(request: ClusterRequest, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      this.metrics.add('staged_rollouts_api_errors_total', { verb: request.verb, code: String(ClusterError.is(error) ? error.code : 0) });
      throw error;
    }
  }
}

// `{a="x",b="y"}` with the text format's escapes (backslash, double quote, line feed), labels sorted by name.
function labelText(labels: Labels): string {
  const entries = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) {
    return '';
  }
  const escape = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
  return `{${entries.map(([key, value]) => `${key}="${escape(value)}"`).join(',')}}`;
}

function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(6).replace(/0+$/, '');
}

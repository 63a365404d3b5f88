import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { MonitorEndpoint, MonitorSpec, RelabelConfig } from './internal/prometheus-operator-crds';
import { NameRule, requireLabels, requireNames, requirePortName, requireSelector, requireWholeNumber } from './prop-validation';
import { ValidationError } from './validation-error';
import { namespaceOf } from './workload-defaults';

/** Which Prometheus-operator object scrapes a workload. */
export enum MonitorKind {
  /** A `PodMonitor`: Prometheus scrapes the pods' container port directly; no Service is needed. */
  POD_MONITOR = 'PodMonitor',
  /** A `ServiceMonitor`: Prometheus scrapes every endpoint (pod) of the workload's metrics Service. */
  SERVICE_MONITOR = 'ServiceMonitor',
}

/** A relabeling action, as Prometheus's `relabel_config` names it. */
export enum RelabelAction {
  /** Write `replacement` (with the regex's groups) to `targetLabel`. */
  REPLACE = 'replace',
  /** Drop targets whose source labels do not match `regex`. */
  KEEP = 'keep',
  /** Drop targets whose source labels match `regex`. */
  DROP = 'drop',
  /** Write the hash of the source labels modulo `modulus` to `targetLabel`. */
  HASHMOD = 'hashmod',
  /** Copy labels whose names match `regex` to the names `replacement` gives. */
  LABELMAP = 'labelmap',
  /** Remove labels whose names match `regex`. */
  LABELDROP = 'labeldrop',
  /** Keep only labels whose names match `regex`. */
  LABELKEEP = 'labelkeep',
}

/** One relabeling applied to a target before it is scraped (`relabelings` of a PodMonitor or ServiceMonitor endpoint). */
export interface MonitorRelabeling {
  /**
   * Labels whose values are joined with `separator` and matched against `regex`.
   * @default - none
   */
  readonly sourceLabels?: string[];
  /**
   * Separator of the joined source label values.
   * @default ';'
   */
  readonly separator?: string;
  /**
   * Label the result is written to; required by `replace` and `hashmod`.
   * @default - none
   */
  readonly targetLabel?: string;
  /**
   * Regular expression (RE2 syntax) matched against the joined source label values.
   * @default '(.*)'
   */
  readonly regex?: string;
  /**
   * Modulus of `hashmod`; required by it.
   * @default - none
   */
  readonly modulus?: number;
  /**
   * Replacement of `replace` and `labelmap`, with `$1`-style references to the regex's groups.
   * @default '$1'
   */
  readonly replacement?: string;
  /**
   * What to do.
   * @default RelabelAction.REPLACE
   */
  readonly action?: RelabelAction;
}

/** How the Prometheus operator scrapes a workload: the part of a monitor a workload's user chooses. */
export interface MonitorOptions {
  /**
   * A PodMonitor (scrapes the pods) or a ServiceMonitor (scrapes the endpoints of the workload's metrics Service).
   * @default MonitorKind.POD_MONITOR
   */
  readonly kind?: MonitorKind;
  /**
   * Extra labels of the monitor object. A Prometheus resource picks monitors by label (its `podMonitorSelector` or
   * `serviceMonitorSelector`): kube-prometheus-stack's, for instance, wants `release: <its Helm release name>`.
   * @default - the workload's labels only
   */
  readonly labels?: { [key: string]: string };
  /**
   * How often Prometheus scrapes.
   * @default - the Prometheus resource's `scrapeInterval`
   */
  readonly interval?: Duration;
  /**
   * How long one scrape may take; at most `interval`.
   * @default - the Prometheus resource's `scrapeTimeout`
   */
  readonly scrapeTimeout?: Duration;
  /**
   * Relabelings applied to each target before it is scraped.
   * @default - none
   */
  readonly relabelings?: MonitorRelabeling[];
}

/** Props of {@link PrometheusMonitor}. */
export interface PrometheusMonitorProps extends MonitorOptions {
  /** Name of the monitor object; it goes to the Chart's namespace and scrapes only that namespace. */
  readonly name: string;
  /** Labels of the pods (PodMonitor) or of the metrics Service (ServiceMonitor) to scrape. */
  readonly selector: { [key: string]: string };
  /** Name of the container port (PodMonitor) or of the Service port (ServiceMonitor) that serves the metrics. */
  readonly port: string;
  /**
   * HTTP path of the metrics.
   * @default '/metrics'
   */
  readonly path?: string;
}

// Prometheus's label names (model.LabelNameRE), which the CRDs' sourceLabels and targetLabel patterns also follow.
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
// A target label that may hold $1-style group references: the language of relabelTarget in Prometheus's
// model/relabel, written without its nested repetition, which backtracks exponentially on a near miss.
const RELABEL_TARGET = /^(?:[a-zA-Z_]|\$(?:\{\w+\}|\w))(?:\w|\$(?:\{\w+\}|\w))*$/;
// RE2, which Prometheus compiles relabeling regexes with, has neither look-around nor back-references.
const NOT_RE2 = /\(\?<?[=!]|\\[1-9]/;

/**
 * A Prometheus-operator `PodMonitor` or `ServiceMonitor` (`monitoring.coreos.com/v1`) that scrapes one workload's
 * metrics port in the Chart's namespace. Applying it needs the operator's CRDs in the cluster; a Prometheus
 * resource picks it up when its monitor selector matches the monitor's labels.
 *
 * @example
 * new PrometheusMonitor(chart, 'zk-monitor', {
 *   name: 'zk',
 *   selector: { 'app.kubernetes.io/instance': 'zk' },
 *   port: 'metrics',
 *   labels: { release: 'kube-prometheus-stack' },
 *   interval: Duration.seconds(30),
 * });
 */
export class PrometheusMonitor extends Construct {
  /** Name of the monitor object. */
  public readonly name: string;
  /** PodMonitor or ServiceMonitor. */
  public readonly kind: MonitorKind;
  /** The L1 object, as an escape hatch (`addJsonPatch` reaches every field of the CRD). */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: PrometheusMonitorProps) {
    super(scope, id);
    this.name = requireNames(this, 'name', props.name, (name) => [{ kind: props.kind ?? MonitorKind.POD_MONITOR, name, rule: NameRule.SUBDOMAIN }]);
    this.kind = props.kind ?? MonitorKind.POD_MONITOR;
    if (!Object.values(MonitorKind).includes(this.kind)) {
      throw new ValidationError(this, 'kind', this.kind, `use one of MonitorKind.${Object.keys(MonitorKind).join(', MonitorKind.')}`);
    }
    const namespace = namespaceOf(this);
    requireSelector(this, 'selector', props.selector);
    requireLabels(this, 'labels', props.labels);
    const endpoint: MonitorEndpoint = {
      port: requirePortName(this, 'port', props.port),
      path: requireMetricsPath(this, 'path', props.path ?? '/metrics'),
      ...scrapeTiming(this, props.interval, props.scrapeTimeout),
      relabelings: props.relabelings === undefined ? undefined : props.relabelings.map((relabeling, index) =>
        requireRelabeling(this, `relabelings[${index}]`, relabeling)),
    };
    const spec: MonitorSpec = {
      selector: { matchLabels: { ...props.selector } },
      namespaceSelector: { matchNames: [namespace] },
      ...(this.kind === MonitorKind.POD_MONITOR ? { podMetricsEndpoints: [endpoint] } : { endpoints: [endpoint] }),
    };
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: this.kind,
      metadata: { name: this.name, namespace, labels: props.labels === undefined ? undefined : { ...props.labels } },
      spec,
    });
  }
}

function requireMetricsPath(scope: Construct, property: string, path: string): string {
  if (typeof path !== 'string' || !path.startsWith('/') || /[\s?#]/.test(path)) {
    throw new ValidationError(scope, property, path, 'use an absolute HTTP path without white space, query or fragment, e.g. "/metrics"');
  }
  return path;
}

// Prometheus durations (model.ParseDuration), which the CRDs' interval and scrapeTimeout patterns accept.
function prometheusDuration(scope: Construct, property: string, duration: Duration): string {
  const millis = duration.toMilliseconds();
  if (!Number.isInteger(millis) || millis <= 0) {
    throw new ValidationError(scope, property, `${millis}ms`, 'use a whole number of milliseconds above 0, e.g. Duration.seconds(30)');
  }
  return millis % 1000 === 0 ? `${millis / 1000}s` : `${millis}ms`;
}

function scrapeTiming(scope: Construct, interval?: Duration, timeout?: Duration): { interval?: string; scrapeTimeout?: string } {
  const rendered = {
    interval: interval === undefined ? undefined : prometheusDuration(scope, 'interval', interval),
    scrapeTimeout: timeout === undefined ? undefined : prometheusDuration(scope, 'scrapeTimeout', timeout),
  };
  // Prometheus refuses a scrape config whose timeout is longer than its interval, and with it the whole configuration.
  if (interval !== undefined && timeout !== undefined && timeout.toMilliseconds() > interval.toMilliseconds()) {
    throw new ValidationError(scope, 'scrapeTimeout', rendered.scrapeTimeout, `a scrape may take at most the interval of ${rendered.interval}`);
  }
  return rendered;
}

// The checks Prometheus's relabel.Config.Validate makes, so a monitor never breaks the Prometheus configuration.
function requireRelabeling(scope: Construct, at: string, relabeling: MonitorRelabeling): RelabelConfig {
  const action = relabeling.action ?? RelabelAction.REPLACE;
  if (!Object.values(RelabelAction).includes(action)) {
    throw new ValidationError(scope, `${at}.action`, relabeling.action, `use one of RelabelAction.${Object.keys(RelabelAction).join(', RelabelAction.')}`);
  }
  (relabeling.sourceLabels ?? []).forEach((label, index) => {
    if (typeof label !== 'string' || !LABEL_NAME.test(label)) {
      throw new ValidationError(scope, `${at}.sourceLabels[${index}]`, label, 'a Prometheus label name is a letter or "_" followed by letters, digits and "_"');
    }
  });
  if (relabeling.targetLabel !== undefined && (typeof relabeling.targetLabel !== 'string' || !RELABEL_TARGET.test(relabeling.targetLabel))) {
    throw new ValidationError(scope, `${at}.targetLabel`, relabeling.targetLabel, 'use a Prometheus label name (letters, digits and "_"), optionally with $1-style group references');
  }
  if ((action === RelabelAction.REPLACE || action === RelabelAction.HASHMOD) && !relabeling.targetLabel) {
    throw new ValidationError(scope, `${at}.targetLabel`, relabeling.targetLabel, `the "${action}" action writes to a label: name it`);
  }
  if (action === RelabelAction.HASHMOD) {
    requireWholeNumber(scope, `${at}.modulus`, relabeling.modulus as number, 1);
  }
  if (action === RelabelAction.LABELMAP && relabeling.replacement !== undefined
    && (typeof relabeling.replacement !== 'string' || !RELABEL_TARGET.test(relabeling.replacement))) {
    throw new ValidationError(scope, `${at}.replacement`, relabeling.replacement, 'the "labelmap" action needs a label name, optionally with $1-style group references');
  }
  if (relabeling.regex !== undefined) {
    let compiles = typeof relabeling.regex === 'string' && !NOT_RE2.test(relabeling.regex);
    try {
      new RegExp(relabeling.regex);
    } catch {
      compiles = false;
    }
    if (!compiles) {
      throw new ValidationError(scope, `${at}.regex`, relabeling.regex, 'use an RE2 regular expression (no look-around, no back-references)');
    }
  }
  if ((action === RelabelAction.LABELDROP || action === RelabelAction.LABELKEEP)
    && [relabeling.sourceLabels, relabeling.targetLabel, relabeling.replacement, relabeling.separator, relabeling.modulus]
      .some((field) => field !== undefined)) {
    throw new ValidationError(scope, at, relabeling, `the "${action}" action only takes a regex`);
  }
  return {
    sourceLabels: relabeling.sourceLabels === undefined ? undefined : [...relabeling.sourceLabels],
    separator: relabeling.separator,
    targetLabel: relabeling.targetLabel,
    regex: relabeling.regex,
    modulus: relabeling.modulus,
    replacement: relabeling.replacement,
    action: relabeling.action,
  };
}

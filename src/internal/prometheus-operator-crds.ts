// The fields of the Prometheus operator's PodMonitor and ServiceMonitor (monitoring.coreos.com/v1) that this
// library writes, as the CRDs' openAPIV3Schema names them: the L1 shape of PrometheusMonitor's object. The tests
// check at compile time that every field here exists in the CRDs and validate synthesized objects against them.
// Not part of the jsii API.

/** One `relabel_config` of an endpoint's `relabelings`. */
export interface RelabelConfig {
  readonly sourceLabels?: string[];
  readonly separator?: string;
  readonly targetLabel?: string;
  readonly regex?: string;
  readonly modulus?: number;
  readonly replacement?: string;
  readonly action?: string;
}

/** A PodMonitor's `podMetricsEndpoints[]` or a ServiceMonitor's `endpoints[]`. */
export interface MonitorEndpoint {
  readonly port: string;
  readonly path: string;
  readonly interval?: string;
  readonly scrapeTimeout?: string;
  readonly relabelings?: RelabelConfig[];
}

/** A PodMonitor's or ServiceMonitor's `spec`: one of the two endpoint lists, by kind. */
export interface MonitorSpec {
  readonly selector: { readonly matchLabels: Record<string, string> };
  readonly namespaceSelector: { readonly matchNames: string[] };
  readonly podMetricsEndpoints?: MonitorEndpoint[];
  readonly endpoints?: MonitorEndpoint[];
}

import { IPodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';
import { IServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Duration } from 'cdk8s';
import { find, synthValid, testChart, thrownValidationError, validateAll } from './manifest';
import { MonitorEndpoint, MonitorSpec, RelabelConfig } from '../../src/internal/prometheus-operator-crds';
import { MonitorKind, PrometheusMonitor, PrometheusMonitorProps, RelabelAction } from '../../src/prometheus-monitor';

// The CRD schema accepts unknown fields, so a misspelt field would pass validateAll: these fail to compile instead
// when a field this library writes is not one the CRDs define.
type Unknown<Ours, Theirs> = Exclude<keyof Ours, keyof Theirs>;
const specFieldsAreThePodMonitorCrds: [Unknown<MonitorSpec, IPodMonitor['spec'] & IServiceMonitor['spec']>] extends [never] ? true : false = true;
const endpointFieldsAreThePodMonitorCrds: [Unknown<MonitorEndpoint, IPodMonitor['spec']['podMetricsEndpoints'][number]>] extends [never] ? true : false = true;
const endpointFieldsAreTheServiceMonitorCrds: [Unknown<MonitorEndpoint, IServiceMonitor['spec']['endpoints'][number]>] extends [never] ? true : false = true;
const relabelingFieldsAreTheCrds: [Unknown<RelabelConfig, NonNullable<IPodMonitor['spec']['podMetricsEndpoints'][number]['relabelings']>[number]>] extends [never]
  ? true : false = true;

const BASE: PrometheusMonitorProps = { name: 'zk', selector: { 'app.kubernetes.io/instance': 'zk' }, port: 'metrics' };

function synthMonitor(props: Partial<PrometheusMonitorProps> = {}, namespace = 'data') {
  const chart = testChart(namespace);
  new PrometheusMonitor(chart, 'monitor', { ...BASE, ...props });
  return synthValid(chart);
}

describe('PrometheusMonitor', () => {
  test('the CRD field names it writes exist upstream (checked at compile time)', () => {
    expect([specFieldsAreThePodMonitorCrds, endpointFieldsAreThePodMonitorCrds, endpointFieldsAreTheServiceMonitorCrds, relabelingFieldsAreTheCrds])
      .toEqual([true, true, true, true]);
  });

  test('the CRD schema check is live: it rejects an interval Prometheus cannot parse', () => {
    const monitor = synthMonitor()[0];
    monitor.spec.podMetricsEndpoints[0].interval = '30 seconds';
    expect(() => validateAll([monitor])).toThrow(/interval/);
  });

  test('a PodMonitor by default, scraping /metrics of the named container port in the Chart namespace only', () => {
    const objects = synthMonitor();
    expect(objects).toHaveLength(1);
    const monitor = find(objects, 'PodMonitor', 'zk');
    expect(monitor.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(monitor.metadata.namespace).toBe('data');
    expect(monitor.metadata.labels).toBeUndefined();
    expect(monitor.spec).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/instance': 'zk' } },
      namespaceSelector: { matchNames: ['data'] },
      podMetricsEndpoints: [{ port: 'metrics', path: '/metrics' }],
    });
  });

  test('a ServiceMonitor writes endpoints, with the interval, timeout, labels and relabelings asked for', () => {
    const objects = synthMonitor({
      kind: MonitorKind.SERVICE_MONITOR,
      labels: { release: 'kube-prometheus-stack' },
      path: '/probe/metrics',
      interval: Duration.seconds(30),
      scrapeTimeout: Duration.millis(2500),
      relabelings: [
        { sourceLabels: ['__meta_kubernetes_pod_name'], targetLabel: 'server' },
        { action: RelabelAction.LABELDROP, regex: 'pod_template_hash' },
        { sourceLabels: ['__address__'], action: RelabelAction.HASHMOD, modulus: 4, targetLabel: '__tmp_shard' },
      ],
    });
    const monitor = find(objects, 'ServiceMonitor', 'zk');
    expect(monitor.metadata.labels).toEqual({ release: 'kube-prometheus-stack' });
    expect(monitor.spec.podMetricsEndpoints).toBeUndefined();
    expect(monitor.spec.endpoints).toEqual([{
      port: 'metrics',
      path: '/probe/metrics',
      interval: '30s',
      scrapeTimeout: '2500ms',
      relabelings: [
        { sourceLabels: ['__meta_kubernetes_pod_name'], targetLabel: 'server' },
        { action: 'labeldrop', regex: 'pod_template_hash' },
        { sourceLabels: ['__address__'], action: 'hashmod', modulus: 4, targetLabel: '__tmp_shard' },
      ],
    }]);
  });

  test.each<[string, Partial<PrometheusMonitorProps>, string, string]>([
    ['a name that is no DNS subdomain', { name: 'ZK' }, 'name', '"ZK"'],
    ['an empty selector', { selector: {} }, 'selector', '{}'],
    ['a label value with a space', { labels: { release: 'kube prometheus' } }, 'labels["release"]', '"kube prometheus"'],
    ['a port number instead of a port name', { port: '7000' }, 'port', '"7000"'],
    ['a relative path', { path: 'metrics' }, 'path', '"metrics"'],
    ['a path with a query', { path: '/metrics?x=1' }, 'path', '"/metrics?x=1"'],
    ['a zero interval', { interval: Duration.seconds(0) }, 'interval', '"0ms"'],
    ['a timeout above the interval', { interval: Duration.seconds(10), scrapeTimeout: Duration.seconds(15) }, 'scrapeTimeout', '"15s"'],
    ['an unknown kind', { kind: 'Probe' as MonitorKind }, 'kind', '"Probe"'],
    ['an unknown action', { relabelings: [{ action: 'lowercase' as RelabelAction, targetLabel: 'x' }] }, 'relabelings[0].action', '"lowercase"'],
    ['replace without a target', { relabelings: [{ sourceLabels: ['job'] }] }, 'relabelings[0].targetLabel', 'undefined'],
    ['a target label with a dash', { relabelings: [{ targetLabel: 'pod-name' }] }, 'relabelings[0].targetLabel', '"pod-name"'],
    ['a source label with a dot', { relabelings: [{ sourceLabels: ['a.b'], action: RelabelAction.KEEP }] }, 'relabelings[0].sourceLabels[0]', '"a.b"'],
    ['hashmod without a modulus', { relabelings: [{ action: RelabelAction.HASHMOD, targetLabel: 'shard' }] }, 'relabelings[0].modulus', 'undefined'],
    ['a look-ahead RE2 lacks', { relabelings: [{ action: RelabelAction.DROP, regex: 'a(?=b)' }] }, 'relabelings[0].regex', '"a(?=b)"'],
    ['a regex that does not compile', { relabelings: [{ action: RelabelAction.DROP, regex: '(' }] }, 'relabelings[0].regex', '"("'],
    ['labelmap to a label with a dash', { relabelings: [{ action: RelabelAction.LABELMAP, regex: '(.+)', replacement: 'x-$1' }] },
      'relabelings[0].replacement', '"x-$1"'],
  ])('rejects %s, naming the prop and value', (_, props, property, value) => {
    const error = thrownValidationError(() => synthMonitor(props));
    expect(error.constructPath).toBe('test/monitor');
    expect(error.property).toBe(property);
    expect(error.value).toBe(value);
    expect(error.fix).not.toBe('');
  });

  test('labeldrop with any field beside the regex is rejected as Prometheus would', () => {
    const error = thrownValidationError(() => synthMonitor({ relabelings: [{ action: RelabelAction.LABELDROP, regex: 'x', targetLabel: 'y' }] }));
    expect(error.property).toBe('relabelings[0]');
    expect(error.fix).toBe('the "labeldrop" action only takes a regex');
  });

  test('a target label of 10,000 near-miss characters is rejected at once (no exponential backtracking)', () => {
    const error = thrownValidationError(() => synthMonitor({ relabelings: [{ targetLabel: `${'$a'.repeat(5000)}-` }] }));
    expect(error.property).toBe('relabelings[0].targetLabel');
  });
});

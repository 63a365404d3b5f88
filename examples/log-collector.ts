// fluentd on every node, control-plane nodes included, shipping to Elasticsearch (seeds 001 and 004).
import { App, Chart } from 'cdk8s';
import { EnvValue } from 'cdk8s-plus-28';
import { LogCollector } from '../src';

/** Builds the app into `outdir` (call `synth()` on the result to write it). */
export function buildLogCollectorApp(outdir: string): App {
  const app = new App({ outdir });
  const chart = new Chart(app, 'logging', { namespace: 'kube-system' });
  new LogCollector(chart, 'fluentd', {
    name: 'fluentd',
    image: 'fluent/fluentd-kubernetes-daemonset:v1.17-debian-elasticsearch8-1',
    env: {
      FLUENT_ELASTICSEARCH_HOST: EnvValue.fromValue('elasticsearch.logging.svc.cluster.local'),
      FLUENT_ELASTICSEARCH_PORT: EnvValue.fromValue('9200'),
    },
  });
  return app;
}

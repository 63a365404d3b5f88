// A three-server ZooKeeper ensemble named as in the Kubernetes tutorial: zk, zk-hs, zk-cs, zk-pdb; with two
// zoo.cfg overrides, the built-in Prometheus metrics on port 7000 (Service zk-metrics) and a PodMonitor that a
// kube-prometheus-stack release named `kube-prometheus-stack` picks up.
import { App, Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { MonitorKind, ZooKeeperEnsemble } from '../src';

/** Builds the app into `outdir` (call `synth()` on the result to write it). */
export function buildZooKeeperApp(outdir: string): App {
  const app = new App({ outdir });
  const chart = new Chart(app, 'zookeeper');
  new ZooKeeperEnsemble(chart, 'zk', {
    name: 'zk',
    replicas: 3,
    heap: Size.mebibytes(512),
    resources: {
      cpu: { request: kplus.Cpu.millis(500) },
      memory: { request: Size.gibibytes(1), limit: Size.gibibytes(1) },
    },
    storageSize: Size.gibibytes(10),
    config: {
      // Let clients ask for sessions of up to a minute, and snapshot twice as often as the default.
      maxSessionTimeout: '60000',
      snapCount: '50000',
    },
    metrics: {
      port: 7000,
      monitor: {
        kind: MonitorKind.POD_MONITOR,
        labels: { release: 'kube-prometheus-stack' },
        interval: Duration.seconds(30),
      },
    },
  });
  return app;
}

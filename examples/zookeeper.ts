// A three-server ZooKeeper ensemble named as in the Kubernetes tutorial: zk, zk-hs, zk-cs, zk-pdb.
import { App, Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ZooKeeperEnsemble } from '../src';

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
  });
  return app;
}

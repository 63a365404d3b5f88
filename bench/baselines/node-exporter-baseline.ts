// Prometheus node-exporter on every node written with cdk8s-plus-28 and L1 patches, the way a user without
// cdk8s-staged-rollouts would write it: the same objects and pod spec as `NodeExporter` with `scrapeService: true`.
import { ApiObject, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { appLabels, hardenedContainer, hardenedPod, selectPods } from './plus-parts';

const UID = 65534;
const PORT = 9100;

/** Adds DaemonSet `name` and its headless scrape Service in `namespace` to `scope`. */
export function addNodeExporterBaseline(scope: Construct, id: string, name: string, namespace: string): void {
  const exporter = new Construct(scope, id);
  const labels = appLabels('node-exporter', name, 'metrics');
  const scrape = new kplus.Service(exporter, 'Scrape', {
    metadata: {
      name,
      namespace,
      labels: labels.all,
      annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': `${PORT}` },
    },
    clusterIP: 'None',
    publishNotReadyAddresses: false,
    ports: [{ name: 'scrape', port: PORT, targetPort: PORT }],
  });

  const host = (volumeId: string, path: string) => kplus.Volume.fromHostPath(exporter, volumeId, volumeId.toLowerCase(), { path });
  const probe = kplus.Probe.fromHttpGet('/', { port: PORT, periodSeconds: Duration.seconds(10), timeoutSeconds: Duration.seconds(1), failureThreshold: 3 });
  const daemonSet = new kplus.DaemonSet(exporter, 'Exporter', {
    metadata: { name, namespace, labels: labels.all },
    select: false,
    hostNetwork: true,
    dns: { policy: kplus.DnsPolicy.CLUSTER_FIRST_WITH_HOST_NET },
    automountServiceAccountToken: false,
    securityContext: hardenedPod(UID),
    containers: [{
      name,
      image: 'quay.io/prometheus/node-exporter:v1.12.1',
      args: [
        '--path.procfs=/host/proc',
        '--path.sysfs=/host/sys',
        '--path.rootfs=/host/root',
        '--path.udev.data=/host/root/run/udev/data',
        `--web.listen-address=:${PORT}`,
        '--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|run/containerd/.+|var/lib/docker/.+|var/lib/kubelet/.+)($|/)',
      ],
      ports: [{ name: 'scrape', number: PORT, hostPort: PORT }],
      resources: {
        cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(250) },
        memory: { request: Size.mebibytes(180), limit: Size.mebibytes(180) },
      },
      readiness: probe,
      liveness: probe,
      securityContext: hardenedContainer(UID),
      volumeMounts: [
        { path: '/host/proc', volume: host('Host-0', '/proc'), readOnly: true },
        { path: '/host/sys', volume: host('Host-1', '/sys'), readOnly: true },
        { path: '/host/root', volume: host('Host-2', '/'), readOnly: true, propagation: kplus.MountPropagation.HOST_TO_CONTAINER },
      ],
    }],
  });
  selectPods(daemonSet, labels, [scrape]);
  daemonSet.scheduling.attract(kplus.Node.labeled(kplus.NodeLabelQuery.is('kubernetes.io/os', 'linux')));
  daemonSet.scheduling.tolerate(kplus.Node.tainted(kplus.NodeTaintQuery.any()));
  // cdk8s-plus-28's DaemonSet sets neither hostPID nor an update strategy.
  ApiObject.of(daemonSet).addJsonPatch(
    // The L1 serializer runs after the patches and maps the prop name `hostPid` to `hostPID`.
    JsonPatch.add('/spec/template/spec/hostPid', true),
    JsonPatch.add('/spec/template/spec/enableServiceLinks', false),
    JsonPatch.add('/spec/updateStrategy', { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: kplus.k8s.IntOrString.fromNumber(1) } }),
  );
}

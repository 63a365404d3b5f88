import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { HeadlessService } from './headless-service';
import { NodeAgent } from './node-agent';
import { NameRule, requireNames, requirePort, requireStrings } from './prop-validation';
import { DaemonWorkloadOptions } from './workload-options';

/** Props of {@link NodeExporter}. */
export interface NodeExporterProps extends DaemonWorkloadOptions {
  /**
   * Name of the DaemonSet (and of the scrape Service, so then a DNS-1035 label). The namespace is the Chart's.
   * @default 'node-exporter'
   */
  readonly name?: string;
  /**
   * Container image.
   * @default 'quay.io/prometheus/node-exporter:v1.12.1'
   */
  readonly image?: string;
  /**
   * Port node-exporter listens on, on the node's network.
   * @default 9100
   */
  readonly port?: number;
  /**
   * Extra node-exporter flags (e.g. `--collector.systemd`).
   * @default - none
   */
  readonly extraArgs?: string[];
  /**
   * Tolerate every taint so every node is measured (kube-prometheus); false runs only where no taint forbids it.
   * @default true
   */
  readonly tolerateAllTaints?: boolean;
  /**
   * Create a headless Service named like the DaemonSet, annotated `prometheus.io/scrape`, so Prometheus
   * can discover every node's endpoint.
   * @default false
   */
  readonly scrapeService?: boolean;
}

const HOST_ROOT = '/host/root';

/**
 * Prometheus node-exporter on every node, as the seed runs it (host network, host PID, host port 9100 named
 * `scrape`) with what the community chart adds: read-only host `/proc`, `/sys` and `/` mounts (the root with
 * HostToContainer propagation) and the matching `--path.*` flags, the mount-points exclude flag, uid 65534,
 * a read-only root file system, and toleration of all taints.
 *
 * It uses host namespaces on purpose: the host network so the metrics describe the node's interfaces and
 * each node is scraped on its own address, the host PID namespace so process metrics see the node's
 * processes. It gets no capabilities and no service-account token.
 *
 * @example
 * new NodeExporter(chart, 'node-exporter', { scrapeService: true });
 */
export class NodeExporter extends Construct {
  /** The port metrics are served on. */
  public readonly port: number;
  /** The underlying node agent. */
  public readonly agent: NodeAgent;
  /** The scrape Service, when requested. */
  public readonly scrapeService?: HeadlessService;

  constructor(scope: Construct, id: string, props: NodeExporterProps = {}) {
    super(scope, id);
    const name = requireNames(this, 'name', props.name ?? 'node-exporter', (value) => [
      { kind: 'DaemonSet', name: value, rule: NameRule.LABEL },
      ...props.scrapeService ? [{ kind: 'Service', name: value, rule: NameRule.DNS1035 }] : [],
    ]);
    this.port = requirePort(this, 'port', props.port ?? 9100);
    const probe: kplus.k8s.Probe = {
      httpGet: { path: '/', port: kplus.k8s.IntOrString.fromString('scrape') },
      periodSeconds: 10,
      timeoutSeconds: 1,
      failureThreshold: 3,
    };
    this.agent = new NodeAgent(this, 'Agent', {
      ...props,
      name,
      appName: 'node-exporter',
      component: 'metrics',
      image: props.image ?? 'quay.io/prometheus/node-exporter:v1.12.1',
      args: [
        '--path.procfs=/host/proc',
        '--path.sysfs=/host/sys',
        `--path.rootfs=${HOST_ROOT}`,
        `--path.udev.data=${HOST_ROOT}/run/udev/data`,
        `--web.listen-address=:${this.port}`,
        '--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|run/containerd/.+|var/lib/docker/.+|var/lib/kubelet/.+)($|/)',
        ...requireStrings(this, 'extraArgs', props.extraArgs) ?? [],
      ],
      ports: [{ name: 'scrape', number: this.port }],
      hostNetwork: true,
      hostPid: true,
      runAsUser: 65534,
      nodeSelector: props.nodeSelector ?? { 'kubernetes.io/os': 'linux' },
      tolerateAllTaints: props.tolerateAllTaints ?? true,
      hostMounts: [
        { hostPath: '/proc', mountPath: '/host/proc' },
        { hostPath: '/sys', mountPath: '/host/sys' },
        { hostPath: '/', mountPath: HOST_ROOT, propagation: kplus.MountPropagation.HOST_TO_CONTAINER },
      ],
      resources: props.resources ?? {
        cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(250) },
        memory: { request: Size.mebibytes(180), limit: Size.mebibytes(180) },
      },
      readinessProbe: probe,
      livenessProbe: probe,
    });
    if (props.scrapeService) {
      this.scrapeService = new HeadlessService(this, 'ScrapeService', {
        name,
        selector: this.agent.selectorLabels,
        labels: this.agent.labels,
        annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': `${this.port}` },
        ports: [{ name: 'scrape', port: this.port }],
        publishNotReadyAddresses: false,
      });
    }
  }
}

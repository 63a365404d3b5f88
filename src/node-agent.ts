import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DaemonSetRollout } from './daemonset-rollout';
import { PercentOrCount } from './percent-or-count';
import {
  annotateWorkload, invalidProp, resourceRequirements, secureContainerSecurityContext, securePodSpec, workloadLabels,
} from './workload-defaults';
import { DaemonWorkloadOptions } from './workload-options';

/** A host directory mounted into a node agent. */
export interface HostMount {
  /** Path on the node. */
  readonly hostPath: string;
  /** Path in the container. */
  readonly mountPath: string;
  /**
   * Mount read-only.
   * @default true
   */
  readonly readOnly?: boolean;
  /**
   * Mount propagation, e.g. HOST_TO_CONTAINER to see mounts made on the host after the pod started.
   * @default - none
   */
  readonly propagation?: kplus.MountPropagation;
}

/** Props of {@link NodeAgent}. */
export interface NodeAgentProps extends DaemonWorkloadOptions {
  /** Name of the DaemonSet, its container and its `app.kubernetes.io/instance` label. */
  readonly name: string;
  /** Container image, with tag. */
  readonly image: string;
  /**
   * `app.kubernetes.io/name` label.
   * @default - the name
   */
  readonly appName?: string;
  /**
   * `app.kubernetes.io/component` label.
   * @default 'agent'
   */
  readonly component?: string;
  /**
   * Container command.
   * @default - the image's entrypoint
   */
  readonly command?: string[];
  /**
   * Container arguments.
   * @default - the image's
   */
  readonly args?: string[];
  /**
   * Environment variables.
   * @default - none
   */
  readonly env?: { [key: string]: string };
  /**
   * Container ports. With `hostNetwork` every port is also a host port.
   * @default - none
   */
  readonly ports?: kplus.ContainerPort[];
  /**
   * Host directories to mount.
   * @default - none
   */
  readonly hostMounts?: HostMount[];
  /**
   * Container paths that must be writable under the read-only root file system (each gets an emptyDir).
   * @default - none
   */
  readonly writablePaths?: string[];
  /**
   * Use the node's network namespace.
   * @default false
   */
  readonly hostNetwork?: boolean;
  /**
   * Use the node's process namespace.
   * @default false
   */
  readonly hostPid?: boolean;
  /**
   * Numeric user (and group) the agent runs as; 0 turns `runAsNonRoot` off.
   * @default 65534
   */
  readonly runAsUser?: number;
  /**
   * Also run on control-plane nodes (tolerates `node-role.kubernetes.io/control-plane:NoSchedule`).
   * @default false
   */
  readonly tolerateControlPlane?: boolean;
  /**
   * Tolerate every taint, so the agent runs on every node.
   * @default false
   */
  readonly tolerateAllTaints?: boolean;
  /**
   * Readiness probe.
   * @default - none
   */
  readonly readinessProbe?: kplus.k8s.Probe;
  /**
   * Liveness probe.
   * @default - none
   */
  readonly livenessProbe?: kplus.k8s.Probe;
  /**
   * Time the agent gets to shut down.
   * @default Duration.seconds(30)
   */
  readonly terminationGracePeriod?: Duration;
  /**
   * Annotations of the pod template.
   * @default - none
   */
  readonly podAnnotations?: { [key: string]: string };
}

/**
 * A DaemonSet running one agent per node, with node selection, tolerations, host mounts and host
 * namespaces, under the same secure defaults as the other workloads (read-only root, no capabilities,
 * RuntimeDefault seccomp, no service-account token).
 *
 * @example
 * new NodeAgent(chart, 'agent', {
 *   name: 'disk-agent',
 *   image: 'example/disk-agent:1.0',
 *   nodeSelector: { disk: 'ssd' },
 *   hostMounts: [{ hostPath: '/var/log', mountPath: '/var/log' }],
 *   tolerateControlPlane: true,
 * });
 */
export class NodeAgent extends Construct {
  /** Name of the DaemonSet. */
  public readonly name: string;
  /** Namespace of the DaemonSet. */
  public readonly namespace: string;
  /** Labels the DaemonSet selects its pods by. */
  public readonly selectorLabels: { [key: string]: string };
  /** Labels of the objects and pods. */
  public readonly labels: { [key: string]: string };
  /** Whether the pods bind ports on the node (host network or host ports). */
  public readonly usesHostPort: boolean;
  /** The L1 DaemonSet, as an escape hatch. */
  public readonly apiObject: kplus.k8s.KubeDaemonSet;

  constructor(scope: Construct, id: string, props: NodeAgentProps) {
    super(scope, id);
    this.name = props.name;
    this.namespace = props.namespace ?? 'default';
    const labels = workloadLabels(props.appName ?? props.name, props.name, props.component ?? 'agent', props.labels);
    this.selectorLabels = labels.selector;
    this.labels = labels.all;
    const ports = props.ports ?? [];
    this.validatePorts(props, ports);
    this.usesHostPort = (props.hostNetwork ?? false) || ports.some((port) => port.hostPort !== undefined);
    const uid = props.runAsUser ?? 65534;
    const hostMounts = props.hostMounts ?? [];
    const writablePaths = props.writablePaths ?? [];

    const container: kplus.k8s.Container = {
      name: props.name,
      image: props.image,
      command: props.command,
      args: props.args,
      env: props.env ? Object.entries(props.env).map(([name, value]) => ({ name, value })) : undefined,
      ports: ports.length > 0 ? ports.map((port) => ({
        name: port.name,
        containerPort: port.number,
        // With the host network the API server requires hostPort == containerPort.
        hostPort: props.hostNetwork ? port.number : port.hostPort,
        protocol: port.protocol,
      })) : undefined,
      resources: props.resources ? resourceRequirements(this, props.resources) : undefined,
      readinessProbe: props.readinessProbe,
      livenessProbe: props.livenessProbe,
      securityContext: secureContainerSecurityContext(uid),
      volumeMounts: [
        ...hostMounts.map((mount, index) => ({
          name: `host-${index}`,
          mountPath: mount.mountPath,
          readOnly: mount.readOnly ?? true,
          mountPropagation: mount.propagation,
        })),
        ...writablePaths.map((path, index) => ({ name: `writable-${index}`, mountPath: path })),
      ],
    };
    const spec = securePodSpec({
      uid,
      selector: labels.selector,
      options: { ...props, tolerations: this.tolerations(props) },
      containers: [container],
      hostNetwork: props.hostNetwork,
      hostPid: props.hostPid,
      terminationGracePeriodSeconds: props.terminationGracePeriod?.toSeconds(),
      volumes: [
        ...hostMounts.map((mount, index) => ({
          name: `host-${index}`,
          // A writable mount is the agent's own state directory: create it on first start.
          hostPath: { path: mount.hostPath, type: mount.readOnly === false ? 'DirectoryOrCreate' : undefined },
        })),
        ...writablePaths.map((_, index) => ({ name: `writable-${index}`, emptyDir: {} })),
      ],
    });

    const rollout = props.rollout ?? DaemonSetRollout.rollingUpdate({ maxUnavailable: PercentOrCount.count(1) });
    this.node.addValidation({ validate: () => rollout._validate(this.usesHostPort).map((problem) => `${this.node.path}: rollout: ${problem}`) });
    this.apiObject = new kplus.k8s.KubeDaemonSet(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace, labels: this.labels },
      spec: {
        ...rollout._toSpec(),
        selector: { matchLabels: { ...this.selectorLabels } },
        template: { metadata: { labels: this.labels, annotations: props.podAnnotations }, spec },
      },
    });
    annotateWorkload(this.apiObject, props);
  }

  private tolerations(props: NodeAgentProps): kplus.k8s.Toleration[] | undefined {
    const tolerations = [...props.tolerations ?? []];
    if (props.tolerateControlPlane) {
      tolerations.push({ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' });
    }
    if (props.tolerateAllTaints) {
      tolerations.push({ operator: 'Exists' });
    }
    return tolerations.length > 0 ? tolerations : undefined;
  }

  private validatePorts(props: NodeAgentProps, ports: kplus.ContainerPort[]): void {
    for (const port of ports) {
      if (props.hostNetwork && port.hostPort !== undefined && port.hostPort !== port.number) {
        throw new Error(invalidProp(this, `ports[${port.name ?? port.number}].hostPort`, port.hostPort,
          `with hostNetwork the host port must equal the container port ${port.number}`));
      }
    }
  }
}

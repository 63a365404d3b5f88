import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DaemonSetRollout } from './daemonset-rollout';
import { PercentOrCount } from './percent-or-count';
import {
  DerivedName, NameRule, requireAbsolutePath, requireImage, requireLabelValue, requireNames, requirePort,
  requirePortName, requireProbe, requireStrings, requireUnique, requireUserId, wholeSeconds, writableHostPathProblems,
} from './prop-validation';
import { ValidationError } from './validation-error';
import {
  annotateWorkload, namespaceOf, requireWorkloadOptions, resourceRequirements, secureContainerSecurityContext, securePodSpec, workloadLabels,
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
  /**
   * Name of the DaemonSet, its container and its `app.kubernetes.io/instance` label, so a DNS-1123 label of at
   * most 63 characters. The namespace is the Chart's.
   */
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
   * Container ports. With `hostNetwork` every port is also a host port.
   * @default - none
   */
  readonly ports?: kplus.ContainerPort[];
  /**
   * Host directories to mount: absolute paths, each mount path used once. A writable mount must be a dedicated
   * directory (not `/`, a top-level directory, nor the node's system, kubelet or container-runtime directories).
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
   * Numeric user (and group) the agent runs as, 0 to 2147483647; 0 turns `runAsNonRoot` off.
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
  /** Namespace of the DaemonSet: the Chart's, or `default`. */
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
    requireWorkloadOptions(this, props);
    this.name = requireNames(this, 'name', props.name, agentNames);
    this.namespace = namespaceOf(this);
    requireLabelValue(this, 'appName', props.appName ?? this.name);
    requireLabelValue(this, 'component', props.component ?? 'agent');
    requireProbe(this, 'readinessProbe', props.readinessProbe);
    requireProbe(this, 'livenessProbe', props.livenessProbe);
    const labels = workloadLabels(props.appName ?? this.name, this.name, props.component ?? 'agent', props.labels);
    this.selectorLabels = labels.selector;
    this.labels = labels.all;
    const ports = props.ports ?? [];
    this.validatePorts(props, ports);
    this.usesHostPort = (props.hostNetwork ?? false) || ports.some((port) => port.hostPort !== undefined);
    const uid = requireUserId(this, 'runAsUser', props.runAsUser ?? 65534);
    const hostMounts = props.hostMounts ?? [];
    const writablePaths = props.writablePaths ?? [];
    this.validateMounts(hostMounts, writablePaths);

    const container: kplus.k8s.Container = {
      name: this.name,
      image: requireImage(this, 'image', props.image),
      command: requireStrings(this, 'command', props.command),
      args: requireStrings(this, 'args', props.args),
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
      options: props,
      tolerations: this.tolerations(props),
      containers: [container],
      hostNetwork: props.hostNetwork,
      hostPid: props.hostPid,
      terminationGracePeriodSeconds: props.terminationGracePeriod === undefined
        ? undefined
        : wholeSeconds(this, 'terminationGracePeriod', props.terminationGracePeriod),
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
        template: { metadata: { labels: this.labels }, spec },
      },
    });
    // A node canary's plan and promotion policy, which kubectl-stage controller promotes by.
    for (const [key, value] of Object.entries(rollout._annotations())) {
      this.apiObject.metadata.addAnnotation(key, value);
    }
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

  // ValidateContainerPorts and checkHostPortConflicts (pkg/apis/core/validation): valid numbers and names, names
  // unique, a host port bound once per protocol.
  private validatePorts(props: NodeAgentProps, ports: kplus.ContainerPort[]): void {
    ports.forEach((port, index) => {
      requirePort(this, `ports[${index}].number`, port.number);
      if (port.name !== undefined) {
        requirePortName(this, `ports[${index}].name`, port.name);
      }
      if (port.hostPort !== undefined) {
        requirePort(this, `ports[${index}].hostPort`, port.hostPort);
      }
      if (port.protocol !== undefined && !Object.values(kplus.Protocol).includes(port.protocol)) {
        throw new ValidationError(this, `ports[${index}].protocol`, port.protocol, 'use Protocol.TCP, Protocol.UDP or Protocol.SCTP');
      }
      if (props.hostNetwork && port.hostPort !== undefined && port.hostPort !== port.number) {
        throw new ValidationError(this, `ports[${index}].hostPort`, port.hostPort,
          `with hostNetwork the host port must equal the container port ${port.number}`);
      }
    });
    const named = new Set<string>();
    const bound = new Set<string>();
    ports.forEach((port, index) => {
      if (port.name !== undefined && named.has(port.name)) {
        throw new ValidationError(this, `ports[${index}].name`, port.name, 'a port name must be unique; it is already used');
      }
      named.add(port.name ?? '');
      const hostPort = props.hostNetwork ? port.number : port.hostPort;
      const binding = `${hostPort}/${port.protocol ?? kplus.Protocol.TCP}`;
      if (hostPort !== undefined && bound.has(binding)) {
        throw new ValidationError(this, `ports[${index}].hostPort`, hostPort, `host port ${binding} is already bound by another port of the pod`);
      }
      bound.add(binding);
    });
  }

  // Absolute paths everywhere; each mount path once (ValidateVolumeMounts); no writable mount of the node's system.
  private validateMounts(hostMounts: HostMount[], writablePaths: string[]): void {
    hostMounts.forEach((mount, index) => {
      requireAbsolutePath(this, `hostMounts[${index}].hostPath`, mount.hostPath);
      requireAbsolutePath(this, `hostMounts[${index}].mountPath`, mount.mountPath);
      if (mount.readOnly === false) {
        const problems = writableHostPathProblems(mount.hostPath);
        if (problems.length > 0) {
          throw new ValidationError(this, `hostMounts[${index}].hostPath`, mount.hostPath, problems.join('; '));
        }
      }
      if (mount.propagation === kplus.MountPropagation.BIDIRECTIONAL) {
        throw new ValidationError(this, `hostMounts[${index}].propagation`, mount.propagation,
          'Bidirectional propagation needs a privileged container, which node agents never are; use MountPropagation.HOST_TO_CONTAINER');
      }
    });
    writablePaths.forEach((path, index) => requireAbsolutePath(this, `writablePaths[${index}]`, path));
    const mountPaths = [...hostMounts.map((mount) => mount.mountPath), ...writablePaths];
    requireUnique(this, (index) => (index < hostMounts.length ? `hostMounts[${index}].mountPath` : `writablePaths[${index - hostMounts.length}]`),
      mountPaths.map((path) => path.replace(/\/+$/, '') || '/'), 'a mount path');
  }
}

/** The names a NodeAgent derives from its `name`: the DaemonSet's, which is also its container's and a label value. */
function agentNames(name: string): DerivedName[] {
  return [{ kind: 'DaemonSet', name, rule: NameRule.LABEL }];
}

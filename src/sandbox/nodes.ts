// Node fixtures for the sandbox: `makeNodes(3)` gives Ready nodes node-1..node-3 as a kind cluster
// would register them (hostname/os/arch labels, capacity, addresses, pod CIDRs); explicit specs add
// labels, taints, capacity, a control-plane role (with its NoSchedule taint, as in seed 001) or a
// cordon. The kubelet and scheduler simulations read exactly these fields.
import type { KubeObject } from './api';
import { scaledQuantity } from '../internal/quantity';
import type { Taint } from './controllers/taints';
import { rfc3339 } from './timestamps';

/** The label marking a control-plane node. */
export const CONTROL_PLANE_LABEL = 'node-role.kubernetes.io/control-plane';

/** The taint kubeadm puts on control-plane nodes. */
export const CONTROL_PLANE_TAINT: Taint = { key: CONTROL_PLANE_LABEL, effect: 'NoSchedule' };

/** The kubelet version the simulated nodes report. */
export const SIMULATED_KUBELET_VERSION = 'v1.32.4';

/** One node to create. */
export interface NodeSpecInput {
  /**
   * The node name.
   * @default `node-<position>` (1-based)
   */
  readonly name?: string;
  /**
   * Extra labels, merged over the standard hostname/os/arch labels.
   * @default {}
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Taints.
   * @default - none (a control-plane node gets the control-plane taint)
   */
  readonly taints?: readonly Taint[];
  /**
   * CPU capacity (and allocatable).
   * @default '4'
   */
  readonly cpu?: string;
  /**
   * Memory capacity (and allocatable).
   * @default '8Gi'
   */
  readonly memory?: string;
  /**
   * How many pods the node takes.
   * @default 110
   */
  readonly pods?: number;
  /**
   * Whether this is a control-plane node: adds the role label and, unless `taints` is given, the
   * control-plane NoSchedule taint.
   * @default false
   */
  readonly controlPlane?: boolean;
  /**
   * Whether the node is cordoned (`spec.unschedulable`).
   * @default false
   */
  readonly unschedulable?: boolean;
}

/**
 * Node objects for the sandbox: `count` default nodes, or one per spec.
 * @param input the number of default nodes, or one spec per node
 * @param nowMs when the nodes became Ready (epoch ms; pass the sandbox clock's time)
 * @throws when the count is not a non-negative integer, a name repeats, or a capacity is invalid.
 */
export function makeNodes(input: number | readonly NodeSpecInput[], nowMs: number = Date.now()): KubeObject[] {
  const specs: readonly NodeSpecInput[] = typeof input === 'number' ? defaultSpecs(input) : input;
  const seen = new Set<string>();
  return specs.map((spec, index) => {
    const node = makeNode(spec, index, rfc3339(nowMs));
    if (seen.has(node.metadata.name!)) {
      throw new Error(`nodes[${index}].name: "${node.metadata.name}" is used by another node; node names must be unique`);
    }
    seen.add(node.metadata.name!);
    return node;
  });
}

function defaultSpecs(count: number): NodeSpecInput[] {
  if (!Number.isInteger(count) || count < 0) {
    throw new Error(`nodes: ${count} is not a valid node count (expected a whole number >= 0)`);
  }
  return Array.from({ length: count }, () => ({}));
}

function makeNode(spec: NodeSpecInput, index: number, since: string): KubeObject {
  const name = spec.name ?? `node-${index + 1}`;
  const cpu = spec.cpu ?? '4';
  const memory = spec.memory ?? '8Gi';
  const pods = spec.pods ?? 110;
  validateQuantity(`nodes[${index}].cpu`, cpu);
  validateQuantity(`nodes[${index}].memory`, memory);
  if (!Number.isInteger(pods) || pods < 0) {
    throw new Error(`nodes[${index}].pods: ${pods} is not a valid pod capacity (expected a whole number >= 0)`);
  }
  const taints = spec.taints ?? (spec.controlPlane ? [CONTROL_PLANE_TAINT] : []);
  const capacity = { 'cpu': cpu, 'memory': memory, 'pods': String(pods), 'ephemeral-storage': '100Gi' };
  const internalIp = `172.18.${Math.floor((index + 2) / 256)}.${(index + 2) % 256}`;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        ...(spec.controlPlane ? { [CONTROL_PLANE_LABEL]: '' } : {}),
        ...(spec.labels ?? {}),
      },
    },
    spec: {
      podCIDR: `10.244.${index}.0/24`,
      podCIDRs: [`10.244.${index}.0/24`],
      ...(taints.length > 0 ? { taints: taints.map((taint) => ({ ...taint })) } : {}),
      ...(spec.unschedulable ? { unschedulable: true } : {}),
    },
    status: {
      capacity,
      allocatable: { ...capacity },
      conditions: [
        nodeCondition(since, 'MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        nodeCondition(since, 'DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        nodeCondition(since, 'PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        nodeCondition(since, 'Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [{ type: 'InternalIP', address: internalIp }, { type: 'Hostname', address: name }],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        architecture: 'amd64',
        bootID: '',
        containerRuntimeVersion: 'containerd://1.7.24',
        kernelVersion: '6.8.0',
        kubeProxyVersion: SIMULATED_KUBELET_VERSION,
        kubeletVersion: SIMULATED_KUBELET_VERSION,
        machineID: '',
        operatingSystem: 'linux',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        systemUUID: '',
      },
    },
  };
}

// Heartbeats are not simulated: the conditions keep the time the node became Ready.
function nodeCondition(since: string, type: string, status: string, reason: string, message: string): object {
  return { type, status, lastHeartbeatTime: since, lastTransitionTime: since, reason, message };
}

function validateQuantity(field: string, value: string): void {
  try {
    scaledQuantity(value, 1);
  } catch {
    throw new Error(`${field}: "${value}" is not a valid quantity (expected e.g. "4", "500m", "8Gi")`);
  }
}

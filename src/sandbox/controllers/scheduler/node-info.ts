// What the scheduler knows about a node (the scheduler framework's NodeInfo): its pods and the
// resources and host ports they take.
import { ObjectMemo } from '../../../internal/object-memo';
import { milliCpu, quantityValue } from '../../../internal/quantity';
import type { KubeObject } from '../../api';

/** Requested resources. */
export interface Resources {
  /** CPU in millicores. */
  milliCpu: number;
  /** Memory in bytes. */
  memory: number;
}

/** A node with the pods assigned to it. */
export interface NodeInfo {
  /** The node. */
  readonly node: KubeObject;
  /** Non-terminal pods assigned to the node. */
  readonly pods: readonly KubeObject[];
  /** The sum of the pods' requests. */
  readonly requested: Resources;
  /** The sum of the pods' requests with upstream's non-zero defaults for scoring (100m CPU, 200Mi memory). */
  readonly nonZeroRequested: Resources;
  /** Host ports in use, as `protocol/hostIP/port`. */
  readonly usedPorts: ReadonlySet<string>;
}

/** Scoring counts a container without requests as asking for this much (`schedutil.DefaultMilliCPURequest`). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
/** Scoring counts a container without requests as asking for this much (`schedutil.DefaultMemoryRequest`). */
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

/** Builds the NodeInfo of a node from its assigned pods. */
export function buildNodeInfo(node: KubeObject, pods: Iterable<KubeObject>): NodeInfo {
  const assigned: KubeObject[] = [];
  const requested: Resources = { milliCpu: 0, memory: 0 };
  const nonZeroRequested: Resources = { milliCpu: 0, memory: 0 };
  const usedPorts = new Set<string>();
  for (const pod of pods) {
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') {
      continue;
    }
    assigned.push(pod);
    const { request, nonZero, ports } = specRequests(pod);
    requested.milliCpu += request.milliCpu;
    requested.memory += request.memory;
    nonZeroRequested.milliCpu += nonZero.milliCpu;
    nonZeroRequested.memory += nonZero.memory;
    for (let i = 0; i < ports.length; i++) {
      usedPorts.add(ports[i]);
    }
  }
  return { node, pods: assigned, requested, nonZeroRequested, usedPorts };
}

/** What a pod's spec asks of a node. */
export interface SpecRequests {
  /** Its requests ({@link podRequests}). */
  readonly request: Resources;
  /** Its requests with scoring's non-zero defaults. */
  readonly nonZero: Resources;
  /** The host ports it takes ({@link hostPorts}). */
  readonly ports: readonly string[];
}

// A node's info is rebuilt from all its pods whenever one of them changes, and the filters and the scoring ask the same
// of the pod being scheduled for every node, so the requests and host ports, which depend on the spec alone, are
// remembered per spec object.

const requestsBySpec = new ObjectMemo<unknown, SpecRequests>((spec) => ({
  request: podRequests(spec, false),
  nonZero: podRequests(spec, true),
  ports: hostPorts(spec),
}));

/** What the pod's spec asks of a node, computed once per spec object. */
export function specRequests(pod: KubeObject): SpecRequests {
  return requestsBySpec.get(pod.spec);
}

/**
 * A pod's effective requests (`computePodResourceRequest`): the sum over containers, at least the
 * largest init container, plus the pod overhead, from the pod's spec. Requests default to limits, as the API defaults them.
 */
function podRequests(spec: any, nonZero: boolean): Resources {
  const containerRequests = (container: any): Resources => {
    const requests = container.resources?.requests ?? {};
    const limits = container.resources?.limits ?? {};
    const cpu = requests.cpu ?? limits.cpu;
    const memory = requests.memory ?? limits.memory;
    return {
      milliCpu: cpu !== undefined ? milliCpu(cpu) : nonZero ? DEFAULT_MILLI_CPU_REQUEST : 0,
      memory: memory !== undefined ? quantityValue(memory) : nonZero ? DEFAULT_MEMORY_REQUEST : 0,
    };
  };
  const total: Resources = { milliCpu: 0, memory: 0 };
  for (const container of spec?.containers ?? []) {
    const request = containerRequests(container);
    total.milliCpu += request.milliCpu;
    total.memory += request.memory;
  }
  for (const container of spec?.initContainers ?? []) {
    const request = containerRequests(container);
    total.milliCpu = Math.max(total.milliCpu, request.milliCpu);
    total.memory = Math.max(total.memory, request.memory);
  }
  const overhead = spec?.overhead ?? {};
  if (overhead.cpu !== undefined) {
    total.milliCpu += milliCpu(overhead.cpu);
  }
  if (overhead.memory !== undefined) {
    total.memory += quantityValue(overhead.memory);
  }
  return total;
}

/** The host ports a pod's spec takes, as `protocol/hostIP/port` (host-network pods take their container ports). */
function hostPorts(spec: any): string[] {
  const ports: string[] = [];
  const hostNetwork = spec?.hostNetwork === true;
  for (const container of [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])]) {
    for (const port of container.ports ?? []) {
      const hostPort = port.hostPort ?? (hostNetwork ? port.containerPort : undefined);
      if (hostPort) {
        ports.push(`${port.protocol ?? 'TCP'}/${port.hostIP || '0.0.0.0'}/${hostPort}`);
      }
    }
  }
  return ports;
}

/** Whether a wanted host port conflicts with one in use (same protocol and port, overlapping IP). */
export function portConflicts(wanted: string, used: ReadonlySet<string>): boolean {
  if (used.has(wanted)) {
    return true;
  }
  const [protocol, ip, port] = wanted.split('/');
  for (const taken of used) {
    const [takenProtocol, takenIp, takenPort] = taken.split('/');
    if (takenProtocol === protocol && takenPort === port && (ip === '0.0.0.0' || takenIp === '0.0.0.0' || ip === takenIp)) {
      return true;
    }
  }
  return false;
}

/** The node's allocatable CPU (millicores), memory (bytes) and pod count. */
export function allocatable(node: KubeObject): Resources & { pods: number } {
  const parsed = parsedResources.get(node.status?.allocatable ?? node.status?.capacity ?? {});
  // A copy: the answer is the caller's, and the filters and the scoring ask for every node for every pod.
  return { milliCpu: parsed.milliCpu, memory: parsed.memory, pods: parsed.pods };
}

// The parsed quantities per allocatable (or capacity) object.
const parsedResources = new ObjectMemo<any, Readonly<Resources & { pods: number }>>((resources) => ({
  milliCpu: resources.cpu !== undefined ? milliCpu(resources.cpu) : 0,
  memory: resources.memory !== undefined ? quantityValue(resources.memory) : 0,
  pods: resources.pods !== undefined ? quantityValue(resources.pods) : 0,
}));

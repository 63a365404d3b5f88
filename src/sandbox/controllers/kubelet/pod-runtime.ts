// The simulated kubelet's view of one pod and its containers, and the pod status it reports
// (phase, conditions and container statuses as the real kubelet computes them).
import type { ContainerFailure } from './failure-rules';
import type { TimerHandle } from '../../clock';
import { rfc3339 } from '../../timestamps';
import { fnv32a, utf8 } from '../fnv-hash';

/** Where a container is in its life. */
export enum ContainerPhase {
  /** Not running: being created, failing to pull, or backing off after a crash. */
  WAITING = 'waiting',
  /** Running. */
  RUNNING = 'running',
  /** Exited (only reported while the pod is being killed or will not restart). */
  TERMINATED = 'terminated',
}

/** How a container instance ended. */
export interface ContainerTermination {
  /** The exit code. */
  readonly exitCode: number;
  /** Completed or Error. */
  readonly reason: string;
  /** When it started, epoch ms. */
  readonly startedAt: number;
  /** When it ended, epoch ms. */
  readonly finishedAt: number;
  /** The runtime's id of that instance. */
  readonly containerId: string;
}

/** One simulated container. */
export interface ContainerRuntime {
  /** The container name. */
  readonly name: string;
  /** The image reference. */
  readonly image: string;
  /** How the container fails, if it does. */
  readonly failure: ContainerFailure | undefined;
  /** Whether the container has a readiness probe. */
  readonly hasReadinessProbe: boolean;
  /** How long after starting the container becomes ready. */
  readonly readinessDelayMs: number;
  /** The current phase. */
  phase: ContainerPhase;
  /** The waiting reason (ContainerCreating, ErrImagePull, ImagePullBackOff, CrashLoopBackOff). */
  waitingReason: string;
  /** The waiting message, if any. */
  waitingMessage?: string;
  /** When the running instance started, epoch ms. */
  startedAt?: number;
  /** Whether the container passes readiness. */
  ready: boolean;
  /** How many times the container was restarted. */
  restartCount: number;
  /** The previous instance's termination. */
  lastTermination?: ContainerTermination;
  /** The current instance's termination, when terminated. */
  termination?: ContainerTermination;
  /** Consecutive failed pulls. */
  pullFailures: number;
  /** The runtime id of the current instance, once created. */
  containerId?: string;
}

/** One simulated pod. */
export interface PodRuntime {
  /** The pod uid. */
  readonly uid: string;
  /** The pod namespace. */
  readonly namespace: string;
  /** The pod name. */
  readonly name: string;
  /** The node the pod runs on. */
  readonly nodeName: string;
  /** Always, OnFailure or Never. */
  readonly restartPolicy: string;
  /** The containers, in spec order. */
  readonly containers: ContainerRuntime[];
  /** Pending timers, cancelled when the pod is killed. */
  readonly timers: Set<TimerHandle>;
  /** When the kubelet accepted the pod, epoch ms. */
  readonly startTime: number;
  /** The node's IP. */
  readonly hostIP: string;
  /** The pod's IP, once its sandbox exists. */
  podIP?: string;
  /** Whether the pod is being killed. */
  terminating: boolean;
  /** When each condition last changed status. */
  readonly conditionSince: Map<string, { status: string; since: number }>;
}

/** The pod status the kubelet reports for `runtime`, keeping the PodScheduled condition it already has. */
export function podStatus(runtime: PodRuntime, previous: any, now: number): any {
  const unready = runtime.containers.filter((container) => !container.ready).map((container) => container.name);
  const allReady = unready.length === 0;
  const notReadyDetails = allReady ? {} : { reason: 'ContainersNotReady', message: `containers with unready status: [${unready.join(' ')}]` };
  const condition = (type: string, status: boolean, details: object = {}) => {
    const value = status ? 'True' : 'False';
    const since = runtime.conditionSince.get(type);
    if (!since || since.status !== value) {
      runtime.conditionSince.set(type, { status: value, since: now });
    }
    return { type, status: value, lastProbeTime: null, lastTransitionTime: rfc3339(runtime.conditionSince.get(type)!.since), ...details };
  };
  const scheduled = (previous?.conditions ?? []).find((c: any) => c.type === 'PodScheduled')
    ?? { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: rfc3339(runtime.startTime) };
  const status: any = {
    ...(previous ?? {}),
    phase: podPhase(runtime),
    conditions: [
      condition('PodReadyToStartContainers', runtime.podIP !== undefined),
      condition('Initialized', true),
      condition('Ready', allReady, notReadyDetails),
      condition('ContainersReady', allReady, notReadyDetails),
      scheduled,
    ],
    hostIP: runtime.hostIP,
    hostIPs: [{ ip: runtime.hostIP }],
    startTime: rfc3339(runtime.startTime),
    containerStatuses: runtime.containers.map((container) => containerStatus(container)),
  };
  if (runtime.podIP !== undefined) {
    status.podIP = runtime.podIP;
    status.podIPs = [{ ip: runtime.podIP }];
  }
  return status;
}

// The kubelet's getPhase: Pending until a container has started; Running while containers run or
// will be restarted; Succeeded/Failed once every container exited for good.
function podPhase(runtime: PodRuntime): string {
  const everStarted = (container: ContainerRuntime) =>
    container.phase === ContainerPhase.RUNNING || container.lastTermination !== undefined || container.termination !== undefined;
  if (!runtime.containers.every(everStarted)) {
    return runtime.containers.some(everStarted) ? 'Running' : 'Pending';
  }
  if (runtime.containers.some((container) => container.phase !== ContainerPhase.TERMINATED)) {
    return 'Running';
  }
  if (runtime.terminating || runtime.restartPolicy === 'Always') {
    return 'Running';
  }
  const failed = runtime.containers.some((container) => (container.termination?.exitCode ?? 0) !== 0);
  if (runtime.restartPolicy === 'OnFailure' && failed) {
    return 'Running';
  }
  return failed ? 'Failed' : 'Succeeded';
}

function containerStatus(container: ContainerRuntime): any {
  let state: any;
  switch (container.phase) {
    case ContainerPhase.RUNNING:
      state = { running: { startedAt: rfc3339(container.startedAt!) } };
      break;
    case ContainerPhase.TERMINATED:
      state = { terminated: termination(container.termination!) };
      break;
    default:
      state = { waiting: { reason: container.waitingReason, ...(container.waitingMessage ? { message: container.waitingMessage } : {}) } };
  }
  return {
    name: container.name,
    state,
    lastState: container.lastTermination ? { terminated: termination(container.lastTermination) } : {},
    ready: container.ready,
    restartCount: container.restartCount,
    image: container.image,
    imageID: container.containerId ? imageId(container.image) : '',
    ...(container.containerId ? { containerID: container.containerId } : {}),
    started: container.phase === ContainerPhase.RUNNING,
  };
}

function termination(value: ContainerTermination): any {
  return {
    exitCode: value.exitCode,
    reason: value.reason,
    startedAt: rfc3339(value.startedAt),
    finishedAt: rfc3339(value.finishedAt),
    containerID: value.containerId,
  };
}

// containerd reports the image by digest; a stable fake digest keeps `kubectl describe` realistic.
function imageId(image: string): string {
  const hash = fnv32a(utf8(image));
  const repository = image.split('@')[0].replace(/:[^/:]*$/, '');
  return `${repository}@sha256:${hash.toString(16).padStart(8, '0').repeat(8)}`;
}

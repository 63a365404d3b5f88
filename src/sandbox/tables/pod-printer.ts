// printPod of k8s.io/kubernetes/pkg/printers/internalversion: READY, the STATUS kubectl shows (init progress,
// waiting and termination reasons such as ContainerCreating, ErrImagePull, CrashLoopBackOff, Completed,
// Terminating) and RESTARTS with the time since the last restart.

import type { KubeObject } from '../api';
import { AGE_COLUMN, age, column, NAME_COLUMN, Printer, timestampSince } from './columns';

// The reason the node lifecycle controller sets on pods of an unreachable node.
const NODE_UNREACHABLE_REASON = 'NodeLost';

const SUCCEEDED_CONDITIONS = [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }];
const FAILED_CONDITIONS = [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];

/** Sidecar containers: init containers with restartPolicy Always, which run alongside the app containers. */
function isRestartableInitContainer(container: any): boolean {
  return container?.restartPolicy === 'Always';
}

function isTerminalPhase(phase: string | undefined): boolean {
  return phase === 'Failed' || phase === 'Succeeded';
}

function conditionIsTrue(pod: KubeObject, type: string): boolean {
  return (pod.status?.conditions ?? []).some((condition: any) => condition.type === type && condition.status === 'True');
}

/** The later of the two RFC 3339 timestamps (either may be unset). */
function later(current: string | undefined, candidate: string | undefined): string | undefined {
  if (!candidate) {
    return current;
  }
  return !current || Date.parse(candidate) > Date.parse(current) ? candidate : current;
}

function terminationReason(terminated: any, prefix: string): string {
  if (terminated.reason) {
    return `${prefix}${terminated.reason}`;
  }
  return terminated.signal ? `${prefix}Signal:${terminated.signal}` : `${prefix}ExitCode:${terminated.exitCode ?? 0}`;
}

interface PodSummary {
  readonly ready: number;
  readonly total: number;
  readonly reason: string;
  readonly restarts: number;
  readonly lastRestart?: string;
}

/** The READY, STATUS and RESTARTS facts of a pod, computed as printPod does. */
export function summarizePod(pod: KubeObject): PodSummary {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  const phase: string | undefined = status.phase;
  const initContainers: any[] = spec.initContainers ?? [];
  const initByName = new Map(initContainers.map((container) => [container.name, container]));
  const total = (spec.containers ?? []).length + initContainers.filter(isRestartableInitContainer).length;
  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart: string | undefined;
  let lastSidecarRestart: string | undefined;
  let reason: string = status.reason || phase || '';
  if ((status.conditions ?? []).some((condition: any) => condition.type === 'PodScheduled' && condition.reason === 'SchedulingGated')) {
    reason = 'SchedulingGated';
  }

  let initializing = false;
  const initStatuses: any[] = status.initContainerStatuses ?? [];
  for (let index = 0; index < initStatuses.length; index++) {
    const container = initStatuses[index];
    const sidecar = isRestartableInitContainer(initByName.get(container.name));
    restarts += container.restartCount ?? 0;
    lastRestart = later(lastRestart, container.lastState?.terminated?.finishedAt);
    if (sidecar) {
      sidecarRestarts += container.restartCount ?? 0;
      lastSidecarRestart = later(lastSidecarRestart, container.lastState?.terminated?.finishedAt);
    }
    const state = container.state ?? {};
    if (state.terminated && (state.terminated.exitCode ?? 0) === 0) {
      continue;
    }
    if (sidecar && container.started) {
      if (container.ready) {
        ready++;
      }
      continue;
    }
    if (state.terminated) {
      reason = terminationReason(state.terminated, 'Init:');
    } else if (state.waiting?.reason && state.waiting.reason !== 'PodInitializing') {
      reason = `Init:${state.waiting.reason}`;
    } else {
      reason = `Init:${index}/${initContainers.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || conditionIsTrue(pod, 'Initialized')) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses: any[] = status.containerStatuses ?? [];
    // Walked from the last container, so the first container's reason wins.
    for (let index = statuses.length - 1; index >= 0; index--) {
      const container = statuses[index];
      const state = container.state ?? {};
      restarts += container.restartCount ?? 0;
      lastRestart = later(lastRestart, container.lastState?.terminated?.finishedAt);
      if (state.waiting?.reason) {
        reason = state.waiting.reason;
      } else if (state.terminated) {
        reason = terminationReason(state.terminated, '');
      } else if (container.ready && state.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      reason = conditionIsTrue(pod, 'Ready') ? 'Running' : 'NotReady';
    }
  }

  if (pod.metadata.deletionTimestamp && status.reason === NODE_UNREACHABLE_REASON) {
    reason = 'Unknown';
  } else if (pod.metadata.deletionTimestamp && !isTerminalPhase(phase)) {
    reason = 'Terminating';
  }
  return { ready, total, reason, restarts, lastRestart };
}

function readinessGates(pod: KubeObject): string {
  const gates: any[] = pod.spec?.readinessGates ?? [];
  if (gates.length === 0) {
    return '<none>';
  }
  const conditions: any[] = pod.status?.conditions ?? [];
  const passing = gates.filter((gate) => conditions.find((condition) => condition.type === gate.conditionType)?.status === 'True');
  return `${passing.length}/${gates.length}`;
}

/** The pods printer: NAME READY STATUS RESTARTS AGE, and IP, NODE, NOMINATED NODE, READINESS GATES when wide. */
export const POD_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    column('Status', 'string', 'The aggregate status of the containers in this pod.'),
    column('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    AGE_COLUMN,
    column('IP', 'string', 'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', 1),
    column('Node', 'string', 'NodeName indicates in which node this pod is scheduled.', 1),
    column('Nominated Node', 'string', 'nominatedNodeName is set only when this pod preempts other pods on the node.', 1),
    column('Readiness Gates', 'string', 'If specified, all readiness gates will be evaluated for pod readiness.', 1),
  ],
  cells(pod, now) {
    const summary = summarizePod(pod);
    const restarts = summary.restarts !== 0 && summary.lastRestart
      ? `${summary.restarts} (${timestampSince(summary.lastRestart, now)} ago)`
      : String(summary.restarts);
    return [
      pod.metadata.name,
      `${summary.ready}/${summary.total}`,
      summary.reason,
      restarts,
      age(pod, now),
      // The internal type's podIPs; the v1 conversion fills it from podIP when a writer set only that.
      pod.status?.podIPs?.[0]?.ip || pod.status?.podIP || '<none>',
      pod.spec?.nodeName || '<none>',
      pod.status?.nominatedNodeName || '<none>',
      readinessGates(pod),
    ];
  },
  conditions(pod) {
    const phase = pod.status?.phase;
    return phase === 'Succeeded' ? SUCCEEDED_CONDITIONS : phase === 'Failed' ? FAILED_CONDITIONS : undefined;
  },
};

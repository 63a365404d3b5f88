import { KubeDaemonSet, KubePod, KubeStatefulSet } from '../kube/kube-types';
import { podProblems } from '../kube/pod-facts';

/**
 * What `kubectl rollout status` reports for one observation: the message (without the trailing newline kubectl
 * prints), whether it stops watching, and the error it exits with, if any.
 */
export interface KubectlRolloutStatus {
  readonly message: string;
  readonly done: boolean;
  readonly error?: string;
}

const ROLLING_UPDATE = 'RollingUpdate';
const ONLY_ROLLING_UPDATE = `rollout status is only available for ${ROLLING_UPDATE} strategy type`;

/**
 * kubectl's `StatefulSetStatusViewer.Status`, reproduced branch for branch (`rollout_status.go`). It counts Ready pods of
 * any revision and calls a staged update (`partition >= replicas`) complete, which is why the runtime has its own
 * status; this function exists so our output can show what kubectl would have said.
 */
export function kubectlStatefulSetStatus(sts: KubeStatefulSet): KubectlRolloutStatus {
  const strategy = sts.spec.updateStrategy;
  if (strategy?.type !== ROLLING_UPDATE) {
    return { message: '', done: true, error: ONLY_ROLLING_UPDATE };
  }
  const status = sts.status ?? {};
  const observedGeneration = status.observedGeneration ?? 0;
  if (observedGeneration === 0 || (sts.metadata.generation ?? 0) > observedGeneration) {
    return { message: 'Waiting for statefulset spec update to be observed...', done: false };
  }
  const replicas = sts.spec.replicas;
  const readyReplicas = status.readyReplicas ?? 0;
  const updatedReplicas = status.updatedReplicas ?? 0;
  if (replicas !== undefined && readyReplicas < replicas) {
    return { message: `Waiting for ${replicas - readyReplicas} pods to be ready...`, done: false };
  }
  if (strategy.rollingUpdate) {
    const partition = strategy.rollingUpdate.partition;
    if (replicas !== undefined && partition !== undefined && updatedReplicas < replicas - partition) {
      return {
        message: `Waiting for partitioned roll out to finish: ${updatedReplicas} out of ${replicas - partition} new pods have been updated...`,
        done: false,
      };
    }
    return { message: `partitioned roll out complete: ${updatedReplicas} new pods have been updated...`, done: true };
  }
  if (status.updateRevision !== status.currentRevision) {
    return {
      message: `waiting for statefulset rolling update to complete ${updatedReplicas} pods at revision ${status.updateRevision ?? ''}...`,
      done: false,
    };
  }
  return {
    message: `statefulset rolling update complete ${status.currentReplicas ?? 0} pods at revision ${status.currentRevision ?? ''}...`,
    done: true,
  };
}

/** kubectl's `DaemonSetStatusViewer.Status`, reproduced branch for branch (`rollout_status.go`). */
export function kubectlDaemonSetStatus(ds: KubeDaemonSet): KubectlRolloutStatus {
  if (ds.spec.updateStrategy?.type !== ROLLING_UPDATE) {
    return { message: '', done: true, error: ONLY_ROLLING_UPDATE };
  }
  const status = ds.status ?? {};
  const name = JSON.stringify(ds.metadata.name ?? '');
  if ((ds.metadata.generation ?? 0) <= (status.observedGeneration ?? 0)) {
    const desired = status.desiredNumberScheduled ?? 0;
    const updated = status.updatedNumberScheduled ?? 0;
    const available = status.numberAvailable ?? 0;
    if (updated < desired) {
      return { message: `Waiting for daemon set ${name} rollout to finish: ${updated} out of ${desired} new pods have been updated...`, done: false };
    }
    if (available < desired) {
      return { message: `Waiting for daemon set ${name} rollout to finish: ${available} of ${desired} updated pods are available...`, done: false };
    }
    return { message: `daemon set ${name} successfully rolled out`, done: true };
  }
  return { message: 'Waiting for daemon set spec update to be observed...', done: false };
}

/**
 * kubectl's Deployment `appendWarning`, applied to any workload's pods: the first pod that is Unschedulable or whose
 * container waits for an image or crash-loops adds `(Warning: ...)` to the message.
 */
export function appendPodWarning(message: string, pods: readonly KubePod[]): string {
  for (const pod of pods) {
    const problem = podProblems(pod).find((candidate) => candidate.reason !== 'Failed');
    if (!problem) {
      continue;
    }
    return problem.reason === 'Unschedulable'
      ? `${message.trim()} (Warning: ${problem.message})`
      : `${message.trim()} (Warning: ${problem.reason} - ${problem.message})`;
  }
  return message;
}

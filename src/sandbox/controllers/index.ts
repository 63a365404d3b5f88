// The sandbox's control plane behind the API: the StatefulSet, DaemonSet and disruption controllers, the
// scheduler, the simulated kubelets, the garbage collector and a volume provisioner, all fed by one
// set of watch caches and all running on the sandbox clock.
import { ApiError } from '../api';
import type { KubeObject, SandboxApi } from '../api';
import type { SandboxClock } from '../clock';
import { withFieldManager } from '../managed-fields';
import { DaemonSetController } from './daemonset/daemonset-controller';
import { DisruptionController } from './disruption/disruption-controller';
import { EventBroadcaster } from './event-recorder';
import { GARBAGE_COLLECTED_TYPES, GarbageCollector } from './garbage-collector';
import { KubeletOptions, KubeletSimulator } from './kubelet/kubelet';
import { CacheSet } from './object-cache';
import { Scheduler } from './scheduler/scheduler';
import { StatefulSetController } from './statefulset/statefulset-controller';
import { VolumeProvisioner } from './volume-provisioner';
import { RetryableError } from './work-queue';

export { KubeletSimulator } from './kubelet/kubelet';
export type { KubeletOptions } from './kubelet/kubelet';
export { PodFailureMode, POD_FAILURE_ANNOTATION, CONTAINER_FAILURE_ENV } from './kubelet/failure-rules';
export type { PodFailureRule } from './kubelet/failure-rules';

/** Options of {@link startControllers}. */
export interface ControllerOptions {
  /** The clock every controller runs on (a VirtualClock in tests, a RealClock for people). */
  readonly clock: SandboxClock;
  /**
   * Timing and failure behaviour of the simulated kubelets.
   * @default - containers run 10 s after scheduling, ready per their readiness probe, never fail unless their image tag is `bad`
   */
  readonly kubelet?: KubeletOptions;
  /**
   * Whether StatefulSets honour `rollingUpdate.maxUnavailable` (the MaxUnavailableStatefulSet
   * feature gate, on by default in Kubernetes 1.37).
   * @default true
   */
  readonly maxUnavailableStatefulSet?: boolean;
}

/** The running controllers. */
export interface Controllers {
  /** The simulated kubelets (e.g. to add failure rules while the sandbox runs). */
  readonly kubelet: KubeletSimulator;
  /** Stops every controller and watch; pending timers are cancelled. */
  stop(): void;
}

/** Starts the controllers against `api`. */
export function startControllers(api: SandboxApi, options: ControllerOptions): Controllers {
  const { clock } = options;
  const caches = new CacheSet(api);
  const events = new EventBroadcaster(api, clock);
  const isRetryable = (error: unknown) => error instanceof ApiError || error instanceof RetryableError;
  // Each component's writes are recorded in managedFields under the name its User-Agent gives upstream.
  const common = { api: withFieldManager(api, 'kube-controller-manager'), clock, caches, isRetryable };
  const stoppables = [
    new GarbageCollector({ ...common, types: GARBAGE_COLLECTED_TYPES }),
    new StatefulSetController({ ...common, recorder: events.recorderFor('statefulset-controller'), maxUnavailableStatefulSet: options.maxUnavailableStatefulSet }),
    new DaemonSetController({ ...common, recorder: events.recorderFor('daemonset-controller') }),
    new DisruptionController({ ...common, recorder: events.recorderFor('controllermanager') }),
    new Scheduler({
      ...common, api: withFieldManager(api, 'kube-scheduler'), recorder: events.recorderFor('default-scheduler'), bind: (pod, nodeName) => bindPod(api, pod, nodeName),
    }),
    new VolumeProvisioner(common),
  ];
  const kubelet = new KubeletSimulator({ ...common, api: withFieldManager(api, 'kubelet'), ...(options.kubelet ?? {}), recorder: events.recorderFor('kubelet') });
  caches.start();
  return {
    kubelet,
    stop: () => {
      caches.stop();
      kubelet.stop();
      for (const controller of stoppables) {
        controller.stop();
      }
    },
  };
}

function bindPod(api: SandboxApi, pod: KubeObject, nodeName: string): void {
  api.bind(pod.metadata.namespace!, pod.metadata.name!, nodeName);
}

// Builders for the plain Kubernetes JSON the runtime's decision functions read, so each test states only what matters.
import { RolloutKeys } from '../../src/keys';
import { KubeContainerStatus, KubeDaemonSet, KubePod, KubePodCondition, KubeStatefulSet } from '../../src/runtime/kube/kube-types';
import { PROMOTION_STATE_VERSION, PromotionState } from '../../src/runtime/promotion/promotion-state';

/** A fixed "now" for tests: 2026-01-01T00:10:00Z. */
export const NOW = Date.parse('2026-01-01T00:10:00Z');

/** An RFC 3339 time `seconds` before {@link NOW}. */
export function secondsAgo(seconds: number): string {
  return new Date(NOW - seconds * 1000).toISOString();
}

/** A StatefulSet promotion of plan `canary` on step 1 of 2, progressing from web-old to web-new, with `overrides`. */
export function promotionState(overrides: Partial<PromotionState> = {}): PromotionState {
  return {
    version: PROMOTION_STATE_VERSION,
    kind: 'StatefulSet',
    plan: 'canary',
    step: 1,
    targetStep: 2,
    phase: 'progressing',
    paused: false,
    abortRequested: false,
    updateRevision: 'web-new',
    previousRevision: 'web-old',
    startedAt: secondsAgo(300),
    stepStartedAt: secondsAgo(120),
    gates: [],
    holder: 'me',
    ...overrides,
  };
}

/** What a test pod looks like; everything is optional. */
export interface PodShape {
  readonly name?: string;
  readonly uid?: string;
  readonly revision?: string;
  /** Ready since this many seconds before NOW; undefined = not Ready. */
  readonly readyForSeconds?: number;
  readonly restarts?: number;
  readonly waiting?: { readonly reason: string; readonly message?: string };
  readonly unschedulable?: string;
  readonly terminating?: boolean;
  readonly phase?: string;
  readonly node?: string;
}

/** A pod with one container `app`. */
export function pod(shape: PodShape = {}): KubePod {
  const conditions: KubePodCondition[] = [];
  if (shape.unschedulable !== undefined) {
    conditions.push({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: shape.unschedulable });
  }
  conditions.push(shape.readyForSeconds === undefined
    ? { type: 'Ready', status: 'False', lastTransitionTime: secondsAgo(600) }
    : { type: 'Ready', status: 'True', lastTransitionTime: secondsAgo(shape.readyForSeconds) });
  const containerStatus: KubeContainerStatus = {
    name: 'app',
    ready: shape.readyForSeconds !== undefined,
    restartCount: shape.restarts ?? 0,
    state: shape.waiting ? { waiting: shape.waiting } : { running: { startedAt: secondsAgo(600) } },
  };
  return {
    metadata: {
      name: shape.name ?? 'web-0',
      uid: shape.uid ?? `uid-${shape.name ?? 'web-0'}`,
      labels: shape.revision ? { [RolloutKeys.CONTROLLER_REVISION_HASH_LABEL]: shape.revision } : {},
      deletionTimestamp: shape.terminating ? secondsAgo(1) : undefined,
    },
    spec: { nodeName: shape.node, containers: [{ name: 'app', image: 'app:1' }] },
    status: { phase: shape.phase ?? 'Running', conditions, containerStatuses: [containerStatus] },
  };
}

/** What a test StatefulSet looks like. */
export interface StatefulSetShape {
  readonly name?: string;
  readonly replicas?: number;
  readonly partition?: number;
  /** `RollingUpdate` (default) or `OnDelete`. */
  readonly strategy?: string;
  /** Leave `rollingUpdate` out, as a pre-apps/v1 object could. */
  readonly noRollingUpdate?: boolean;
  readonly generation?: number;
  readonly observedGeneration?: number;
  readonly readyReplicas?: number;
  readonly updatedReplicas?: number;
  readonly currentReplicas?: number;
  readonly currentRevision?: string;
  readonly updateRevision?: string;
  readonly minReadySeconds?: number;
  readonly ordinalsStart?: number;
  readonly podManagementPolicy?: string;
}

/** A StatefulSet `web` with 3 replicas, observed, on one revision unless the shape says otherwise. */
export function statefulSet(shape: StatefulSetShape = {}): KubeStatefulSet {
  const strategy = shape.strategy ?? 'RollingUpdate';
  return {
    metadata: { name: shape.name ?? 'web', namespace: 'default', generation: shape.generation ?? 2 },
    spec: {
      replicas: shape.replicas ?? 3,
      selector: { matchLabels: { app: 'web' } },
      template: { spec: { containers: [{ name: 'app', image: 'app:2' }] } },
      updateStrategy: strategy === 'RollingUpdate' && !shape.noRollingUpdate
        ? { type: strategy, rollingUpdate: shape.partition === undefined ? {} : { partition: shape.partition } }
        : { type: strategy },
      minReadySeconds: shape.minReadySeconds,
      ordinals: shape.ordinalsStart === undefined ? undefined : { start: shape.ordinalsStart },
      podManagementPolicy: shape.podManagementPolicy,
    },
    status: {
      observedGeneration: shape.observedGeneration ?? shape.generation ?? 2,
      replicas: shape.replicas ?? 3,
      readyReplicas: shape.readyReplicas ?? shape.replicas ?? 3,
      updatedReplicas: shape.updatedReplicas ?? 0,
      currentReplicas: shape.currentReplicas ?? shape.replicas ?? 3,
      currentRevision: shape.currentRevision ?? 'web-old',
      updateRevision: shape.updateRevision ?? 'web-new',
    },
  };
}

/** What a test DaemonSet looks like. */
export interface DaemonSetShape {
  readonly strategy?: string;
  readonly generation?: number;
  readonly observedGeneration?: number;
  readonly desired?: number;
  readonly updated?: number;
  readonly available?: number;
}

/** A DaemonSet `agent` on 3 nodes. */
export function daemonSet(shape: DaemonSetShape = {}): KubeDaemonSet {
  return {
    metadata: { name: 'agent', namespace: 'default', generation: shape.generation ?? 2 },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: { spec: { containers: [{ name: 'agent', image: 'agent:2' }] } },
      updateStrategy: { type: shape.strategy ?? 'RollingUpdate' },
    },
    status: {
      observedGeneration: shape.observedGeneration ?? shape.generation ?? 2,
      desiredNumberScheduled: shape.desired ?? 3,
      updatedNumberScheduled: shape.updated ?? 3,
      numberAvailable: shape.available ?? 3,
    },
  };
}

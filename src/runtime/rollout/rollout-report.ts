// `kubectl-stage status`: where a rollout stands, decided by which revision each pod runs (its
// `controller-revision-hash`), never by Ready counts alone or by `status.currentRevision`, which upstream never moves
// under OnDelete. kubectl calls a staged StatefulSet complete; this report calls it staged and says what would move it.
import { kubectlDaemonSetStatus, kubectlStatefulSetStatus, KubectlRolloutStatus } from './kubectl-rollout-status';
import { RolloutKeys } from '../../keys';
import { KubeControllerRevision, KubeDaemonSet, KubeLease, KubePod, KubeStatefulSet } from '../kube/kube-types';
import {
  isPodAvailable, isPodReady, isPodTerminating, podName, podNodeName, podProblems, PodProblem, podRestartCount, podRevision,
  statefulSetPodOrdinal,
} from '../kube/pod-facts';
import { liveRevision, revisionHash } from '../kube/revision-history';
import {
  isOnDelete, logicalPartition, ordinalsToUpdate, podsByOrdinal, statefulSetReplicas,
} from '../kube/statefulset-facts';
import { shortRef, WorkloadKind } from '../kube/workload-ref';
import { resolvePartitionPlan } from '../promotion/plan-source';
import { leaseExpiresAt } from '../promotion/promotion-lock';
import { decodePromotionState, PromotionState, TERMINAL_PHASES } from '../promotion/promotion-state';
import { BlockingPod, earliest, podAvailableAt } from '../promotion/step-gate';
import { RuntimeError } from '../runtime-error';
import { detectForcedRollbackTrap, ForcedRollbackTrap } from '../statefulset/forced-rollback-trap';
import { blockingOrdinals, blockingReason, evaluateStepGate, statefulSetControllerLag } from '../statefulset/statefulset-step-gate';

/**
 * Where a rollout stands.
 *
 * - `observing`: the controller has not observed the latest spec (or recorded its revision) yet.
 * - `staged`: a new revision exists but no pod is meant to run it yet (partition pinned, or OnDelete with no pod deleted).
 * - `rolling`: pods that should run the new revision do not, or are not Ready and Available yet.
 * - `step-complete`: every pod of the current step runs the new revision, Ready and Available; the rest wait for a promotion.
 * - `complete`: every pod runs the update revision, Ready and Available.
 */
export type RolloutPhase = 'observing' | 'staged' | 'rolling' | 'step-complete' | 'complete';

/** One pod as the report shows it. */
export interface ReportedPod {
  readonly name: string;
  /** The StatefulSet ordinal. */
  readonly ordinal?: number;
  /** The node (DaemonSet pods, and StatefulSet pods once scheduled). */
  readonly node?: string;
  readonly ready: boolean;
  readonly available: boolean;
  readonly terminating: boolean;
  readonly restarts: number;
  readonly problems: readonly PodProblem[];
}

/** The pods running one revision. */
export interface RevisionGroup {
  /** The `controller-revision-hash` value (`<none>` for pods without one). */
  readonly revision: string;
  /** `update` for the revision being rolled out, `current` for the one it replaces, `other` for anything older. */
  readonly role: 'update' | 'current' | 'other';
  readonly pods: readonly ReportedPod[];
}

/** Where the workload is in its plan. */
export interface PlanPosition {
  /** The plan in its string form. */
  readonly plan: string;
  /** The index of the step the workload is at (0 = staged). */
  readonly step: number;
  /** The number of steps after staging. */
  readonly steps: number;
}

/** The report `status` prints (as text) or emits (as one NDJSON object per observation). */
export interface RolloutReport {
  readonly kind: WorkloadKind;
  readonly namespace: string;
  readonly name: string;
  readonly phase: RolloutPhase;
  /** Whether nothing will change without someone acting (staged, step complete, complete): `status --watch` stops. */
  readonly settled: boolean;
  /** One line saying where the rollout stands and what it waits for. */
  readonly message: string;
  /** The revision being rolled out (`status.updateRevision`; the DaemonSet's live revision hash). */
  readonly updateRevision?: string;
  /** The revision the pods ran before (`status.currentRevision`; unset for DaemonSets and for OnDelete, where upstream never moves it). */
  readonly currentRevision?: string;
  /** Desired pods (`spec.replicas`, `status.desiredNumberScheduled`). */
  readonly desired: number;
  /** Pods on the update revision (not terminating). */
  readonly updated: number;
  /** Of those, how many are Ready and Available. */
  readonly updatedAvailable: number;
  /** The logical partition (StatefulSets under RollingUpdate). */
  readonly partition?: number;
  /** The position in the plan, when the workload has one (state or plan annotation) and the partition is on it. */
  readonly position?: PlanPosition;
  /** The promotion recorded in the state annotation, if any. */
  readonly promotion?: PromotionState;
  /** The holder of the Lease of the promotion in progress, while it is live: a promoter is running it. */
  readonly promoter?: string;
  /** Why the state annotation could not be read, if it could not. */
  readonly promotionError?: string;
  /** The pods, grouped by revision: update revision first, then current, then the rest. */
  readonly revisions: readonly RevisionGroup[];
  /** The pods keeping the rollout from its next state, and why. */
  readonly blocking: readonly BlockingPod[];
  /** What `kubectl rollout status` would say about the same object. */
  readonly kubectl: KubectlRolloutStatus;
  /**
   * When a Ready pod on the update revision becomes Available through `minReadySeconds` alone (ms since the epoch):
   * no watch event marks that moment, so a watcher sets a timer for it.
   */
  readonly recheckAt?: number;
  /** Set when the StatefulSet is stuck in the forced-rollback trap (#67250): the pods only a deletion moves. */
  readonly forcedRollbackTrap?: ForcedRollbackTrap;
}

/** Who runs the promotion the state records, as its Lease shows it. */
export interface PromoterPresence {
  /** The Lease's holder; empty when it was released or there is no Lease. */
  readonly holder: string;
  /** Whether that holder's Lease is unexpired: a promoter is running the promotion. */
  readonly live: boolean;
  /** When the Lease expires unless renewed (ms since the epoch); the promoter is gone if it is not renewed by then. */
  readonly expiresAt?: number;
}

/** The presence of a promotion's promoter from its Lease (pure). */
export function promoterPresence(lease: KubeLease | undefined, now: number): PromoterPresence {
  const holder = lease?.spec?.holderIdentity ?? '';
  const expiresAt = lease ? leaseExpiresAt(lease) : undefined;
  return { holder, live: holder !== '' && expiresAt !== undefined && expiresAt > now, expiresAt };
}

// What the report says about a promotion in progress, and whether it is live; undefined when none is in progress, or
// when the caller did not read its Lease (`presence` undefined).
interface PromotionNote {
  readonly text: string;
  readonly live: boolean;
}

function promotionNote(promotion: PromotionState | undefined, presence: PromoterPresence | undefined, short: string): PromotionNote | undefined {
  if (!promotion || !presence || TERMINAL_PHASES.includes(promotion.phase)) {
    return undefined;
  }
  if (!presence.live) {
    return {
      live: false,
      text: `the promotion stopped at step ${promotion.step} (no promoter holds its Lease): run "kubectl-stage promote ${short}" to resume it`,
    };
  }
  return { live: true, text: `promotion in progress by ${presence.holder}: ${promotionActivity(promotion, short)}` };
}

// What a live promoter is doing, from the state it wrote; a command only when the promotion waits for a person.
function promotionActivity(promotion: PromotionState, short: string): string {
  if (promotion.abortRequested) {
    return `stopping at step ${promotion.step} (abort requested)`;
  }
  switch (promotion.phase) {
    case 'soaking':
      return `step ${promotion.step} soaking since ${promotion.soakStartedAt ?? promotion.stepStartedAt}`;
    case 'awaiting-approval':
      return `step ${promotion.step} passed; waiting for approval: run "kubectl-stage resume ${short}"`;
    case 'rolling-back':
      return `rolling back to revision ${promotion.previousRevision ?? '(unknown)'}`;
    default:
      return promotion.paused
        ? `paused after step ${promotion.step}: run "kubectl-stage resume ${short}" to continue`
        : `step ${promotion.step} of ${promotion.targetStep} in progress`;
  }
}

/**
 * Reports a StatefulSet's rollout from the object and its pods.
 *
 * @param presence the promoter of the promotion the state records, read from its Lease: while it is live the report is
 *   not settled and advises nothing the promoter is doing already @default unknown: the report ignores the promotion
 */
export function statefulSetReport(sts: KubeStatefulSet, pods: readonly KubePod[], now: number, presence?: PromoterPresence): RolloutReport {
  const name = sts.metadata.name ?? '';
  const where = `statefulset/${name}`;
  const replicas = statefulSetReplicas(sts);
  const onDelete = isOnDelete(sts);
  const updateRevision = sts.status?.updateRevision;
  const owned = pods.filter((pod) => statefulSetPodOrdinal(pod, name) !== undefined);
  const minReadySeconds = sts.spec.minReadySeconds ?? 0;
  const base = reportBase({
    kind: 'StatefulSet',
    workload: sts,
    pods: owned,
    updateRevision,
    minReadySeconds,
    now,
    desired: replicas,
    kubectl: kubectlStatefulSetStatus(sts),
    currentRevision: onDelete ? undefined : sts.status?.currentRevision,
    setName: name,
  });
  const note = promotionNote(base.promotion, presence, shortRef({ kind: 'StatefulSet', name }));
  const promoter = note?.live ? { promoter: presence!.holder } : {};
  // A live promoter keeps the rollout moving (not settled); a stopped one is resumed by a promote: say that instead of
  // the default advice.
  const settled = !note?.live;
  const advise = (fallback: string) => note ? note.text : fallback;
  const lag = statefulSetControllerLag(sts);
  if (lag !== undefined || !updateRevision) {
    return { ...base, ...promoter, phase: 'observing', settled: false, blocking: [], message: `${where}: ${lag}` };
  }
  const trap = detectForcedRollbackTrap(sts, owned);
  const stuck = trap.trapped ? { forcedRollbackTrap: trap } : {};
  // Every ordinal, lowest first, as the report lists them.
  const allOrdinals = ordinalsToUpdate(sts, 0).reverse();
  const everyPod = blockingOrdinals(sts, podsByOrdinal(sts, owned), allOrdinals, updateRevision, now).blocking;
  const onRevision = `${base.updated} of ${replicas} pods on revision ${updateRevision}`;
  if (everyPod.length === 0) {
    return {
      ...base,
      ...promoter,
      phase: 'complete',
      settled,
      blocking: [],
      message: `${where}: rollout complete: ${onRevision}, Ready and Available${note ? `; ${note.text}` : ''}`,
    };
  }
  // No pod on another revision, and none to be created at one: nothing is staged, whatever the partition or strategy
  // says. The pods in the way are being created or starting at the only revision (a fresh workload, pinned or OnDelete
  // from the start); they are not an update waiting for a promotion.
  const current = onDelete ? undefined : sts.status?.currentRevision;
  if ((current === undefined || current === updateRevision) && owned.every((pod) => podRevision(pod) === updateRevision)) {
    return {
      ...base,
      ...stuck,
      ...promoter,
      phase: 'rolling',
      settled: false,
      blocking: everyPod,
      message: `${where}: rolling: ${onRevision}; waiting for ${describeBlocking(everyPod)}`,
    };
  }
  if (onDelete) {
    // Also an ordered restart in progress (OnDelete while it promotes): its promoter is named and keeps it unsettled.
    const staged = base.updated === 0;
    return {
      ...base,
      ...stuck,
      ...promoter,
      phase: staged ? 'staged' : 'rolling',
      settled: staged && settled,
      blocking: staged ? [] : everyPod,
      message: `${where}: ${staged ? 'update staged' : 'rolling'} (OnDelete: pods move to ${updateRevision} only when deleted): `
        + `${onRevision}${staged ? '' : `; waiting for ${describeBlocking(everyPod)}`}${note ? `; ${note.text}` : ''}`,
    };
  }
  const partition = logicalPartition(sts);
  const position = planPosition(sts, base.promotion, partition, replicas);
  const at = position ? `step ${position.step} of ${position.steps}` : `partition ${partition}`;
  // Where a partitioned rollout stands: the same fields whatever its phase.
  const partitioned = (phase: 'staged' | 'step-complete' | 'rolling', blocking: readonly BlockingPod[], message: string): RolloutReport => (
    { ...base, ...stuck, ...promoter, partition, position, phase, settled: phase === 'rolling' ? false : settled, blocking, message });
  if (partition >= replicas) {
    return partitioned('staged', [], `${where}: update staged (${at}): ${onRevision}; ${advise('promote to roll it out')}`);
  }
  const gate = evaluateStepGate(sts, owned, now);
  if (gate.passed) {
    return partitioned('step-complete', [],
      `${where}: ${at} complete: ${onRevision}, Ready and Available; ${everyPod.length} to go, ${advise('promote to continue')}`);
  }
  return partitioned('rolling', gate.blocking,
    `${where}: rolling (${at}): ${onRevision}; waiting for ${describeBlocking(gate.blocking)}${note ? `; ${note.text}` : ''}`);
}

/**
 * Reports a DaemonSet's rollout from the object, its ControllerRevisions (to find the revision hash of the live
 * template, which DaemonSet status does not carry) and its pods.
 */
export function daemonSetReport(
  ds: KubeDaemonSet, revisions: readonly KubeControllerRevision[], pods: readonly KubePod[], now: number, presence?: PromoterPresence,
): RolloutReport {
  const name = ds.metadata.name ?? '';
  const where = `daemonset/${name}`;
  const live = liveRevision(ds, revisions);
  const updateRevision = live ? revisionHash('DaemonSet', live) : undefined;
  const minReadySeconds = ds.spec.minReadySeconds ?? 0;
  const desired = ds.status?.desiredNumberScheduled ?? 0;
  const base = reportBase({
    kind: 'DaemonSet', workload: ds, pods, updateRevision, minReadySeconds, now, desired, kubectl: kubectlDaemonSetStatus(ds),
  });
  const note = promotionNote(base.promotion, presence, shortRef({ kind: 'DaemonSet', name }));
  const promoter = note?.live ? { promoter: presence!.holder } : {};
  const settled = !note?.live;
  const noted = note ? `; ${note.text}` : '';
  const observed = (ds.status?.observedGeneration ?? 0) >= (ds.metadata.generation ?? 0);
  if (!observed || !updateRevision) {
    const why = observed ? 'the controller has not recorded a revision for the current template yet'
      : `the DaemonSet controller has not observed generation ${ds.metadata.generation ?? 0} yet `
        + `(observedGeneration ${ds.status?.observedGeneration ?? 0})`;
    return { ...base, ...promoter, phase: 'observing', settled: false, blocking: [], message: `${where}: ${why}` };
  }
  const blocking: BlockingPod[] = [];
  // The blocking pods already on the update revision: what an OnDelete canary step waits for.
  const updatedBlocking: BlockingPod[] = [];
  for (const pod of [...pods].sort((a, b) => (podNodeName(a) ?? '').localeCompare(podNodeName(b) ?? ''))) {
    const reason = blockingReason(pod, updateRevision, minReadySeconds, now);
    if (reason) {
      const entry = { pod: podName(pod), node: podNodeName(pod), reason, problems: podProblems(pod) };
      blocking.push(entry);
      if (podRevision(pod) === updateRevision) {
        updatedBlocking.push(entry);
      }
    }
  }
  const onRevision = `${base.updated} of ${desired} pods on revision ${updateRevision}`;
  const missing = Math.max(0, desired - base.updatedAvailable - blocking.length);
  if (blocking.length === 0 && missing === 0) {
    return { ...base, ...promoter, phase: 'complete', settled, blocking, message: `${where}: rollout complete: ${onRevision}, Ready and Available${noted}` };
  }
  const onDelete = ds.spec.updateStrategy?.type === 'OnDelete';
  const stepped = base.promotion ? `step ${base.promotion.step}` : undefined;
  // As for a StatefulSet: with no pod on another revision, pods still to be created are not a staged update.
  if (onDelete && base.updated === 0 && pods.some((pod) => podRevision(pod) !== updateRevision)) {
    return {
      ...base,
      ...promoter,
      phase: 'staged',
      settled,
      blocking: [],
      message: `${where}: update staged (OnDelete: pods move to ${updateRevision} only when deleted): ${onRevision}${noted}`,
    };
  }
  if (onDelete && updatedBlocking.length === 0 && missing === 0) {
    return {
      ...base,
      ...promoter,
      phase: 'step-complete',
      settled,
      blocking: [],
      message: `${where}: ${stepped ?? 'canary'} complete: ${onRevision}, Ready and Available; ${blocking.length} to go${noted}`,
    };
  }
  const waiting = onDelete ? updatedBlocking : blocking;
  const nodesWithoutPod = missing > 0 ? `${missing} node${missing === 1 ? '' : 's'} without a pod yet` : '';
  return {
    ...base,
    ...promoter,
    phase: 'rolling',
    settled: false,
    blocking: waiting,
    message: `${where}: rolling${stepped ? ` (${stepped})` : ''}: ${onRevision}; waiting for `
      + [describeBlocking(waiting), nodesWithoutPod].filter((part) => part !== '').join(', ') + noted,
  };
}

/** What {@link reportBase} needs. */
interface ReportBaseInputs {
  readonly kind: WorkloadKind;
  readonly workload: KubeStatefulSet | KubeDaemonSet;
  /** The workload's own pods. */
  readonly pods: readonly KubePod[];
  readonly updateRevision?: string;
  readonly currentRevision?: string;
  readonly minReadySeconds: number;
  readonly now: number;
  readonly desired: number;
  readonly kubectl: KubectlRolloutStatus;
  /** The StatefulSet's name, to order its pods by ordinal. */
  readonly setName?: string;
}

// The fields every report has, whatever its phase.
function reportBase(inputs: ReportBaseInputs) {
  const { workload, pods, updateRevision, minReadySeconds, now } = inputs;
  const name = workload.metadata.name ?? '';
  return {
    kind: inputs.kind,
    namespace: workload.metadata.namespace ?? '',
    name,
    updateRevision,
    currentRevision: inputs.currentRevision,
    desired: inputs.desired,
    ...readPromotion(workload.metadata.annotations, `${inputs.kind.toLowerCase()}/${name}`),
    kubectl: inputs.kubectl,
    revisions: groupByRevision(pods, updateRevision, inputs.currentRevision, minReadySeconds, now, inputs.setName),
    ...countUpdated(pods, updateRevision, minReadySeconds, now),
  };
}

function readPromotion(annotations: Record<string, string> | undefined, where: string): { promotion?: PromotionState; promotionError?: string } {
  try {
    return { promotion: decodePromotionState(annotations?.[RolloutKeys.STATE_ANNOTATION], where) };
  } catch (error) {
    if (RuntimeError.is(error)) {
      return { promotionError: error.message };
    }
    throw error;
  }
}

// The plan step the partition sits on; undefined without a plan or when the partition is off the plan (moved by hand).
function planPosition(sts: KubeStatefulSet, promotion: PromotionState | undefined, partition: number, replicas: number): PlanPosition | undefined {
  const text = promotion?.kind === 'StatefulSet' ? promotion.plan : sts.metadata.annotations?.[RolloutKeys.PLAN_ANNOTATION];
  if (!text) {
    return undefined;
  }
  try {
    const resolved = resolvePartitionPlan({ annotation: text, replicas, where: `statefulset/${sts.metadata.name ?? ''}` });
    const step = resolved.partitions.indexOf(partition);
    return step < 0 ? undefined : { plan: resolved.plan.toString(), step, steps: resolved.partitions.length - 1 };
  } catch (error) {
    if (RuntimeError.is(error, 'bad-input')) {
      return undefined;
    }
    throw error;
  }
}

function describeBlocking(blocking: readonly BlockingPod[]): string {
  return blocking.map((entry) => `${entry.pod} (${entry.reason})`).join(', ');
}

function countUpdated(pods: readonly KubePod[], updateRevision: string | undefined, minReadySeconds: number, now: number) {
  let updated = 0;
  let updatedAvailable = 0;
  let recheckAt: number | undefined;
  for (const pod of pods) {
    if (isPodTerminating(pod) || updateRevision === undefined || podRevision(pod) !== updateRevision) {
      continue;
    }
    updated++;
    if (isPodAvailable(pod, minReadySeconds, now)) {
      updatedAvailable++;
    } else {
      recheckAt = earliest(recheckAt, podAvailableAt(pod, minReadySeconds));
    }
  }
  return { updated, updatedAvailable, recheckAt };
}

function groupByRevision(
  pods: readonly KubePod[], updateRevision: string | undefined, currentRevision: string | undefined, minReadySeconds: number, now: number,
  setName?: string,
): RevisionGroup[] {
  const groups = new Map<string, ReportedPod[]>();
  const sorted = [...pods].sort((a, b) => setName !== undefined
    ? (statefulSetPodOrdinal(a, setName) ?? 0) - (statefulSetPodOrdinal(b, setName) ?? 0)
    : (podNodeName(a) ?? podName(a)).localeCompare(podNodeName(b) ?? podName(b)));
  for (const pod of sorted) {
    const revision = podRevision(pod) ?? '<none>';
    const group = groups.get(revision) ?? [];
    group.push({
      name: podName(pod),
      ordinal: setName !== undefined ? statefulSetPodOrdinal(pod, setName) : undefined,
      node: podNodeName(pod),
      ready: isPodReady(pod),
      available: isPodAvailable(pod, minReadySeconds, now),
      terminating: isPodTerminating(pod),
      restarts: podRestartCount(pod),
      problems: podProblems(pod),
    });
    groups.set(revision, group);
  }
  const role = (revision: string): RevisionGroup['role'] => revision === updateRevision ? 'update' : revision === currentRevision ? 'current' : 'other';
  const rank = { update: 0, current: 1, other: 2 };
  return [...groups].map(([revision, groupPods]) => ({ revision, role: role(revision), pods: groupPods }))
    .sort((a, b) => rank[a.role] - rank[b.role] || a.revision.localeCompare(b.revision));
}


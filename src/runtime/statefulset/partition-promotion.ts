// A StatefulSet promotion: validate, then the session's loop of observe -> decide (partition-decision.ts) -> act, until
// the decision is final; this file performs the StatefulSet's own actions (the partition, the rollback) and hands the
// shared walk's to the session. Every write carries the resourceVersion it was decided on, and the state the next run needs travels in the
// same request as the partition it explains, so killing the process at any point leaves a workload that a rerun
// (or `kubectl-stage status`) can read.
import { RolloutKeys } from '../../keys';
import { Cluster } from '../cluster/cluster';
import { CountingCluster } from '../cluster/counting-cluster';
import { KubeControllerRevision, KubeStatefulSet } from '../kube/kube-types';
import { revisionTemplate } from '../kube/revision-history';
import { logicalPartition, ordinalsToUpdate, statefulSetReplicas } from '../kube/statefulset-facts';
import { resolvePartitionPlan } from '../promotion/plan-source';
import { PromotionOptions, PromotionOutcome } from '../promotion/promotion-contract';
import { PromotionSession } from '../promotion/promotion-session';
import { PromotionState, TERMINAL_PHASES } from '../promotion/promotion-state';
import { RuntimeError } from '../runtime-error';
import { declaredRestartOrder, promoteStatefulSetInOrder } from './ordered-restart';
import { currentPlanStep, nextPromotionAction, ObservedPromotion, PromotionAction, promotionTargetStep, PromotionRequest } from './partition-decision';
import { promoterFields } from './partition-ownership';

/**
 * Promotes a staged StatefulSet along its partition plan; one with a restart order (`staged-rollouts.io/restart-order`)
 * is restarted pod by pod in that order instead (ordered-restart.ts). Safe to run again after a crash or `Ctrl-C`: it resumes from
 * the state annotation and the cluster.
 *
 * @throws RuntimeError `bad-input` (before any change), `lock-held`, or `api`
 */
export async function promoteStatefulSet(options: PromotionOptions): Promise<PromotionOutcome> {
  const counting = new CountingCluster(options.cluster);
  const order = await declaredRestartOrder(counting, options.workload);
  if (order) {
    return promoteStatefulSetInOrder({ ...options, cluster: counting }, order, () => counting.requests().total);
  }
  const run = new PromotionRun({ ...options, cluster: counting }, () => counting.requests().total);
  return run.execute();
}

// A decision with the StatefulSet it was decided on, whose resourceVersion the action's write is preconditioned on.
interface PartitionDecision {
  readonly action: PromotionAction;
  readonly sts: KubeStatefulSet | undefined;
}

// One execution of the loop; owns the observer and the lock for its lifetime.
class PromotionRun {
  private readonly cluster: Cluster;
  private readonly where: string;
  private readonly session: PromotionSession<KubeStatefulSet>;

  public constructor(private readonly options: PromotionOptions, requests: () => number) {
    // Each write is a server-side apply as kubectl-stage, so managedFields show the promoter owning the partition.
    this.session = new PromotionSession<KubeStatefulSet>(options, requests, (sts) => promoterFields(sts));
    this.cluster = this.session.cluster;
    this.where = this.session.where;
  }

  public async execute(): Promise<PromotionOutcome> {
    const request = await this.validate();
    return this.session.run(() => this.decide(request), (action) => this.act(action));
  }

  // Everything that can be checked before the first write: the object, its strategy, the plan, the gates.
  private async validate(): Promise<PromotionRequest> {
    const { workload: sts, state } = await this.session.readWorkload('StatefulSet', 'partition promotion');
    const inProgress = state !== undefined && !TERMINAL_PHASES.includes(state.phase);
    const replicas = statefulSetReplicas(sts);
    const resolved = resolvePartitionPlan({
      flag: this.options.plan,
      // The same revision goes on with the plan it was started with, also after a --step or --to run completed.
      statePlan: inProgress || state?.updateRevision === sts.status?.updateRevision ? state?.plan : undefined,
      annotation: sts.metadata.annotations?.[RolloutKeys.PLAN_ANNOTATION],
      replicas,
      where: this.where,
    });
    const partitions = resolved.partitions;
    const request: PromotionRequest = {
      ...this.session.requestOptions(),
      plan: resolved.plan.toString(),
      partitions,
      targetStep: promotionTargetStep(this.options.target ?? { kind: 'all' }, partitions, replicas, sts, state),
      startedAt: this.options.clock.now(),
    };
    // The decision's own validation, on the object as read, before the lock or any write.
    const first = nextPromotionAction({ sts, pods: [], lockHeld: false }, state, request, this.options.clock.now());
    if (first.type === 'validate-failed') {
      throw new RuntimeError('bad-input', first.message);
    }
    this.session.announce({
      type: 'started',
      at: this.options.clock.now(),
      plan: request.plan,
      partitions,
      step: inProgress ? state.step : currentPlanStep(partitions, logicalPartition(sts)),
      targetStep: request.targetStep,
      resumed: inProgress,
    });
    return request;
  }

  private decide(request: PromotionRequest): PartitionDecision {
    const snapshot = this.session.observer.snapshot();
    const observed: ObservedPromotion = { sts: snapshot.workload, pods: snapshot.pods, lockHeld: this.session.lock.held };
    return { action: nextPromotionAction(observed, this.session.state(), request, this.options.clock.now()), sts: snapshot.workload };
  }

  // Performs one action on the StatefulSet the decision observed; returns the outcome when the promotion is over.
  private async act({ action, sts }: PartitionDecision): Promise<PromotionOutcome | undefined> {
    const { session } = this;
    const now = this.options.clock.now();
    switch (action.type) {
      case 'set-partition':
        if (await session.write(sts!, action.state, { spec: { updateStrategy: { rollingUpdate: { partition: action.physical } } } })) {
          session.emit({ type: 'step-started', at: now, step: action.step, partition: action.partition, ordinals: ordinalsToUpdate(sts!, action.partition) });
        }
        return undefined;
      case 'rollback':
        await this.rollback(sts!, action.revision, action.state);
        return undefined;
      case 'delete-stuck-pods':
        await this.deleteStuckPods(action.pods.map((pod) => ({ name: pod.pod, uid: pod.uid })), action.reason);
        return undefined;
      case 'rolled-back':
        if (await session.write(sts!, action.state, { spec: { updateStrategy: { rollingUpdate: { partition: action.physical } } } })) {
          const message = `rolled back to revision ${action.state.previousRevision}: ${action.state.message ?? ''}`;
          session.emit({ type: 'finished', at: now, phase: 'rolled-back', message });
          return session.outcome('rolled-back', message, action.state.step);
        }
        return undefined;
      case 'abort':
        if (await session.write(sts!, action.state)) {
          session.emit({ type: 'finished', at: now, phase: 'aborted', message: action.state.message ?? '' });
          return session.outcome('aborted', action.state.message ?? '', action.state.step);
        }
        return undefined;
      default:
        return session.act(action, sts);
    }
  }

  // Restores the previous revision's template the way kubectl rollout undo does (its ControllerRevision data as a
  // strategic merge patch, `$patch: replace` on the template), with the state in the same request.
  private async rollback(sts: KubeStatefulSet, revisionName: string, state: PromotionState): Promise<void> {
    const { workload } = this.options;
    const revision = await this.cluster.get<KubeControllerRevision>('ControllerRevision', workload.namespace, revisionName);
    if (!revision) {
      throw new RuntimeError('api', `cannot roll back ${this.where}: ControllerRevision ${workload.namespace}/${revisionName} no longer exists`);
    }
    this.session.emit({ type: 'rolling-back', at: this.options.clock.now(), revision: revisionName });
    const template = { ...revisionTemplate(revision), $patch: 'replace' };
    if (await this.session.write(sts, state, { spec: { template } }, 'strategic')
      && this.session.observer.snapshot().workload?.metadata.generation === sts.metadata.generation) {
      // The template already was that revision's: the controller has nothing left to change, so wait for its status
      // instead of patching again.
      await this.session.waitForChange();
    }
  }

  private async deleteStuckPods(pods: readonly { name: string; uid?: string }[], reason: string): Promise<void> {
    this.session.emit({ type: 'deleting-stuck-pods', at: this.options.clock.now(), pods: pods.map((pod) => pod.name), reason });
    await this.session.deletePods(pods);
    await this.session.waitForChange();
  }
}

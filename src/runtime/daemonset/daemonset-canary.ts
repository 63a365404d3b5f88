// The DaemonSet node canary: validate, then the session's loop of observe -> decide (daemonset-canary-decision.ts) ->
// act, until the decision is final. It drives a PromotionSession like the StatefulSet run and performs only its own
// actions (the OnDelete switch, pod deletions, the template and strategy restores), so state writes, waits, gates,
// approvals, the Lease and interruption behave the same for both kinds. Every write carries the resourceVersion it was
// decided on and the state travels with the change it explains, so a rerun after a kill resumes from the cluster.
import { CanaryAction, CanaryRequest, nextCanaryAction } from './daemonset-canary-decision';
import { NodeCanaryPlan, parseNodeCanaryPlan, resolveNodeCanarySteps } from './daemonset-canary-plan';
import { canaryNodes, DaemonSetObservation, daemonSetUpdateRevision } from './daemonset-canary-step';
import { canaryFields, dropRecordPatch, restoreStrategyFields, switchToOnDeleteFields } from './daemonset-canary-strategy';
import { labelSelectorToString } from '../../internal/label-selector';
import { RolloutKeys } from '../../keys';
import { CountingCluster } from '../cluster/counting-cluster';
import { KubeControllerRevision, KubeDaemonSet, KubeNode, KubePod } from '../kube/kube-types';
import { revisionTemplate } from '../kube/revision-history';
import { choosePlan } from '../promotion/plan-source';
import type { PromotionOptions, PromotionOutcome } from '../promotion/promotion-contract';
import { PromotionSession } from '../promotion/promotion-session';
import { TERMINAL_PHASES } from '../promotion/promotion-state';
import { RuntimeError } from '../runtime-error';

/**
 * Promotes a DaemonSet by a node canary: switches it to OnDelete (recording its strategy), deletes the old pods of each
 * step's nodes within the unavailability budget so the controller recreates them from the new template, gates each
 * step like a StatefulSet step (every covered node Ready and Available on the update revision, soak with infant
 * mortality detection, extra gates, approvals), and gives the original strategy back at the end or after a rollback.
 * Safe to run again after a crash or `Ctrl-C`: it resumes from the state annotation and the cluster.
 *
 * @param options as for `promoteStatefulSet`; `workload` is a DaemonSet and `plan` a node canary plan
 *   (`canary`, `1,25%,100%`, `nodes=topology.kubernetes.io/zone=a`; see `parseNodeCanaryPlan`)
 * @throws RuntimeError `bad-input` (before any change), `lock-held`, or `api`
 */
export async function promoteDaemonSet(options: PromotionOptions): Promise<PromotionOutcome> {
  const counting = new CountingCluster(options.cluster);
  const run = new CanaryRun({ ...options, cluster: counting }, () => counting.requests().total);
  return run.execute();
}

// One execution of the loop. Besides the session's watched DaemonSet and pods it keeps the DaemonSet's
// ControllerRevisions (listed again whenever the controller has observed a new generation, the only time they change)
// and, for plans that select nodes by label, the nodes (listed again at every step).
class CanaryRun {
  private readonly session: PromotionSession<KubeDaemonSet>;
  private readonly where: string;
  private revisions: KubeControllerRevision[] = [];
  private revisionsFor = '';
  private nodes: KubeNode[] = [];
  // The uids of the pods this run has deleted. Until the watch delivers a deletion, the observed pods still list that
  // pod as live, and an event about another pod may come first: without this, the next decision would delete it again
  // (seen on a real control plane). Upstream controllers keep "expectations" for the same reason.
  private readonly deleted = new Set<string>();

  public constructor(private readonly options: PromotionOptions, requests: () => number) {
    this.session = new PromotionSession(options, requests, canaryFields);
    this.where = this.session.where;
  }

  public async execute(): Promise<PromotionOutcome> {
    const request = await this.validate();
    return this.session.run(() => this.decide(request), (action) => this.act(action, request));
  }

  // Everything that can be checked before the first write: the object, the plan, the gates.
  private async validate(): Promise<CanaryRequest> {
    const { workload } = this.options;
    const { workload: ds, state } = await this.session.readWorkload('DaemonSet', 'a node canary');
    const inProgress = state !== undefined && state.kind === 'DaemonSet' && !TERMINAL_PHASES.includes(state.phase);
    const request: CanaryRequest = {
      ...this.session.requestOptions(),
      plan: this.plan(ds, inProgress ? state.plan : undefined),
      target: this.options.target ?? { kind: 'all' },
    };
    // The decision's own validation, on the object as read, before the lock or any write.
    if (request.plan.steps.some((step) => step.kind === 'nodes')) {
      await this.refreshNodes();
    }
    const pods = await this.session.cluster.list<KubePod>('Pod', workload.namespace, { labelSelector: labelSelectorToString(ds.spec.selector) });
    const observation = await this.observe(ds, pods.items);
    const first = nextCanaryAction({ observation, lockHeld: false }, state, request, this.options.clock.now());
    if (first.type === 'validate-failed') {
      throw new RuntimeError('bad-input', first.message);
    }
    const steps = resolveNodeCanarySteps(request.plan, canaryNodes(observation, daemonSetUpdateRevision(observation)));
    this.session.announce({
      type: 'started',
      at: this.options.clock.now(),
      plan: request.plan.text,
      partitions: steps.map((nodes) => nodes.length),
      step: inProgress ? state.step : 0,
      targetStep: inProgress ? state.targetStep : steps.length - 1,
      resumed: inProgress,
    });
    return request;
  }

  private plan(ds: KubeDaemonSet, statePlan: string | undefined): NodeCanaryPlan {
    const texts = { flag: this.options.plan, statePlan, annotation: ds.metadata.annotations?.[RolloutKeys.PLAN_ANNOTATION] };
    return choosePlan(texts, parseNodeCanaryPlan,
      `${this.where} has no node canary plan: pass --plan (for example --plan canary, --plan 1,25%,100% or `
      + `--plan nodes=topology.kubernetes.io/zone=a), or write it in annotation ${RolloutKeys.PLAN_ANNOTATION}`).plan;
  }

  private async decide(request: CanaryRequest): Promise<CanaryDecision> {
    const snapshot = this.session.observer.snapshot();
    const ds = snapshot.workload;
    const observation = ds ? await this.observe(ds, snapshot.pods) : undefined;
    const action = nextCanaryAction({ observation, lockHeld: this.session.lock.held }, this.session.state(), request, this.options.clock.now());
    return { action, observation };
  }

  // The DaemonSet with its pods, its revisions (listed again when the controller has observed a new generation) and nodes.
  private async observe(ds: KubeDaemonSet, pods: readonly KubePod[]): Promise<DaemonSetObservation> {
    const generations = `${ds.metadata.uid}/${ds.metadata.generation}/${ds.status?.observedGeneration}`;
    if (generations !== this.revisionsFor) {
      const selector = { labelSelector: labelSelectorToString(ds.spec.selector) };
      this.revisions = (await this.session.cluster.list<KubeControllerRevision>('ControllerRevision', this.options.workload.namespace, selector)).items;
      this.revisionsFor = generations;
    }
    return { ds, pods, revisions: this.revisions, nodes: this.nodes };
  }

  private async refreshNodes(): Promise<void> {
    this.nodes = (await this.session.cluster.list<KubeNode>('Node', undefined)).items;
  }

  // Performs one action on the DaemonSet the decision observed; returns the outcome when the canary is over.
  private async act({ action, observation }: CanaryDecision, request: CanaryRequest): Promise<PromotionOutcome | undefined> {
    const { session } = this;
    const now = this.options.clock.now();
    const ds = observation?.ds;
    switch (action.type) {
      case 'begin':
        if (await session.write(ds!, action.state, switchToOnDeleteFields(ds!), 'apply')) {
          session.emit({ type: 'canary-step-started', at: now, step: action.state.step, nodes: stepNodes(observation!, request.plan, action.state.step) });
        }
        return undefined;
      case 'start-step':
        if (request.plan.steps.some((step) => step.kind === 'nodes')) {
          await this.refreshNodes();
        }
        if (await session.write(ds!, action.state)) {
          session.emit({ type: 'canary-step-started', at: now, step: action.state.step, nodes: stepNodes(observation!, request.plan, action.state.step) });
        }
        return undefined;
      case 'delete-pods': {
        const pods = action.pods.filter(({ uid }) => !this.deleted.has(uid));
        if (pods.length === 0) {
          await session.waitForChange();
          return undefined;
        }
        session.emit({ type: 'pods-deleted', at: now, step: action.step, pods: pods.map(({ pod, node }) => ({ pod, node })) });
        const deleted = await session.deletePods(pods.map(({ pod, uid }) => ({ name: pod, uid })));
        deleted.forEach(({ uid }) => this.deleted.add(uid));
        // A deletion refused (409: the pod changed meanwhile) may bring no watch event: decide again within a second.
        await session.waitForChange(deleted.length < pods.length ? now + 1000 : undefined);
        return undefined;
      }
      case 'restore-template':
        session.emit({ type: 'rolling-back', at: now, revision: String(action.revision.revision) });
        await session.write(ds!, action.state, { spec: { template: { ...revisionTemplate(action.revision), $patch: 'replace' } } }, 'strategic');
        return undefined;
      case 'restore-strategy': {
        const written = await session.write(ds!, action.state, restoreStrategyFields(ds!, this.where), 'apply');
        if (written) {
          await this.dropLeftRecord();
        }
        return this.finish(action, written);
      }
      case 'finish-on-delete':
        return this.finish(action, await session.write(ds!, action.state));
      default:
        return session.act(action, ds);
    }
  }

  // The restore's apply removes the record of the original strategy only if kubectl-stage owned it alone: one another
  // manager also wrote (a merge patch of an older kubectl-stage, a hand's `kubectl annotate`) would stay, and the next
  // canary would take it for its own and restore a stale strategy. A merge patch removes it whoever owns it; the
  // strategy is back, so no precondition is needed.
  private async dropLeftRecord(): Promise<void> {
    const ds = this.session.observer.snapshot().workload;
    if (ds?.metadata.annotations?.[RolloutKeys.ORIGINAL_STRATEGY_ANNOTATION] === undefined) {
      return;
    }
    const { namespace, name } = this.options.workload;
    this.session.observer.observe(await this.session.cluster.patch<KubeDaemonSet>('DaemonSet', namespace, name, dropRecordPatch(), 'merge'));
  }

  private finish(action: Extract<CanaryAction, { type: 'restore-strategy' | 'finish-on-delete' }>, written: boolean): PromotionOutcome | undefined {
    if (!written) {
      return undefined;
    }
    const now = this.options.clock.now();
    const message = action.phase === 'rolled-back'
      ? `rolled back to revision ${action.state.previousRevision}: ${action.state.message ?? ''}`
      : action.state.message ?? '';
    if (action.phase === 'failed') {
      this.session.emit({ type: 'failed', at: now, step: action.state.step, kind: action.failure ?? 'gate-failed', message });
    }
    this.session.emit({ type: 'finished', at: now, phase: action.phase, message });
    return this.session.outcome(action.phase, message, action.state.step, action.failure);
  }
}

// A decision with what it was decided on: the DaemonSet's revisions and nodes are read outside the observer.
interface CanaryDecision {
  readonly action: CanaryAction;
  readonly observation: DaemonSetObservation | undefined;
}

/** The nodes a step of the plan covers, for the step's event. */
function stepNodes(observation: DaemonSetObservation, plan: NodeCanaryPlan, step: number): readonly string[] {
  const steps = resolveNodeCanarySteps(plan, canaryNodes(observation, daemonSetUpdateRevision(observation)));
  return steps[Math.min(step, steps.length - 1)];
}

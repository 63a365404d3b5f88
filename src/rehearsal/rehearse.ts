// rehearse(): the next release run through its plan before it happens. Loads the old release into an in-process
// sandbox on virtual time, waits for it to be Ready, stages every changed StatefulSet and DaemonSet as
// `kubectl-stage stage` does, applies the new release, then promotes each changed workload with the runtime's own
// promotion (the code `kubectl-stage promote` runs), recording what every step did. Same inputs, same report: the
// clock is virtual and the sandbox draws no random numbers.
import { RolloutKeys } from '../keys';
import { DisruptionWatch } from './disruption-watch';
import { failureRulesFor, validateFailures } from './failure-injection';
import { RehearsalFailure, RehearsalReport, RehearsedWorkload } from './rehearsal-report';
import { RehearsalSandbox } from './rehearsal-sandbox';
import { ChangedWorkload, diffReleases, objectKey, unservedChanges } from './release-diff';
import { serveSimulatedMetrics } from './simulated-metrics';
import { StepRecorder, withoutUids } from './step-recorder';
import { promoteDaemonSet } from '../runtime/daemonset/daemonset-canary';
import { parseNodeCanaryPlan } from '../runtime/daemonset/daemonset-canary-plan';
import { daemonSetUpdateRevision } from '../runtime/daemonset/daemonset-canary-step';
import { daemonSetStrategy } from '../runtime/daemonset/daemonset-canary-strategy';
import { KubeControllerRevision, KubeDaemonSet, KubeWorkload } from '../runtime/kube/kube-types';
import { DataGateSpec, gatesOfAnnotation, isDataGate } from '../runtime/promotion/gate-spec';
import { choosePlan, resolvePartitionPlan } from '../runtime/promotion/plan-source';
import { PromotionOptions, PromotionOutcome } from '../runtime/promotion/promotion-contract';
import { decideStageOf } from '../runtime/rollout/stage';
import { RuntimeError } from '../runtime/runtime-error';
import { promoteStatefulSet } from '../runtime/statefulset/partition-promotion';
import { ApiError, KubeObject, RESOURCES } from '../sandbox/api';
import type { KubeletOptions } from '../sandbox/controllers';
import { ManifestObject, ManifestRead, readManifests } from '../sandbox/manifests';

/** The kubelet timings a rehearsal simulates (failures come from `failures`). */
export type RehearsalKubeletTiming = Omit<KubeletOptions, 'failureRules'>;

/** Options of {@link rehearse}. */
export interface RehearsalOptions {
  /** The release running now, as YAML (`cdk8s synth` output or `kubectl apply -f` files; see `synthYaml`). */
  readonly from: string;
  /** The next release, as YAML. */
  readonly to: string;
  /** What the old release is called in error messages (a file name). @default 'from' */
  readonly fromSource?: string;
  /** What the new release is called in error messages (a file name). @default 'to' */
  readonly toSource?: string;
  /**
   * The plan every changed workload is promoted by (`--plan`): a partition plan for StatefulSets, a node canary plan
   * for DaemonSets. @default each workload's plan annotation (staged-rollouts.io/plan), else 'canary'
   */
  readonly plan?: string;
  /** Soak time after each step, in ms. @default 0 */
  readonly soakMs?: number;
  /**
   * How long one step (or the rollback) may take in simulated time, in ms: a step whose pods never get Ready fails
   * after it. The old release may take longer to get Ready, as long as no such span passes without progress.
   * @default 600000 (10 minutes)
   */
  readonly timeoutMs?: number;
  /**
   * Restore the previous revision when a step fails (`--auto-rollback`). On by default because a rehearsal with a
   * failure is usually run to see the rollback path; turn it off to see where a failed promotion stops instead.
   * @default true
   */
  readonly autoRollback?: boolean;
  /** Failures injected into the new release's pods (`--fail kafka-2:CrashLoop`, `--fail node-2:ImagePull`). @default none */
  readonly failures?: readonly RehearsalFailure[];
  /** How many nodes the sandbox simulates (node-1..node-N). @default 3 */
  readonly nodes?: number;
  /**
   * The simulated kubelets' timing (image pull, container start, termination...). Readiness follows each container's
   * readinessProbe.initialDelaySeconds and the workload's minReadySeconds. @default the sandbox's kubelet defaults
   */
  readonly kubelet?: RehearsalKubeletTiming;
}

/** Who holds the promotion Lease in a rehearsal. */
const REHEARSAL_HOLDER = 'kubectl-stage rehearse';
const DEFAULT_TIMEOUT_MS = 10 * 60_000;
const DEFAULT_PLAN = 'canary';
// The most simulated time the old release may take to get Ready while it still makes progress.
const OLD_RELEASE_BOUND_MS = 24 * 3600_000;

/**
 * Rehearses the rollout from one release to the next in an in-process sandbox on virtual time, and reports what
 * each changed StatefulSet and DaemonSet did at every step of its plan.
 *
 * @throws RuntimeError (`bad-input`) for invalid options or manifests, an unknown failure target, or a plan that does
 *   not parse or fit a workload (nothing is rehearsed past the first such problem)
 */
export async function rehearse(options: RehearsalOptions): Promise<RehearsalReport> {
  const settings = validateOptions(options);
  const sources = { from: options.fromSource ?? 'from', to: options.toSource ?? 'to' };
  const { objects: from, unserved: oldUnserved } = readRelease(options.from, sources.from);
  const { objects: to, unserved: newUnserved } = readRelease(options.to, sources.to);
  const diff = diffReleases(from, to, sources);
  const unserved = unservedChanges(oldUnserved.map(({ object }) => object), newUnserved.map(({ object }) => object));
  checkWorkloads(diff.workloads, settings.plan);
  const sandbox = RehearsalSandbox.start(settings.nodes, options.kubelet ?? {});
  try {
    validateFailures(settings.failures, sandbox.nodeNames(), diff.workloads);
    const warnings: string[] = unservedWarning(newUnserved.map(({ object }) => object), unserved);
    const workloads: RehearsedWorkload[] = [];
    if (diff.workloads.length > 0) {
      const rehearsal = new Rehearsal(sandbox, settings, warnings);
      await rehearsal.loadOldRelease(from);
      await rehearsal.applyNewRelease(from, to, diff.workloads, diff.removed);
      for (const workload of diff.workloads) {
        workloads.push(await rehearsal.promote(workload));
      }
    }
    return {
      workloads,
      otherChanges: [...diff.otherChanges, ...unserved].sort(),
      failures: settings.failures,
      nodes: settings.nodes,
      durationMs: workloads.reduce((total, workload) => total + workload.durationMs, 0),
      succeeded: workloads.every((workload) => workload.outcome === 'complete'),
      warnings,
    };
  } finally {
    sandbox.stop();
  }
}

// The options with their defaults, checked.
interface RehearsalSettings {
  readonly plan?: string;
  readonly soakMs: number;
  readonly timeoutMs: number;
  readonly autoRollback: boolean;
  readonly failures: readonly RehearsalFailure[];
  readonly nodes: number;
}

function validateOptions(options: RehearsalOptions): RehearsalSettings {
  const check = (name: string, value: number, valid: boolean, expected: string) => {
    if (!valid) {
      throw new RuntimeError('bad-input', `rehearse: ${name} must be ${expected}, got ${value}`);
    }
    return value;
  };
  const soakMs = options.soakMs ?? 0;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const nodes = options.nodes ?? 3;
  if (typeof options.from !== 'string' || typeof options.to !== 'string') {
    throw new RuntimeError('bad-input', 'rehearse: from and to must be YAML text (use synthYaml(app) for a cdk8s App or Chart)');
  }
  return {
    plan: options.plan !== undefined && options.plan.trim() !== '' ? options.plan : undefined,
    soakMs: check('soakMs', soakMs, Number.isFinite(soakMs) && soakMs >= 0, 'a number of ms >= 0'),
    timeoutMs: check('timeoutMs', timeoutMs, Number.isFinite(timeoutMs) && timeoutMs > 0, 'a number of ms > 0'),
    autoRollback: options.autoRollback ?? true,
    failures: [...(options.failures ?? [])],
    nodes: check('nodes', nodes, Number.isInteger(nodes) && nodes >= 1 && nodes <= 5000, 'an integer from 1 to 5000'),
  };
}

// The plan a workload is promoted by, and where it comes from: the option, its plan annotation, or the default.
function planOf(workload: KubeObject, option: string | undefined): { readonly flag?: string; readonly source: RehearsedWorkload['planSource'] } {
  const annotated = workload.metadata.annotations?.[RolloutKeys.PLAN_ANNOTATION];
  if (option !== undefined) {
    return { flag: option, source: 'option' };
  }
  return annotated !== undefined && annotated.trim() !== '' ? { source: 'annotation' } : { flag: DEFAULT_PLAN, source: 'default' };
}

// Every workload checked before anything runs, as staging and the promotion will check it: one that cannot be staged
// (an OnDelete StatefulSet) and a plan that does not parse or fit are bad input, not a rehearsal that fails halfway.
function checkWorkloads(workloads: readonly ChangedWorkload[], option: string | undefined): void {
  for (const { kind, name, from, to } of workloads) {
    decideStageOf(kind, from.object as unknown as KubeWorkload);
    const { flag } = planOf(to.object, option);
    gatesOfAnnotation(to.object.metadata.annotations?.[RolloutKeys.GATES_ANNOTATION], `${kind.toLowerCase()}/${name}`);
    const annotation = to.object.metadata.annotations?.[RolloutKeys.PLAN_ANNOTATION];
    if (kind === 'StatefulSet') {
      resolvePartitionPlan({ flag, annotation, replicas: to.object.spec?.replicas ?? 1, where: `statefulset/${name}` });
    } else {
      choosePlan({ flag, annotation }, parseNodeCanaryPlan, `daemonset/${name} has no node canary plan`);
    }
  }
}

// A rehearsal runs only the gates that read the sandbox's pods; nothing else is reached.
const outsideTheSandbox = (): Promise<never> => Promise.reject(new Error('a rehearsal reaches nothing outside its sandbox'));

function readRelease(yaml: string, source: string): ManifestRead {
  try {
    return readManifests(yaml, source);
  } catch (error) {
    throw new RuntimeError('bad-input', (error as Error).message);
  }
}

// Objects of kinds the sandbox does not serve (a Deployment, an Ingress, a custom resource) are not loaded, so a real
// app's release can still be rehearsed: the report says which were left out, and lists their changes.
function unservedWarning(next: readonly KubeObject[], changed: readonly string[]): string[] {
  if (next.length === 0) {
    return [];
  }
  const kinds = new Map<string, number>();
  next.forEach((object) => kinds.set(`${object.apiVersion} ${object.kind}`, (kinds.get(`${object.apiVersion} ${object.kind}`) ?? 0) + 1));
  const listed = [...kinds].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([kind, count]) => `${kind} (${count})`).join(', ');
  return [`not rehearsed, as the sandbox does not serve their kinds: ${listed}; `
    + `${changed.length === 0 ? 'none of them changed' : `their ${changed.length} change${changed.length === 1 ? ' is' : 's are'} listed under other changes but not applied`}`];
}

// One rehearsal's steps against its sandbox.
class Rehearsal {
  public constructor(private readonly sandbox: RehearsalSandbox, private readonly settings: RehearsalSettings, private readonly warnings: string[]) {}

  /**
   * Creates every object of the old release and waits for its workloads to be Ready, for as long as they make
   * progress: a large OrderedReady StatefulSet takes long but gets there, a crash-looping one stops after timeoutMs
   * without a pod more Ready (a warning, then it is promoted from there).
   */
  public async loadOldRelease(from: readonly ManifestObject[]): Promise<void> {
    for (const manifest of from) {
      this.create(manifest);
    }
    const { clock, api } = this.sandbox;
    const workloads = from.filter(({ type }) => type === RESOURCES.statefulSets || type === RESOURCES.daemonSets);
    const live = () => workloads.map(({ type, object }) => api.get(type, object.metadata.namespace, object.metadata.name!)!);
    let progress = '';
    let progressAt = clock.now();
    const readyOrStuck = () => {
      const current = live();
      const seen = current.map(readiness).join();
      if (seen !== progress) {
        progress = seen;
        progressAt = clock.now();
      }
      return current.every(isWorkloadReady) || clock.now() - progressAt >= this.settings.timeoutMs;
    };
    await this.sandbox.runUntil(readyOrStuck, OLD_RELEASE_BOUND_MS);
    for (const workload of live().filter((candidate) => !isWorkloadReady(candidate))) {
      this.warnings.push(`${objectKey(workload)} of the old release did not get Ready (${readiness(workload)}, no progress for `
        + `${this.settings.timeoutMs / 1000} s of simulated time); it was promoted from there`);
    }
  }

  /**
   * Stages each changed workload as `kubectl-stage stage` does, then applies the new release (created, updated and
   * removed objects) without undoing the staging, and waits for the controllers to see the new templates.
   */
  public async applyNewRelease(from: readonly ManifestObject[], to: readonly ManifestObject[], workloads: readonly ChangedWorkload[],
    removed: readonly ManifestObject[]): Promise<void> {
    const { api, cluster } = this.sandbox;
    for (const workload of workloads) {
      const decision = decideStageOf(workload.kind, this.live(workload) as unknown as KubeWorkload);
      if (decision.action === 'patch') {
        await cluster.patch(workload.kind, workload.namespace, workload.name, decision.patch, decision.patchType);
      }
    }
    const old = new Map(from.map((manifest) => [objectKey(manifest.object), manifest]));
    const staged = new Set(workloads.map((workload) => objectKey(workload.to.object)));
    for (const manifest of to) {
      const key = objectKey(manifest.object);
      const before = old.get(key);
      if (!before) {
        this.create(manifest);
      } else if (staged.has(key) || JSON.stringify(before.object) !== JSON.stringify(manifest.object)) {
        this.update(manifest, before, staged.has(key));
      }
    }
    for (const { type, object } of removed) {
      api.delete(type, object.metadata.namespace, object.metadata.name!);
    }
    const observed = () => workloads.every((workload) => {
      const live = this.live(workload);
      return (live.status?.observedGeneration ?? 0) >= (live.metadata.generation ?? 0);
    });
    await this.sandbox.runUntil(observed, this.settings.timeoutMs);
    for (const workload of workloads) {
      const rules = failureRulesFor(this.settings.failures, this.sandbox.nodeNames(), workload, this.updateRevisionLabel(workload));
      rules.forEach((rule) => this.sandbox.kubelet.addFailureRule(rule));
    }
  }

  /**
   * The gates the workload declares that a rehearsal runs, as promote would run them: the data-aware ones, on the
   * pods' simulated metrics. The others ask outside the sandbox (a URL, Prometheus, a command): a warning says so.
   */
  private rehearsedGates(live: KubeObject): DataGateSpec[] {
    const declared = gatesOfAnnotation(live.metadata.annotations?.[RolloutKeys.GATES_ANNOTATION], objectKey(live));
    const outside = declared.filter((gate) => !isDataGate(gate)).map((gate) => gate.text);
    if (outside.length > 0) {
      this.warnings.push(`${objectKey(live)}: gates not rehearsed, as they ask outside the sandbox: ${outside.join(', ')}`);
    }
    return declared.filter(isDataGate);
  }

  /** Promotes one workload with the runtime's promotion and records its steps. */
  public async promote(workload: ChangedWorkload): Promise<RehearsedWorkload> {
    const { sandbox, settings } = this;
    const live = this.live(workload);
    const plan = planOf(live, settings.plan);
    const recorder = new StepRecorder(workload.kind, workload.name, sandbox.clock.now());
    const watch = new DisruptionWatch(sandbox.api, live, (sample) => recorder.sample(sample));
    const interrupt = new AbortController();
    const gates = this.rehearsedGates(live);
    const promotion: PromotionOptions = {
      cluster: sandbox.cluster,
      clock: sandbox.runtimeClock,
      workload: { kind: workload.kind, namespace: workload.namespace, name: workload.name },
      plan: plan.flag,
      soakMs: settings.soakMs,
      timeoutMs: settings.timeoutMs,
      autoRollback: settings.autoRollback,
      gates,
      gateIo: { fetch: outsideTheSandbox, exec: outsideTheSandbox, clock: sandbox.runtimeClock },
      holder: REHEARSAL_HOLDER,
      onEvent: (event) => recorder.onEvent(event),
      signal: interrupt.signal,
    };
    if (workload.kind === 'StatefulSet') {
      serveSimulatedMetrics(sandbox.podMetrics, sandbox.api, live, gates);
    }
    const running = workload.kind === 'StatefulSet' ? promoteStatefulSet(promotion) : promoteDaemonSet(promotion);
    // Every step ends by its timeout at the latest; past this bound something waits on nothing, so stop it.
    const steps = workload.kind === 'StatefulSet' ? live.spec.replicas ?? 1 : sandbox.nodeNames().length;
    const bound = (steps + 3) * (settings.timeoutMs + settings.soakMs);
    if (!await sandbox.runUntil(running, bound)) {
      interrupt.abort();
      await sandbox.runUntil(running, settings.timeoutMs);
    }
    let outcome: PromotionOutcome;
    try {
      outcome = await running;
    } finally {
      watch.stop();
    }
    const recorded = recorder.result(outcome, sandbox.clock.now());
    const where = objectKey(live);
    for (const step of recorded.steps) {
      for (const budget of step.budgets.filter((candidate) => candidate.violated)) {
        this.warnings.push(`${where} step ${step.step}: PodDisruptionBudget ${budget.budget} was down to ${budget.minHealthy} healthy pods `
          + `of the ${budget.desiredHealthy} it requires: a voluntary disruption (a node drain) would have been refused`);
      }
    }
    return {
      kind: workload.kind,
      namespace: workload.namespace,
      name: workload.name,
      changes: workload.changes,
      plan: recorded.plan,
      planSource: plan.source,
      steps: recorded.steps,
      outcome: outcome.phase === 'interrupted' ? 'aborted' : outcome.phase,
      message: withoutUids(outcome.phase === 'interrupted'
        ? `the rehearsal stopped the promotion after ${bound / 1000} s of simulated time: ${outcome.message}`
        : outcome.message),
      durationMs: recorded.durationMs,
      maxUnavailable: recorded.maxUnavailable,
    };
  }

  private live(workload: ChangedWorkload): KubeObject {
    return this.sandbox.api.get(workload.to.type, workload.namespace, workload.name)!;
  }

  private create({ type, object }: ManifestObject): void {
    try {
      this.sandbox.api.create(type, object);
    } catch (error) {
      // Namespaces default and kube-system exist in every cluster; a release may list them.
      if (type === RESOURCES.namespaces && error instanceof ApiError && error.code === 409) {
        return;
      }
      throw invalidObject(object, error);
    }
  }

  // Replaces an object with its new release's version, as `kubectl apply` would: annotations the old release did not
  // write (the controllers' and the runtime's) are kept, and a staged workload stays staged (its strategy, and for a
  // DaemonSet the new release's own strategy recorded for the canary to restore).
  private update({ type, object }: ManifestObject, before: ManifestObject, staged: boolean): void {
    const { api } = this.sandbox;
    const live = api.get(type, object.metadata.namespace, object.metadata.name!)!;
    const written = new Set(Object.keys(before.object.metadata.annotations ?? {}));
    const kept = Object.entries(live.metadata.annotations ?? {}).filter(([key]) => !written.has(key));
    const annotations: Record<string, string> = { ...Object.fromEntries(kept), ...object.metadata.annotations };
    let spec = object.spec;
    if (staged) {
      spec = { ...spec, updateStrategy: live.spec.updateStrategy };
      if (type === RESOURCES.daemonSets) {
        annotations[RolloutKeys.ORIGINAL_STRATEGY_ANNOTATION] = JSON.stringify(daemonSetStrategy(object as unknown as KubeDaemonSet));
      }
    }
    const metadata = { ...object.metadata, annotations, resourceVersion: live.metadata.resourceVersion };
    try {
      api.update(type, { ...object, metadata, spec, status: live.status });
    } catch (error) {
      // A field the API server set and will not change (a Service's clusterIP): replace the object as a whole.
      if (!(error instanceof ApiError && error.code === 422) || staged) {
        throw invalidObject(object, error);
      }
      api.delete(type, object.metadata.namespace, object.metadata.name!, { gracePeriodSeconds: 0 });
      this.create({ type, object });
    }
  }

  // The controller-revision-hash label the workload's new pods carry.
  private updateRevisionLabel(workload: ChangedWorkload): string {
    const live = this.live(workload);
    if (workload.kind === 'StatefulSet') {
      return live.status?.updateRevision ?? '';
    }
    const revisions = this.sandbox.api.list(RESOURCES.controllerRevisions, { namespace: workload.namespace }).items
      .filter((revision) => (revision.metadata.ownerReferences ?? []).some((owner: { uid: string }) => owner.uid === live.metadata.uid));
    const observation = { ds: live as unknown as KubeDaemonSet, pods: [], revisions: revisions as unknown as KubeControllerRevision[], nodes: [] };
    return daemonSetUpdateRevision(observation).hash ?? '';
  }
}

function invalidObject(object: KubeObject, error: unknown): RuntimeError {
  return new RuntimeError('bad-input', `${objectKey(object)}: the API server refused it: ${(error as Error).message}`);
}

// Ready as `kubectl rollout status` would say once the controller has caught up: every replica (every scheduled
// daemon pod) Ready.
function isWorkloadReady(workload: KubeObject): boolean {
  const status = workload.status ?? {};
  if ((status.observedGeneration ?? 0) < (workload.metadata.generation ?? 0)) {
    return false;
  }
  return workload.kind === 'StatefulSet'
    ? (status.readyReplicas ?? 0) >= (workload.spec.replicas ?? 1)
    : (status.numberReady ?? 0) >= (status.desiredNumberScheduled ?? 0);
}

function readiness(workload: KubeObject): string {
  const status = workload.status ?? {};
  return workload.kind === 'StatefulSet'
    ? `${status.readyReplicas ?? 0} of ${workload.spec.replicas ?? 1} replicas Ready`
    : `${status.numberReady ?? 0} of ${status.desiredNumberScheduled ?? 0} daemon pods Ready`;
}

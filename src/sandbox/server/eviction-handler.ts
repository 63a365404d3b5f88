// POST pods/<name>/eviction: the Eviction API (pkg/registry/core/pod/storage/eviction.go). A pod is deleted only if
// the PodDisruptionBudget covering it allows one more disruption, which the handler takes from the budget's status
// (and records in status.disruptedPods for the disruption controller); otherwise the answer is upstream's 429, which
// `kubectl drain` retries every 5 seconds. Upstream retries its read-check-write on conflicts with other writers;
// here reading the pod and the budget, deciding and writing run in one synchronous step of the single-threaded store,
// so nothing can slip in between.
import { ApiError, DeleteOptions, KubeObject, RESOURCES, SandboxApi } from '../api';
import { notFound } from '../api-errors';
import { isPodReady } from '../controllers/pod-status';
import { budgetsCovering, withDisruptionAllowedCondition } from '../disruption-budgets';
import { rfc3339 } from '../timestamps';
import { parseDeleteOptions } from './delete-handler';
import { decodeKubernetesProtobuf } from './protobuf/kube-protobuf';
import { ApiRequest, ApiResponse, dryRunOf, ensureNamespaceMatches, isProtobuf, parseJsonBody } from './request';
import { badRequest } from './status';

/** What the eviction handler needs: the store and the time the disruption is recorded at. */
export interface EvictionContext {
  /** The store. */
  readonly api: SandboxApi;
  /** The sandbox clock's current time in epoch milliseconds. */
  readonly now: () => number;
}

// The Eviction versions the subresource accepts (EvictionREST.AcceptsGroupVersion).
const EVICTION_VERSIONS = ['policy/v1', 'policy/v1beta1'];

/** Upstream's message when a budget forbids the eviction. */
export const EVICTION_REFUSED = 'Cannot evict pod as it would violate the pod\'s disruption budget.';

/** Whether the request is a POST to a pod's eviction subresource. */
export function isEviction(request: ApiRequest): boolean {
  return request.method === 'POST' && request.route.type === RESOURCES.pods && request.route.name !== undefined
    && request.route.subresource === 'eviction';
}

/** Serves POST pods/<name>/eviction: 201 with a Success Status when the pod is deleted. */
export function handleEviction(context: EvictionContext, request: ApiRequest): ApiResponse {
  const { api } = context;
  const eviction = evictionBody(request);
  ensureNamespaceMatches(request, eviction);
  const name = request.route.name!;
  if (eviction.metadata.name !== name) {
    throw badRequest('name in URL does not match name in Eviction object');
  }
  const options = parseDeleteOptions(eviction.deleteOptions ?? {});
  const dryRun = evictionDryRun(request.query, eviction.deleteOptions?.dryRun);
  const namespace = request.route.namespace!;
  const pod = api.get(RESOURCES.pods, namespace, name);
  if (!pod) {
    throw notFound(RESOURCES.pods, name);
  }
  // A pod that is not running (or already going) has caused its disruption already: no budget applies.
  if (canIgnoreBudget(pod)) {
    const enforced = shouldEnforceResourceVersion(pod) && options.preconditions?.resourceVersion === undefined
      ? withResourceVersion(options, pod.metadata.resourceVersion!) : options;
    deletePod(context, pod, enforced, dryRun);
    return evicted();
  }
  const budgets = budgetsCovering(pod, api.list(RESOURCES.podDisruptionBudgets, { namespace }).items);
  if (budgets.length > 1) {
    // Upstream returns this Status as the create's result rather than as an error.
    return {
      status: 201,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        code: 500,
        message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
      },
    };
  }
  let deleteOptions = options;
  const budget = budgets[0];
  if (budget) {
    if (unhealthyPodMayGo(pod, budget)) {
      // The pod does not count towards currentHealthy, so the budget is not decremented; the precondition makes sure
      // it has not become ready meanwhile.
      deleteOptions = withResourceVersion(options, pod.metadata.resourceVersion!);
    } else {
      checkAndDecrement(context, pod, budget, dryRun);
    }
  }
  deletePod(context, pod, deleteOptions, dryRun);
  return evicted();
}

function evicted(): ApiResponse {
  return { status: 201, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 } };
}

// The body as an Eviction: JSON, or protobuf from a typed client; its kind and version default to policy/v1 Eviction.
function evictionBody(request: ApiRequest): KubeObject {
  const parsed = isProtobuf(request) ? decodeKubernetesProtobuf(request.bytes) : parseJsonBody(request);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw badRequest('the body of the request was not a JSON object');
  }
  const eviction = parsed as KubeObject;
  eviction.apiVersion ||= 'policy/v1';
  eviction.kind ||= 'Eviction';
  if (eviction.kind !== 'Eviction' || !EVICTION_VERSIONS.includes(eviction.apiVersion)) {
    throw badRequest(`not a Eviction object: ${eviction.apiVersion}, Kind=${eviction.kind}`);
  }
  eviction.metadata ??= {};
  return eviction;
}

// propagateDryRun: the request's dryRun and the Eviction's deleteOptions.dryRun must agree when both are set.
function evictionDryRun(query: URLSearchParams, bodyDryRun: unknown): boolean {
  const fromQuery = query.getAll('dryRun').filter((value) => value !== '');
  const fromBody = Array.isArray(bodyDryRun) ? bodyDryRun.map(String) : [];
  if (fromQuery.length > 0 && fromBody.length > 0 && fromQuery.join(' ') !== fromBody.join(' ')) {
    throw new ApiError(500, 'InternalError', `Internal error occurred: Non-matching dry-run options in request and content: [${fromQuery.join(' ')}] and [${fromBody.join(' ')}]`);
  }
  return dryRunOf(new URLSearchParams((fromQuery.length > 0 ? fromQuery : fromBody).map((value): [string, string] => ['dryRun', value])));
}

// canIgnorePDB: a terminal or pending pod, or one already being deleted.
function canIgnoreBudget(pod: KubeObject): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || !!pod.metadata.deletionTimestamp;
}

// shouldEnforceResourceVersion: only a pod that could still become ready races with the budget.
function shouldEnforceResourceVersion(pod: KubeObject): boolean {
  const phase = pod.status?.phase;
  return !(phase === 'Succeeded' || phase === 'Failed' || pod.metadata.deletionTimestamp);
}

// An unready pod may go without using the budget when the budget allows unhealthy evictions (AlwaysAllow), or
// (IfHealthyBudget, the default) when the budget is met without it.
function unhealthyPodMayGo(pod: KubeObject, budget: KubeObject): boolean {
  if (isPodReady(pod)) {
    return false;
  }
  if (budget.spec?.unhealthyPodEvictionPolicy === 'AlwaysAllow') {
    return true;
  }
  const { currentHealthy = 0, desiredHealthy = 0 } = budget.status ?? {};
  return currentHealthy >= desiredHealthy && desiredHealthy > 0;
}

// checkAndDecrement: refuse unless the budget's status is current and allows a disruption; otherwise take one and
// record the pod as disrupted so the controller stops counting it before it is gone.
function checkAndDecrement(context: EvictionContext, pod: KubeObject, budget: KubeObject, dryRun: boolean): void {
  const name = budget.metadata.name!;
  const status = budget.status ?? {};
  if ((status.observedGeneration ?? 0) < (budget.metadata.generation ?? 0)) {
    throw tooManyRequests(`The disruption budget ${name} is still being processed by the server.`, 10);
  }
  const allowed: number = status.disruptionsAllowed ?? 0;
  if (allowed < 0) {
    throw budgetForbidden(name, 'pdb disruptions allowed is negative');
  }
  if (Object.keys(status.disruptedPods ?? {}).length > MAX_DISRUPTED_POD_SIZE) {
    throw budgetForbidden(name, 'DisruptedPods map too big - too many evictions not confirmed by PDB controller');
  }
  if (allowed === 0) {
    throw tooManyRequests(`The disruption budget ${name} needs ${status.desiredHealthy ?? 0} healthy pods and has ${status.currentHealthy ?? 0} currently`, 0);
  }
  if (dryRun) {
    return;
  }
  const now = context.now();
  let next: Record<string, any> = { ...status, disruptionsAllowed: allowed - 1 };
  if (next.disruptionsAllowed === 0) {
    next = withDisruptionAllowedCondition(next, now);
  }
  next.disruptedPods = { ...(status.disruptedPods ?? {}), [pod.metadata.name!]: rfc3339(now) };
  context.api.updateStatus(RESOURCES.podDisruptionBudgets, { ...budget, status: next });
}

// Upstream's MaxDisruptedPodSize.
const MAX_DISRUPTED_POD_SIZE = 2000;

function tooManyRequests(cause: string, retryAfterSeconds: number): ApiError {
  return new ApiError(429, 'TooManyRequests', EVICTION_REFUSED, {
    causes: [{ reason: 'DisruptionBudget', message: cause }],
    ...(retryAfterSeconds > 0 ? { retryAfterSeconds } : {}),
  });
}

function budgetForbidden(name: string, reason: string): ApiError {
  return new ApiError(403, 'Forbidden', `poddisruptionbudget.policy "${name}" is forbidden: ${reason}`,
    { name, group: 'policy', kind: 'poddisruptionbudget' });
}

function withResourceVersion(options: DeleteOptions, resourceVersion: string): DeleteOptions {
  return { ...options, preconditions: { ...(options.preconditions ?? {}), resourceVersion } };
}

// addConditionAndDeletePod: mark the pod DisruptionTarget (EvictionByEvictionAPI) so its owner and the kubelet can
// tell an eviction from another deletion, then delete it under the caller's preconditions.
function deletePod(context: EvictionContext, pod: KubeObject, options: DeleteOptions, dryRun: boolean): void {
  if (dryRun) {
    return;
  }
  const { api } = context;
  const preconditions = options.preconditions ?? {};
  // getLatestPod: the caller's preconditions are checked before the pod is marked.
  if (preconditions.uid && preconditions.uid !== pod.metadata.uid) {
    throw preconditionConflict(pod, `the UID in the precondition (${preconditions.uid}) does not match the UID in record (${pod.metadata.uid}). The object might have been deleted and then recreated`);
  }
  if (preconditions.resourceVersion && preconditions.resourceVersion !== pod.metadata.resourceVersion) {
    throw preconditionConflict(pod, `the ResourceVersion in the precondition (${preconditions.resourceVersion}) does not match the ResourceVersion in record (${pod.metadata.resourceVersion}). The object might have been modified`);
  }
  const marked = api.updateStatus(RESOURCES.pods, { ...pod, status: withDisruptionTarget(pod.status ?? {}, context.now()) });
  const deleteOptions = preconditions.resourceVersion ? withResourceVersion(options, marked.metadata.resourceVersion!) : options;
  api.delete(RESOURCES.pods, pod.metadata.namespace, pod.metadata.name!, deleteOptions);
}

// podutil.UpdatePodCondition with the DisruptionTarget condition the Eviction API sets.
function withDisruptionTarget(status: Record<string, any>, nowMs: number): Record<string, any> {
  const wanted = { type: 'DisruptionTarget', status: 'True' };
  const conditions: Array<Record<string, any>> = status.conditions ?? [];
  const existing = conditions.find((condition) => condition.type === wanted.type);
  const lastTransitionTime = existing && existing.status === wanted.status ? existing.lastTransitionTime : rfc3339(nowMs);
  const condition = { ...wanted, lastProbeTime: null, lastTransitionTime, reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' };
  return {
    ...status,
    conditions: existing ? conditions.map((c) => (c === existing ? condition : c)) : [...conditions, condition],
  };
}

function preconditionConflict(pod: KubeObject, reason: string): ApiError {
  return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on Pod "${pod.metadata.name}": ${reason}`, { name: pod.metadata.name, kind: 'Pod' });
}

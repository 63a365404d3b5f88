// The update strategy a DaemonSet node canary borrows: it switches the DaemonSet to OnDelete (so only the promoter's
// deletions move pods) and gives the original strategy back at the end. The original is kept in an annotation so a
// promoter killed midway, or the next one, can still restore it. Pure: the applies are sent by the executor, with
// server-side apply as kubectl-stage, so managedFields show the promoter owning the strategy it set.
import { scaledValueFromIntOrPercent } from '../../internal/int-or-percent';
import { RolloutKeys } from '../../keys';
import { KubeDaemonSet, KubeDaemonSetUpdateStrategy } from '../kube/kube-types';
import { RuntimeError } from '../runtime-error';

/** `spec.updateStrategy` of a DaemonSet, defaulted as the API server does when it is missing. */
export function daemonSetStrategy(ds: KubeDaemonSet): KubeDaemonSetUpdateStrategy {
  return ds.spec.updateStrategy ?? { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } };
}

/**
 * The strategy the DaemonSet had before a canary switched it to OnDelete, read from its annotation; undefined when
 * no canary has switched it.
 *
 * @throws RuntimeError (`bad-input`) when the annotation is not a strategy, naming it and how to remove it
 */
export function recordedOriginalStrategy(ds: KubeDaemonSet, where: string): KubeDaemonSetUpdateStrategy | undefined {
  const text = ds.metadata.annotations?.[RolloutKeys.ORIGINAL_STRATEGY_ANNOTATION];
  if (text === undefined || text === '') {
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const type = (value as KubeDaemonSetUpdateStrategy | undefined)?.type;
  if (typeof value !== 'object' || value === null || (type !== 'RollingUpdate' && type !== 'OnDelete')) {
    throw new RuntimeError('bad-input',
      `annotation ${RolloutKeys.ORIGINAL_STRATEGY_ANNOTATION} on ${where} is not an update strategy `
      + `(expected JSON such as {"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":1}}, got ${JSON.stringify(text)}); `
      + `fix it, or remove it with "kubectl annotate ${where} ${RolloutKeys.ORIGINAL_STRATEGY_ANNOTATION}-"`);
  }
  return value as KubeDaemonSetUpdateStrategy;
}

/**
 * What the promoter owns on a DaemonSet, as it stands: the state and original-strategy annotations when present, and
 * the update strategy (OnDelete alone: a `rollingUpdate` left beside it belongs to whoever set it). Every write of a
 * canary is a server-side apply as kubectl-stage of these fields, changed by the write: an apply is the manager's
 * whole intent, so a field it owns and leaves out is removed (the original-strategy record, when it is restored).
 */
export function canaryFields(ds: KubeDaemonSet): Record<string, unknown> {
  const live = ds.metadata.annotations ?? {};
  const annotations = Object.fromEntries([RolloutKeys.STATE_ANNOTATION, RolloutKeys.ORIGINAL_STRATEGY_ANNOTATION]
    .filter((key) => live[key] !== undefined).map((key) => [key, live[key]]));
  const strategy = daemonSetStrategy(ds);
  return {
    ...(Object.keys(annotations).length > 0 ? { metadata: { annotations } } : {}),
    spec: { updateStrategy: strategy.type === 'OnDelete' ? { type: 'OnDelete' } : strategy },
  };
}

/**
 * The apply that hands the DaemonSet to the canary: its fields with `OnDelete` and the original strategy recorded
 * (unless an earlier run already recorded it: the live strategy is then the canary's own OnDelete). Forced, it takes
 * the strategy type from whoever set it; their `rollingUpdate`, if any, stays beside OnDelete, where the API server
 * allows it and the DaemonSet controller ignores it. The executor sends it with the promotion state in one write
 * guarded by the DaemonSet's resourceVersion.
 */
export function switchToOnDeleteFields(ds: KubeDaemonSet): Record<string, unknown> {
  const fields = canaryFields(ds) as { metadata?: { annotations: Record<string, string> } };
  const annotations = { ...fields.metadata?.annotations };
  annotations[RolloutKeys.ORIGINAL_STRATEGY_ANNOTATION] ??= JSON.stringify(daemonSetStrategy(ds));
  return { metadata: { annotations }, spec: { updateStrategy: { type: 'OnDelete' } } };
}

/**
 * The apply that gives the DaemonSet its original strategy back and drops the record of it, by leaving it out (sent
 * with the final state, guarded by the resourceVersion). Only safe once no pod would move under the original strategy
 * (every pod on the live template), else a RollingUpdate would carry on the rollout the canary stopped.
 *
 * @throws RuntimeError (`bad-input`) when no original strategy is recorded
 */
export function restoreStrategyFields(ds: KubeDaemonSet, where: string): Record<string, unknown> {
  const original = recordedOriginalStrategy(ds, where);
  if (!original) {
    throw new RuntimeError('bad-input', `${where} has no annotation ${RolloutKeys.ORIGINAL_STRATEGY_ANNOTATION}: no strategy to restore`);
  }
  const { [RolloutKeys.ORIGINAL_STRATEGY_ANNOTATION]: _recorded, ...annotations } = ds.metadata.annotations ?? {};
  const state = annotations[RolloutKeys.STATE_ANNOTATION];
  return {
    ...(state === undefined ? {} : { metadata: { annotations: { [RolloutKeys.STATE_ANNOTATION]: state } } }),
    spec: { updateStrategy: original },
  };
}

/**
 * The merge patch that removes the record of the original strategy whoever wrote it, for a record the restore's apply
 * left because another manager also owns it.
 */
export function dropRecordPatch(): Record<string, unknown> {
  return { metadata: { annotations: { [RolloutKeys.ORIGINAL_STRATEGY_ANNOTATION]: null } } };
}

/** The kubectl command that restores `strategy` by hand, for messages. */
export function restoreStrategyCommand(where: string, strategy: KubeDaemonSetUpdateStrategy): string {
  const patch = JSON.stringify({ ...dropRecordPatch(), spec: { updateStrategy: strategy } });
  return `kubectl patch ${where} --type merge -p '${patch}'`;
}

/**
 * How many daemon pods the canary lets be unavailable at once: the original strategy's `maxUnavailable`, rounded up
 * against the nodes as the DaemonSet controller does, and at least 1 (a strategy that only surges, or OnDelete, still
 * has to replace one pod at a time: the canary never surges).
 */
export function canaryUnavailableBudget(strategy: KubeDaemonSetUpdateStrategy, desiredNodes: number): number {
  if (strategy.type !== 'RollingUpdate') {
    return 1;
  }
  const maxUnavailable = strategy.rollingUpdate?.maxUnavailable ?? 1;
  return Math.max(1, scaledValueFromIntOrPercent('spec.updateStrategy.rollingUpdate.maxUnavailable', maxUnavailable, desiredNodes, true));
}

/** What staging a DaemonSet does. */
export type DaemonSetStageDecision =
  | { readonly action: 'already-staged'; readonly message: string }
  | { readonly action: 'patch'; readonly patch: Record<string, unknown>; readonly patchType: 'apply'; readonly message: string };

/**
 * Decides how to stage a DaemonSet (`kubectl-stage stage ds/NAME`): switch it to OnDelete with its strategy recorded, so
 * the next template change moves no pod until a node canary promotes it: a server-side apply as kubectl-stage carrying
 * the read resourceVersion as precondition, so a concurrent change is never overwritten.
 */
export function decideStageDaemonSet(ds: KubeDaemonSet): DaemonSetStageDecision {
  const where = `daemonset/${ds.metadata.name ?? ''}`;
  if (recordedOriginalStrategy(ds, where) !== undefined && daemonSetStrategy(ds).type === 'OnDelete') {
    return { action: 'already-staged', message: 'already staged (OnDelete, original strategy recorded)' };
  }
  const fields = switchToOnDeleteFields(ds);
  return {
    action: 'patch',
    patch: { ...fields, metadata: { ...(fields.metadata as object | undefined), resourceVersion: ds.metadata.resourceVersion } },
    patchType: 'apply',
    message: `staged (OnDelete; ${daemonSetStrategy(ds).type} recorded in ${RolloutKeys.ORIGINAL_STRATEGY_ANNOTATION}): `
      + 'template changes roll no pod until promoted',
  };
}

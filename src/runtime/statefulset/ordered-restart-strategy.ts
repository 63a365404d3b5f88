// The update strategy an ordered restart borrows (ordered-restart.ts): a partition can only send the highest ordinals
// first, so for the promotion the StatefulSet is switched to OnDelete, under which the controller recreates a deleted
// pod from the update revision and moves no pod by itself (upstream stateful_set_control.go returns before its rolling
// update when the type is OnDelete; newVersionedStatefulSetPod gives ordinals below a RollingUpdate partition the
// current revision, else the update revision). The strategy it had is recorded in the annotation the DaemonSet canary
// uses, so a promoter killed midway, or the next one, can still give it back. Pure: the patches are sent by the run.
import { RolloutKeys } from '../../keys';
import { KubeStatefulSet, KubeStatefulSetUpdateStrategy } from '../kube/kube-types';
import { RuntimeError } from '../runtime-error';

/**
 * The strategy the StatefulSet had before an ordered restart switched it to OnDelete, read from its annotation;
 * undefined when none is recorded.
 *
 * @throws RuntimeError (`bad-input`) when the annotation is not a RollingUpdate strategy, naming it and how to remove it
 */
export function recordedStatefulSetStrategy(sts: KubeStatefulSet, where: string): KubeStatefulSetUpdateStrategy | undefined {
  const text = sts.metadata.annotations?.[RolloutKeys.ORIGINAL_STRATEGY_ANNOTATION];
  if (text === undefined || text === '') {
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (typeof value !== 'object' || value === null || (value as KubeStatefulSetUpdateStrategy).type !== 'RollingUpdate') {
    throw new RuntimeError('bad-input',
      `annotation ${RolloutKeys.ORIGINAL_STRATEGY_ANNOTATION} on ${where} is not a RollingUpdate strategy `
      + `(expected JSON such as {"type":"RollingUpdate","rollingUpdate":{"partition":2147483647}}, got ${JSON.stringify(text)}); `
      + `fix it, or remove it with "kubectl annotate ${where} ${RolloutKeys.ORIGINAL_STRATEGY_ANNOTATION}-"`);
  }
  return value as KubeStatefulSetUpdateStrategy;
}

/**
 * The merge patch that hands the StatefulSet to the ordered restart: `OnDelete`, with the strategy recorded (unless an
 * earlier run already recorded it: the live strategy is then the restart's own OnDelete).
 */
export function switchToOnDeletePatch(sts: KubeStatefulSet): Record<string, unknown> {
  const recorded = sts.metadata.annotations?.[RolloutKeys.ORIGINAL_STRATEGY_ANNOTATION];
  const live = sts.spec.updateStrategy ?? { type: 'RollingUpdate' };
  return {
    ...(recorded ? {} : { metadata: { annotations: { [RolloutKeys.ORIGINAL_STRATEGY_ANNOTATION]: JSON.stringify(live) } } }),
    // OnDelete takes no rollingUpdate (the API server refuses one).
    spec: { updateStrategy: { type: 'OnDelete', rollingUpdate: null } },
  };
}

/**
 * The merge patch that gives the StatefulSet its recorded RollingUpdate strategy back with `partition` (0 once every
 * pod runs the new revision, the pinned partition after a rollback), and drops the record. Only safe once no pod would
 * move under it.
 */
export function restoreStrategyPatch(sts: KubeStatefulSet, partition: number, where: string): Record<string, unknown> {
  const original = recordedStatefulSetStrategy(sts, where) ?? { type: 'RollingUpdate' };
  return {
    metadata: { annotations: { [RolloutKeys.ORIGINAL_STRATEGY_ANNOTATION]: null } },
    spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { ...original.rollingUpdate, partition } } },
  };
}

/** The kubectl command that gives the StatefulSet its RollingUpdate strategy back by hand, pinned so no pod moves. */
export function restoreStrategyCommand(where: string, pinned: number): string {
  const patch = JSON.stringify({
    metadata: { annotations: { [RolloutKeys.ORIGINAL_STRATEGY_ANNOTATION]: null } },
    spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: pinned } } },
  });
  return `kubectl patch ${where} --type merge -p '${patch}'`;
}

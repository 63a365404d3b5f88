// What the promoter owns on a StatefulSet, and states in full in each of its server-side applies (field manager
// kubectl-stage): the RollingUpdate strategy with its partition, and the promotion state annotation when there is one.
// An apply is the manager's whole intent, so a field it owned and left out of the next apply would be removed: a
// state-only write must still carry the partition as it stands, or the API server would reset it to 0.
import { RolloutKeys } from '../../keys';
import { KubeStatefulSet } from '../kube/kube-types';
import { physicalPartition } from '../kube/statefulset-facts';

/** The promoter's fields of `sts` as they stand, the partition replaced by `partition` when given. */
export function promoterFields(sts: KubeStatefulSet, partition = physicalPartition(sts)): Record<string, unknown> {
  const state = sts.metadata.annotations?.[RolloutKeys.STATE_ANNOTATION];
  return {
    ...(state === undefined ? {} : { metadata: { annotations: { [RolloutKeys.STATE_ANNOTATION]: state } } }),
    spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition } } },
  };
}

// The gates a workload declares for its promotions (the constructs' `gates` prop, written to the
// `staged-rollouts.io/gates` annotation), which `promote` runs when no `--gate` flag is given.
import { gatesOfAnnotation, GateSpec } from './gate-spec';
import { RolloutKeys } from '../../keys';
import { Cluster } from '../cluster/cluster';
import { KubeWorkload } from '../kube/kube-types';
import { describeRef, WorkloadRef } from '../kube/workload-ref';

/**
 * The gates declared on the workload's annotation; none when it has none, or does not exist (the promotion then says
 * so in kubectl's words).
 *
 * @param options the Prometheus server, which `prom=` gates need
 * @throws RuntimeError (`bad-input`) naming the annotation, the workload and the gate when a gate is not valid
 */
export async function readDeclaredGates(cluster: Cluster, ref: WorkloadRef, options: { readonly prometheusUrl?: string } = {}): Promise<GateSpec[]> {
  const workload = await cluster.get<KubeWorkload>(ref.kind, ref.namespace, ref.name);
  return gatesOfAnnotation(workload?.metadata.annotations?.[RolloutKeys.GATES_ANNOTATION], describeRef(ref), options);
}

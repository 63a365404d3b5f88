// The promotion policy a workload declares (the constructs' soak, stepTimeout, autoRollback and approval, written to
// the staged-rollouts.io/soak, step-timeout, auto-rollback and approval annotations), which `promote` follows where
// no flag says otherwise and `kubectl-stage controller` follows always.
import { PromotionPolicyValues, readPromotionPolicy } from '../../promotion-policy';
import { Cluster } from '../cluster/cluster';
import { KubeWorkload } from '../kube/kube-types';
import { describeRef, WorkloadRef } from '../kube/workload-ref';
import { RuntimeError } from '../runtime-error';

/**
 * The policy declared on the workload; the defaults of the flags when it declares none, or does not exist (the
 * promotion then says so in kubectl's words).
 *
 * @throws RuntimeError (`bad-input`) naming each annotation that is not valid, the workload and what is valid
 */
export async function readDeclaredPolicy(cluster: Cluster, ref: WorkloadRef): Promise<PromotionPolicyValues> {
  const workload = await cluster.get<KubeWorkload>(ref.kind, ref.namespace, ref.name);
  const reading = readPromotionPolicy(workload?.metadata.annotations);
  if (reading.problems) {
    throw new RuntimeError('bad-input', `${describeRef(ref)} declares a promotion policy that is not valid: ${reading.problems.join('; ')} `
      + '(StatefulSetRollout.staged(plan, { soak, stepTimeout, autoRollback, approval }) writes valid ones)');
  }
  return reading.policy;
}

import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { RolloutKeys } from './keys';
import { requireChangeCause } from './prop-validation';

/**
 * Records why a workload changed in its `kubernetes.io/change-cause` annotation, the modern replacement for
 * the deprecated `kubectl --record`. The workload controller copies the annotation onto the new
 * ControllerRevision, which is what the CHANGE-CAUSE column of `kubectl rollout history` shows.
 *
 * @example
 * const sts = new kplus.StatefulSet(chart, 'kafka', { ... });
 * ChangeCause.apply(sts, 'kafka 3.9.1: raise num.io.threads');
 */
export class ChangeCause {
  /**
   * Sets the change-cause annotation on `workload`: an `ApiObject`, or a construct whose default child is one
   * (a cdk8s-plus workload).
   * @param workload the workload that changes
   * @param text why it changes, shown by `kubectl rollout history`
   */
  public static apply(workload: IConstruct, text: string): void {
    ApiObject.of(workload).metadata.addAnnotation(RolloutKeys.CHANGE_CAUSE_ANNOTATION, requireChangeCause(workload, 'text', text));
  }

  private constructor() {}
}

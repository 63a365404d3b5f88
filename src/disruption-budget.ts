import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { NameRule, requireLabels, requireNames, requireSelector } from './prop-validation';
import { ValidationError } from './validation-error';
import { invalidProp, namespaceOf, requireReplicas } from './workload-defaults';

/** Props of {@link DisruptionBudget}. */
export interface DisruptionBudgetProps {
  /** `metadata.name`. The namespace is the Chart's. */
  readonly name: string;
  /** Labels selecting the pods; the same labels the workload's selector uses. */
  readonly selector: { [key: string]: string };
  /**
   * Labels of the PodDisruptionBudget object.
   * @default - the selector labels
   */
  readonly labels?: { [key: string]: string };
  /** Number of pods the budget protects (the workload's replicas), to validate the budget against. */
  readonly replicas: number;
  /**
   * Pods that may be down at once by voluntary disruption. Give this or `minAvailable`, not both.
   * @default - 1 (0 for a single pod, which the budget then keeps), or the quorum tolerance when `quorum` is set
   */
  readonly maxUnavailable?: number;
  /**
   * Pods that must stay available. Give this or `maxUnavailable`, not both.
   * @default - not set (maxUnavailable is used)
   */
  readonly minAvailable?: number;
  /**
   * The pods form a majority quorum: reject any budget that lets the quorum be lost.
   * @default false
   */
  readonly quorum?: boolean;
}

/**
 * A policy/v1 PodDisruptionBudget validated against the replicas it protects: it must keep at least one pod,
 * and for a quorum system it must keep a majority (`floor(replicas/2) + 1`).
 *
 * @example
 * new DisruptionBudget(chart, 'pdb', {
 *   name: 'zk-pdb',
 *   selector: { 'app.kubernetes.io/instance': 'zk' },
 *   replicas: 5,
 *   quorum: true, // maxUnavailable 2
 * });
 */
export class DisruptionBudget extends Construct {
  /** How many of `replicas` pods a majority quorum can lose and still have a majority. */
  public static quorumTolerance(replicas: number): number {
    return replicas - (Math.floor(replicas / 2) + 1);
  }

  /** The pods that may be down at once under this budget. */
  public readonly allowedDisruptions: number;
  /** The L1 object, as an escape hatch. */
  public readonly apiObject: kplus.k8s.KubePodDisruptionBudget;

  constructor(scope: Construct, id: string, props: DisruptionBudgetProps) {
    super(scope, id);
    requireNames(this, 'name', props.name, (name) => [{ kind: 'PodDisruptionBudget', name, rule: NameRule.SUBDOMAIN }]);
    requireReplicas(this, 'replicas', props.replicas);
    requireSelector(this, 'selector', props.selector);
    requireLabels(this, 'labels', props.labels);
    if (props.maxUnavailable !== undefined && props.minAvailable !== undefined) {
      throw new ValidationError(this, 'minAvailable', props.minAvailable, 'give maxUnavailable or minAvailable, not both');
    }
    for (const [property, value] of [['maxUnavailable', props.maxUnavailable], ['minAvailable', props.minAvailable]] as const) {
      if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
        throw new ValidationError(this, property, value, 'use a whole number of 0 or more');
      }
    }
    const tolerance = DisruptionBudget.quorumTolerance(props.replicas);
    // The default never lets every pod go: a single pod is kept (a drain waits for it to be moved by hand).
    const defaultMaxUnavailable = props.quorum ? tolerance : Math.min(1, props.replicas - 1);
    const maxUnavailable = props.minAvailable === undefined ? props.maxUnavailable ?? defaultMaxUnavailable : undefined;
    this.allowedDisruptions = maxUnavailable ?? props.replicas - (props.minAvailable ?? 0);
    this.node.addValidation({ validate: () => this.validate(props, tolerance) });

    this.apiObject = new kplus.k8s.KubePodDisruptionBudget(this, 'Resource', {
      metadata: { name: props.name, namespace: namespaceOf(this), labels: { ...(props.labels ?? props.selector) } },
      spec: {
        selector: { matchLabels: { ...props.selector } },
        maxUnavailable: maxUnavailable === undefined ? undefined : kplus.k8s.IntOrString.fromNumber(maxUnavailable),
        minAvailable: props.minAvailable === undefined ? undefined : kplus.k8s.IntOrString.fromNumber(props.minAvailable),
      },
    });
  }

  private validate(props: DisruptionBudgetProps, tolerance: number): string[] {
    const property = props.minAvailable === undefined ? 'maxUnavailable' : 'minAvailable';
    const value = props.minAvailable ?? props.maxUnavailable;
    if (props.minAvailable !== undefined && props.minAvailable > props.replicas) {
      return [invalidProp(this, property, value, `only ${props.replicas} pods exist, so the budget could never be met and would block every eviction`)];
    }
    if (this.allowedDisruptions >= props.replicas) {
      return [invalidProp(this, property, value, `it lets all ${props.replicas} pods be down at once; allow at most ${props.replicas - 1}`)];
    }
    if (props.quorum && this.allowedDisruptions > tolerance) {
      return [invalidProp(this, property, value,
        `${props.replicas} quorum members keep a majority only with at most ${tolerance} down (minAvailable >= ${Math.floor(props.replicas / 2) + 1})`)];
    }
    return [];
  }
}

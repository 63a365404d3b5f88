import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DisruptionBudget } from './disruption-budget';
import { HeadlessService } from './headless-service';
import { DNS_SUBDOMAIN_MAX_LENGTH } from './internal/kube-validation';
import { requireAnnotations, requireLabels, requireNames, requireSelector } from './prop-validation';
import { StatefulSetRollout } from './statefulset-rollout';
import { ValidationError } from './validation-error';
import { namespaceOf, requireReplicas, statefulServiceNames } from './workload-defaults';

/** Props of {@link StatefulService}. */
export interface StatefulServiceProps {
  /**
   * Name of the StatefulSet (at most 52 characters); the headless Service is `<name>-hs`, the budget `<name>-pdb`.
   * All three go to the Chart's namespace.
   */
  readonly name: string;
  /** Number of pods. */
  readonly replicas: number;
  /** Labels the StatefulSet, headless Service and budget select the pods by; set on the pod template. */
  readonly selector: { [key: string]: string };
  /**
   * Labels of every object and of the pod template (must include the selector labels).
   * @default - the selector labels
   */
  readonly labels?: { [key: string]: string };
  /**
   * Annotations of the StatefulSet object.
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
  /** The pod spec. */
  readonly podSpec: kplus.k8s.PodSpec;
  /** Ports of the headless Service (the ports the pods reach each other on). */
  readonly peerPorts: kplus.ServicePort[];
  /**
   * Per-pod volume claims.
   * @default - none
   */
  readonly volumeClaimTemplates?: kplus.k8s.KubePersistentVolumeClaimProps[];
  /**
   * Cluster DNS domain.
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
  /**
   * Pods the budget lets be down at once.
   * @default - 1, or the quorum tolerance when `quorum` is set
   */
  readonly maxUnavailable?: number;
  /**
   * The pods form a majority quorum; the budget must keep a majority.
   * @default false
   */
  readonly quorum?: boolean;
  /**
   * How the StatefulSet rolls out a new pod template. Pod management is Parallel unless the rollout sets it
   * (it only affects scaling, not updates).
   * @default StatefulSetRollout.rollingUpdate()
   */
  readonly rollout?: StatefulSetRollout;
}

/**
 * The base of a stateful workload: a StatefulSet, the headless Service that names its pods, and a
 * PodDisruptionBudget, all selecting the same pods.
 *
 * @example
 * new StatefulService(chart, 'db', {
 *   name: 'db',
 *   replicas: 3,
 *   selector: { 'app.kubernetes.io/instance': 'db' },
 *   podSpec: { containers: [{ name: 'db', image: 'example/db:1.0' }] },
 *   peerPorts: [{ name: 'peer', port: 7000 }],
 * });
 */
export class StatefulService extends Construct {
  /** Name of the StatefulSet. */
  public readonly name: string;
  /** Number of pods. */
  public readonly replicas: number;
  /** The headless Service. */
  public readonly headlessService: HeadlessService;
  /** The PodDisruptionBudget. */
  public readonly disruptionBudget: DisruptionBudget;
  /** The L1 StatefulSet, as an escape hatch. */
  public readonly apiObject: kplus.k8s.KubeStatefulSet;

  constructor(scope: Construct, id: string, props: StatefulServiceProps) {
    super(scope, id);
    this.name = requireNames(this, 'name', props.name, statefulServiceNames);
    this.replicas = requireReplicas(this, 'replicas', props.replicas);
    const namespace = namespaceOf(this);
    requireSelector(this, 'selector', props.selector);
    requireLabels(this, 'labels', props.labels);
    requireAnnotations(this, 'annotations', props.annotations);
    const [, headless, budget] = statefulServiceNames(this.name);
    const labels = { ...props.labels, ...props.selector };

    this.headlessService = new HeadlessService(this, 'Headless', {
      name: headless.name,
      selector: props.selector,
      labels,
      ports: props.peerPorts,
      clusterDomain: props.clusterDomain,
    });
    // Peers reach each other by these names: one longer than DNS allows would never resolve.
    const longestHost = this.podHost(this.replicas - 1);
    if (longestHost.length > DNS_SUBDOMAIN_MAX_LENGTH) {
      throw new ValidationError(this, 'name', this.name, `the pods' DNS name "${longestHost}" would be ${longestHost.length} characters, `
        + `above DNS's ${DNS_SUBDOMAIN_MAX_LENGTH}: shorten the name, the namespace or the cluster domain`);
    }
    this.disruptionBudget = new DisruptionBudget(this, 'Budget', {
      name: budget.name,
      selector: props.selector,
      labels,
      replicas: this.replicas,
      maxUnavailable: props.maxUnavailable,
      quorum: props.quorum,
    });
    const rollout = props.rollout ?? StatefulSetRollout.rollingUpdate();
    const rolloutSpec = rollout._toSpec(this.replicas);
    this.node.addValidation({ validate: () => rollout._validate(this.replicas).map((problem) => `${this.node.path}: rollout: ${problem}`) });
    const annotations = { ...props.annotations, ...rollout._annotations() };
    this.apiObject = new kplus.k8s.KubeStatefulSet(this, 'Resource', {
      metadata: { name: props.name, namespace, labels, annotations: Object.keys(annotations).length > 0 ? annotations : undefined },
      spec: {
        ...rolloutSpec,
        serviceName: this.headlessService.name,
        replicas: this.replicas,
        podManagementPolicy: rolloutSpec.podManagementPolicy ?? 'Parallel',
        selector: { matchLabels: { ...props.selector } },
        template: { metadata: { labels }, spec: props.podSpec },
        volumeClaimTemplates: props.volumeClaimTemplates,
      },
    });
  }

  /** The stable DNS name of pod `ordinal`: `<name>-<ordinal>.<name>-hs.<namespace>.svc.<clusterDomain>`. */
  public podHost(ordinal: number): string {
    return this.headlessService.podHost(this.name, ordinal);
  }
}

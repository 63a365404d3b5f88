// The one place that fills what cdk8s-plus-28 lacks (volumeClaimTemplates, topology spread, hostPID,
// enableServiceLinks, priority class, PDBs) and applies the secure defaults every construct shares. The
// constructs build L1 objects from these pieces instead of patching cdk8s-plus workloads, which would add a
// hashed selector label, a startupProbe and resource defaults we do not want. Not part of the jsii API.
import { ApiObject, Size, SizeRoundingBehavior } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { ChangeCause } from './change-cause';
import { RolloutKeys } from './keys';
import { PodAntiAffinity, WorkloadOptions } from './workload-options';

const k8s = kplus.k8s;

/** The value of `app.kubernetes.io/managed-by` on every object. */
export const MANAGED_BY = 'cdk8s-staged-rollouts';

/** The labels of one workload: the selector subset and the full set written on objects and pods. */
export interface WorkloadLabels {
  /** Stable labels the selectors use (name, instance, component); never changed by user input. */
  readonly selector: Record<string, string>;
  /** Selector labels plus managed-by and the user's extra labels. */
  readonly all: Record<string, string>;
}

/** The recommended `app.kubernetes.io/*` labels of a workload plus the user's extra labels. */
export function workloadLabels(app: string, instance: string, component: string, extra?: Record<string, string>): WorkloadLabels {
  const selector = {
    [RolloutKeys.NAME_LABEL]: app,
    [RolloutKeys.INSTANCE_LABEL]: instance,
    [RolloutKeys.COMPONENT_LABEL]: component,
  };
  return { selector, all: { ...extra, ...selector, [RolloutKeys.MANAGED_BY_LABEL]: MANAGED_BY } };
}

/** A synth-time error message naming the construct path, the property, the value and what is valid. */
export function invalidProp(scope: IConstruct, property: string, value: unknown, valid: string): string {
  return `${scope.node.path}: ${property}: ${JSON.stringify(value)} is not valid; ${valid}`;
}

/** Throws unless `replicas` is a whole number of at least 1. */
export function requireReplicas(scope: IConstruct, property: string, replicas: number): number {
  if (!Number.isInteger(replicas) || replicas < 1) {
    throw new Error(invalidProp(scope, property, replicas, 'use a whole number of 1 or more'));
  }
  return replicas;
}

/** A Kubernetes quantity for a size, in the largest binary unit that represents it exactly. */
export function sizeQuantity(scope: IConstruct, property: string, size: Size): string {
  const kib = size.toKibibytes({ rounding: SizeRoundingBehavior.NONE });
  if (!Number.isInteger(kib) || kib <= 0) {
    throw new Error(invalidProp(scope, property, `${kib}Ki`, 'use a positive whole number of kibibytes, e.g. Size.gibibytes(10)'));
  }
  for (const [unit, factor] of [['Ti', 1024 ** 3], ['Gi', 1024 ** 2], ['Mi', 1024]] as const) {
    if (kib % factor === 0) {
      return `${kib / factor}${unit}`;
    }
  }
  return `${kib}Ki`;
}

/** `ResourceRequirements` from cdk8s-plus `ContainerResources` (or the construct's defaults). */
export function resourceRequirements(scope: IConstruct, resources: kplus.ContainerResources): kplus.k8s.ResourceRequirements {
  const requests: Record<string, kplus.k8s.Quantity> = {};
  const limits: Record<string, kplus.k8s.Quantity> = {};
  if (resources.cpu?.request) requests.cpu = k8s.Quantity.fromString(resources.cpu.request.amount);
  if (resources.cpu?.limit) limits.cpu = k8s.Quantity.fromString(resources.cpu.limit.amount);
  if (resources.memory?.request) requests.memory = k8s.Quantity.fromString(sizeQuantity(scope, 'resources.memory.request', resources.memory.request));
  if (resources.memory?.limit) limits.memory = k8s.Quantity.fromString(sizeQuantity(scope, 'resources.memory.limit', resources.memory.limit));
  return {
    requests: Object.keys(requests).length > 0 ? requests : undefined,
    limits: Object.keys(limits).length > 0 ? limits : undefined,
  };
}

/** The container security context every container gets: no root file system writes, no privileges. */
export function secureContainerSecurityContext(uid: number): kplus.k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: uid !== 0,
    capabilities: { drop: ['ALL'] },
  };
}

/**
 * The pod security context: a numeric non-root user (images whose USER is a name fail `runAsNonRoot`
 * verification otherwise), the volume group, and the runtime's default seccomp profile.
 */
export function securePodSecurityContext(uid: number): kplus.k8s.PodSecurityContext {
  return {
    runAsNonRoot: uid !== 0,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Pod anti-affinity on `kubernetes.io/hostname`, selecting exactly the workload's own selector labels. */
export function podAntiAffinity(mode: PodAntiAffinity, selector: Record<string, string>): kplus.k8s.Affinity | undefined {
  const term: kplus.k8s.PodAffinityTerm = { labelSelector: { matchLabels: { ...selector } }, topologyKey: 'kubernetes.io/hostname' };
  switch (mode) {
    case PodAntiAffinity.REQUIRED:
      return { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } };
    case PodAntiAffinity.PREFERRED:
      return { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] } };
    case PodAntiAffinity.NONE:
      return undefined;
  }
}

/** What a pod spec needs beyond its containers; everything else gets the secure defaults. */
export interface PodSpecInput {
  readonly containers: kplus.k8s.Container[];
  readonly uid: number;
  readonly selector: Record<string, string>;
  readonly options: WorkloadOptions;
  readonly volumes?: kplus.k8s.Volume[];
  readonly antiAffinity?: PodAntiAffinity;
  readonly topologySpreadKey?: string;
  readonly terminationGracePeriodSeconds?: number;
  readonly hostNetwork?: boolean;
  readonly hostPid?: boolean;
}

/**
 * A pod spec with the secure defaults: no service-account token (none of these workloads calls the API),
 * no service-link variables (the Kafka image turns every `KAFKA_*` variable into a broker property), and a
 * numeric non-root user.
 */
export function securePodSpec(input: PodSpecInput): kplus.k8s.PodSpec {
  const options = input.options;
  return {
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    hostNetwork: input.hostNetwork,
    dnsPolicy: input.hostNetwork ? 'ClusterFirstWithHostNet' : undefined,
    hostPid: input.hostPid,
    securityContext: securePodSecurityContext(input.uid),
    affinity: input.antiAffinity ? podAntiAffinity(input.antiAffinity, input.selector) : undefined,
    topologySpreadConstraints: input.topologySpreadKey
      ? [{ maxSkew: 1, topologyKey: input.topologySpreadKey, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { ...input.selector } } }]
      : undefined,
    nodeSelector: options.nodeSelector,
    tolerations: options.tolerations,
    priorityClassName: options.priorityClassName,
    terminationGracePeriodSeconds: input.terminationGracePeriodSeconds,
    containers: input.containers,
    volumes: input.volumes,
  };
}

/** A ReadWriteOnce volume claim template of `size`, which cdk8s-plus-28's StatefulSet cannot express. */
export function volumeClaimTemplate(
  scope: IConstruct, name: string, size: Size, storageClassName?: string,
): kplus.k8s.KubePersistentVolumeClaimProps {
  return {
    metadata: { name },
    spec: {
      accessModes: ['ReadWriteOnce'],
      storageClassName,
      resources: { requests: { storage: k8s.Quantity.fromString(sizeQuantity(scope, 'storageSize', size)) } },
    },
  };
}

/** Writes the user's annotations and change-cause (through {@link ChangeCause}) on a workload object. */
export function annotateWorkload(workload: ApiObject, options: WorkloadOptions): void {
  for (const [key, value] of Object.entries(options.annotations ?? {})) {
    workload.metadata.addAnnotation(key, value);
  }
  if (options.changeCause !== undefined) {
    ChangeCause.apply(workload, options.changeCause);
  }
}

/** The metadata type of the warnings {@link addSynthWarning} records. */
export const SYNTH_WARNING = 'cdk8s-staged-rollouts:warning';

/**
 * Records a warning on the construct (metadata `SYNTH_WARNING`) and prints it when the app is synthesized;
 * constructs 10 has no `Annotations` API and cdk8s does not print metadata itself.
 */
export function addSynthWarning(scope: IConstruct, message: string): void {
  scope.node.addMetadata(SYNTH_WARNING, message);
  scope.node.addValidation({
    validate: () => {
      console.warn(`[WARNING] ${message}`);
      return [];
    },
  });
}

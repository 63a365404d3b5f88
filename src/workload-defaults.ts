// The one place that fills what cdk8s-plus-28 lacks (volumeClaimTemplates, topology spread, hostPID,
// enableServiceLinks, priority class, PDBs) and applies the secure defaults every construct shares. The
// constructs build L1 objects from these pieces instead of patching cdk8s-plus workloads, which would add a
// hashed selector label, a startupProbe and resource defaults we do not want. Not part of the jsii API.
import { ApiObject, Chart, JsonPatch, Size, SizeRoundingBehavior } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { ChangeCause } from './change-cause';
import { dns1123LabelProblems } from './internal/kube-validation';
import { RolloutKeys } from './keys';
import { guardObjectCollisions } from './object-collisions';
import { addToPodSpec, podTemplateMetadata, requirePodOptions } from './pod-options';
import {
  DerivedName, NameRule, requireAnnotations, requireChangeCause, requireLabels, requireQualifiedName, requireResources, requireSubdomain,
  requireTolerations, requireWholeNumber,
} from './prop-validation';
import { ValidationError } from './validation-error';
import { PodAntiAffinity, StatefulWorkloadOptions, WorkloadOptions } from './workload-options';

export { invalidProp } from './validation-error';

/** The names of a StatefulService's objects: the StatefulSet, its headless Service `<name>-hs` and budget `<name>-pdb`. */
export function statefulServiceNames(name: string): DerivedName[] {
  return [
    { kind: 'StatefulSet', name, rule: NameRule.STATEFULSET },
    { kind: 'Service', name: `${name}-hs`, rule: NameRule.DNS1035 },
    { kind: 'PodDisruptionBudget', name: `${name}-pdb`, rule: NameRule.SUBDOMAIN },
  ];
}

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

/** Throws unless `replicas` is a whole number from 1 to the largest `spec.replicas` (int32). */
export function requireReplicas(scope: IConstruct, property: string, replicas: number): number {
  return requireWholeNumber(scope, property, replicas, 1);
}

/**
 * The namespace of every object a construct creates and of the DNS names it computes: the Chart's namespace, or
 * `default` when the Chart has none. The objects always carry it explicitly, so applying them with another
 * `--namespace` fails instead of leaving DNS names that point at the wrong namespace.
 */
export function namespaceOf(scope: IConstruct): string {
  const chart = Chart.of(scope);
  const namespace = chart.namespace ?? 'default';
  const problems = dns1123LabelProblems(namespace);
  if (problems.length > 0) {
    throw new ValidationError(chart, 'namespace', namespace, `a Namespace name ${problems.join('; ')}`);
  }
  return namespace;
}

// The construct each options object was validated for, so securePodSpec can name it in a clash.
const optionsOwners = new WeakMap<WorkloadOptions, IConstruct>();

/**
 * Validates the options every workload shares and registers the app's object-collision check; every workload
 * construct calls it first, with the same options object it later gives {@link securePodSpec}.
 */
export function requireWorkloadOptions(scope: IConstruct, options: WorkloadOptions): void {
  guardObjectCollisions(scope);
  optionsOwners.set(options, scope);
  // cdk8s writes the Chart's labels on every object too.
  const chart = Chart.of(scope);
  requireLabels(chart, 'labels', chart.labels);
  requireLabels(scope, 'labels', options.labels);
  requireAnnotations(scope, 'annotations', options.annotations);
  requireLabels(scope, 'nodeSelector', options.nodeSelector);
  requireTolerations(scope, 'tolerations', options.tolerations);
  if (options.priorityClassName !== undefined) {
    requireSubdomain(scope, 'priorityClassName', options.priorityClassName);
  }
  if (options.changeCause !== undefined) {
    requireChangeCause(scope, 'changeCause', options.changeCause);
  }
  requirePodOptions(scope, options);
}

/** {@link requireWorkloadOptions} plus the options of workloads with per-pod storage; returns the cluster domain. */
export function requireStatefulOptions(scope: IConstruct, options: StatefulWorkloadOptions): string {
  requireWorkloadOptions(scope, options);
  if (options.storageClassName !== undefined) {
    requireSubdomain(scope, 'storageClassName', options.storageClassName);
  }
  if (options.topologySpreadKey !== undefined) {
    requireQualifiedName(scope, 'topologySpreadKey', options.topologySpreadKey);
  }
  if (options.antiAffinity !== undefined && !Object.values(PodAntiAffinity).includes(options.antiAffinity)) {
    throw new ValidationError(scope, 'antiAffinity', options.antiAffinity, `use one of PodAntiAffinity.${Object.keys(PodAntiAffinity).join(', PodAntiAffinity.')}`);
  }
  return requireSubdomain(scope, 'clusterDomain', options.clusterDomain ?? 'cluster.local');
}

/** A Kubernetes quantity for a size, in the largest binary unit that represents it exactly. */
export function sizeQuantity(scope: IConstruct, property: string, size: Size): string {
  const kib = size.toKibibytes({ rounding: SizeRoundingBehavior.NONE });
  if (!Number.isInteger(kib) || kib <= 0) {
    throw new ValidationError(scope, property, `${kib}Ki`, 'use a positive whole number of kibibytes, e.g. Size.gibibytes(10)');
  }
  for (const [unit, factor] of [['Ti', 1024 ** 3], ['Gi', 1024 ** 2], ['Mi', 1024]] as const) {
    if (kib % factor === 0) {
      return `${kib / factor}${unit}`;
    }
  }
  return `${kib}Ki`;
}

/**
 * `ResourceRequirements` from cdk8s-plus `ContainerResources` (or the construct's defaults), validated as the
 * API server would: quantities, none negative, no request above its limit.
 */
export function resourceRequirements(scope: IConstruct, resources: kplus.ContainerResources, property: string = 'resources'): kplus.k8s.ResourceRequirements {
  const requests: Record<string, kplus.k8s.Quantity> = {};
  const limits: Record<string, kplus.k8s.Quantity> = {};
  if (resources.cpu?.request) requests.cpu = k8s.Quantity.fromString(resources.cpu.request.amount);
  if (resources.cpu?.limit) limits.cpu = k8s.Quantity.fromString(resources.cpu.limit.amount);
  if (resources.memory?.request) requests.memory = k8s.Quantity.fromString(sizeQuantity(scope, `${property}.memory.request`, resources.memory.request));
  if (resources.memory?.limit) limits.memory = k8s.Quantity.fromString(sizeQuantity(scope, `${property}.memory.limit`, resources.memory.limit));
  const requirements = {
    requests: Object.keys(requests).length > 0 ? requests : undefined,
    limits: Object.keys(limits).length > 0 ? limits : undefined,
  };
  requireResources(scope, property, requirements);
  return requirements;
}

/** The memory limit of `resources` in mebibytes (possibly fractional), when it has one. */
export function memoryLimitMebibytes(resources: kplus.ContainerResources): number | undefined {
  const limit = resources.memory?.limit;
  return limit === undefined ? undefined : limit.toKibibytes({ rounding: SizeRoundingBehavior.NONE }) / 1024;
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
  /** Tolerations in place of `options.tolerations` (a construct that adds its own). */
  readonly tolerations?: kplus.k8s.Toleration[];
  /** Variables the main container's start script reads or sets, which the user's `env` must not replace. */
  readonly scriptEnv?: string[];
}

/**
 * A pod spec with the secure defaults: no service-account token (none of these workloads calls the API),
 * no service-link variables (the Kafka image turns every `KAFKA_*` variable into a broker property), and a
 * numeric non-root user; plus the user's pod options (env, extra volumes and mounts, affinity) on the first
 * container, which is the main one.
 */
export function securePodSpec(input: PodSpecInput): kplus.k8s.PodSpec {
  const options = input.options;
  const owner = optionsOwners.get(options);
  if (owner === undefined) {
    throw new Error('securePodSpec: validate the options with requireWorkloadOptions first, and pass the same object');
  }
  return addToPodSpec(owner, {
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
    tolerations: input.tolerations ?? options.tolerations,
    priorityClassName: options.priorityClassName,
    terminationGracePeriodSeconds: input.terminationGracePeriodSeconds,
    containers: input.containers,
    volumes: input.volumes,
  }, options, { env: input.scriptEnv });
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

/**
 * Writes the user's annotations and change-cause (through {@link ChangeCause}) on a workload object, and the
 * user's pod labels and annotations on its pod template; validated by requireWorkloadOptions.
 */
export function annotateWorkload(workload: ApiObject, options: WorkloadOptions): void {
  for (const [key, value] of Object.entries(options.annotations ?? {})) {
    workload.metadata.addAnnotation(key, value);
  }
  if (options.changeCause !== undefined) {
    ChangeCause.apply(workload, options.changeCause);
  }
  if (options.podLabels !== undefined || options.podAnnotations !== undefined) {
    // The L1 object's props are private: read the template as it will be written, and replace its metadata.
    const template = workload.toJson().spec.template.metadata ?? {};
    const owner = optionsOwners.get(options) ?? workload;
    workload.addJsonPatch(JsonPatch.add('/spec/template/metadata', podTemplateMetadata(owner, template, options)));
  }
}

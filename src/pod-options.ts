// The user's additions to a workload's pods (WorkloadOptions: env, extraVolumes, extraVolumeMounts, affinity,
// podLabels, podAnnotations): checked as the API server checks them (pkg/apis/core/validation: ValidateEnv,
// ValidateVolumes, ValidateVolumeMounts, validateAffinity), then merged into the pod the construct built, refusing
// anything that would replace or shadow what the construct manages. Not part of the jsii API.
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { requireAffinity } from './affinity-validation';
import { configMapKeyProblems, dns1123LabelProblems, envVarNameProblems } from './internal/kube-validation';
import { requireAbsolutePath, requireAnnotations, requireLabels, requireSubdomain } from './prop-validation';
import { ValidationError } from './validation-error';
import { WorkloadOptions } from './workload-options';

// The variables every stateful pod's start script reads: the ordinal comes from HOSTNAME.
const ALWAYS_MANAGED_ENV = ['HOSTNAME'];

// The downward API fields an environment variable may reference (validEnvDownwardAPIFieldPathExpressions, 1.28).
const ENV_FIELD_PATHS = [
  'metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.podIP',
  'status.podIPs',
];
const ENV_FIELD_PATH_WITH_KEY = /^metadata\.(labels|annotations)\['[^']+'\]$/;
const ENV_RESOURCES = /^(limits|requests)\.(cpu|memory|ephemeral-storage|hugepages-[a-zA-Z0-9]+)$/;
const MOUNT_PROPAGATIONS = ['None', 'HostToContainer'];
// The volume sources the Pod Security Standards' `restricted` level allows (restrictedVolumes in
// k8s.io/pod-security-admission), as the L1 Volume names them: anything else would lower the pods' level.
const RESTRICTED_VOLUME_SOURCES = ['configMap', 'csi', 'downwardApi', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

/** Validates the pod additions of `options` on their own; clashes with the construct's pod are checked by {@link addToPodSpec}. */
export function requirePodOptions(scope: IConstruct, options: WorkloadOptions): void {
  for (const [name, value] of Object.entries(options.env ?? {})) {
    requireEnvVar(scope, name, value);
  }
  const volumes = options.extraVolumes ?? [];
  if (!Array.isArray(volumes)) {
    throw new ValidationError(scope, 'extraVolumes', volumes, 'use a list of volumes');
  }
  const volumeNames = new Set<string>();
  volumes.forEach((volume, index) => {
    requireVolume(scope, `extraVolumes[${index}]`, volume);
    if (volumeNames.has(volume.name)) {
      throw new ValidationError(scope, `extraVolumes[${index}].name`, volume.name, 'volume names must be unique; it is already used');
    }
    volumeNames.add(volume.name);
  });
  const mounts = options.extraVolumeMounts ?? [];
  if (!Array.isArray(mounts)) {
    throw new ValidationError(scope, 'extraVolumeMounts', mounts, 'use a list of volume mounts');
  }
  const mountPaths = new Set<string>();
  mounts.forEach((mount, index) => {
    const at = `extraVolumeMounts[${index}]`;
    if (!volumeNames.has(mount.name)) {
      throw new ValidationError(scope, `${at}.name`, mount.name, `name a volume of extraVolumes (${[...volumeNames].join(', ') || 'none is declared'})`);
    }
    const path = normalizedPath(requireMountPath(scope, `${at}.mountPath`, mount.mountPath));
    if (mountPaths.has(path)) {
      throw new ValidationError(scope, `${at}.mountPath`, mount.mountPath, 'mount paths must be unique; it is already used');
    }
    mountPaths.add(path);
    for (const field of ['subPath', 'subPathExpr'] as const) {
      const subPath = mount[field];
      if (subPath !== undefined && (typeof subPath !== 'string' || subPath.startsWith('/') || subPath.split('/').includes('..'))) {
        throw new ValidationError(scope, `${at}.${field}`, subPath, 'use a relative path inside the volume, without ".." segments');
      }
    }
    if (mount.subPath && mount.subPathExpr) {
      throw new ValidationError(scope, `${at}.subPathExpr`, mount.subPathExpr, 'give subPath or subPathExpr, not both');
    }
    if (mount.mountPropagation !== undefined && !MOUNT_PROPAGATIONS.includes(mount.mountPropagation)) {
      throw new ValidationError(scope, `${at}.mountPropagation`, mount.mountPropagation,
        `use ${MOUNT_PROPAGATIONS.join(' or ')}: Bidirectional needs a privileged container`);
    }
  });
  requireAffinity(scope, 'affinity', options.affinity);
  requireLabels(scope, 'podLabels', options.podLabels);
  requireAnnotations(scope, 'podAnnotations', options.podAnnotations);
  for (const key of Object.keys(options.podLabels ?? {})) {
    if (options.labels?.[key] !== undefined) {
      throw new ValidationError(scope, 'podLabels key', key, `labels["${key}"] sets it on every object and pod already: set it in one of the two`);
    }
  }
}

/** What the construct's own pod reserves beyond its main container's variables and mounts and the pod's volumes. */
export interface ManagedPodParts {
  /** Variables the start script sets or reads. */
  readonly env?: string[];
}

/**
 * The construct's pod spec with the user's variables and mounts added to its main container (the first), the
 * extra volumes to the pod, and `affinity` merged into the construct's own: node affinity and pod affinity as given,
 * pod anti-affinity terms added to the ones `antiAffinity` produces. A variable, volume name or mount path the
 * construct already uses (a volume claim template's name counts, through its mount) is refused, naming both.
 */
export function addToPodSpec(scope: IConstruct, spec: kplus.k8s.PodSpec, options: WorkloadOptions, managed: ManagedPodParts = {}): kplus.k8s.PodSpec {
  const [main, ...sidecars] = spec.containers;
  const managedEnv = new Map<string, string>((main.env ?? []).map((variable) => [variable.name, variable.value === undefined ? 'it sets it from a reference' : `it sets it to ${JSON.stringify(variable.value)}`]));
  for (const name of [...ALWAYS_MANAGED_ENV, ...managed.env ?? []]) {
    if (!managedEnv.has(name)) {
      managedEnv.set(name, 'its start script reads or sets it');
    }
  }
  const env = Object.entries(options.env ?? {}).map(([name, value]) => {
    if (managedEnv.has(name)) {
      throw new ValidationError(scope, `env[${JSON.stringify(name)}]`, name,
        `the construct manages ${name} (${managedEnv.get(name)}): change it through the construct's props, or pick another name`);
    }
    return { name, value: value.value, valueFrom: value.valueFrom } as kplus.k8s.EnvVar;
  });
  const managedVolumes = new Set<string>([
    ...(spec.volumes ?? []).map((volume) => volume.name),
    ...[...spec.containers, ...spec.initContainers ?? []].flatMap((container) => (container.volumeMounts ?? []).map((mount) => mount.name)),
  ]);
  (options.extraVolumes ?? []).forEach((volume, index) => {
    if (managedVolumes.has(volume.name)) {
      throw new ValidationError(scope, `extraVolumes[${index}].name`, volume.name,
        `the construct's own volume is called "${volume.name}" (${[...managedVolumes].join(', ')} are taken): pick another name`);
    }
  });
  const managedPaths = new Map((main.volumeMounts ?? []).map((mount) => [normalizedPath(mount.mountPath), mount.name]));
  (options.extraVolumeMounts ?? []).forEach((mount, index) => {
    const owner = managedPaths.get(normalizedPath(mount.mountPath));
    if (owner !== undefined) {
      throw new ValidationError(scope, `extraVolumeMounts[${index}].mountPath`, mount.mountPath,
        `the construct mounts its volume "${owner}" there: mount below it or elsewhere`);
    }
  });
  const withMain: kplus.k8s.Container = {
    ...main,
    env: main.env === undefined && env.length === 0 ? undefined : [...main.env ?? [], ...env],
    volumeMounts: main.volumeMounts === undefined && options.extraVolumeMounts === undefined
      ? undefined
      : [...main.volumeMounts ?? [], ...options.extraVolumeMounts ?? []],
  };
  const volumes = [...spec.volumes ?? [], ...options.extraVolumes ?? []];
  return {
    ...spec,
    containers: [withMain, ...sidecars],
    volumes: volumes.length > 0 ? volumes : undefined,
    affinity: mergedAffinity(spec.affinity, options.affinity),
  };
}

/** The labels and annotations of a pod template. */
export interface PodMetadata {
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

/** The pod template's labels and annotations with the user's podLabels and podAnnotations, refusing to replace the construct's. */
export function podTemplateMetadata(scope: IConstruct, template: PodMetadata, options: WorkloadOptions): PodMetadata {
  const additions = [['podLabels', template.labels, options.podLabels], ['podAnnotations', template.annotations, options.podAnnotations]] as const;
  for (const [property, own, extra] of additions) {
    for (const key of Object.keys(extra ?? {})) {
      if (own?.[key] !== undefined) {
        throw new ValidationError(scope, `${property} key`, key, `the construct sets "${key}" on its pods itself (to "${own[key]}"): pick another key`);
      }
    }
  }
  const annotations = { ...template.annotations, ...options.podAnnotations };
  return { labels: { ...template.labels, ...options.podLabels }, annotations: Object.keys(annotations).length > 0 ? annotations : undefined };
}

function mergedAffinity(own: kplus.k8s.Affinity | undefined, extra: kplus.k8s.Affinity | undefined): kplus.k8s.Affinity | undefined {
  if (extra === undefined) {
    return own;
  }
  const anti = [own?.podAntiAffinity, extra.podAntiAffinity];
  const required = anti.flatMap((terms) => terms?.requiredDuringSchedulingIgnoredDuringExecution ?? []);
  const preferred = anti.flatMap((terms) => terms?.preferredDuringSchedulingIgnoredDuringExecution ?? []);
  return {
    nodeAffinity: extra.nodeAffinity,
    podAffinity: extra.podAffinity,
    podAntiAffinity: required.length + preferred.length === 0 ? undefined : {
      requiredDuringSchedulingIgnoredDuringExecution: required.length > 0 ? required : undefined,
      preferredDuringSchedulingIgnoredDuringExecution: preferred.length > 0 ? preferred : undefined,
    },
  };
}

function requireEnvVar(scope: IConstruct, name: string, value: kplus.EnvValue): void {
  const problems = envVarNameProblems(name);
  if (problems.length > 0) {
    throw new ValidationError(scope, 'env key', name, problems.join('; '));
  }
  const at = `env[${JSON.stringify(name)}]`;
  if (typeof value === 'string') {
    throw new ValidationError(scope, at, value, `use EnvValue.fromValue(${JSON.stringify(value)}), or EnvValue.fromSecretValue / fromConfigMap for a reference`);
  }
  if (value === null || typeof value !== 'object' || (value.value === undefined) === (value.valueFrom === undefined)) {
    throw new ValidationError(scope, at, value, 'use an EnvValue with either a value or a reference (EnvValue.fromValue, fromSecretValue, fromConfigMap, fromFieldRef)');
  }
  if (value.value !== undefined && typeof value.value !== 'string') {
    throw new ValidationError(scope, `${at}.value`, value.value, 'an environment variable value must be a string');
  }
  const source = value.valueFrom;
  if (source === undefined) {
    return;
  }
  const kinds = Object.keys(source).filter((kind) => source[kind] !== undefined);
  if (kinds.length !== 1) {
    throw new ValidationError(scope, `${at}.valueFrom`, kinds, 'a reference reads exactly one of secretKeyRef, configMapKeyRef, fieldRef, resourceFieldRef');
  }
  const kind = kinds[0];
  const ref = source[kind];
  switch (kind) {
    case 'secretKeyRef':
    case 'configMapKeyRef': {
      requireSubdomain(scope, `${at}.valueFrom.${kind}.name`, ref.name);
      const keyProblems = typeof ref.key === 'string' ? configMapKeyProblems(ref.key) : ['must be a string'];
      if (keyProblems.length > 0) {
        throw new ValidationError(scope, `${at}.valueFrom.${kind}.key`, ref.key, keyProblems.join('; '));
      }
      return;
    }
    case 'fieldRef':
      if (!ENV_FIELD_PATHS.includes(ref.fieldPath) && !ENV_FIELD_PATH_WITH_KEY.test(ref.fieldPath)) {
        throw new ValidationError(scope, `${at}.valueFrom.fieldRef.fieldPath`, ref.fieldPath,
          `use one of ${ENV_FIELD_PATHS.join(', ')}, metadata.labels['<key>'] or metadata.annotations['<key>']`);
      }
      return;
    case 'resourceFieldRef':
      if (typeof ref.resource !== 'string' || !ENV_RESOURCES.test(ref.resource)) {
        throw new ValidationError(scope, `${at}.valueFrom.resourceFieldRef.resource`, ref.resource,
          'use limits.cpu, limits.memory, limits.ephemeral-storage or their requests.* forms');
      }
      return;
    default:
      throw new ValidationError(scope, `${at}.valueFrom`, kind, 'a reference reads one of secretKeyRef, configMapKeyRef, fieldRef, resourceFieldRef');
  }
}

// The volume sources whose names this checks; every other source is left to the API server's own validation.
function requireVolume(scope: IConstruct, at: string, volume: kplus.k8s.Volume): void {
  if (volume === null || typeof volume !== 'object') {
    throw new ValidationError(scope, at, volume, 'use a volume: { name, and one source such as secret, configMap, emptyDir or projected }');
  }
  const nameProblems = typeof volume.name === 'string' ? dns1123LabelProblems(volume.name) : ['must be a string'];
  if (nameProblems.length > 0) {
    throw new ValidationError(scope, `${at}.name`, volume.name, nameProblems.join('; '));
  }
  const sources = Object.keys(volume).filter((key) => key !== 'name' && (volume as any)[key] !== undefined);
  if (sources.length !== 1) {
    throw new ValidationError(scope, at, sources, `give exactly one volume source: ${RESTRICTED_VOLUME_SOURCES.join(', ')}`);
  }
  if (volume.hostPath !== undefined) {
    throw new ValidationError(scope, `${at}.hostPath`, volume.hostPath.path,
      "a host directory gives the pod a way onto the node: use a NodeAgent's hostMounts for agents that need one, or a Secret, ConfigMap or claim");
  }
  if (!RESTRICTED_VOLUME_SOURCES.includes(sources[0])) {
    throw new ValidationError(scope, `${at}.${sources[0]}`, volume.name,
      `use one of ${RESTRICTED_VOLUME_SOURCES.join(', ')} (the Pod Security "restricted" level's sources); mount other storage through a PersistentVolumeClaim`);
  }
  if (volume.secret !== undefined) {
    requireSubdomain(scope, `${at}.secret.secretName`, volume.secret.secretName as string);
  }
  if (volume.configMap !== undefined) {
    requireSubdomain(scope, `${at}.configMap.name`, volume.configMap.name as string);
  }
  if (volume.persistentVolumeClaim !== undefined) {
    requireSubdomain(scope, `${at}.persistentVolumeClaim.claimName`, volume.persistentVolumeClaim.claimName);
  }
}

function requireMountPath(scope: IConstruct, property: string, path: string): string {
  requireAbsolutePath(scope, property, path);
  // The container runtimes split their mount specifications at ':' (host:container:options).
  if (path.includes(':')) {
    throw new ValidationError(scope, property, path, 'a mount path must not contain ":"');
  }
  return path;
}

function normalizedPath(path: string): string {
  return path.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
}

// Upstream defaulting for the kinds the sandbox stores (pkg/apis/apps/v1/defaults.go, pkg/apis/core/v1/defaults.go,
// plus what the admission plugins every cluster runs add to pods). Stored templates must be defaulted exactly as a
// real API server does: `kubectl rollout undo` byte-compares the live template with a ControllerRevision's copy.
import type { KubeObject } from './api';

/** Seconds pods tolerate a not-ready or unreachable node (the DefaultTolerationSeconds admission plugin). */
const DEFAULT_TOLERATION_SECONDS = 300;

/** Fills the defaults of `obj` in place, by kind; kinds without upstream defaults are left unchanged. */
export function applyDefaults(obj: KubeObject): void {
  switch (obj.kind) {
    case 'StatefulSet':
      defaultStatefulSet(obj);
      break;
    case 'DaemonSet':
      defaultDaemonSet(obj);
      break;
    case 'Pod':
      defaultPod(obj);
      break;
    case 'Service':
      defaultService(obj);
      break;
    case 'PersistentVolumeClaim':
      defaultPersistentVolumeClaim(obj);
      break;
    case 'PersistentVolume':
      defaultPersistentVolume(obj);
      break;
    case 'Namespace':
      defaultNamespace(obj);
      break;
    case 'Secret':
      defaultSecret(obj);
      break;
    default:
      break;
  }
}

/**
 * The status an object starts with, as the registries' PrepareForCreate sets it (user-supplied status is dropped),
 * or undefined for kinds whose create keeps what the client sent.
 */
export function initialStatus(obj: KubeObject): Record<string, unknown> | undefined {
  switch (obj.kind) {
    case 'StatefulSet':
      return { replicas: 0, availableReplicas: 0 };
    case 'DaemonSet':
      return { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 };
    case 'Pod':
      return { phase: 'Pending', qosClass: qosClass(obj.spec ?? {}) };
    case 'PersistentVolumeClaim':
      return { phase: 'Pending' };
    case 'PersistentVolume':
      return { phase: 'Pending' };
    case 'Service':
      return { loadBalancer: {} };
    case 'PodDisruptionBudget':
      return { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
    case 'Namespace':
      return { phase: 'Active' };
    default:
      return undefined;
  }
}

// SetDefaults_Secret: an empty type (what `kubectl create secret generic` sends) is Opaque.
function defaultSecret(secret: KubeObject): void {
  if (!secret.type) {
    secret.type = 'Opaque';
  }
}

function defaultStatefulSet(sts: KubeObject): void {
  const spec = ensure(sts, 'spec');
  spec.podManagementPolicy ||= 'OrderedReady';
  const strategy = ensure(spec, 'updateStrategy');
  if (!strategy.type) {
    strategy.type = 'RollingUpdate';
    strategy.rollingUpdate ??= {};
  }
  if (strategy.type === 'RollingUpdate' && strategy.rollingUpdate) {
    strategy.rollingUpdate.partition ??= 0;
  }
  const retention = ensure(spec, 'persistentVolumeClaimRetentionPolicy');
  retention.whenDeleted ||= 'Retain';
  retention.whenScaled ||= 'Retain';
  spec.replicas ??= 1;
  spec.revisionHistoryLimit ??= 10;
  defaultPodTemplate(ensure(spec, 'template'));
  for (const claim of spec.volumeClaimTemplates ?? []) {
    claim.apiVersion ||= 'v1';
    claim.kind ||= 'PersistentVolumeClaim';
    defaultPersistentVolumeClaim(claim);
    claim.status ??= {};
    claim.status.phase ||= 'Pending';
  }
}

function defaultDaemonSet(ds: KubeObject): void {
  const spec = ensure(ds, 'spec');
  const strategy = ensure(spec, 'updateStrategy');
  strategy.type ||= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const rollingUpdate = ensure(strategy, 'rollingUpdate');
    rollingUpdate.maxUnavailable ??= 1;
    rollingUpdate.maxSurge ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  defaultPodTemplate(ensure(spec, 'template'));
}

function defaultPodTemplate(template: Record<string, any>): void {
  ensure(template, 'metadata');
  defaultPodSpec(ensure(template, 'spec'));
}

function defaultPod(pod: KubeObject): void {
  const spec = ensure(pod, 'spec');
  defaultPodSpec(spec);
  // SetDefaults_Pod (pods only, not templates) and the admission plugins of a default cluster.
  spec.enableServiceLinks ??= true;
  spec.serviceAccountName ||= 'default';
  spec.serviceAccount ||= spec.serviceAccountName;
  spec.priority ??= 0;
  spec.preemptionPolicy ||= 'PreemptLowerPriority';
  const tolerations: Array<Record<string, any>> = spec.tolerations ??= [];
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (!tolerations.some((toleration) => toleration.key === key && toleration.effect === 'NoExecute')) {
      tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: DEFAULT_TOLERATION_SECONDS });
    }
  }
  for (const container of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    // Requests default to limits (SetDefaults_Pod).
    const resources = container.resources;
    if (resources?.limits) {
      resources.requests = { ...resources.limits, ...(resources.requests ?? {}) };
    }
  }
}

function defaultPodSpec(spec: Record<string, any>): void {
  spec.dnsPolicy ||= 'ClusterFirst';
  spec.restartPolicy ||= 'Always';
  spec.securityContext ??= {};
  spec.terminationGracePeriodSeconds ??= 30;
  spec.schedulerName ||= 'default-scheduler';
  for (const container of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    defaultContainer(container);
  }
  for (const volume of spec.volumes ?? []) {
    defaultVolume(volume);
  }
}

function defaultContainer(container: Record<string, any>): void {
  container.imagePullPolicy ||= imagePullPolicyFor(container.image ?? '');
  container.terminationMessagePath ||= '/dev/termination-log';
  container.terminationMessagePolicy ||= 'File';
  container.resources ??= {};
  for (const port of container.ports ?? []) {
    port.protocol ||= 'TCP';
  }
  for (const env of container.env ?? []) {
    if (env.valueFrom?.fieldRef) {
      env.valueFrom.fieldRef.apiVersion ||= 'v1';
    }
  }
  for (const probeField of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    const probe = container[probeField];
    if (probe) {
      probe.timeoutSeconds ??= 1;
      probe.periodSeconds ??= 10;
      probe.successThreshold ??= 1;
      probe.failureThreshold ??= 3;
      if (probe.httpGet) {
        probe.httpGet.path ||= '/';
        probe.httpGet.scheme ||= 'HTTP';
      }
    }
  }
}

/** `Always` for an untagged or `:latest` image, else `IfNotPresent` (SetDefaults_Container). */
export function imagePullPolicyFor(image: string): string {
  if (image.includes('@')) {
    return 'IfNotPresent';
  }
  const lastPart = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastPart.lastIndexOf(':');
  const tag = colon >= 0 ? lastPart.slice(colon + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultVolume(volume: Record<string, any>): void {
  const sources = Object.keys(volume).filter((key) => key !== 'name');
  if (sources.length === 0) {
    volume.emptyDir = {};
  }
  for (const source of ['configMap', 'secret', 'projected']) {
    if (volume[source]) {
      volume[source].defaultMode ??= 420;
    }
  }
  if (volume.hostPath) {
    volume.hostPath.type ??= '';
  }
}

function defaultService(svc: KubeObject): void {
  const spec = ensure(svc, 'spec');
  spec.type ||= 'ClusterIP';
  spec.sessionAffinity ||= 'None';
  for (const port of spec.ports ?? []) {
    port.protocol ||= 'TCP';
    port.targetPort ??= port.port;
  }
  if (spec.type !== 'ExternalName') {
    spec.internalTrafficPolicy ||= 'Cluster';
    spec.ipFamilies ??= ['IPv4'];
    spec.ipFamilyPolicy ||= 'SingleStack';
  }
}

function defaultPersistentVolumeClaim(claim: Record<string, any>): void {
  ensure(claim, 'spec').volumeMode ||= 'Filesystem';
}

// SetDefaults_PersistentVolume and SetDefaults_HostPathVolumeSource.
function defaultPersistentVolume(volume: KubeObject): void {
  const spec = ensure(volume, 'spec');
  spec.persistentVolumeReclaimPolicy ||= 'Retain';
  spec.volumeMode ||= 'Filesystem';
  if (spec.hostPath) {
    spec.hostPath.type ??= '';
  }
}

function defaultNamespace(ns: KubeObject): void {
  ns.metadata.labels = { ...(ns.metadata.labels ?? {}), 'kubernetes.io/metadata.name': ns.metadata.name ?? '' };
  ensure(ns, 'spec').finalizers ??= ['kubernetes'];
}

// The QoS class the kubelet reports (pkg/apis/core/helper/qos): Guaranteed when every container sets equal cpu and
// memory requests and limits, BestEffort when none sets any, else Burstable.
function qosClass(spec: Record<string, any>): string {
  const containers: Array<Record<string, any>> = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  const anySet = containers.some((container) => Object.keys(container.resources?.requests ?? {}).length > 0
    || Object.keys(container.resources?.limits ?? {}).length > 0);
  if (!anySet) {
    return 'BestEffort';
  }
  const guaranteed = containers.every((container) => ['cpu', 'memory'].every((resource) => {
    const limit = container.resources?.limits?.[resource];
    const request = container.resources?.requests?.[resource] ?? limit;
    return limit !== undefined && request === limit;
  }));
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function ensure(parent: Record<string, any>, field: string): Record<string, any> {
  if (parent[field] === undefined || parent[field] === null) {
    parent[field] = {};
  }
  return parent[field];
}

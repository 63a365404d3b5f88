// What the API server (and the workload at run time) would reject in a synthesized object, beyond the OpenAPI
// schema that kubernetes-models checks: the sandbox's port of upstream validation (names, label values, pod specs)
// plus the rules of pkg/apis/core/validation that the sandbox does not check (label and annotation keys, container
// ports, mounts, resources, user ids, env names) and the StatefulSet facts that break pods after the set is
// accepted (revision-hash label length). The property tests use it as the oracle for "accepted and valid".
import { validateAll, Manifest } from './manifest';
import {
  annotationsProblems, dns1123LabelProblems, envVarNameProblems, labelValueProblems, portNameProblems, portNumberProblems,
  qualifiedNameProblems, userIdProblems,
} from '../../src/internal/kube-validation';
import { scaledQuantity } from '../../src/internal/quantity';
import { KubeObject, RESOURCES, ResourceType } from '../../src/sandbox/api';
import { applyDefaults } from '../../src/sandbox/defaulting';
import { validateObject } from '../../src/sandbox/validation';

const TYPES: Record<string, ResourceType> = Object.fromEntries(Object.values(RESOURCES).map((type) => [type.kind, type]));

function labelProblems(field: string, labels: Record<string, string> | undefined): string[] {
  return Object.entries(labels ?? {}).flatMap(([key, value]) => [
    ...qualifiedNameProblems(key).map((problem) => `${field} key ${key}: ${problem}`),
    ...labelValueProblems(value).map((problem) => `${field}[${key}]: ${problem}`),
  ]);
}

function podSpecProblems(pod: Manifest, claimNames: string[]): string[] {
  const problems: string[] = [];
  const hostPorts = new Set<string>();
  for (const id of [pod.securityContext?.runAsUser, pod.securityContext?.runAsGroup, pod.securityContext?.fsGroup]) {
    if (id !== undefined) problems.push(...userIdProblems(id).map((problem) => `pod user/group id ${id}: ${problem}`));
  }
  if (pod.hostNetwork) {
    for (const container of pod.containers) {
      for (const port of container.ports ?? []) {
        if (port.hostPort !== port.containerPort) problems.push(`hostNetwork port ${port.containerPort} with hostPort ${port.hostPort}`);
      }
    }
  }
  for (const container of [...pod.initContainers ?? [], ...pod.containers]) {
    const at = `container ${container.name}`;
    if (!container.image || /\s/.test(container.image)) problems.push(`${at}: image ${JSON.stringify(container.image)}`);
    const names = new Set<string>();
    for (const port of container.ports ?? []) {
      problems.push(...portNumberProblems(port.containerPort).map((problem) => `${at} containerPort: ${problem}`));
      if (port.hostPort !== undefined) {
        problems.push(...portNumberProblems(port.hostPort).map((problem) => `${at} hostPort: ${problem}`));
        const binding = `${port.hostPort}/${port.protocol ?? 'TCP'}`;
        if (hostPorts.has(binding)) problems.push(`${at}: duplicate host port ${binding}`);
        hostPorts.add(binding);
      }
      if (port.name !== undefined) {
        problems.push(...portNameProblems(port.name).map((problem) => `${at} port name ${port.name}: ${problem}`));
        if (names.has(port.name)) problems.push(`${at}: duplicate port name ${port.name}`);
        names.add(port.name);
      }
    }
    const mountPaths = new Set<string>();
    for (const mount of container.volumeMounts ?? []) {
      if (!mount.mountPath.startsWith('/') || mount.mountPath.split('/').includes('..')) problems.push(`${at}: mount path ${mount.mountPath}`);
      if (mountPaths.has(mount.mountPath)) problems.push(`${at}: duplicate mount path ${mount.mountPath}`);
      mountPaths.add(mount.mountPath);
    }
    for (const variable of container.env ?? []) {
      problems.push(...envVarNameProblems(variable.name).map((problem) => `${at} env ${variable.name}: ${problem}`));
    }
    const amounts: Record<string, Record<string, number>> = { requests: {}, limits: {} };
    for (const kind of ['requests', 'limits']) {
      for (const [resource, quantity] of Object.entries(container.resources?.[kind] ?? {})) {
        try {
          amounts[kind][resource] = scaledQuantity(quantity as string, resource === 'cpu' ? 1000 : 1);
          if (amounts[kind][resource] < 0) problems.push(`${at} ${kind}.${resource} negative`);
        } catch {
          problems.push(`${at} ${kind}.${resource}: ${quantity} is not a quantity`);
        }
      }
    }
    for (const [resource, request] of Object.entries(amounts.requests)) {
      if (amounts.limits[resource] !== undefined && request > amounts.limits[resource]) problems.push(`${at} ${resource} request above limit`);
    }
    for (const id of [container.securityContext?.runAsUser]) {
      if (id !== undefined) problems.push(...userIdProblems(id).map((problem) => `${at} runAsUser ${id}: ${problem}`));
    }
  }
  const volumeNames = new Set<string>();
  for (const volume of pod.volumes ?? []) {
    if (volume.hostPath && !volume.hostPath.path.startsWith('/')) problems.push(`hostPath ${volume.hostPath.path}`);
    problems.push(...dns1123LabelProblems(volume.name).map((problem) => `volume name ${volume.name}: ${problem}`));
    if (volumeNames.has(volume.name) || claimNames.includes(volume.name)) problems.push(`duplicate volume name ${volume.name}`);
    volumeNames.add(volume.name);
  }
  for (const container of [...pod.initContainers ?? [], ...pod.containers]) {
    for (const mount of container.volumeMounts ?? []) {
      if (!volumeNames.has(mount.name) && !claimNames.includes(mount.name)) problems.push(`container ${container.name}: mount of unknown volume ${mount.name}`);
      if (mount.mountPath.includes(':')) problems.push(`container ${container.name}: mount path ${mount.mountPath} contains ":"`);
    }
  }
  problems.push(...labelProblems('nodeSelector', pod.nodeSelector));
  return problems;
}

/** Every problem the API server, or the workload once running, would have with `object`. */
export function apiServerProblems(object: Manifest): string[] {
  const problems: string[] = [];
  try {
    validateAll([object]);
  } catch (error) {
    problems.push(`schema: ${(error as Error).message}`);
  }
  // Custom resources (cert-manager's Certificate, the Prometheus operator's monitors) have only their CRD's schema,
  // which validateAll checked; the sandbox's port of upstream validation covers the built-in kinds it serves.
  const type = TYPES[object.kind];
  if (type !== undefined) {
    const copy = structuredClone(object) as KubeObject;
    try {
      applyDefaults(copy);
      validateObject(type, copy);
    } catch (error) {
      problems.push(`validation: ${(error as Error).message}`);
    }
  }
  problems.push(...dns1123LabelProblems(object.metadata.namespace ?? '').map((problem) => `namespace: ${problem}`));
  problems.push(...labelProblems('metadata.labels', object.metadata.labels));
  problems.push(...annotationsProblems(object.metadata.annotations ?? {}));
  const template = object.spec?.template;
  if (template) {
    problems.push(...labelProblems('template labels', template.metadata?.labels));
    problems.push(...annotationsProblems(template.metadata?.annotations ?? {}));
    problems.push(...podSpecProblems(template.spec, (object.spec.volumeClaimTemplates ?? []).map((claim: Manifest) => claim.metadata.name)));
  }
  if (object.kind === 'StatefulSet') {
    // The pods' controller-revision-hash label is "<name>-<hash>", the hash up to 10 digits.
    problems.push(...labelValueProblems(`${object.metadata.name}-4294967295`).map((problem) => `controller-revision-hash: ${problem}`));
    problems.push(...dns1123LabelProblems(`${object.metadata.name}-${Math.max(0, object.spec.replicas - 1)}`).map((problem) => `pod name: ${problem}`));
    const partition = object.spec.updateStrategy?.rollingUpdate?.partition;
    if (object.metadata.annotations?.['staged-rollouts.io/plan'] !== undefined && partition < object.spec.replicas) {
      problems.push(`staged partition ${partition} below ${object.spec.replicas} replicas`);
    }
  }
  if (template) {
    problems.push(...runTimeProblems(template.spec.containers[0]));
  }
  for (const port of object.kind === 'Service' ? object.spec.ports ?? [] : []) {
    if (port.name !== undefined) problems.push(...portNameProblems(port.name).map((problem) => `service port name ${port.name}: ${problem}`));
  }
  return problems;
}

// Settings the API server takes as plain strings but the image rejects or misreads at start.
function runTimeProblems(container: Manifest): string[] {
  const env: Record<string, string> = Object.fromEntries((container.env ?? []).map((variable: Manifest) => [variable.name, variable.value]));
  const problems: string[] = [];
  const minimums: Record<string, number> = {
    ZOO_TICK_TIME: 1, ZOO_INIT_LIMIT: 1, ZOO_SYNC_LIMIT: 1, ZOO_AUTOPURGE_PURGEINTERVAL: 0, ZOO_AUTOPURGE_SNAPRETAINCOUNT: 3,
  };
  for (const [name, minimum] of Object.entries(minimums)) {
    if (env[name] !== undefined && !(/^\d+$/.test(env[name]) && Number(env[name]) >= minimum && Number(env[name]) <= 2147483647)) {
      problems.push(`${name}=${env[name]}`);
    }
  }
  const heap = /-Xmx(\d+)m/.exec(env.JVMFLAGS ?? env.KAFKA_HEAP_OPTS ?? '');
  const limit = container.resources?.limits?.memory;
  if ((env.JVMFLAGS ?? env.KAFKA_HEAP_OPTS) !== undefined) {
    if (!heap || Number(heap[1]) <= 0) {
      problems.push(`heap flags ${env.JVMFLAGS ?? env.KAFKA_HEAP_OPTS}`);
    } else if (limit !== undefined && Number(heap[1]) * 1024 * 1024 >= scaledQuantity(limit, 1)) {
      problems.push(`heap ${heap[1]}m not below the memory limit ${limit}`);
    }
  }
  // zoo.cfg: the entrypoint writes these keys; an appended line repeating one, or that is no key=value line, breaks it.
  const written = new Set(['dataDir', 'dataLogDir', 'tickTime', 'initLimit', 'syncLimit', 'autopurge.snapRetainCount', 'autopurge.purgeInterval',
    'maxClientCnxns', 'standaloneEnabled', 'admin.enableServer', '4lw.commands.whitelist']);
  for (const line of env.ZOOKEEPER_CONFIG_OVERRIDES?.split('\n') ?? []) {
    const key = /^([A-Za-z0-9][A-Za-z0-9._-]*)=[^\\\r]*$/.exec(line)?.[1];
    if (key === undefined || written.has(key) || /^server\.\d+$/.test(key)) problems.push(`zoo.cfg line ${JSON.stringify(line)}`);
    if (key !== undefined) written.add(key);
  }
  const connect = env.KAFKA_ZOOKEEPER_CONNECT;
  if (connect !== undefined && !/^[^/,\s]+:\d+(\/[^/,\s]+)*$/.test(connect)) {
    problems.push(`zookeeper.connect ${connect}`);
  }
  return problems;
}

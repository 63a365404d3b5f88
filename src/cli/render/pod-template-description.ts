// kubectl's `DescribePodTemplate` (describe.go) for `history --revision N`, written as kubectl's `printTemplate` writes
// it: into a plain buffer, so the tabs stay tabs. It covers the fields our workloads and common pod templates use;
// a volume type it does not know is printed as kubectl prints one it does not know, `<unknown>`.
import { milliCpu, quantityValue } from '../../internal/quantity';
import { KubePodTemplate } from '../../runtime/kube/kube-types';

// kubectl's maxAnnotationLen and skipAnnotations.
const MAX_ANNOTATION_LENGTH = 140;
const SKIPPED_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration'];

type Json = Record<string, any>;

/** The `Pod Template:` block of `kubectl rollout history --revision N` for one template. */
export function describePodTemplate(template: KubePodTemplate): string {
  const out: string[] = [];
  const write = (level: number, text: string) => out.push('  '.repeat(level) + text);
  const spec = (template.spec ?? {}) as Json;
  write(0, 'Pod Template:\n');
  writeMap(write, '  Labels', template.metadata?.labels);
  const annotations = template.metadata?.annotations ?? {};
  if (Object.keys(annotations).length > 0) {
    writeAnnotations(write, '  Annotations', annotations);
  }
  if (spec.serviceAccountName) {
    write(1, `Service Account:\t${spec.serviceAccountName}\n`);
  }
  if ((spec.initContainers ?? []).length > 0) {
    writeContainers(write, 'Init Containers', spec.initContainers);
  }
  writeContainers(write, 'Containers', spec.containers ?? []);
  writeVolumes(write, spec.volumes ?? []);
  writeTopologySpread(write, spec.topologySpreadConstraints ?? []);
  if (spec.priorityClassName) {
    write(1, `Priority Class Name:\t${spec.priorityClassName}\n`);
  }
  writeMap(write, '  Node-Selectors', spec.nodeSelector);
  writeTolerations(write, spec.tolerations ?? []);
  return out.join('');
}

type Write = (level: number, text: string) => void;

// printLabelsMultiline: sorted `key=value`, one per line, continuation lines indented by a tab.
function writeMap(write: Write, title: string, map: Record<string, string> | undefined): void {
  write(0, `${title}:\t`);
  const keys = Object.keys(map ?? {}).sort();
  if (keys.length === 0) {
    write(0, '<none>\n');
    return;
  }
  keys.forEach((key, i) => write(0, `${i === 0 ? '' : '\t'}${key}=${map![key]}\n`));
}

// printAnnotationsMultiline: long or multi-line values go on their own lines, shortened.
function writeAnnotations(write: Write, title: string, annotations: Record<string, string>): void {
  write(0, `${title}:\t`);
  const keys = Object.keys(annotations).filter((key) => !SKIPPED_ANNOTATIONS.includes(key)).sort();
  if (keys.length === 0) {
    write(0, '<none>\n');
    return;
  }
  keys.forEach((key, i) => {
    if (i !== 0) {
      write(0, '\t');
    }
    const value = annotations[key].replace(/\n$/, '');
    if (value.length + key.length + 2 > MAX_ANNOTATION_LENGTH || value.includes('\n')) {
      write(0, `${key}:\n`);
      for (const line of value.split('\n')) {
        const limit = MAX_ANNOTATION_LENGTH - 2;
        write(0, `\t  ${line.length > limit ? `${line.slice(0, limit)}...` : line}\n`);
      }
    } else {
      write(0, `${key}: ${value}\n`);
    }
  });
}

function writeContainers(write: Write, label: string, containers: Json[]): void {
  write(0, `  ${label}:${containers.length === 0 ? ' <none>' : ''}\n`);
  for (const container of containers) {
    write(1, ` ${container.name}:\n`);
    write(2, `Image:\t${container.image ?? ''}\n`);
    const ports: Json[] = container.ports ?? [];
    const portText = ports.map((port) => `${port.containerPort ?? 0}/${port.protocol ?? ''}`).join(', ');
    write(2, portText.includes(',') ? `Ports:\t${portText}\n` : `Port:\t${portText || '<none>'}\n`);
    const hostPortText = ports.map((port) => `${port.hostPort ?? 0}/${port.protocol ?? ''}`).join(', ');
    write(2, hostPortText.includes(',') ? `Host Ports:\t${hostPortText}\n` : `Host Port:\t${hostPortText || '<none>'}\n`);
    const seccomp = container.securityContext?.seccompProfile;
    if (seccomp) {
      write(2, `SeccompProfile:\t${seccomp.type}\n`);
      if (seccomp.type === 'Localhost') {
        write(3, `LocalhostProfile:\t${seccomp.localhostProfile}\n`);
      }
    }
    for (const [field, title] of [['command', 'Command'], ['args', 'Args']]) {
      const items: string[] = container[field] ?? [];
      if (items.length > 0) {
        write(2, `${title}:\n`);
        items.forEach((item) => item.split('\n').forEach((line) => write(3, `${line}\n`)));
      }
    }
    for (const [field, title] of [['limits', 'Limits'], ['requests', 'Requests']]) {
      const quantities: Record<string, string> = container.resources?.[field] ?? {};
      const names = Object.keys(quantities).sort();
      if (names.length > 0) {
        write(2, `${title}:\n`);
      }
      names.forEach((name) => write(3, `${name}:\t${quantities[name]}\n`));
    }
    for (const [field, title] of [['livenessProbe', 'Liveness'], ['readinessProbe', 'Readiness'], ['startupProbe', 'Startup']]) {
      if (container[field]) {
        write(2, `${title}:\t${describeProbe(container[field])}\n`);
      }
    }
    writeEnvFrom(write, container.envFrom ?? []);
    writeEnv(write, container);
    writeMounts(write, container);
  }
}

// DescribeProbe.
function describeProbe(probe: Json): string {
  const attrs = `delay=${probe.initialDelaySeconds ?? 0}s timeout=${probe.timeoutSeconds ?? 0}s period=${probe.periodSeconds ?? 0}s `
    + `#success=${probe.successThreshold ?? 0} #failure=${probe.failureThreshold ?? 0}`;
  if (probe.exec) {
    return `exec [${(probe.exec.command ?? []).join(' ')}] ${attrs}`;
  }
  if (probe.httpGet) {
    const get = probe.httpGet;
    const host: string = get.host ?? '';
    const port = get.port === undefined ? '' : String(get.port);
    const hostPort = port ? `${host.includes(':') ? `[${host}]` : host}:${port}` : host;
    return `http-get ${String(get.scheme ?? '').toLowerCase()}://${hostPort}${get.path ?? ''} ${attrs}`;
  }
  if (probe.tcpSocket) {
    return `tcp-socket ${probe.tcpSocket.host ?? ''}:${probe.tcpSocket.port ?? ''} ${attrs}`;
  }
  if (probe.grpc) {
    return `grpc <pod>:${probe.grpc.port} ${probe.grpc.service ?? ''} ${attrs}`;
  }
  return `unknown ${attrs}`;
}

function writeEnvFrom(write: Write, sources: Json[]): void {
  if (sources.length === 0) {
    return;
  }
  write(2, 'Environment Variables from:\n');
  for (const source of sources) {
    const ref = source.configMapRef ?? source.secretRef ?? {};
    const from = source.configMapRef ? 'ConfigMap' : source.secretRef ? 'Secret' : '';
    const optional = ref.optional === true;
    write(3, source.prefix
      ? `${ref.name ?? ''}\t${from} with prefix '${source.prefix}'\tOptional: ${optional}\n`
      : `${ref.name ?? ''}\t${from}\tOptional: ${optional}\n`);
  }
}

function writeEnv(write: Write, container: Json): void {
  const env: Json[] = container.env ?? [];
  write(2, `Environment:${env.length === 0 ? '\t<none>' : ''}\n`);
  for (const variable of env) {
    const from = variable.valueFrom;
    if (!from) {
      String(variable.value ?? '').split('\n').forEach((line, i) => write(3, i === 0 ? `${variable.name}:\t${line}\n` : `\t${line}\n`));
    } else if (from.fieldRef) {
      // kubectl resolves field references only for a live pod; for a template the value is empty.
      write(3, `${variable.name}:\t (${from.fieldRef.apiVersion ?? ''}:${from.fieldRef.fieldPath})\n`);
    } else if (from.resourceFieldRef) {
      write(3, `${variable.name}:\t${resourceFieldValue(container, from.resourceFieldRef)} (${from.resourceFieldRef.resource})\n`);
    } else if (from.secretKeyRef) {
      write(3, `${variable.name}:\t<set to the key '${from.secretKeyRef.key}' in secret '${from.secretKeyRef.name}'>\t`
        + `Optional: ${from.secretKeyRef.optional === true}\n`);
    } else if (from.configMapKeyRef) {
      write(3, `${variable.name}:\t<set to the key '${from.configMapKeyRef.key}' of config map '${from.configMapKeyRef.name}'>\t`
        + `Optional: ${from.configMapKeyRef.optional === true}\n`);
    }
  }
}

// ExtractContainerResourceValue: the quantity divided by the divisor (default 1) and rounded up, CPU in cores from
// millicores; a zero limit shows as the node's allocatable, as describe does.
function resourceFieldValue(container: Json, selector: Json): string {
  const resource: string = selector.resource;
  const [kind, name] = resource.split('.');
  const quantity: string | number = container.resources?.[kind]?.[name] ?? 0;
  const divisor: string | number = selector.divisor ?? 1;
  const value = name === 'cpu'
    ? Math.ceil(milliCpu(quantity) / milliCpu(divisor))
    : Math.ceil(quantityValue(quantity) / quantityValue(divisor));
  return value === 0 && (resource === 'limits.cpu' || resource === 'limits.memory') ? 'node allocatable' : String(value);
}

function writeMounts(write: Write, container: Json): void {
  const mounts: Json[] = [...(container.volumeMounts ?? [])].sort((a, b) => byteOrder(String(a.mountPath), String(b.mountPath)));
  write(2, `Mounts:${mounts.length === 0 ? '\t<none>' : ''}\n`);
  for (const mount of mounts) {
    const flags = [mount.readOnly ? 'ro' : 'rw', ...(mount.subPath ? [`path=${JSON.stringify(mount.subPath)}`] : [])];
    write(3, `${mount.mountPath} from ${mount.name} (${flags.join(',')})\n`);
  }
  const devices: Json[] = [...(container.volumeDevices ?? [])].sort((a, b) => byteOrder(String(a.devicePath), String(b.devicePath)));
  if (devices.length > 0) {
    write(2, 'Devices:\n');
    devices.forEach((device) => write(3, `${device.devicePath} from ${device.name}\n`));
  }
}

function writeVolumes(write: Write, volumes: Json[]): void {
  if (volumes.length === 0) {
    write(0, '  Volumes:\t<none>\n');
    return;
  }
  write(0, '  Volumes:\n');
  for (const volume of volumes) {
    write(1, ` ${volume.name}:\n`);
    if (volume.hostPath) {
      write(2, `Type:\tHostPath (bare host directory volume)\n    Path:\t${volume.hostPath.path}\n    HostPathType:\t${volume.hostPath.type ?? '<none>'}\n`);
    } else if (volume.emptyDir) {
      write(2, 'Type:\tEmptyDir (a temporary directory that shares a pod\'s lifetime)\n'
        + `    Medium:\t${volume.emptyDir.medium ?? ''}\n    SizeLimit:\t${volume.emptyDir.sizeLimit ?? '<unset>'}\n`);
    } else if (volume.secret) {
      write(2, `Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t${volume.secret.secretName ?? ''}\n`
        + `    Optional:\t${volume.secret.optional === true}\n`);
    } else if (volume.configMap) {
      write(2, `Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t${volume.configMap.name ?? ''}\n`
        + `    Optional:\t${volume.configMap.optional === true}\n`);
    } else if (volume.persistentVolumeClaim) {
      write(2, 'Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n'
        + `    ClaimName:\t${volume.persistentVolumeClaim.claimName}\n    ReadOnly:\t${volume.persistentVolumeClaim.readOnly === true}\n`);
    } else {
      write(1, '<unknown>\n');
    }
  }
}

function writeTopologySpread(write: Write, constraints: Json[]): void {
  if (constraints.length === 0) {
    return;
  }
  write(0, '  Topology Spread Constraints:\t');
  [...constraints].sort((a, b) => byteOrder(String(a.topologyKey), String(b.topologyKey))).forEach((constraint, i) => {
    if (i !== 0) {
      write(0, '  \t');
    }
    const labels: Record<string, string> = constraint.labelSelector?.matchLabels ?? {};
    const selector = constraint.labelSelector
      ? ` for selector ${Object.keys(labels).sort().map((key) => `${key}=${labels[key]}`).join(',') || '<none>'}` : '';
    write(0, `${constraint.topologyKey}:${constraint.whenUnsatisfiable} when max skew ${constraint.maxSkew} is exceeded${selector}\n`);
  });
}

// printPodTolerationsMultiline.
function writeTolerations(write: Write, tolerations: Json[]): void {
  write(0, '  Tolerations:\t');
  if (tolerations.length === 0) {
    write(0, '<none>\n');
    return;
  }
  [...tolerations].sort((a, b) => byteOrder(String(a.key ?? ''), String(b.key ?? ''))).forEach((toleration, i) => {
    let text = `${i === 0 ? '' : '\t'}${toleration.key ?? ''}`;
    if (toleration.value) {
      text += `=${toleration.value}`;
    }
    if (toleration.effect) {
      text += `:${toleration.effect}`;
    }
    if (toleration.operator === 'Exists' && !toleration.value) {
      text += toleration.key || toleration.effect ? ' op=Exists' : 'op=Exists';
    }
    if (toleration.tolerationSeconds !== undefined && toleration.tolerationSeconds !== null) {
      text += ` for ${toleration.tolerationSeconds}s`;
    }
    write(0, `${text}\n`);
  });
}

// Go's sort.Strings order (bytes), not the locale's.
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

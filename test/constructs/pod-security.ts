// The Pod Security Standards (https://kubernetes.io/docs/concepts/security/pod-security-standards/) as the
// pod-security-admission checks encode them (k8s.io/pod-security-admission/policy/check_*.go), for the fields our
// pod specs can carry: which level a pod template meets, and why it fails the stricter ones.
import { Manifest } from './manifest';

/** A Pod Security Standards level, from most to least restrictive. */
export type PodSecurityLevel = 'restricted' | 'baseline' | 'privileged';

// check_capabilities_baseline.go
const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP',
  'SETUID', 'SYS_CHROOT',
]);
// check_restrictedVolumes.go
const RESTRICTED_VOLUME_TYPES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
// check_sysctls.go (the safe set as of 1.32)
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes',
]);

function containersOf(pod: Manifest): Manifest[] {
  return [...pod.initContainers ?? [], ...pod.containers ?? [], ...pod.ephemeralContainers ?? []];
}

/** Why `pod` (a pod spec) breaks the baseline level; empty when it meets it. */
export function baselineViolations(pod: Manifest): string[] {
  const problems: string[] = [];
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    if (pod[field]) problems.push(`host namespaces: ${field}`);
  }
  for (const volume of pod.volumes ?? []) {
    if (volume.hostPath) problems.push(`hostPath volume ${volume.name}`);
  }
  for (const sysctl of pod.securityContext?.sysctls ?? []) {
    if (!SAFE_SYSCTLS.has(sysctl.name)) problems.push(`unsafe sysctl ${sysctl.name}`);
  }
  const seccompTypes = [pod.securityContext?.seccompProfile?.type, ...containersOf(pod).map((c) => c.securityContext?.seccompProfile?.type)];
  if (seccompTypes.includes('Unconfined')) problems.push('seccomp Unconfined');
  const seLinuxOptions = [pod.securityContext?.seLinuxOptions, ...containersOf(pod).map((c) => c.securityContext?.seLinuxOptions)];
  for (const options of seLinuxOptions.filter((o) => o !== undefined)) {
    if (options.user || options.role || (options.type && !['container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'].includes(options.type))) {
      problems.push('seLinuxOptions');
    }
  }
  for (const container of containersOf(pod)) {
    const context = container.securityContext ?? {};
    if (context.privileged) problems.push(`privileged container ${container.name}`);
    for (const capability of context.capabilities?.add ?? []) {
      if (!BASELINE_CAPABILITIES.has(capability)) problems.push(`capability ${capability} added to ${container.name}`);
    }
    if (context.procMount && context.procMount !== 'Default') problems.push(`procMount ${context.procMount}`);
    if (context.appArmorProfile?.type === 'Unconfined') problems.push('AppArmor Unconfined');
    for (const port of container.ports ?? []) {
      if (port.hostPort) problems.push(`hostPort ${port.hostPort} on ${container.name}`);
    }
  }
  return problems;
}

/** Why `pod` breaks the restricted level beyond the baseline; empty when it meets it. */
export function restrictedViolations(pod: Manifest): string[] {
  const problems = baselineViolations(pod);
  for (const volume of pod.volumes ?? []) {
    const type = Object.keys(volume).find((key) => key !== 'name');
    if (type === undefined || !RESTRICTED_VOLUME_TYPES.has(type)) problems.push(`volume type ${type} (${volume.name})`);
  }
  const podContext = pod.securityContext ?? {};
  if (podContext.runAsUser === 0) problems.push('pod runAsUser 0');
  for (const container of containersOf(pod)) {
    const context = container.securityContext ?? {};
    if (context.allowPrivilegeEscalation !== false) problems.push(`allowPrivilegeEscalation not false on ${container.name}`);
    if (!(context.runAsNonRoot ?? podContext.runAsNonRoot)) problems.push(`runAsNonRoot not true for ${container.name}`);
    if (context.runAsUser === 0) problems.push(`runAsUser 0 on ${container.name}`);
    const seccomp = context.seccompProfile?.type ?? podContext.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') problems.push(`seccompProfile not RuntimeDefault or Localhost for ${container.name}`);
    if (!(context.capabilities?.drop ?? []).includes('ALL')) problems.push(`capabilities do not drop ALL on ${container.name}`);
    for (const capability of context.capabilities?.add ?? []) {
      if (capability !== 'NET_BIND_SERVICE') problems.push(`capability ${capability} added to ${container.name}`);
    }
  }
  return problems;
}

/** The most restrictive level `pod` (a pod spec) meets. */
export function podSecurityLevel(pod: Manifest): PodSecurityLevel {
  if (restrictedViolations(pod).length === 0) return 'restricted';
  return baselineViolations(pod).length === 0 ? 'baseline' : 'privileged';
}

// The checks every construct applies to its props before it builds an object: each throws a ValidationError
// naming the prop, the value and what is valid, so nothing the API server would reject (or that would break at
// run time) is synthesized. The syntax rules themselves are upstream's, in internal/kube-validation.ts.
import { Duration, Size, SizeRoundingBehavior } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import {
  annotationsProblems, dns1035LabelProblems, dns1123LabelProblems, dns1123SubdomainProblems,
  labelValueProblems, portNameProblems, portNumberProblems, qualifiedNameProblems, userIdProblems,
} from './internal/kube-validation';
import { scaledQuantity } from './internal/quantity';
import { ValidationError } from './validation-error';

/** Which upstream rule an object's name follows. */
export enum NameRule {
  /** A DNS-1123 subdomain of at most 253 characters (PodDisruptionBudget, most kinds). */
  SUBDOMAIN = 'SUBDOMAIN',
  /** A DNS-1123 label of at most 63 characters (container names, names that are also label values). */
  LABEL = 'LABEL',
  /** A DNS-1035 label (Service). */
  DNS1035 = 'DNS1035',
  /** A DNS-1123 label short enough for the StatefulSet's pod and revision names (see STATEFULSET_NAME_MAX_LENGTH). */
  STATEFULSET = 'STATEFULSET',
}

/**
 * The longest StatefulSet name. The API server takes any DNS-1123 label (ValidateStatefulSetName in
 * pkg/apis/apps/validation/validation.go), but the controller names each ControllerRevision `<name>-<hash>` and
 * writes that name into every pod's `controller-revision-hash` label, whose value is capped at 63 characters; the
 * hash is a 32-bit FNV sum printed in decimal, up to 10 characters (controller.ComputeHash). A longer name creates
 * the StatefulSet and then fails every pod. It also leaves room for the pods' `-<ordinal>` suffix.
 */
export const STATEFULSET_NAME_MAX_LENGTH = 63 - '-'.length - 10;

/** One object name a construct derives from a prop, with the rule its kind follows. */
export interface DerivedName {
  /** The object's kind, for the message. */
  readonly kind: string;
  /** The derived name, e.g. `zk-hs`. */
  readonly name: string;
  /** The rule the kind's names follow. */
  readonly rule: NameRule;
}

/** Upstream's problems with `name` under `rule`. */
export function nameProblems(name: string, rule: NameRule): string[] {
  switch (rule) {
    case NameRule.SUBDOMAIN:
      return dns1123SubdomainProblems(name);
    case NameRule.LABEL:
      return dns1123LabelProblems(name);
    case NameRule.DNS1035:
      return dns1035LabelProblems(name);
    case NameRule.STATEFULSET: {
      const problems = dns1123LabelProblems(name);
      return name.length > STATEFULSET_NAME_MAX_LENGTH && problems.length === 0
        ? [`must be no more than ${STATEFULSET_NAME_MAX_LENGTH} characters, so that the pods' controller-revision-hash label "<name>-<hash>" fits in 63`]
        : problems;
    }
  }
}

/** Throws unless `value` is a string and every name derived from it is valid for its kind. */
export function requireNames(scope: IConstruct, property: string, value: unknown, names: (name: string) => DerivedName[]): string {
  if (typeof value !== 'string') {
    throw new ValidationError(scope, property, value, 'use a lowercase name such as "kafka"');
  }
  for (const derived of names(value)) {
    const problems = nameProblems(derived.name, derived.rule);
    if (problems.length > 0) {
      const which = derived.name === value ? `as a ${derived.kind} name` : `the ${derived.kind} name "${derived.name}" derived from it`;
      throw new ValidationError(scope, property, value, `${which}: ${problems.join('; ')}`);
    }
  }
  return value;
}

/** Throws unless `value` is a DNS-1123 subdomain (a cluster domain, a storage or priority class name). */
export function requireSubdomain(scope: IConstruct, property: string, value: string): string {
  const problems = typeof value === 'string' ? dns1123SubdomainProblems(value) : ['must be a string'];
  if (problems.length > 0) {
    throw new ValidationError(scope, property, value, problems.join('; '));
  }
  return value;
}

/** Throws unless `key` is a valid key of a Secret (or ConfigMap): letters, digits, "-", "_" and ".", at most 253. */
export function requireSecretKey(scope: IConstruct, property: string, key: unknown): void {
  if (typeof key !== 'string' || !/^[-._a-zA-Z0-9]{1,253}$/.test(key) || key === '.' || key === '..') {
    throw new ValidationError(scope, property, key, 'a Secret key is letters, digits, "-", "_" and "." (e.g. "tls.crt")');
  }
}

/** Throws unless every key is a qualified name and every value a valid label value (labels, node selectors). */
export function requireLabels(scope: IConstruct, property: string, labels: Record<string, string> | undefined): void {
  for (const [key, value] of Object.entries(labels ?? {})) {
    const keyProblems = qualifiedNameProblems(key);
    if (keyProblems.length > 0) {
      throw new ValidationError(scope, `${property} key`, key, keyProblems.join('; '));
    }
    const valueProblems = typeof value === 'string' ? labelValueProblems(value) : ['must be a string'];
    if (valueProblems.length > 0) {
      throw new ValidationError(scope, `${property}[${JSON.stringify(key)}]`, value, valueProblems.join('; '));
    }
  }
}

/** Throws unless `value` is a valid label value (a name the construct writes into a label). */
export function requireLabelValue(scope: IConstruct, property: string, value: string): string {
  const problems = typeof value === 'string' ? labelValueProblems(value) : ['must be a string'];
  if (problems.length > 0) {
    throw new ValidationError(scope, property, value, `it becomes a label value, which ${problems.join('; ')}`);
  }
  return value;
}

/** Throws unless `selector` selects by at least one label (an empty selector matches every pod of the namespace). */
export function requireSelector(scope: IConstruct, property: string, selector: Record<string, string>): void {
  if (selector === null || typeof selector !== 'object' || Object.keys(selector).length === 0) {
    throw new ValidationError(scope, property, selector, 'select by at least one label: an empty selector matches every pod in the namespace');
  }
  requireLabels(scope, property, selector);
}

/**
 * Throws unless a user's probe is one the API server accepts (validateProbe in pkg/apis/core/validation): one
 * handler, a valid port, non-negative delays and positive periods, timeouts and thresholds.
 */
export function requireProbe(scope: IConstruct, property: string, probe: kplus.k8s.Probe | undefined): void {
  if (probe === undefined) {
    return;
  }
  const handlers = (['exec', 'httpGet', 'tcpSocket', 'grpc'] as const).filter((handler) => probe[handler] !== undefined);
  if (handlers.length !== 1) {
    throw new ValidationError(scope, property, handlers, 'give exactly one of exec, httpGet, tcpSocket or grpc');
  }
  const port = probe.httpGet?.port ?? probe.tcpSocket?.port;
  if (port !== undefined) {
    const value = port.value;
    const problems = typeof value === 'number' ? portNumberProblems(value) : portNameProblems(value);
    if (problems.length > 0) {
      throw new ValidationError(scope, `${property}.${handlers[0]}.port`, value, problems.join('; '));
    }
  }
  if (probe.grpc !== undefined) {
    requirePort(scope, `${property}.grpc.port`, probe.grpc.port);
  }
  requireWholeNumber(scope, `${property}.initialDelaySeconds`, probe.initialDelaySeconds ?? 0, 0);
  for (const field of ['periodSeconds', 'timeoutSeconds', 'successThreshold', 'failureThreshold'] as const) {
    requireWholeNumber(scope, `${property}.${field}`, probe[field] ?? 1, 1);
  }
}

/** Throws unless every key is a qualified name, every value a string, and the whole at most 256 KiB. */
export function requireAnnotations(scope: IConstruct, property: string, annotations: Record<string, string> | undefined): void {
  for (const [key, value] of Object.entries(annotations ?? {})) {
    if (typeof value !== 'string') {
      throw new ValidationError(scope, `${property}[${JSON.stringify(key)}]`, value, 'an annotation value must be a string');
    }
  }
  const problems = annotationsProblems(annotations ?? {});
  if (problems.length > 0) {
    throw new ValidationError(scope, property, Object.keys(annotations ?? {}), problems.join('; '));
  }
}

/** Throws unless `text` says why a workload changed: a string that is not blank (`kubectl rollout history` shows it). */
export function requireChangeCause(scope: IConstruct, property: string, text: string): string {
  if (typeof text !== 'string' || text.trim() === '') {
    throw new ValidationError(scope, property, text, 'describe the change, e.g. "kafka 3.9.1: raise num.io.threads"');
  }
  return text;
}

/** Throws unless `key` is a label key (a topology key, a toleration key). */
export function requireQualifiedName(scope: IConstruct, property: string, key: string): string {
  const problems = typeof key === 'string' ? qualifiedNameProblems(key) : ['must be a string'];
  if (problems.length > 0) {
    throw new ValidationError(scope, property, key, problems.join('; '));
  }
  return key;
}

/** Throws unless `values` is absent or a list of strings (a command, arguments). */
export function requireStrings(scope: IConstruct, property: string, values: string[] | undefined): string[] | undefined {
  if (values === undefined) {
    return undefined;
  }
  if (!Array.isArray(values)) {
    throw new ValidationError(scope, property, values, 'use a list of strings');
  }
  values.forEach((value, index) => {
    if (typeof value !== 'string') {
      throw new ValidationError(scope, `${property}[${index}]`, value, 'use a string');
    }
  });
  return values;
}

/** Throws unless `image` names an image: not empty, no white space. */
export function requireImage(scope: IConstruct, property: string, image: unknown): string {
  if (typeof image !== 'string' || image.trim() === '' || /\s/.test(image)) {
    throw new ValidationError(scope, property, image, 'name an image with its tag, e.g. "example/agent:1.0", without white space');
  }
  return image;
}

/** Throws unless `port` is a port number, 1 to 65535. */
export function requirePort(scope: IConstruct, property: string, port: number): number {
  const problems = portNumberProblems(port);
  if (problems.length > 0) {
    throw new ValidationError(scope, property, port, problems.join('; '));
  }
  return port;
}

/** Throws unless `name` is an IANA service name, as container and Service port names must be. */
export function requirePortName(scope: IConstruct, property: string, name: string): string {
  const problems = typeof name === 'string' ? portNameProblems(name) : ['must be a string'];
  if (problems.length > 0) {
    throw new ValidationError(scope, property, name, problems.join('; '));
  }
  return name;
}

/** Throws unless `uid` is a Unix user id. */
export function requireUserId(scope: IConstruct, property: string, uid: number): number {
  const problems = userIdProblems(uid);
  if (problems.length > 0) {
    throw new ValidationError(scope, property, uid, `${problems.join('; ')} (a whole number)`);
  }
  return uid;
}

/** Throws unless `value` is a whole number in [min, max]. */
export function requireWholeNumber(scope: IConstruct, property: string, value: number, min: number, max: number = 2147483647): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError(scope, property, value, max === 2147483647 ? `use a whole number of ${min} or more` : `use a whole number from ${min} to ${max}`);
  }
  return value;
}

/** `duration` in whole seconds, or throws naming the prop (cdk8s's own message names neither prop nor construct). */
export function wholeSeconds(scope: IConstruct | string, property: string, duration: Duration, min: number = 0): number {
  const millis = duration.toMilliseconds();
  if (!Number.isInteger(millis) || millis % 1000 !== 0 || millis / 1000 < min || millis / 1000 > 2147483647) {
    throw new ValidationError(scope, property, `${millis}ms`, `use whole seconds of ${min} or more, e.g. Duration.seconds(30)`);
  }
  return millis / 1000;
}

/** `duration` in whole milliseconds above 0. */
export function positiveMillis(scope: IConstruct, property: string, duration: Duration): number {
  const millis = duration.toMilliseconds();
  if (!Number.isInteger(millis) || millis <= 0 || millis > 2147483647) {
    throw new ValidationError(scope, property, `${millis}ms`, 'use a whole number of milliseconds above 0, e.g. Duration.seconds(2)');
  }
  return millis;
}

/** `size` in whole mebibytes above 0 (a JVM heap), or throws naming the prop. */
export function wholeMebibytes(scope: IConstruct, property: string, size: Size): number {
  const mib = size.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
  if (!Number.isInteger(mib) || mib <= 0) {
    throw new ValidationError(scope, property, `${size.toKibibytes({ rounding: SizeRoundingBehavior.NONE })}Ki`,
      'use a whole number of mebibytes above 0, e.g. Size.mebibytes(512)');
  }
  return mib;
}

/** Throws unless `path` is absolute, without `..` segments (a host path or a mount path). */
export function requireAbsolutePath(scope: IConstruct, property: string, path: string): string {
  if (typeof path !== 'string' || !path.startsWith('/') || path.split('/').includes('..') || path.includes('\0')) {
    throw new ValidationError(scope, property, path, 'use an absolute path without ".." segments, e.g. "/var/log"');
  }
  return path;
}

/** Throws when `values` repeats one, naming the second occurrence. */
export function requireUnique<T>(scope: IConstruct, property: (index: number) => string, values: T[], what: string): void {
  const seen = new Set<T>();
  values.forEach((value, index) => {
    if (seen.has(value)) {
      throw new ValidationError(scope, property(index), value, `${what} must be unique; it is already used`);
    }
    seen.add(value);
  });
}

// Host directories a writable mount must neither be, contain, nor lie under: the node's system, its secrets and
// the kubelet's and container runtimes' state. A writable mount of any of them hands the node to the pod.
const PROTECTED_HOST_PATHS = [
  '/bin', '/boot', '/dev', '/etc', '/lib', '/lib32', '/lib64', '/opt', '/proc', '/root', '/run', '/sbin', '/srv', '/sys',
  '/usr', '/var/lib/kubelet', '/var/lib/docker', '/var/lib/containerd', '/var/lib/cri-o', '/var/lib/etcd', '/var/run',
  '/var/log', '/home', '/tmp',
];

/** Why a writable host mount of `path` would be dangerous; empty when it is a dedicated directory. */
export function writableHostPathProblems(path: string): string[] {
  const normalized = path.replace(/\/+/g, '/').replace(/\/$/, '') || '/';
  const segments = normalized.split('/').filter((segment) => segment !== '');
  if (segments.length < 2) {
    return [`a writable host mount of "${normalized}" exposes a top-level directory of the node; use a dedicated directory such as "/var/lib/<name>"`];
  }
  const clash = PROTECTED_HOST_PATHS.find((protectedPath) =>
    normalized === protectedPath || normalized.startsWith(`${protectedPath}/`) || protectedPath.startsWith(`${normalized}/`));
  return clash === undefined ? [] : [`a writable host mount here would let the pod change the node's "${clash}"; use a dedicated directory such as "/var/lib/<name>"`];
}

const TOLERATION_OPERATORS = ['Exists', 'Equal'];
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** Throws unless each toleration is one the API server accepts (validateTolerations in pkg/apis/core/validation). */
export function requireTolerations(scope: IConstruct, property: string, tolerations: kplus.k8s.Toleration[] | undefined): void {
  (tolerations ?? []).forEach((toleration, index) => {
    const at = `${property}[${index}]`;
    if (toleration.key !== undefined && toleration.key !== '') {
      requireQualifiedName(scope, `${at}.key`, toleration.key);
    }
    const operator = toleration.operator ?? 'Equal';
    if (!TOLERATION_OPERATORS.includes(operator)) {
      throw new ValidationError(scope, `${at}.operator`, toleration.operator, 'use "Exists" or "Equal"');
    }
    if (!toleration.key && operator !== 'Exists') {
      throw new ValidationError(scope, `${at}.operator`, toleration.operator, 'a toleration without a key must use "Exists"');
    }
    if (operator === 'Exists' && toleration.value) {
      throw new ValidationError(scope, `${at}.value`, toleration.value, 'a toleration with operator "Exists" takes no value');
    }
    if (operator === 'Equal') {
      const problems = labelValueProblems(toleration.value ?? '');
      if (problems.length > 0) {
        throw new ValidationError(scope, `${at}.value`, toleration.value, problems.join('; '));
      }
    }
    if (toleration.effect !== undefined && toleration.effect !== '' && !TAINT_EFFECTS.includes(toleration.effect)) {
      throw new ValidationError(scope, `${at}.effect`, toleration.effect, `use one of ${TAINT_EFFECTS.join(', ')}, or none for all effects`);
    }
    if (toleration.tolerationSeconds !== undefined && toleration.effect !== 'NoExecute') {
      throw new ValidationError(scope, `${at}.tolerationSeconds`, toleration.tolerationSeconds, 'tolerationSeconds is only allowed with effect "NoExecute"');
    }
  });
}

/**
 * Throws unless the requests and limits are valid quantities, not negative, and no request is above its limit
 * (ValidateResourceRequirements in pkg/apis/core/validation).
 */
export function requireResources(scope: IConstruct, property: string, resources: kplus.k8s.ResourceRequirements): void {
  const amounts: Record<string, Record<string, number>> = { requests: {}, limits: {} };
  for (const kind of ['requests', 'limits'] as const) {
    for (const [resource, quantity] of Object.entries(resources[kind] ?? {})) {
      const text = quantity.value;
      let amount: number;
      try {
        amount = scaledQuantity(text, resource === 'cpu' ? 1000 : 1);
      } catch {
        throw new ValidationError(scope, `${property}.${resource}.${kind.slice(0, -1)}`, text, 'use a Kubernetes quantity such as "250m" or "1"');
      }
      if (amount < 0 || !Number.isFinite(amount)) {
        throw new ValidationError(scope, `${property}.${resource}.${kind.slice(0, -1)}`, text, 'must be greater than or equal to 0');
      }
      amounts[kind][resource] = amount;
    }
  }
  for (const [resource, request] of Object.entries(amounts.requests)) {
    const limit = amounts.limits[resource];
    if (limit !== undefined && request > limit) {
      throw new ValidationError(scope, `${property}.${resource}.request`, resources.requests![resource].value,
        `must be less than or equal to the ${resource} limit of ${resources.limits![resource].value}`);
    }
  }
}

// Upstream-like validation (pkg/apis/*/validation): each problem is a cause naming the field, worded as the API
// server words it, and the whole is a 422 Invalid ApiError whose message reads like kubectl shows it.
import { ApiError, KubeObject, ResourceType } from './api';
import { LabelSelectorError, labelSelectorMatches } from '../internal/label-selector';

/** One problem with one field, as in a Status's `details.causes`. */
export interface ValidationCause {
  /** FieldValueRequired, FieldValueInvalid, FieldValueNotSupported, FieldValueDuplicate or FieldValueForbidden. */
  readonly reason: string;
  /** The problem, e.g. `Invalid value: -1: must be greater than or equal to 0`. */
  readonly message: string;
  /** The field path, e.g. `spec.replicas`. */
  readonly field: string;
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

const SUBDOMAIN_HELP = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_HELP = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_HELP = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_VALUE_HELP = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

const STATEFULSET_MUTABLE_SPEC_FIELDS = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

/** Collects causes; a small builder so each rule reads as one line. */
class Causes {
  public readonly list: ValidationCause[] = [];

  public required(field: string, detail = ''): void {
    this.list.push({ reason: 'FieldValueRequired', field, message: detail ? `Required value: ${detail}` : 'Required value' });
  }

  public invalid(field: string, value: unknown, detail: string): void {
    this.list.push({ reason: 'FieldValueInvalid', field, message: `Invalid value: ${goValue(value)}: ${detail}` });
  }

  public unsupported(field: string, value: unknown, supported: readonly string[]): void {
    this.list.push({
      reason: 'FieldValueNotSupported',
      field,
      message: `Unsupported value: ${goValue(value)}: supported values: ${supported.map((s) => `"${s}"`).join(', ')}`,
    });
  }

  public duplicate(field: string, value: unknown): void {
    this.list.push({ reason: 'FieldValueDuplicate', field, message: `Duplicate value: ${goValue(value)}` });
  }

  public forbidden(field: string, detail: string): void {
    this.list.push({ reason: 'FieldValueForbidden', field, message: `Forbidden: ${detail}` });
  }

  public nonNegative(field: string, value: unknown): void {
    if (typeof value === 'number' && value < 0) {
      this.invalid(field, value, 'must be greater than or equal to 0');
    }
  }
}

/**
 * Validates an object about to be stored (after defaulting); `old` is the stored object on update.
 *
 * @throws ApiError 422 Invalid listing every problem found
 */
export function validateObject(type: ResourceType, obj: KubeObject, old?: KubeObject): void {
  const causes = new Causes();
  validateName(type, obj, causes);
  validateLabelValues('metadata.labels', obj.metadata.labels, causes);
  switch (obj.kind) {
    case 'StatefulSet':
      validateStatefulSet(obj, old, causes);
      break;
    case 'DaemonSet':
      validateDaemonSet(obj, old, causes);
      break;
    case 'Pod':
      validatePodSpec('spec', obj.spec ?? {}, causes);
      if (old) {
        validatePodUpdate(obj, old, causes);
      }
      break;
    case 'Service':
      validateService(obj, old, causes);
      break;
    case 'ControllerRevision':
      causes.nonNegative('revision', obj.revision);
      if (old && !deepEqual(old.data, obj.data)) {
        causes.invalid('data', obj.data, 'field is immutable');
      }
      break;
    case 'PodDisruptionBudget':
      if (obj.spec?.minAvailable !== undefined && obj.spec?.maxUnavailable !== undefined) {
        causes.invalid('spec', obj.spec, 'minAvailable and maxUnavailable cannot be both set');
      }
      break;
    default:
      break;
  }
  if (causes.list.length > 0) {
    throw invalidError(type, obj.metadata.name ?? '', causes.list);
  }
}

/** The 422 error upstream returns for `causes` (`StatefulSet.apps "zk" is invalid: spec.replicas: Invalid value: ...`). */
export function invalidError(type: ResourceType, name: string, causes: readonly ValidationCause[]): ApiError {
  const qualifiedKind = type.group ? `${type.kind}.${type.group}` : type.kind;
  const parts = causes.map((cause) => `${cause.field}: ${cause.message}`);
  const summary = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  return new ApiError(422, 'Invalid', `${qualifiedKind} "${name}" is invalid: ${summary}`, {
    name,
    group: type.group,
    kind: type.kind,
    causes: causes.map((cause) => ({ ...cause })),
  });
}

function validateName(type: ResourceType, obj: KubeObject, causes: Causes): void {
  const name = obj.metadata.name;
  if (!name) {
    causes.required('metadata.name', 'name or generateName is required');
    return;
  }
  if (type.kind === 'Namespace') {
    checkPattern('metadata.name', name, DNS1123_LABEL, 63, LABEL_HELP, causes);
  } else if (type.kind === 'Service') {
    checkPattern('metadata.name', name, DNS1035_LABEL, 63, DNS1035_HELP, causes);
  } else {
    checkPattern('metadata.name', name, DNS1123_SUBDOMAIN, 253, SUBDOMAIN_HELP, causes);
  }
}

function validateLabelValues(field: string, labels: Record<string, string> | undefined, causes: Causes): void {
  for (const value of Object.values(labels ?? {})) {
    checkPattern(field, value, LABEL_VALUE, 63, LABEL_VALUE_HELP, causes);
  }
}

function checkPattern(field: string, value: string, pattern: RegExp, maxLength: number, help: string, causes: Causes): void {
  if (value.length > maxLength) {
    causes.invalid(field, value, `must be no more than ${maxLength} characters`);
  }
  if (!pattern.test(value)) {
    causes.invalid(field, value, help);
  }
}

function validateSelectorAndTemplate(obj: KubeObject, kindName: string, causes: Causes): void {
  const spec = obj.spec ?? {};
  const selector = spec.selector;
  if (!selector) {
    causes.required('spec.selector');
  } else if (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0) {
    causes.invalid('spec.selector', selector, `empty selector is invalid for ${kindName}`);
  } else {
    let matches = false;
    try {
      matches = labelSelectorMatches(selector, spec.template?.metadata?.labels);
    } catch (error) {
      if (!(error instanceof LabelSelectorError)) {
        throw error;
      }
      causes.invalid('spec.selector', selector, error.message);
    }
    if (!matches) {
      causes.invalid('spec.template.metadata.labels', spec.template?.metadata?.labels ?? {}, '`selector` does not match template `labels`');
    }
  }
  validateLabelValues('spec.template.metadata.labels', spec.template?.metadata?.labels, causes);
  const template = spec.template?.spec ?? {};
  validatePodSpec('spec.template.spec', template, causes);
  if (template.restartPolicy && template.restartPolicy !== 'Always') {
    causes.unsupported('spec.template.spec.restartPolicy', template.restartPolicy, ['Always']);
  }
}

function validateStatefulSet(sts: KubeObject, old: KubeObject | undefined, causes: Causes): void {
  const spec = sts.spec ?? {};
  causes.nonNegative('spec.replicas', spec.replicas);
  causes.nonNegative('spec.minReadySeconds', spec.minReadySeconds);
  if (!['OrderedReady', 'Parallel'].includes(spec.podManagementPolicy)) {
    causes.unsupported('spec.podManagementPolicy', spec.podManagementPolicy, ['OrderedReady', 'Parallel']);
  }
  const strategy = spec.updateStrategy ?? {};
  if (!['RollingUpdate', 'OnDelete'].includes(strategy.type)) {
    causes.unsupported('spec.updateStrategy.type', strategy.type, ['OnDelete', 'RollingUpdate']);
  } else if (strategy.type === 'OnDelete' && strategy.rollingUpdate) {
    causes.invalid('spec.updateStrategy.rollingUpdate', strategy.rollingUpdate, 'only allowed for updateStrategy \'RollingUpdate\'');
  }
  causes.nonNegative('spec.updateStrategy.rollingUpdate.partition', strategy.rollingUpdate?.partition);
  validateSelectorAndTemplate(sts, 'statefulset', causes);
  if (old) {
    const changed = Object.keys({ ...(old.spec ?? {}), ...spec })
      .filter((field) => !STATEFULSET_MUTABLE_SPEC_FIELDS.includes(field))
      .some((field) => !deepEqual(old.spec?.[field], spec[field]));
    if (changed) {
      causes.forbidden('spec', "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden");
    }
  }
}

function validateDaemonSet(ds: KubeObject, old: KubeObject | undefined, causes: Causes): void {
  const spec = ds.spec ?? {};
  causes.nonNegative('spec.minReadySeconds', spec.minReadySeconds);
  const strategy = spec.updateStrategy ?? {};
  if (!['RollingUpdate', 'OnDelete'].includes(strategy.type)) {
    causes.unsupported('spec.updateStrategy.type', strategy.type, ['OnDelete', 'RollingUpdate']);
  }
  const rollingUpdate = strategy.rollingUpdate;
  if (strategy.type === 'RollingUpdate' && rollingUpdate) {
    for (const field of ['maxUnavailable', 'maxSurge']) {
      const value = rollingUpdate[field];
      if (typeof value === 'string' && !/^\d+%$/.test(value)) {
        causes.invalid(`spec.updateStrategy.rollingUpdate.${field}`, value, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')");
      }
      causes.nonNegative(`spec.updateStrategy.rollingUpdate.${field}`, value);
    }
    if (isZero(rollingUpdate.maxUnavailable) && isZero(rollingUpdate.maxSurge)) {
      causes.invalid('spec.updateStrategy.rollingUpdate.maxUnavailable', rollingUpdate.maxUnavailable, 'may not be 0 when `maxSurge` is 0');
    }
  }
  validateSelectorAndTemplate(ds, 'daemonset', causes);
  if (old && !deepEqual(old.spec?.selector, spec.selector)) {
    causes.invalid('spec.selector', spec.selector, 'field is immutable');
  }
}

function validateService(svc: KubeObject, old: KubeObject | undefined, causes: Causes): void {
  const spec = svc.spec ?? {};
  const supported = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'];
  if (!supported.includes(spec.type)) {
    causes.unsupported('spec.type', spec.type, supported);
  }
  if ((spec.ports ?? []).length === 0 && spec.clusterIP !== 'None' && spec.type !== 'ExternalName') {
    causes.required('spec.ports');
  }
  (spec.ports ?? []).forEach((port: Record<string, any>, index: number) => {
    if (!Number.isInteger(port.port) || port.port < 1 || port.port > 65535) {
      causes.invalid(`spec.ports[${index}].port`, port.port, 'must be between 1 and 65535, inclusive');
    }
  });
  // A client that omits clusterIP on update keeps the allocated one (the store fills it in before validating).
  if (old && old.spec?.clusterIP && spec.clusterIP !== old.spec.clusterIP) {
    causes.invalid('spec.clusterIPs[0]', spec.clusterIP, 'may not change once set');
  }
}

function isZero(value: unknown): boolean {
  return value === 0 || value === '0%';
}

function validatePodSpec(path: string, spec: Record<string, any>, causes: Causes): void {
  const containers: Array<Record<string, any>> = spec.containers ?? [];
  if (containers.length === 0) {
    causes.required(`${path}.containers`);
  }
  const seen = new Set<string>();
  for (const [list, items] of [['initContainers', spec.initContainers ?? []], ['containers', containers]] as const) {
    items.forEach((container: Record<string, any>, index: number) => {
      const field = `${path}.${list}[${index}]`;
      if (!container.name) {
        causes.required(`${field}.name`);
      } else if (seen.has(container.name)) {
        causes.duplicate(`${field}.name`, container.name);
      } else {
        seen.add(container.name);
        checkPattern(`${field}.name`, container.name, DNS1123_LABEL, 63, LABEL_HELP, causes);
      }
      if (!container.image) {
        causes.required(`${field}.image`);
      }
    });
  }
  causes.nonNegative(`${path}.terminationGracePeriodSeconds`, spec.terminationGracePeriodSeconds);
}

// ValidatePodUpdate: once created, a pod's spec only changes its images, activeDeadlineSeconds and added tolerations.
function validatePodUpdate(pod: KubeObject, old: KubeObject, causes: Causes): void {
  const mutable = (spec: Record<string, any> | undefined): Record<string, any> => ({
    ...(spec ?? {}),
    containers: (spec?.containers ?? []).map((container: Record<string, any>) => ({ ...container, image: undefined })),
    initContainers: (spec?.initContainers ?? []).map((container: Record<string, any>) => ({ ...container, image: undefined })),
    activeDeadlineSeconds: undefined,
    tolerations: undefined,
    terminationGracePeriodSeconds: undefined,
  });
  if (!deepEqual(mutable(old.spec), mutable(pod.spec))) {
    causes.forbidden('spec', 'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)');
  }
}

/** Structural equality of JSON values, ignoring key order and treating absent and undefined alike. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) {
    return true;
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) {
    return false;
  }
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((item, index) => deepEqual(item, other[index]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  // Every key of either side once (the right side's own keys that the left side lacks), without building the union:
  // the store compares each written object with the one it replaces.
  const leftKeys = Object.keys(left);
  for (let i = 0; i < leftKeys.length; i++) {
    if (!deepEqual(left[leftKeys[i]], right[leftKeys[i]])) {
      return false;
    }
  }
  const rightKeys = Object.keys(right);
  for (let i = 0; i < rightKeys.length; i++) {
    const key = rightKeys[i];
    if (!Object.prototype.propertyIsEnumerable.call(left, key) && !deepEqual(left[key], right[key])) {
      return false;
    }
  }
  return true;
}

// Renders a value the way Go's %#v-ish formatting in field.Invalid shows it: strings quoted, maps as Go maps.
function goValue(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  if (value === undefined || value === null) {
    return 'null';
  }
  const values = typeof value === 'object' && !Array.isArray(value) ? Object.values(value) : [];
  if (values.length > 0 && values.every((item) => typeof item === 'string')) {
    const entries = Object.entries(value as Record<string, string>).sort(([a], [b]) => a.localeCompare(b));
    return `map[string]string{${entries.map(([key, item]) => `${JSON.stringify(key)}:${JSON.stringify(item)}`).join(', ')}}`;
  }
  return JSON.stringify(value);
}

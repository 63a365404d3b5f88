// Request bodies in Kubernetes' protobuf encoding (application/vnd.kubernetes.protobuf), which kubectl's typed
// clients send: `kubectl create namespace|configmap|secret|serviceaccount|role|rolebinding|clusterrole|
// clusterrolebinding` POST protobuf, not JSON, and from kubectl 1.32 on the pod DELETE of `kubectl drain
// --disable-eviction` carries protobuf DeleteOptions. A body is the magic prefix "k8s\0" and a runtime.Unknown
// holding the apiVersion, the kind and the object's own message. The sandbox decodes the kinds kubectl sends, with
// the field numbers of k8s.io/api's generated.proto, into the same JSON objects a JSON body gives; any other kind
// or field is refused by name rather than half-read.
import { readMessage, WireField, WireFormatError } from './wire';
import { ApiError, KubeObject } from '../../api';

/** The Content-Type of a protobuf body. */
export const KUBERNETES_PROTOBUF = 'application/vnd.kubernetes.protobuf';

const MAGIC = [0x6b, 0x38, 0x73, 0x00];

type Scalar = 'string' | 'bytes' | 'int' | 'bool' | 'time' | 'stringMap' | 'bytesMap';

interface FieldSpec {
  readonly name: string;
  readonly type: Scalar | MessageSpec;
  readonly repeated?: boolean;
  /** A Go pointer field: its zero value is meaningful (a plain field's zero value is omitted, as JSON's omitempty). */
  readonly pointer?: boolean;
}

interface MessageSpec {
  readonly name: string;
  readonly fields: Readonly<Record<number, FieldSpec>>;
}

const message = (name: string, fields: Record<number, FieldSpec>): MessageSpec => ({ name, fields });

const OWNER_REFERENCE = message('OwnerReference', {
  1: { name: 'kind', type: 'string' },
  3: { name: 'name', type: 'string' },
  4: { name: 'uid', type: 'string' },
  5: { name: 'apiVersion', type: 'string' },
  6: { name: 'controller', type: 'bool', pointer: true },
  7: { name: 'blockOwnerDeletion', type: 'bool', pointer: true },
});

const OBJECT_META = message('ObjectMeta', {
  1: { name: 'name', type: 'string' },
  2: { name: 'generateName', type: 'string' },
  3: { name: 'namespace', type: 'string' },
  4: { name: 'selfLink', type: 'string' },
  5: { name: 'uid', type: 'string' },
  6: { name: 'resourceVersion', type: 'string' },
  7: { name: 'generation', type: 'int' },
  8: { name: 'creationTimestamp', type: 'time' },
  9: { name: 'deletionTimestamp', type: 'time' },
  10: { name: 'deletionGracePeriodSeconds', type: 'int', pointer: true },
  11: { name: 'labels', type: 'stringMap' },
  12: { name: 'annotations', type: 'stringMap' },
  13: { name: 'ownerReferences', type: OWNER_REFERENCE, repeated: true },
  14: { name: 'finalizers', type: 'string', repeated: true },
});

const OBJECT_REFERENCE = message('ObjectReference', {
  1: { name: 'kind', type: 'string' },
  2: { name: 'namespace', type: 'string' },
  3: { name: 'name', type: 'string' },
  4: { name: 'uid', type: 'string' },
  5: { name: 'apiVersion', type: 'string' },
  6: { name: 'resourceVersion', type: 'string' },
  7: { name: 'fieldPath', type: 'string' },
});

const POLICY_RULE = message('PolicyRule', {
  1: { name: 'verbs', type: 'string', repeated: true },
  2: { name: 'apiGroups', type: 'string', repeated: true },
  3: { name: 'resources', type: 'string', repeated: true },
  4: { name: 'resourceNames', type: 'string', repeated: true },
  5: { name: 'nonResourceURLs', type: 'string', repeated: true },
});

const SUBJECT = message('Subject', {
  1: { name: 'kind', type: 'string' },
  2: { name: 'apiGroup', type: 'string' },
  3: { name: 'name', type: 'string' },
  4: { name: 'namespace', type: 'string' },
});

const ROLE_REF = message('RoleRef', {
  1: { name: 'apiGroup', type: 'string' },
  2: { name: 'kind', type: 'string' },
  3: { name: 'name', type: 'string' },
});

const role = (kind: string) => message(kind, {
  1: { name: 'metadata', type: OBJECT_META },
  2: { name: 'rules', type: POLICY_RULE, repeated: true },
});

const roleBinding = (kind: string) => message(kind, {
  1: { name: 'metadata', type: OBJECT_META },
  2: { name: 'subjects', type: SUBJECT, repeated: true },
  3: { name: 'roleRef', type: ROLE_REF },
});

// metav1.DeleteOptions: every field is a pointer (or repeated), so a zero gracePeriodSeconds is kept.
const DELETE_OPTIONS = message('DeleteOptions', {
  1: { name: 'gracePeriodSeconds', type: 'int', pointer: true },
  2: {
    name: 'preconditions',
    type: message('Preconditions', { 1: { name: 'uid', type: 'string', pointer: true }, 2: { name: 'resourceVersion', type: 'string', pointer: true } }),
    pointer: true,
  },
  3: { name: 'orphanDependents', type: 'bool', pointer: true },
  4: { name: 'propagationPolicy', type: 'string', pointer: true },
  5: { name: 'dryRun', type: 'string', repeated: true },
  6: { name: 'ignoreStoreReadErrorWithClusterBreakingPotential', type: 'bool', pointer: true },
});

const EVICTION = message('Eviction', {
  1: { name: 'metadata', type: OBJECT_META },
  2: { name: 'deleteOptions', type: DELETE_OPTIONS },
});

// The kinds kubectl sends as protobuf, by `apiVersion/kind`: what `kubectl create <kind>` creates, and the Evictions
// a typed client posts. DeleteOptions (a pod DELETE's body from kubectl 1.32 on) is registered in every group version.

const KINDS: Readonly<Record<string, MessageSpec>> = {
  'v1/Namespace': message('Namespace', {
    1: { name: 'metadata', type: OBJECT_META },
    2: { name: 'spec', type: message('NamespaceSpec', { 1: { name: 'finalizers', type: 'string', repeated: true } }) },
    3: { name: 'status', type: message('NamespaceStatus', { 1: { name: 'phase', type: 'string' } }) },
  }),
  'v1/ConfigMap': message('ConfigMap', {
    1: { name: 'metadata', type: OBJECT_META },
    2: { name: 'data', type: 'stringMap' },
    3: { name: 'binaryData', type: 'bytesMap' },
    4: { name: 'immutable', type: 'bool', pointer: true },
  }),
  'v1/Secret': message('Secret', {
    1: { name: 'metadata', type: OBJECT_META },
    2: { name: 'data', type: 'bytesMap' },
    3: { name: 'type', type: 'string' },
    4: { name: 'stringData', type: 'stringMap' },
    5: { name: 'immutable', type: 'bool', pointer: true },
  }),
  'v1/ServiceAccount': message('ServiceAccount', {
    1: { name: 'metadata', type: OBJECT_META },
    2: { name: 'secrets', type: OBJECT_REFERENCE, repeated: true },
    3: { name: 'imagePullSecrets', type: message('LocalObjectReference', { 1: { name: 'name', type: 'string' } }), repeated: true },
    4: { name: 'automountServiceAccountToken', type: 'bool', pointer: true },
  }),
  'rbac.authorization.k8s.io/v1/Role': role('Role'),
  'rbac.authorization.k8s.io/v1/ClusterRole': role('ClusterRole'),
  'rbac.authorization.k8s.io/v1/RoleBinding': roleBinding('RoleBinding'),
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': roleBinding('ClusterRoleBinding'),
  'policy/v1/Eviction': EVICTION,
  'policy/v1beta1/Eviction': EVICTION,
};

/** Decodes a protobuf request body into the object's JSON form; throws a 415 naming what the sandbox cannot read. */
export function decodeKubernetesProtobuf(body: Uint8Array): KubeObject {
  if (body.length < MAGIC.length || MAGIC.some((byte, index) => body[index] !== byte)) {
    throw new ApiError(400, 'BadRequest', 'the protobuf body does not start with the Kubernetes magic prefix "k8s\\x00"');
  }
  try {
    const unknown = readMessage(body.subarray(MAGIC.length));
    const typeMeta = readMessage(bytesOf(unknown, 1) ?? new Uint8Array());
    const apiVersion = textOf(typeMeta, 1) ?? '';
    const kind = textOf(typeMeta, 2) ?? '';
    const spec = kind === 'DeleteOptions' ? DELETE_OPTIONS : KINDS[`${apiVersion}/${kind}`];
    if (!spec) {
      throw unsupported(`${apiVersion} ${kind || '(no kind)'}`);
    }
    return { apiVersion, kind, ...decode(spec, bytesOf(unknown, 2) ?? new Uint8Array()) } as KubeObject;
  } catch (error) {
    if (error instanceof WireFormatError) {
      throw new ApiError(400, 'BadRequest', `the protobuf body could not be decoded: ${error.message}`);
    }
    throw error;
  }
}

function decode(spec: MessageSpec, bytes: Uint8Array): Record<string, unknown> {
  const result: Record<string, any> = {};
  for (const record of readMessage(bytes)) {
    const field = spec.fields[record.field];
    if (!field) {
      throw unsupported(`field ${record.field} of ${spec.name}`);
    }
    const value = typeof field.type === 'string' ? scalar(field.type, record, spec) : decode(field.type, bytesFrom(record, spec));
    // Go's generated marshallers write every plain field, empty or not; JSON omits the empty ones.
    if (!field.pointer && !field.repeated && (value === undefined || value === '' || value === 0 || value === false)) {
      continue;
    }
    if (field.type === 'stringMap' || field.type === 'bytesMap') {
      const [key, entry] = value as [string, unknown];
      (result[field.name] ??= {})[key] = entry;
    } else if (field.repeated) {
      (result[field.name] ??= []).push(value);
    } else {
      result[field.name] = value;
    }
  }
  return result;
}

function scalar(type: Scalar, record: WireField, spec: MessageSpec): unknown {
  switch (type) {
    case 'string':
      return utf8(bytesFrom(record, spec));
    case 'bytes':
      return Buffer.from(bytesFrom(record, spec)).toString('base64');
    case 'int':
      return Number(BigInt.asIntN(64, varintFrom(record, spec)));
    case 'bool':
      return varintFrom(record, spec) !== 0n;
    case 'time': {
      // metav1.Time: seconds = 1, nanos = 2; the JSON form has whole seconds.
      const seconds = Number(readMessage(bytesFrom(record, spec)).find((part) => part.field === 1)?.value ?? 0n);
      return seconds === 0 ? undefined : new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    }
    case 'stringMap':
    case 'bytesMap': {
      const entry = readMessage(bytesFrom(record, spec));
      const key = textOf(entry, 1) ?? '';
      const value = bytesOf(entry, 2) ?? new Uint8Array();
      return [key, type === 'stringMap' ? utf8(value) : Buffer.from(value).toString('base64')];
    }
  }
}

function bytesFrom(record: WireField, spec: MessageSpec): Uint8Array {
  if (record.wireType !== 2) {
    throw new WireFormatError(`field ${record.field} of ${spec.name} should be length-delimited, has wire type ${record.wireType}`);
  }
  return record.value as Uint8Array;
}

function varintFrom(record: WireField, spec: MessageSpec): bigint {
  if (record.wireType !== 0) {
    throw new WireFormatError(`field ${record.field} of ${spec.name} should be a varint, has wire type ${record.wireType}`);
  }
  return record.value as bigint;
}

function bytesOf(fields: readonly WireField[], field: number): Uint8Array | undefined {
  const found = fields.find((record) => record.field === field && record.wireType === 2);
  return found?.value as Uint8Array | undefined;
}

function textOf(fields: readonly WireField[], field: number): string | undefined {
  const bytes = bytesOf(fields, field);
  return bytes && utf8(bytes);
}

function utf8(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('utf8');
}

function unsupported(what: string): ApiError {
  return new ApiError(415, 'UnsupportedMediaType',
    `the sandbox cannot decode ${what} from ${KUBERNETES_PROTOBUF}; it reads protobuf only for the kinds kubectl `
    + `sends that way (${[...Object.keys(KINDS), 'DeleteOptions'].join(', ')}): send the object as JSON (kubectl create -f FILE)`);
}

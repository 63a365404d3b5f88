import { RESOURCES } from '../../../src/sandbox/api';
import { decodeKubernetesProtobuf } from '../../../src/sandbox/server/protobuf/kube-protobuf';
import { Sandbox, startSandbox } from '../../../src/sandbox/start-sandbox';
import { kubectl } from '../../support/sandbox-clients';

jest.setTimeout(60_000);

// A minimal protobuf writer for hand-built bodies: length-delimited and varint fields.
/* eslint-disable no-bitwise -- the wire format is defined on bits: 7-bit varint groups, 3-bit wire types */
const varint = (value: number): number[] => {
  const bytes: number[] = [];
  do {
    bytes.push((value & 0x7f) | (value > 0x7f ? 0x80 : 0));
    value >>>= 7;
  } while (value > 0);
  return bytes;
};
const bytesField = (field: number, bytes: number[]): number[] => [...varint((field << 3) | 2), ...varint(bytes.length), ...bytes];
const textField = (field: number, text: string): number[] => bytesField(field, [...Buffer.from(text)]);
const varintField = (field: number, value: number): number[] => [...varint(field << 3), ...varint(value)];
/* eslint-enable no-bitwise */
const envelope = (apiVersion: string, kind: string, raw: number[]): Uint8Array =>
  Uint8Array.from([0x6b, 0x38, 0x73, 0x00, ...bytesField(1, [...textField(1, apiVersion), ...textField(2, kind)]), ...bytesField(2, raw)]);

describe('decodeKubernetesProtobuf', () => {
  test('a Secret: metadata with labels, bytes data as base64, the type; empty plain fields omitted as JSON does', () => {
    const metadata = [...textField(1, 'db'), ...textField(4, ''), ...bytesField(8, []), ...bytesField(11, [...textField(1, 'app'), ...textField(2, 'web')])];
    const secret = decodeKubernetesProtobuf(envelope('v1', 'Secret', [
      ...bytesField(1, metadata),
      ...bytesField(2, [...textField(1, 'password'), ...bytesField(2, [0x00, 0xff])]),
      ...textField(3, 'Opaque'),
      ...varintField(5, 0),
    ]));
    expect(secret).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', labels: { app: 'web' } },
      data: { password: 'AP8=' },
      type: 'Opaque',
      immutable: false,
    });
  });

  test('a kind kubectl create does not send as protobuf is refused by name', () => {
    expect(() => decodeKubernetesProtobuf(envelope('apps/v1', 'StatefulSet', []))).toThrow(expect.objectContaining({
      code: 415, message: expect.stringMatching(/^the sandbox cannot decode apps\/v1 StatefulSet from application\/vnd\.kubernetes\.protobuf/),
    }));
  });

  test('an unknown field is refused rather than dropped', () => {
    expect(() => decodeKubernetesProtobuf(envelope('v1', 'ConfigMap', textField(9, 'x')))).toThrow(expect.objectContaining({
      code: 415, message: expect.stringMatching(/^the sandbox cannot decode field 9 of ConfigMap/),
    }));
  });

  test('a body without the magic prefix, or truncated, is a 400', () => {
    expect(() => decodeKubernetesProtobuf(Uint8Array.from([0x7b, 0x7d]))).toThrow(expect.objectContaining({
      code: 400, message: 'the protobuf body does not start with the Kubernetes magic prefix "k8s\\x00"',
    }));
    const truncated = envelope('v1', 'ConfigMap', textField(2, 'abc')).subarray(0, 20);
    expect(() => decodeKubernetesProtobuf(truncated)).toThrow(expect.objectContaining({
      code: 400, message: expect.stringMatching(/^the protobuf body could not be decoded: field of \d+ bytes at byte \d+ runs past the end/),
    }));
  });
});

describe('kubectl create subcommands send protobuf', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ clock: 'virtual', nodes: 0 });
  });
  afterAll(() => sandbox.stop());

  test('namespace, configmap, secret and serviceaccount are created as kubectl describes them', async () => {
    expect((await kubectl(sandbox, ['create', 'namespace', 'team'])).stdout).toBe('namespace/team created\n');
    expect((await kubectl(sandbox, ['-n', 'team', 'create', 'configmap', 'settings', '--from-literal=mode=fast'])).stdout).toBe('configmap/settings created\n');
    expect((await kubectl(sandbox, ['create', 'secret', 'generic', 'db', '--from-literal=password=hunter2'])).stdout).toBe('secret/db created\n');
    expect((await kubectl(sandbox, ['create', 'serviceaccount', 'deployer'])).stdout).toBe('serviceaccount/deployer created\n');
    expect(sandbox.api.get(RESOURCES.namespaces, undefined, 'team')!.status).toEqual({ phase: 'Active' });
    expect(sandbox.api.get(RESOURCES.configMaps, 'team', 'settings')!.data).toEqual({ mode: 'fast' });
    expect(sandbox.api.get(RESOURCES.secrets, 'default', 'db')).toMatchObject({ data: { password: Buffer.from('hunter2').toString('base64') } });
    expect(sandbox.api.get(RESOURCES.serviceAccounts, 'default', 'deployer')).toBeDefined();
  });

  test('role and rolebinding keep their rules, subjects and roleRef', async () => {
    await kubectl(sandbox, ['create', 'role', 'reader', '--verb=get,list', '--resource=statefulsets.apps']);
    await kubectl(sandbox, ['create', 'rolebinding', 'readers', '--role=reader', '--serviceaccount=default:deployer']);
    expect(sandbox.api.get(RESOURCES.roles, 'default', 'reader')!.rules).toEqual([{ verbs: ['get', 'list'], apiGroups: ['apps'], resources: ['statefulsets'] }]);
    expect(sandbox.api.get(RESOURCES.roleBindings, 'default', 'readers')).toMatchObject({
      subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: 'default' }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
    });
  });

  test('a kind the sandbox does not decode from protobuf says what to do instead', async () => {
    const service = await kubectl(sandbox, ['create', 'service', 'clusterip', 'web', '--tcp=80:80']);
    expect(service.code).toBe(1);
    expect(service.stderr).toContain('the sandbox cannot decode v1 Service from application/vnd.kubernetes.protobuf');
    expect(service.stderr).toContain('send the object as JSON (kubectl create -f FILE)');
    expect(service.stderr).toContain('(v1/Namespace, v1/ConfigMap, v1/Secret, v1/ServiceAccount, rbac.authorization.k8s.io/v1/Role');
  });
});

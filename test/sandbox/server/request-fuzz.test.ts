// Random malformed requests (paths, query strings, bodies, content types, methods) against a running sandbox: every
// one gets an answer that is not a 500 of the sandbox's own making, and the server keeps serving. Seeded and bounded,
// so a failure replays.
import * as fc from 'fast-check';
import { CONFIGMAPS, configMap, webStatefulSet } from './manifests';
import { RESOURCES } from '../../../src/sandbox/api';
import { Sandbox, startSandbox } from '../../../src/sandbox/start-sandbox';
import { http, rawExchange } from '../../support/sandbox-clients';

jest.setTimeout(120_000);

// The 500s upstream itself answers for these inputs (errors it does not map to a Status), with its own texts.
const UPSTREAM_500 = [/^unknown patch type: /, /^map: .* does not contain declared merge key: /, /^etcdserver: request is too large$/];

const PATHS = [
  '/api/v1/namespaces/default/configmaps', '/api/v1/namespaces/default/configmaps/target', '/api/v1/namespaces/default/configmaps/target/status',
  '/apis/apps/v1/namespaces/default/statefulsets/web', '/apis/apps/v1/namespaces/default/statefulsets/web/scale',
  '/apis/apps/v1/namespaces/default/statefulsets/web/status', '/api/v1/namespaces/default/pods', '/api/v1/nodes/node-1',
  '/api/v1/namespaces', '/api/v1/namespaces/default', '/apis/apps/v1/statefulsets', '/api', '/apis', '/version', '/openapi/v3',
  '/api/v1/watch/namespaces/default/configmaps',
];

const pathSegment = fc.oneof(
  fc.constantFrom('%ZZ', '%', '%2F', '%00', '..', '.', '', 'status', 'scale', 'binding', 'namespaces', 'watch', '%C3%28', 'ä'),
  fc.stringMatching(/^[a-zA-Z0-9%._~-]{0,12}$/),
);

const path = fc.oneof(
  fc.constantFrom(...PATHS),
  fc.tuple(fc.constantFrom(...PATHS), fc.array(pathSegment, { maxLength: 3 })).map(([base, more]) => [base, ...more].join('/')),
  fc.array(pathSegment, { minLength: 1, maxLength: 7 }).map((segments) => `/${segments.join('/')}`),
);

const queryValue = fc.oneof(
  fc.constantFrom('%ZZ', '', 'abc', '-1', '0', '1', '99999999999999999999', 'true', 'All', 'a notin ()', 'a in (', '!', '=', 'x>y',
    'app=web', 'metadata.name=target', 'spec.nodeName!=', 'Object', '%', 'a'.repeat(300)),
  fc.string({ maxLength: 20 }).map(encodeURIComponent),
);

const query = fc.array(fc.tuple(fc.constantFrom('labelSelector', 'fieldSelector', 'resourceVersion', 'limit', 'continue', 'watch',
  'timeoutSeconds', 'dryRun', 'includeObject', 'propagationPolicy', 'gracePeriodSeconds', 'fieldValidation', 'x'), queryValue), { maxLength: 4 })
  .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([key, value]) => `${key}=${value}`).join('&')}`));

const jsonish: fc.Arbitrary<string> = fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc.constantFrom('', '{', '[', 'null', '[]', '{}', '"x"', '1e999', '{"metadata":{"name":"target"},"data":{"a":1}}',
    '[{"op":"add","path":"/data/x","value":"1"}]', '[{"op":"copy","from":"/data","path":"/data/y"}]', '[{"op":"remove","path":"/spec"}]',
    '{"data":{"$patch":"bogus"}}', '{"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}', '{"$retainKeys":["a"],"a":1}',
    '{"spec":{"replicas":-1}}', '{"spec":{"replicas":"x"}}', '{"metadata":{"name":"Bad_Name"}}', '{"metadata":{"resourceVersion":"abc"}}',
    '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"fuzz","labels":{"%ZZ":"x"}}}', `{"a":${'['.repeat(5000)}`,
    '\u0000\u00ff', '{"kind":"Status"}'),
  fc.string({ maxLength: 40 }),
);

// Raw bytes, some behind the protobuf envelope's magic number (`k8s\0`), for the protobuf decoder.
const binary = fc.oneof(
  fc.uint8Array({ maxLength: 120 }),
  fc.uint8Array({ maxLength: 60 }).map((bytes) => Uint8Array.from([0x6b, 0x38, 0x73, 0x00, ...bytes])),
).map((bytes) => Buffer.from(bytes));

const body = fc.oneof({ arbitrary: jsonish.map((text) => Buffer.from(text)), weight: 3 }, { arbitrary: binary, weight: 1 });

const contentType = fc.constantFrom('application/json', 'application/merge-patch+json', 'application/strategic-merge-patch+json',
  'application/json-patch+json', 'application/apply-patch+yaml', 'application/vnd.kubernetes.protobuf', 'text/plain', '', 'application/json; charset=utf-8');

const method = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'BREW');

describe('random malformed requests', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ clock: 'real', nodes: 1 });
    sandbox.api.create(RESOURCES.configMaps, configMap('target', { a: '1' }, { app: 'web' }));
    sandbox.api.create(RESOURCES.statefulSets, webStatefulSet('nginx:1'));
  });
  afterAll(() => sandbox.stop());

  test('never answer a 500 of the sandbox\'s own nor stop the server', async () => {
    await fc.assert(fc.asyncProperty(method, path, query, body, contentType, async (verb, target, search, bytes, type) => {
      const head = `${verb} ${target}${search} HTTP/1.1\r\nHost: ${new URL(sandbox.url).host}\r\nAuthorization: Bearer ${sandbox.token}\r\n`
        + `Content-Type: ${type}\r\nContent-Length: ${bytes.length}\r\nConnection: close\r\n\r\n`;
      const answer = await rawExchange(sandbox, Buffer.concat([Buffer.from(head), bytes]));
      expect(answer.status).toBeGreaterThanOrEqual(200);
      if (answer.status >= 500) {
        const message = JSON.parse(answer.body).message;
        expect(UPSTREAM_500.some((pattern) => pattern.test(message))).toBe(true);
      }
    }), { numRuns: 400, seed: 12 });
    expect((await http(sandbox, 'GET', CONFIGMAPS)).status).toBe(200);
  });
});

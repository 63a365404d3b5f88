// Malformed requests get upstream's 4xx answers (or its exact 500 where upstream answers one), never a crash of the
// sandbox's own: deeply nested bodies and patches, bad escapes in the path, unreadable label selectors and
// resourceVersions, and a strategic merge patch with an unknown `$patch` directive.
import { CONFIGMAPS, configMap } from './manifests';
import { RESOURCES } from '../../../src/sandbox/api';
import { MAX_JSON_DEPTH, nestingDepthError } from '../../../src/sandbox/server/json-depth';
import { Sandbox, startSandbox } from '../../../src/sandbox/start-sandbox';
import { http, rawExchange } from '../../support/sandbox-clients';

jest.setTimeout(30_000);

const MERGE = { 'Content-Type': 'application/merge-patch+json' };
const STRATEGIC = { 'Content-Type': 'application/strategic-merge-patch+json' };
const JSON_PATCH = { 'Content-Type': 'application/json-patch+json' };

// `{"a":{"a":...1...}}` with `depth` objects.
function nested(depth: number): string {
  return `${'{"a":'.repeat(depth - 1)}{"a":1}${'}'.repeat(depth - 1)}`;
}

describe('malformed requests', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ clock: 'virtual', nodes: 1 });
    sandbox.api.create(RESOURCES.configMaps, configMap('target', { a: '1' }, { app: 'web' }));
  });
  afterAll(() => sandbox.stop());

  describe('nesting', () => {
    const object = (depth: number) => `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep-${depth}"},"extra":${nested(depth - 1)}}`;

    test('a body nested as deep as the limit is served; one level deeper is a 400 with Go\'s scanner text, never a 500', async () => {
      expect((await http(sandbox, 'POST', CONFIGMAPS, object(MAX_JSON_DEPTH))).status).toBe(201);
      const deeper = await http(sandbox, 'POST', CONFIGMAPS, object(MAX_JSON_DEPTH + 1));
      expect(deeper).toMatchObject({
        status: 400,
        body: { reason: 'BadRequest', message: 'the body of the request could not be decoded: invalid character \'{\' exceeded max depth' },
      });
      const deepest = await http(sandbox, 'PUT', `${CONFIGMAPS}/target`, `{"metadata":{"name":"target"},"data":${'['.repeat(200_000)}`);
      expect(deepest.status).toBe(400);
    });

    test('deeply nested patches of every flavour are 400s as upstream words each', async () => {
      const patch = `{"metadata":{"annotations":${nested(MAX_JSON_DEPTH)}}}`;
      expect(await http(sandbox, 'PATCH', `${CONFIGMAPS}/target`, patch, MERGE)).toMatchObject({ status: 400, body: { message: 'Invalid JSON Patch' } });
      expect(await http(sandbox, 'PATCH', `${CONFIGMAPS}/target`, patch, STRATEGIC))
        .toMatchObject({ status: 400, body: { message: 'invalid character \'{\' exceeded max depth' } });
      const operations = `[{"op":"add","path":"/metadata/labels","value":${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}}]`;
      expect(await http(sandbox, 'PATCH', `${CONFIGMAPS}/target`, operations, JSON_PATCH))
        .toMatchObject({ status: 400, body: { message: 'invalid character \'[\' exceeded max depth' } });
      expect(sandbox.api.get(RESOURCES.configMaps, 'default', 'target')?.data).toEqual({ a: '1' });
    });

    test('a JSON patch cannot nest an object deeper than a body may be, by adding a deep value at a deep path', async () => {
      await http(sandbox, 'POST', CONFIGMAPS, `{"metadata":{"name":"grows-deeper"},"extra":${nested(MAX_JSON_DEPTH - 1)}}`);
      const path = `/extra${'/a'.repeat(MAX_JSON_DEPTH - 3)}`;
      const operations = `[{"op":"add","path":"${path}/b","value":${nested(MAX_JSON_DEPTH - 10)}}]`;
      expect(await http(sandbox, 'PATCH', `${CONFIGMAPS}/grows-deeper`, operations, JSON_PATCH)).toMatchObject({
        status: 422,
        body: { reason: 'Invalid', message: `the object would nest arrays and objects deeper than ${MAX_JSON_DEPTH} levels` },
      });
      expect((await http(sandbox, 'GET', `${CONFIGMAPS}/grows-deeper`)).status).toBe(200);
    });

    test('brackets inside strings do not count', () => {
      expect(nestingDepthError(`{"a":"${'['.repeat(5000)}\\"${'{'.repeat(5000)}"}`)).toBeUndefined();
      expect(nestingDepthError('[[[', 2)).toBe('invalid character \'[\' exceeded max depth');
    });
  });

  test('a malformed escape in the path is a 400 naming it, as Go\'s URL parser refuses it; an escape of non-UTF-8 bytes is a name not found', async () => {
    for (const path of ['/api/v1/namespaces/%ZZ/configmaps', '/api/v1/namespaces/default/configmaps/%', '/apis/%E0%A4%A']) {
      const answer = await rawExchange(sandbox, `GET ${path} HTTP/1.1\r\nHost: ${new URL(sandbox.url).host}\r\nAuthorization: Bearer ${sandbox.token}\r\nConnection: close\r\n\r\n`);
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
      expect(JSON.parse(answer.body).message).toMatch(/^invalid URL escape "%/);
    }
    expect((await http(sandbox, 'GET', `${CONFIGMAPS}/%C3%28`)).status).toBe(404);
  });

  test('a strategic merge patch with an unknown $patch directive gets upstream\'s answer: 500 with mergepatch\'s text (kubernetes does not map it)', async () => {
    const answer = await http(sandbox, 'PATCH', `${CONFIGMAPS}/target`, { data: { $patch: 'bogus' } }, STRATEGIC);
    expect(answer).toMatchObject({
      status: 500,
      body: { kind: 'Status', status: 'Failure', code: 500, message: 'unknown patch type: bogus in map: map[$patch:bogus]' },
    });
    expect(answer.body.reason).toBeUndefined();
    expect(sandbox.api.get(RESOURCES.configMaps, 'default', 'target')?.data).toEqual({ a: '1' });
  });

  describe('label selectors, read as labels.Parse reads them', () => {
    const list = (selector: string) => http(sandbox, 'GET', `${CONFIGMAPS}?labelSelector=${encodeURIComponent(selector)}`);

    test.each([
      ['%ZZ', 'unable to parse requirement: <nil>: Invalid value: "%ZZ": name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\')'],
      [`${'k'.repeat(64)}=v`, `unable to parse requirement: <nil>: Invalid value: "${'k'.repeat(64)}": name part must be no more than 63 characters`],
      ['app=web,', 'found \'\', expected: identifier after \',\''],
      ['app in web', 'unable to parse requirement: found \'web\' expected: \'(\''],
      ['app=(web)', 'unable to parse requirement: found \'(\', expected: identifier'],
      ['app=we b', 'found \'b\', expected: \',\' or \'end of string\''],
      [`app=${'v'.repeat(64)}`, `unable to parse requirement: values[0][app]: Invalid value: "${'v'.repeat(64)}": must be no more than 63 characters`],
      ['count>x', 'unable to parse requirement: values[0]: Invalid value: "x": for \'Gt\', \'Lt\' operators, the value must be an integer'],
      ['=web', 'found \'=\', expected: !, identifier, or \'end of string\''],
    ])('%s is a 400 with upstream\'s text', async (selector, message) => {
      expect(await list(selector)).toMatchObject({ status: 400, body: { kind: 'Status', reason: 'BadRequest', code: 400, message } });
    });

    test('`a notin ()` is `a notin ("")`, and `in (x,,y)` includes the empty value, as upstream', async () => {
      expect((await list('app notin ()')).body.items.map((item: any) => item.metadata.name)).toContain('target');
      expect((await list('app in ()')).body.items).toEqual([]);
      expect((await list('app in (x,,web)')).body.items.map((item: any) => item.metadata.name)).toEqual(['target']);
    });

    test('a watch with an unreadable selector is refused before it starts', async () => {
      expect((await http(sandbox, 'GET', `${CONFIGMAPS}?watch=1&labelSelector=${encodeURIComponent('a notin (')}`)).status).toBe(400);
    });
  });

  describe('field selectors, read as fields.ParseSelector reads them', () => {
    const list = (selector: string) => http(sandbox, 'GET', `${CONFIGMAPS}?fieldSelector=${encodeURIComponent(selector)}`);

    test.each([
      ['metadata.name', 'invalid selector: \'metadata.name\'; can\'t understand \'metadata.name\''],
      ['metadata.name=target,x', 'invalid selector: \'metadata.name=target,x\'; can\'t understand \'x\''],
      ['metadata.name=a=b', 'invalid field selector: unescaped character in value: 61'],
      ['metadata.name=a\\x', 'invalid field selector: invalid escape sequence: \\x'],
      ['metadata.name=a\\', 'invalid field selector: invalid escape sequence: \\'],
    ])('%s is a 400 with upstream\'s text', async (selector, message) => {
      expect(await list(selector)).toMatchObject({ status: 400, body: { reason: 'BadRequest', message } });
    });

    test('escaped commas and equals signs are part of the value; spaces are not trimmed', async () => {
      expect((await list('metadata.name=a\\,b\\=c')).body.items).toEqual([]);
      expect((await list('metadata.name=target')).body.items.map((item: any) => item.metadata.name)).toEqual(['target']);
      expect((await list(' metadata.name=target')).status).toBe(400);
    });
  });

  test('a resourceVersion that is not an unsigned 64-bit integer is a 400 on list, get and watch', async () => {
    for (const [value, problem] of [['abc', 'invalid syntax'], ['-1', 'invalid syntax'], ['1.5', 'invalid syntax'], ['18446744073709551616', 'value out of range']]) {
      const message = `invalid resource version: resourceVersion: Invalid value: "${value}": strconv.ParseUint: parsing "${value}": ${problem}`;
      for (const path of [`${CONFIGMAPS}?resourceVersion=${value}`, `${CONFIGMAPS}/target?resourceVersion=${value}`, `${CONFIGMAPS}?watch=1&resourceVersion=${value}`]) {
        expect(await http(sandbox, 'GET', path)).toMatchObject({ status: 400, body: { reason: 'BadRequest', message } });
      }
    }
    expect((await http(sandbox, 'GET', `${CONFIGMAPS}?resourceVersion=0`)).status).toBe(200);
    expect((await http(sandbox, 'GET', `${CONFIGMAPS}/target?resourceVersion=18446744073709551615`)).status).toBe(200);
  });
});

import { ApiError, KubeObject, RESOURCES } from '../../../src/sandbox/api';
import { applyPatch } from '../../../src/sandbox/patch';

const kafka = (): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'kafka', namespace: 'default' },
  spec: {
    replicas: 3,
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
    template: { spec: { containers: [{ name: 'k8skafka', image: 'kafka:1', resources: { requests: { cpu: '500m' } } }] } },
  },
});

function apiError(run: () => unknown): ApiError {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected an ApiError');
}

describe('applyPatch', () => {
  const sts = RESOURCES.statefulSets;

  test('dispatches on the content type, ignoring parameters', () => {
    const json = applyPatch(sts, kafka(),
      '[{"op": "replace", "path": "/spec/template/spec/containers/0/resources/requests/cpu", "value":"250m"}]',
      'application/json-patch+json');
    expect(json.spec.template.spec.containers[0].resources.requests.cpu).toBe('250m');

    const merge = applyPatch(sts, kafka(), '{"spec":{"template":{"spec":{"containers":[{"name":"x"}]}}}}',
      'application/merge-patch+json; charset=utf-8');
    expect(merge.spec.template.spec.containers).toEqual([{ name: 'x' }]);

    const strategic = applyPatch(sts, kafka(), '{"spec":{"template":{"spec":{"containers":[{"name":"k8skafka","image":"kafka:2"}]}}}}',
      'application/strategic-merge-patch+json');
    expect(strategic.spec.template.spec.containers).toEqual([{ name: 'k8skafka', image: 'kafka:2', resources: { requests: { cpu: '500m' } } }]);
  });

  test('a JSON patch that does not apply is 422 Invalid with upstream\'s generic message', () => {
    const error = apiError(() => applyPatch(sts, kafka(), '[{"op":"replace","path":"/spec/nope","value":1}]', 'application/json-patch+json'));
    expect(error).toMatchObject({ code: 422, reason: 'Invalid', message: 'the server rejected our request due to an error in our request' });
  });

  test.each([
    ['application/json-patch+json', '{"op":"add"}', 'json: cannot unmarshal object into Go value of type jsonpatch.Patch'],
    ['application/json-patch+json', '["add"]', 'json: cannot unmarshal string into Go value of type jsonpatch.Operation'],
    ['application/json-patch+json', '', 'unexpected end of JSON input'],
    ['application/strategic-merge-patch+json', '[1]', 'json: cannot unmarshal array into Go value of type map[string]interface {}'],
    ['application/strategic-merge-patch+json', 'spec: {}', 'invalid character \'s\' looking for beginning of value'],
    ['application/strategic-merge-patch+json', '{"spec": ', 'unexpected end of JSON input'],
    ['application/merge-patch+json', '[1]', 'Invalid JSON Patch'],
  ])('a %s body %j that does not decode is 400 BadRequest: %s', (contentType, body, message) => {
    expect(apiError(() => applyPatch(sts, kafka(), body, contentType))).toMatchObject({ code: 400, reason: 'BadRequest', message });
  });

  test('strategic merge patch errors keep upstream\'s code: 500 without a reason for a missing merge key', () => {
    const error = apiError(() => applyPatch(sts, kafka(), '{"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}',
      'application/strategic-merge-patch+json'));
    expect(error).toMatchObject({ code: 500, reason: '', message: 'map: map[image:x] does not contain declared merge key: name' });
  });

  test('unknown content types are 415 with what is accepted', () => {
    expect(apiError(() => applyPatch(sts, kafka(), '{}', 'text/plain'))).toMatchObject({
      code: 415,
      message: 'the body of the request was in an unknown format - accepted media types include: '
        + 'application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml',
    });
  });

  test.each([
    ['application/merge-patch+json', '{"metadata":{"labels":{"__proto__":{"x":"1"},"constructor":"c"}}}'],
    ['application/strategic-merge-patch+json', '{"metadata":{"labels":{"__proto__":{"x":"1"},"constructor":"c"}}}'],
    ['application/json-patch+json', '[{"op":"add","path":"/metadata/labels","value":{}},{"op":"add","path":"/metadata/labels/__proto__","value":{"x":"1"}},'
      + '{"op":"add","path":"/metadata/labels/constructor","value":"c"}]'],
  ])('%s treats __proto__ and constructor as ordinary keys', (contentType, body) => {
    const patched = applyPatch(sts, kafka(), body, contentType);
    expect(Object.keys(patched.metadata.labels!)).toEqual(['__proto__', 'constructor']);
    // The object's prototype is still Object.prototype (of whichever realm), not the patch's value.
    expect(Object.getPrototypeOf(Object.getPrototypeOf(patched.metadata.labels))).toBeNull();
    expect(JSON.parse(JSON.stringify(patched.metadata.labels))).toEqual(JSON.parse('{"__proto__":{"x":"1"},"constructor":"c"}'));
  });
});

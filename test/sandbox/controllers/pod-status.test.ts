import { KubeObject } from '../../../src/sandbox/api';
import { isPodAvailable, msUntilNextAvailable } from '../../../src/sandbox/controllers/pod-status';

const READY_AT = Date.parse('2026-01-01T00:00:10Z');

function pod(ready: 'True' | 'False', lastTransitionTime = '2026-01-01T00:00:10Z'): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready, lastTransitionTime }] } };
}

describe('isPodAvailable', () => {
  test('is strict: a pod Ready for exactly minReadySeconds is not yet available', () => {
    expect(isPodAvailable(pod('True'), 30, READY_AT + 30_000)).toBe(false);
    expect(isPodAvailable(pod('True'), 30, READY_AT + 30_001)).toBe(true);
    expect(isPodAvailable(pod('True'), 0, READY_AT)).toBe(true);
    expect(isPodAvailable(pod('False'), 0, READY_AT + 60_000)).toBe(false);
  });
});

describe('msUntilNextAvailable', () => {
  test('is the wait until the soonest Ready pod passes the strict boundary', () => {
    const later = pod('True', '2026-01-01T00:00:20Z');
    expect(msUntilNextAvailable([later, pod('True')], 30, READY_AT + 5_000)).toBe(25_001);
    expect(isPodAvailable(pod('True'), 30, READY_AT + 5_000 + 25_001)).toBe(true);
  });

  test('is undefined when nothing is waiting: no minReadySeconds, pods not Ready, or already available', () => {
    expect(msUntilNextAvailable([pod('True')], 0, READY_AT)).toBeUndefined();
    expect(msUntilNextAvailable([pod('False')], 30, READY_AT)).toBeUndefined();
    expect(msUntilNextAvailable([pod('True')], 30, READY_AT + 31_000)).toBeUndefined();
    expect(msUntilNextAvailable([], 30, READY_AT)).toBeUndefined();
  });
});

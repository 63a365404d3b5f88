import { KubeObject, RESOURCES } from '../../../src/sandbox/api';
import { VirtualClock } from '../../../src/sandbox/clock';
import { CORRELATION_CACHE_ENTRIES, EventBroadcaster } from '../../../src/sandbox/controllers/event-recorder';
import { createSandboxApi } from '../../../src/sandbox/store';

const POD: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-0', namespace: 'default', uid: 'pod-uid' } };

function eventsFor(api: ReturnType<typeof createSandboxApi>, message: string): KubeObject[] {
  return api.list(RESOURCES.events, { namespace: 'default' }).items.filter((event) => event.message === message);
}

describe('EventBroadcaster correlation', () => {
  test('a repeat of a recent event bumps its count; a repeat of one older than the cache bound is a new Event', () => {
    const clock = new VirtualClock();
    const api = createSandboxApi({ clock });
    const recorder = new EventBroadcaster(api, clock).recorderFor('kubelet');
    recorder.normal(POD, 'Pulled', 'first');
    for (let i = 0; i < CORRELATION_CACHE_ENTRIES; i++) {
      recorder.normal(POD, 'Pulled', `filler ${i}`);
    }
    recorder.normal(POD, 'Pulled', 'first');
    recorder.normal(POD, 'Pulled', `filler ${CORRELATION_CACHE_ENTRIES - 1}`);
    expect(eventsFor(api, 'first').map((event) => event.count)).toEqual([1, 1]);
    expect(eventsFor(api, `filler ${CORRELATION_CACHE_ENTRIES - 1}`).map((event) => event.count)).toEqual([2]);
  });
});

import { KubeObject, RESOURCES } from '../../../src/sandbox/api';
import { PodFailureMode } from '../../../src/sandbox/controllers';
import { isReady } from '../../support/pod-readiness';
import { InProcessSandboxKit, startSandboxKit } from '../../support/sandbox-kit';

let sandbox: InProcessSandboxKit | undefined;

afterEach(() => sandbox?.stop());

function pod(name: string, image: string, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { containers: [{ name: 'main', image, ...extra }] },
  };
}

function getPod(name: string): KubeObject {
  return sandbox!.api.get(RESOURCES.pods, 'default', name)!;
}

function waitingReason(name: string): string | undefined {
  return getPod(name).status?.containerStatuses?.[0]?.state?.waiting?.reason;
}

function reasons(name: string): string[] {
  return sandbox!.api.list(RESOURCES.events, { namespace: 'default' }).items
    .filter((event) => event.involvedObject?.name === name)
    .map((event) => event.reason);
}

describe('kubelet simulation (in-process)', () => {
  test('a pod goes ContainerCreating -> Running -> Ready with conditions, IPs and events', async () => {
    sandbox = await startSandboxKit({ nodes: 1, kubeletTiming: 'sandbox' });
    sandbox.api.create(RESOURCES.pods, pod('web', 'web:1', { readinessProbe: { httpGet: { path: '/', port: 80 }, initialDelaySeconds: 5 } }));
    sandbox.clock.advance(0);
    sandbox.advanceUntil(() => waitingReason('web') === 'ContainerCreating');
    expect(getPod('web').status.phase).toBe('Pending');
    sandbox.advanceUntil(() => getPod('web').status?.phase === 'Running');
    const runningAt = sandbox.clock.now();
    expect(isReady(getPod('web'))).toBe(false);
    sandbox.advanceUntil(() => isReady(getPod('web')));
    expect(sandbox.clock.now() - runningAt).toBe(5_000);
    const status = getPod('web').status;
    expect(status.podIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(status.hostIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(status.conditions.map((c: any) => c.type).sort()).toEqual(['ContainersReady', 'Initialized', 'PodReadyToStartContainers', 'PodScheduled', 'Ready']);
    expect(status.containerStatuses[0]).toEqual(expect.objectContaining({ ready: true, restartCount: 0, started: true }));
    expect(reasons('web')).toEqual(expect.arrayContaining(['Scheduled', 'Pulling', 'Pulled', 'Created', 'Started']));
  });

  test('the seed\'s bad tag fails with ErrImagePull, then ImagePullBackOff, and never becomes Ready', async () => {
    sandbox = await startSandboxKit({ nodes: 1, kubeletTiming: 'sandbox' });
    sandbox.api.create(RESOURCES.pods, pod('exporter', 'prom/node-exporter:bad'));
    sandbox.advanceUntil(() => waitingReason('exporter') === 'ErrImagePull');
    sandbox.advanceUntil(() => waitingReason('exporter') === 'ImagePullBackOff');
    sandbox.clock.advance(600_000);
    expect(['ErrImagePull', 'ImagePullBackOff']).toContain(waitingReason('exporter'));
    expect(isReady(getPod('exporter'))).toBe(false);
    expect(reasons('exporter')).toEqual(expect.arrayContaining(['Failed', 'BackOff']));
  });

  test('a crash-loop rule restarts the container with growing back-off', async () => {
    sandbox = await startSandboxKit({ nodes: 1, kubeletTiming: 'sandbox', kubelet: { failureRules: [{ mode: PodFailureMode.CRASH_LOOP, image: 'app:crash' }] } });
    sandbox.api.create(RESOURCES.pods, pod('app', 'app:crash'));
    sandbox.advanceUntil(() => waitingReason('app') === 'CrashLoopBackOff');
    const restartTimes: number[] = [];
    let last = getPod('app').status.containerStatuses[0].restartCount;
    sandbox.advanceUntil(() => {
      const count = getPod('app').status.containerStatuses[0].restartCount;
      if (count !== last) {
        restartTimes.push(sandbox!.clock.now());
        last = count;
      }
      return restartTimes.length === 3;
    }, 3_600_000);
    const gaps = [restartTimes[1] - restartTimes[0], restartTimes[2] - restartTimes[1]];
    expect(gaps[1]).toBeGreaterThan(gaps[0]);
    expect(isReady(getPod('app'))).toBe(false);
  });

  test('a deleted pod is Terminating for its grace period and then removed', async () => {
    sandbox = await startSandboxKit({ nodes: 1, kubeletTiming: 'sandbox' });
    sandbox.api.create(RESOURCES.pods, pod('web', 'web:1'));
    sandbox.advanceUntil(() => getPod('web').status?.phase === 'Running');
    sandbox.api.delete(RESOURCES.pods, 'default', 'web');
    expect(getPod('web').metadata.deletionTimestamp).toBeDefined();
    sandbox.advanceUntil(() => sandbox!.api.get(RESOURCES.pods, 'default', 'web') === undefined);
    expect(reasons('web')).toContain('Killing');
  });
});

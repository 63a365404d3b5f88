import { KubeObject, RESOURCES } from '../../../src/sandbox/api';
import { InProcessSandboxKit, startSandboxKit } from '../../support/sandbox-kit';

let sandbox: InProcessSandboxKit | undefined;

afterEach(() => sandbox?.stop());

function pod(name: string, spec: Record<string, unknown> = {}, cpu = '100m'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: 'web' } },
    spec: { containers: [{ name: 'web', image: 'web:1', resources: { requests: { cpu } } }], ...spec },
  };
}

function scheduledCondition(name: string): any {
  return sandbox!.api.get(RESOURCES.pods, 'default', name)!.status?.conditions?.find((c: any) => c.type === 'PodScheduled');
}

function eventsFor(name: string): KubeObject[] {
  return sandbox!.api.list(RESOURCES.events, { namespace: 'default' }).items.filter((e) => e.involvedObject?.name === name);
}

describe('scheduler (in-process)', () => {
  test('binds a pod that fits and records Scheduled', async () => {
    sandbox = await startSandboxKit({ nodes: 3, kubeletTiming: 'sandbox' });
    sandbox.api.create(RESOURCES.pods, pod('web-a'));
    sandbox.clock.advance(0);
    const bound = sandbox.api.get(RESOURCES.pods, 'default', 'web-a')!;
    expect(bound.spec.nodeName).toMatch(/^node-[123]$/);
    expect(scheduledCondition('web-a')).toEqual(expect.objectContaining({ status: 'True' }));
    expect(eventsFor('web-a').map((e) => e.reason)).toContain('Scheduled');
  });

  test('a pod requesting more cpu than any node has is Unschedulable with the upstream message', async () => {
    sandbox = await startSandboxKit({ nodes: [{ cpu: '1' }, { cpu: '1' }, { cpu: '1' }], kubeletTiming: 'sandbox' });
    sandbox.api.create(RESOURCES.pods, pod('big', {}, '2'));
    sandbox.clock.advance(0);
    expect(sandbox.api.get(RESOURCES.pods, 'default', 'big')!.spec.nodeName).toBeUndefined();
    expect(scheduledCondition('big')).toEqual(expect.objectContaining({
      status: 'False',
      reason: 'Unschedulable',
      message: '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling..',
    }));
    const failed = eventsFor('big').find((e) => e.reason === 'FailedScheduling');
    expect(failed).toEqual(expect.objectContaining({ type: 'Warning', message: '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling..' }));
  });

  test('the control-plane taint, a nodeSelector and resources give a per-reason histogram', async () => {
    sandbox = await startSandboxKit({ nodes: [{ controlPlane: true }, { cpu: '1' }, { labels: { disk: 'hdd' } }], kubeletTiming: 'sandbox' });
    sandbox.api.create(RESOURCES.pods, pod('picky', { nodeSelector: { disk: 'ssd' } }));
    sandbox.clock.advance(0);
    expect(scheduledCondition('picky')?.message).toMatch(/^0\/3 nodes are available: /);
    expect(scheduledCondition('picky')?.message).toContain("node(s) didn't match Pod's node affinity/selector");
    expect(scheduledCondition('picky')?.message).toContain('1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }');
  });

  test('required pod anti-affinity on the hostname spreads replicas, the fourth stays pending', async () => {
    sandbox = await startSandboxKit({ nodes: 3, kubeletTiming: 'sandbox' });
    const antiAffinity = {
      affinity: {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' }],
        },
      },
    };
    for (const name of ['w-0', 'w-1', 'w-2', 'w-3']) {
      sandbox.api.create(RESOURCES.pods, pod(name, antiAffinity));
      sandbox.clock.advance(0);
    }
    const nodes = ['w-0', 'w-1', 'w-2'].map((name) => sandbox!.api.get(RESOURCES.pods, 'default', name)!.spec.nodeName);
    expect(new Set(nodes).size).toBe(3);
    expect(sandbox.api.get(RESOURCES.pods, 'default', 'w-3')!.spec.nodeName).toBeUndefined();
    expect(scheduledCondition('w-3')?.message).toBe("0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod..");
  });

  test('a pod without rules is kept off a node whose pod has anti-affinity against it', async () => {
    sandbox = await startSandboxKit({ nodes: 1, kubeletTiming: 'sandbox' });
    const guard = pod('guard', {
      affinity: {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { role: 'noisy' } }, topologyKey: 'kubernetes.io/hostname' }],
        },
      },
    });
    sandbox.api.create(RESOURCES.pods, guard);
    sandbox.clock.advance(0);
    const noisy = pod('noisy');
    noisy.metadata.labels = { role: 'noisy' };
    sandbox.api.create(RESOURCES.pods, noisy);
    sandbox.clock.advance(0);
    expect(scheduledCondition('noisy')?.message).toBe("0/1 nodes are available: 1 node(s) didn't satisfy existing pods anti-affinity rules. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod..");
  });
});

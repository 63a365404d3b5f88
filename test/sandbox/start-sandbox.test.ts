import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { RESOURCES } from '../../src/sandbox/api';
import { VirtualClock } from '../../src/sandbox/clock';
import { Sandbox, startSandbox } from '../../src/sandbox/start-sandbox';
import { kubectl } from '../support/sandbox-clients';

jest.setTimeout(60_000);

const WEB = JSON.stringify({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'web' },
  spec: {
    replicas: 3,
    serviceName: 'web',
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }] } },
  },
});

const readyReplicas = (sandbox: Sandbox) => sandbox.api.get(RESOURCES.statefulSets, 'default', 'web')?.status?.readyReplicas ?? 0;

describe('startSandbox', () => {
  let sandbox: Sandbox;
  afterEach(() => sandbox?.stop());

  test('writes a kubeconfig for context sandbox in namespace default, and starts with the namespaces and nodes', async () => {
    sandbox = await startSandbox({ clock: 'virtual', nodes: 2 });
    expect(sandbox.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(parse(readFileSync(sandbox.kubeconfigPath, 'utf8'))).toEqual(sandbox.kubeconfig);
    expect(sandbox.kubeconfig).toMatchObject({
      'apiVersion': 'v1',
      'kind': 'Config',
      'current-context': 'sandbox',
      'clusters': [{ name: 'sandbox', cluster: { server: sandbox.url } }],
      'contexts': [{ name: 'sandbox', context: { cluster: 'sandbox', namespace: 'default' } }],
    });
    expect(sandbox.api.list(RESOURCES.namespaces).items.map((ns) => ns.metadata.name)).toEqual(['default', 'kube-system']);
    const nodes = await kubectl(sandbox, ['get', 'nodes', '-o', 'name']);
    expect(nodes.stdout).toBe('node/node-1\nnode/node-2\n');
    expect(sandbox.clock).toBeInstanceOf(VirtualClock);
  });

  test('a StatefulSet applied with kubectl becomes Ready as runUntil moves virtual time, while kubectl rollout status watches', async () => {
    sandbox = await startSandbox({ clock: 'virtual', nodes: 3 });
    const start = sandbox.clock.now();
    expect((await kubectl(sandbox, ['apply', '-f', '-'], WEB)).stdout).toBe('statefulset.apps/web created\n');
    const status = kubectl(sandbox, ['rollout', 'status', 'statefulset/web', '--timeout=10m']);
    await sandbox.runUntil(status, { maxVirtualMs: 600_000 });
    const { stdout, code } = await status;
    expect(code).toBe(0);
    expect(stdout.trim().split('\n').pop()).toBe('partitioned roll out complete: 3 new pods have been updated...');
    expect(readyReplicas(sandbox)).toBe(3);
    // OrderedReady: three pods one after another, each pulled (2 s) and started (8 s) by the simulated kubelet.
    expect(sandbox.clock.now() - start).toBeGreaterThanOrEqual(30_000);
    const pods = await kubectl(sandbox, ['get', 'pods', '-o', 'name']);
    expect(pods.stdout).toBe('pod/web-0\npod/web-1\npod/web-2\n');
  });

  test('runUntil with a predicate stops as soon as it holds, and fails after maxVirtualMs', async () => {
    sandbox = await startSandbox({ clock: 'virtual', nodes: 1 });
    await kubectl(sandbox, ['apply', '-f', '-'], WEB);
    await sandbox.runUntil(() => readyReplicas(sandbox) >= 1);
    expect(readyReplicas(sandbox)).toBe(1);
    await expect(sandbox.runUntil(() => false, { maxVirtualMs: 5_000 })).rejects.toThrow(/condition still false after 5000 ms of virtual time/);
  });

  test('runUntil lets an in-process client-node watcher react before time moves on', async () => {
    sandbox = await startSandbox({ clock: 'virtual', nodes: 0 });
    const k8s = await import('@kubernetes/client-node');
    const config = new k8s.KubeConfig();
    config.loadFromFile(sandbox.kubeconfigPath);
    const core = config.makeApiClient(k8s.CoreV1Api);
    const reactions: string[] = [];
    const watching = await new k8s.Watch(config).watch('/api/v1/namespaces/default/configmaps',
      { resourceVersion: sandbox.api.list(RESOURCES.configMaps).resourceVersion },
      (type: string, obj: any) => {
        if (type === 'ADDED' && obj.metadata.name.startsWith('trigger-')) {
          // The reaction reads, then writes: two round trips the clock must wait for.
          void core.readNamespacedConfigMap({ namespace: 'default', name: obj.metadata.name })
            .then(() => core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: `reaction-${obj.metadata.name}` } } }))
            .then((created) => reactions.push(`${created.metadata!.name}@${sandbox.clock.now() - start}`))
            .catch((error: Error) => reactions.push(`failed: ${error.message}`));
        }
      }, () => undefined);
    const start = sandbox.clock.now();
    const trigger = (name: string) => sandbox.api.create(RESOURCES.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' } });
    sandbox.clock.setTimer(10_000, () => trigger('trigger-1'));
    sandbox.clock.setTimer(10_001, () => trigger('trigger-2'));
    sandbox.clock.setTimer(60_000, () => undefined);
    await sandbox.runUntil(() => reactions.length === 2);
    watching.abort();
    expect(reactions).toEqual(['reaction-trigger-1@10000', 'reaction-trigger-2@10001']);
  });

  test('advance moves exactly the given virtual time', async () => {
    sandbox = await startSandbox({ clock: 'virtual', nodes: 1 });
    const start = sandbox.clock.now();
    await sandbox.advance(12_345);
    expect(sandbox.clock.now() - start).toBe(12_345);
    await expect(sandbox.advance(-1)).rejects.toThrow('Sandbox.advance: ms must be a number >= 0, got -1');
  });

  test('addNode and taintNode change the nodes the scheduler sees', async () => {
    sandbox = await startSandbox({ clock: 'virtual', nodes: 1 });
    sandbox.addNode('edge-1');
    sandbox.taintNode('node-1', { key: 'dedicated', value: 'db', effect: 'NoSchedule' });
    const nodes = await kubectl(sandbox, ['get', 'nodes', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.spec.taints[*].key}{"\\n"}{end}']);
    expect(nodes.stdout).toBe('edge-1=\nnode-1=dedicated\n');
    const edge = sandbox.api.get(RESOURCES.nodes, undefined, 'edge-1')!;
    expect(edge.spec.podCIDR).toBe('10.244.1.0/24');
    expect(() => sandbox.addNode('edge-1')).toThrow('"edge-1" is used by another node');
    await kubectl(sandbox, ['apply', '-f', '-'], WEB);
    await sandbox.runUntil(() => readyReplicas(sandbox) === 3);
    const placed = sandbox.api.list(RESOURCES.pods, { namespace: 'default' }).items.map((pod) => pod.spec.nodeName);
    expect(new Set(placed)).toEqual(new Set(['edge-1']));
    expect(() => sandbox.taintNode('nope', { key: 'k', effect: 'NoSchedule' })).toThrow('Sandbox.taintNode: node "nope" not found; nodes: edge-1, node-1');
  });

  test('a port in use is reported with what to do, and invalid faults before anything starts', async () => {
    sandbox = await startSandbox({ clock: 'virtual', nodes: 0 });
    const port = Number(new URL(sandbox.url).port);
    await expect(startSandbox({ clock: 'virtual', nodes: 0, port })).rejects.toThrow(
      `cannot listen on 127.0.0.1:${port} (listen EADDRINUSE: address already in use 127.0.0.1:${port}); choose another port, or 0 for a free one`);
    await expect(startSandbox({ clock: 'virtual', faults: { serverErrorRate: 2 } })).rejects.toThrow(/faults\.serverErrorRate/);
  });

  test('an invalid idleTurns is refused before anything starts: the port stays free', async () => {
    sandbox = await startSandbox({ clock: 'virtual', nodes: 0 });
    const port = Number(new URL(sandbox.url).port);
    await sandbox.stop();
    await expect(startSandbox({ clock: 'virtual', nodes: 0, port, idleTurns: 0 })).rejects.toThrow('startSandbox: idleTurns must be an integer >= 1, got 0');
    sandbox = await startSandbox({ clock: 'virtual', nodes: 0, port });
    expect(sandbox.url).toBe(`https://127.0.0.1:${port}`);
  });

  test('time controls need the virtual clock', async () => {
    sandbox = await startSandbox({ nodes: 0 });
    await expect(sandbox.advance(1)).rejects.toThrow("Sandbox.advance needs a virtual clock: start the sandbox with { clock: 'virtual' }");
    await expect(sandbox.runUntil(() => true)).rejects.toThrow("Sandbox.runUntil needs a virtual clock: start the sandbox with { clock: 'virtual' }");
  });
});

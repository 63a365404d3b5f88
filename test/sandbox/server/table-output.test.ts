import { RESOURCES } from '../../../src/sandbox/api';
import { Sandbox, startSandbox } from '../../../src/sandbox/start-sandbox';
import { http, kubectl } from '../../support/sandbox-clients';

jest.setTimeout(60_000);

const MANIFESTS = JSON.stringify({
  apiVersion: 'v1',
  kind: 'List',
  items: [
    {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'zk' },
      spec: {
        replicas: 2,
        serviceName: 'zk',
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: { app: 'zk' } },
        template: { metadata: { labels: { app: 'zk' } }, spec: { containers: [{ name: 'zk', image: 'zookeeper:3.9' }] } },
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'node-exporter' },
      spec: {
        selector: { matchLabels: { app: 'node-exporter' } },
        template: { metadata: { labels: { app: 'node-exporter' } }, spec: { containers: [{ name: 'exporter', image: 'prom/node-exporter:v1.8.0' }] } },
      },
    },
  ],
});

// Columns as upstream's printers define them; the rows come from the server's Table, so AGE is virtual time.
describe('kubectl get prints the server\'s Table', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ clock: 'virtual', nodes: 2 });
    await kubectl(sandbox, ['apply', '-f', '-'], MANIFESTS);
    await sandbox.runUntil(() => {
      const pods = sandbox.api.list(RESOURCES.pods, { namespace: 'default' }).items;
      return pods.length === 4 && pods.every((pod) => pod.status?.conditions?.some((condition: any) => condition.type === 'Ready' && condition.status === 'True'));
    });
    await sandbox.advance(90_000);
  });
  afterAll(() => sandbox.stop());

  test('pods', async () => {
    const { stdout } = await kubectl(sandbox, ['get', 'pods', '-l', 'app=zk']);
    expect(stdout).toBe([
      'NAME   READY   STATUS    RESTARTS   AGE',
      'zk-0   1/1     Running   0          100s',
      'zk-1   1/1     Running   0          100s',
      '',
    ].join('\n'));
  });

  test('statefulsets, wide', async () => {
    const { stdout } = await kubectl(sandbox, ['get', 'sts', '-o', 'wide']);
    expect(stdout).toBe([
      'NAME   READY   AGE    CONTAINERS   IMAGES',
      'zk     2/2     100s   zk           zookeeper:3.9',
      '',
    ].join('\n'));
  });

  test('daemonsets', async () => {
    const { stdout } = await kubectl(sandbox, ['get', 'ds']);
    expect(stdout).toBe([
      'NAME            DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR   AGE',
      'node-exporter   2         2         2       2            2           <none>          100s',
      '',
    ].join('\n'));
  });

  test('a JSON get of the same list is a v1 list with the store\'s resourceVersion, in one page', async () => {
    // Without `limit` (paging: list-chunks.test.ts) the whole list, with no continue token.
    const { body } = await http(sandbox, 'GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dzk');
    expect(body.kind).toBe('PodList');
    expect(body.items.map((pod: any) => pod.metadata.name)).toEqual(['zk-0', 'zk-1']);
    expect(Number(body.metadata.resourceVersion)).toBeGreaterThan(0);
    expect(body.metadata.continue).toBeUndefined();
  });
});

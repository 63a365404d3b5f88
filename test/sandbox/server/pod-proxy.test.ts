// GET pods/<name>[:<port>]/proxy/<path> over the sandbox's simulated metrics endpoints, through the runtime's
// client-node Cluster over HTTPS (as kubectl-stage reaches a cluster) and in process: upstream's answers for a missing
// pod, a pod without an address, a port nothing listens on, and the pod's own answer otherwise.
import { ClusterError } from '../../../src/runtime/cluster/cluster';
import { RESOURCES } from '../../../src/sandbox/api';
import { VirtualClock } from '../../../src/sandbox/clock';
import { PodMetrics } from '../../../src/sandbox/pod-metrics';
import { createSandboxApi } from '../../../src/sandbox/store';
import { HttpSandboxKit, startSandboxKit } from '../../support/sandbox-kit';

const PAGE = '# TYPE up gauge\nup 1\n';

async function failure(promise: Promise<unknown>): Promise<ClusterError> {
  try {
    await promise;
  } catch (error) {
    if (ClusterError.is(error)) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a ClusterError');
}

describe('pod proxy over HTTPS', () => {
  let sandbox: HttpSandboxKit;
  afterAll(() => sandbox?.stop());

  test('answers the page of a running pod, and upstream\'s errors otherwise', async () => {
    sandbox = await startSandboxKit({ transport: 'http', nodes: 1 });
    await sandbox.createStatefulSet('kafka', { replicas: 1, ports: [{ name: 'metrics', containerPort: 9404 }] });
    sandbox.podMetrics.set('default', 'kafka-0', 9404, (pod) => `${PAGE}pod_name{pod="${pod.metadata.name}"} 1\n`);
    const ip = sandbox.pods('kafka')[0].status.podIP;

    expect(await sandbox.cluster.podProxyGet('default', 'kafka-0', 9404, 'metrics')).toBe(`${PAGE}pod_name{pod="kafka-0"} 1\n`);
    expect(await failure(sandbox.cluster.podProxyGet('default', 'kafka-0', 9405, 'metrics'))).toMatchObject({
      code: 503, message: `error trying to reach service: dial tcp ${ip}:9405: connect: connection refused`,
    });
    expect(await failure(sandbox.cluster.podProxyGet('default', 'kafka-9', 9404, 'metrics')))
      .toMatchObject({ code: 404, message: 'pods "kafka-9" not found' });
    expect(await failure(sandbox.cluster.podProxyGet('default', 'kafka-0', 9404, 'healthz'))).toMatchObject({ code: 404 });
  });
});

describe('PodMetrics.proxy', () => {
  const clock = new VirtualClock();
  const api = createSandboxApi({ clock });
  const metrics = new PodMetrics();
  const pod = (name: string, status: Record<string, unknown>) => {
    api.create(RESOURCES.pods, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default' },
      spec: { containers: [{ name: 'c', image: 'c:1', ports: [{ containerPort: 8080 }] }] },
    });
    const created = api.get(RESOURCES.pods, 'default', name)!;
    api.updateStatus(RESOURCES.pods, { ...created, status: { ...created.status, ...status } });
  };
  pod('pending', { phase: 'Pending' });
  pod('running', { phase: 'Running', podIP: '10.0.0.7', containerStatuses: [{ name: 'c', state: { running: {} } }] });
  pod('crashed', { phase: 'Running', podIP: '10.0.0.8', containerStatuses: [{ name: 'c', state: { waiting: { reason: 'CrashLoopBackOff' } } }] });
  metrics.set('default', 'running', 8080, PAGE);
  metrics.set('default', 'crashed', 8080, PAGE);

  test('a pod without an address is refused as upstream\'s ResourceLocation refuses it', () => {
    expect(() => metrics.proxy(api, 'default', 'pending:8080', 'metrics')).toThrow(expect.objectContaining({ code: 400, message: 'address not allowed' }));
  });

  test('a malformed pod id is a bad request', () => {
    expect(() => metrics.proxy(api, 'default', 'ftp:running:8080', 'metrics')).toThrow(expect.objectContaining({ code: 400, message: 'invalid pod request "ftp:running:8080"' }));
  });

  test('without a port, the first declared container port; with a scheme, the same pod', () => {
    expect(metrics.proxy(api, 'default', 'running', 'metrics')).toEqual({ status: 200, contentType: 'text/plain; version=0.0.4; charset=utf-8', body: PAGE });
    expect(metrics.proxy(api, 'default', 'http:running:8080', '/metrics').body).toBe(PAGE);
  });

  test('a pod whose container is not running listens on nothing', () => {
    expect(() => metrics.proxy(api, 'default', 'crashed:8080', 'metrics'))
      .toThrow(expect.objectContaining({ code: 503, message: 'error trying to reach service: dial tcp 10.0.0.8:8080: connect: connection refused' }));
  });

  test('an unknown path is the endpoint\'s own 404', () => {
    expect(metrics.proxy(api, 'default', 'running:8080', 'debug')).toEqual({ status: 404, contentType: 'text/plain; charset=utf-8', body: '404 page not found\n' });
    metrics.delete('default', 'running', 8080);
    expect(() => metrics.proxy(api, 'default', 'running:8080', 'metrics')).toThrow(expect.objectContaining({ code: 503 }));
  });
});

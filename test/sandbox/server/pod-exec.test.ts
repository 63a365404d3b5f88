import { KubeObject, RESOURCES } from '../../../src/sandbox/api';
import { simulateCommand } from '../../../src/sandbox/server/pod-exec';
import { Sandbox, startSandbox } from '../../../src/sandbox/start-sandbox';
import { kubectl } from '../../support/sandbox-clients';

jest.setTimeout(60_000);

const POD: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'zk-0', namespace: 'default' },
  spec: { hostname: 'zk-0', subdomain: 'zk-hs', containers: [{ name: 'zk', image: 'zk:1', env: [{ name: 'ZK_PORT', value: '2181' }] }] },
};

describe('simulateCommand', () => {
  const run = (...command: string[]) => simulateCommand(POD, POD.spec.containers[0], command);

  test('answers what the pod object tells: hostname, its FQDN under the subdomain, the literal environment', () => {
    expect(run('hostname')).toEqual({ stdout: 'zk-0\n', stderr: '', exitCode: 0 });
    expect(run('hostname', '-f').stdout).toBe('zk-0.zk-hs.default.svc.cluster.local\n');
    expect(run('env').stdout).toBe('HOSTNAME=zk-0\nZK_PORT=2181\n');
    expect(run('printenv', 'ZK_PORT')).toEqual({ stdout: '2181\n', stderr: '', exitCode: 0 });
    expect(run('printenv', 'NOPE').exitCode).toBe(1);
    expect(run('false').exitCode).toBe(1);
  });

  test('anything else cannot run, and says so', () => {
    expect(run('cat', '/opt/zookeeper/conf/zoo.cfg')).toEqual({
      stdout: '',
      stderr: 'the sandbox runs no container, so "cat /opt/zookeeper/conf/zoo.cfg" cannot run in zk-0; it answers hostname, hostname -f, env, printenv, echo, true and false\n',
      exitCode: 126,
    });
  });
});

describe('kubectl exec (WebSocket, v5.channel.k8s.io)', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ clock: 'virtual', nodes: 1 });
    sandbox.api.create(RESOURCES.pods, { ...POD, spec: { ...POD.spec, nodeName: undefined } });
    await sandbox.runUntil(() => sandbox.api.get(RESOURCES.pods, 'default', 'zk-0')?.status?.containerStatuses?.[0]?.state?.running !== undefined);
  });
  afterAll(() => sandbox.stop());

  test('prints the command\'s output, as the ZooKeeper tutorial\'s hostname loop does', async () => {
    expect(await kubectl(sandbox, ['exec', 'zk-0', '--', 'hostname'])).toMatchObject({ code: 0, stdout: 'zk-0\n' });
    expect(await kubectl(sandbox, ['exec', 'zk-0', '--', 'hostname', '-f'])).toMatchObject({ code: 0, stdout: 'zk-0.zk-hs.default.svc.cluster.local\n' });
  });

  test('a failing command exits with its code, as kubectl reports a container\'s', async () => {
    const failed = await kubectl(sandbox, ['exec', 'zk-0', '--', 'cat', '/etc/hosts']);
    expect(failed.code).toBe(126);
    expect(failed.stderr).toContain('cannot run in zk-0');
    expect(failed.stderr).toContain('command terminated with exit code 126');
  });

  test('a missing pod or container is upstream\'s error', async () => {
    expect((await kubectl(sandbox, ['exec', 'nope', '--', 'hostname'])).stderr).toContain('pods "nope" not found');
    expect((await kubectl(sandbox, ['exec', 'zk-0', '-c', 'other', '--', 'hostname'])).stderr).toContain('container other is not valid for pod zk-0');
  });
});

import { Duration } from 'cdk8s';
import { find, Manifest, selects, synthValid, testChart, validationErrors } from './manifest';
import { DaemonSetRollout } from '../../src/daemonset-rollout';
import { LogCollector } from '../../src/log-collector';
import { NodeAgent } from '../../src/node-agent';
import { NodeExporter } from '../../src/node-exporter';
import { PercentOrCount } from '../../src/percent-or-count';

function container(ds: Manifest): Manifest {
  return ds.spec.template.spec.containers[0];
}

describe('NodeAgent', () => {
  test('node selection, control-plane toleration, host mounts and secure defaults', () => {
    const chart = testChart();
    new NodeAgent(chart, 'agent', {
      name: 'disk-agent',
      image: 'example/disk-agent:1.0',
      nodeSelector: { disk: 'ssd' },
      tolerateControlPlane: true,
      priorityClassName: 'system-node-critical',
      hostMounts: [{ hostPath: '/var/log', mountPath: '/var/log' }],
      changeCause: 'first release',
    });
    const ds = find(synthValid(chart), 'DaemonSet', 'disk-agent');
    const spec = ds.spec.template.spec;
    expect(selects(ds.spec.selector.matchLabels, ds.spec.template.metadata.labels)).toBe(true);
    expect(ds.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } });
    expect(ds.metadata.annotations).toEqual({ 'kubernetes.io/change-cause': 'first release' });
    expect(spec.nodeSelector).toEqual({ disk: 'ssd' });
    expect(spec.priorityClassName).toBe('system-node-critical');
    expect(spec.tolerations).toEqual([{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(spec.volumes).toEqual([{ name: 'host-0', hostPath: { path: '/var/log' } }]);
    expect(container(ds).volumeMounts).toEqual([{ name: 'host-0', mountPath: '/var/log', readOnly: true }]);
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: 'RuntimeDefault' } });
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(container(ds).securityContext).toMatchObject({ readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
  });

  test('rejects a host port that differs from the container port on the host network', () => {
    expect(() => new NodeAgent(testChart(), 'agent', {
      name: 'a', image: 'i', hostNetwork: true, ports: [{ name: 'web', number: 8080, hostPort: 80 }],
    })).toThrow('test/agent: ports[0].hostPort: 80 is not valid; with hostNetwork the host port must equal the container port 8080');
  });
});

describe('NodeExporter', () => {
  test('matches the seed and the community chart', () => {
    const chart = testChart();
    const exporter = new NodeExporter(chart, 'node-exporter', { scrapeService: true });
    const objects = synthValid(chart);
    expect(objects).toMatchSnapshot();
    const ds = find(objects, 'DaemonSet', 'node-exporter');
    const spec = ds.spec.template.spec;
    const main = container(ds);
    expect(exporter.agent.usesHostPort).toBe(true);
    expect(spec).toMatchObject({ hostNetwork: true, hostPID: true, dnsPolicy: 'ClusterFirstWithHostNet', tolerations: [{ operator: 'Exists' }] });
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534 });
    expect(main.ports).toEqual([{ name: 'scrape', containerPort: 9100, hostPort: 9100 }]);
    const mounts = Object.fromEntries(main.volumeMounts.map((m: Manifest) => [m.mountPath, m]));
    expect(Object.keys(mounts).sort()).toEqual(['/host/proc', '/host/root', '/host/sys']);
    expect(Object.values(mounts).every((m: Manifest) => m.readOnly === true)).toBe(true);
    expect(mounts['/host/root'].mountPropagation).toBe('HostToContainer');
    // Every --path flag points into a mount.
    for (const flag of main.args.filter((arg: string) => arg.startsWith('--path.'))) {
      const target = flag.split('=')[1];
      expect(Object.keys(mounts).some((mount) => target.startsWith(mount))).toBe(true);
    }
    expect(main.args).toEqual(expect.arrayContaining([expect.stringMatching(/^--collector\.filesystem\.mount-points-exclude=/), '--web.listen-address=:9100']));
    expect(main.readinessProbe.httpGet).toEqual({ path: '/', port: 'scrape' });
    const svc = find(objects, 'Service', 'node-exporter');
    expect(selects(svc.spec.selector, ds.spec.template.metadata.labels)).toBe(true);
    expect(svc.spec.ports[0]).toMatchObject({ name: 'scrape', port: 9100 });
    expect(svc.metadata.annotations['prometheus.io/scrape']).toBe('true');
  });
});

describe('LogCollector', () => {
  test('mounts the node logs read-only and keeps its state on the node', () => {
    const chart = testChart('logging');
    new LogCollector(chart, 'logs', { image: 'fluent/fluentd-kubernetes-daemonset:v1.17-debian-elasticsearch8-1' });
    const objects = synthValid(chart);
    expect(objects).toMatchSnapshot();
    const ds = find(objects, 'DaemonSet', 'log-collector');
    const mounts = Object.fromEntries(container(ds).volumeMounts.map((m: Manifest) => [m.mountPath, m.readOnly ?? false]));
    expect(mounts).toEqual({ '/var/log': true, '/var/lib/docker/containers': true, '/var/lib/log-collector': false, '/tmp': false });
    expect(ds.spec.template.spec.tolerations).toEqual([{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(container(ds).resources).toEqual({ requests: { cpu: '100m', memory: '200Mi' }, limits: { memory: '200Mi' } });
    expect(ds.spec.template.spec.securityContext.runAsUser).toBe(0);
    expect(container(ds).securityContext).toMatchObject({ readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
  });
});

describe('node agent rollouts', () => {
  test('rejects maxSurge for node-exporter, which binds a host port', () => {
    const chart = testChart();
    const rollout = DaemonSetRollout.rollingUpdate({ maxSurge: PercentOrCount.count(1), maxUnavailable: PercentOrCount.count(0) });
    new NodeExporter(chart, 'node-exporter', { rollout });
    expect(validationErrors(chart)).toEqual(rollout._validate(true).map((problem) => `test/node-exporter/Agent: rollout: ${problem}`));
    expect(validationErrors(chart)[0]).toContain('maxSurge');
  });

  test('allows maxSurge for an agent without host ports; OnDelete and minReady pass through', () => {
    const chart = testChart();
    new LogCollector(chart, 'logs', { image: 'i', rollout: DaemonSetRollout.rollingUpdate({ maxSurge: PercentOrCount.percent(10), maxUnavailable: PercentOrCount.count(0) }) });
    new NodeAgent(chart, 'agent', { name: 'a', image: 'i', rollout: DaemonSetRollout.onDelete({ minReady: Duration.seconds(30) }) });
    expect(validationErrors(chart)).toEqual([]);
    const objects = synthValid(chart);
    expect(find(objects, 'DaemonSet', 'log-collector').spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '10%', maxUnavailable: 0 } });
    expect(find(objects, 'DaemonSet', 'a').spec).toMatchObject({ updateStrategy: { type: 'OnDelete' }, minReadySeconds: 30 });
  });
});

import { Chart, Size, Testing } from 'cdk8s';
import { find, selects, synthValid, testChart, validationErrors } from './manifest';
import { DisruptionBudget } from '../../src/disruption-budget';
import { HeadlessService } from '../../src/headless-service';
import { StatefulService } from '../../src/stateful-service';
import { sizeQuantity, workloadLabels } from '../../src/workload-defaults';

const selector = { 'app.kubernetes.io/instance': 'db' };

describe('HeadlessService', () => {
  test('is headless, publishes not-ready addresses and names pod hosts', () => {
    const chart = testChart('data');
    const hs = new HeadlessService(chart, 'hs', { name: 'db-hs', selector, ports: [{ name: 'peer', port: 7000 }] });
    const svc = find(synthValid(chart), 'Service', 'db-hs');
    expect(svc.spec).toEqual({
      clusterIP: 'None',
      publishNotReadyAddresses: true,
      selector,
      ports: [{ name: 'peer', port: 7000, targetPort: 7000 }],
    });
    expect(hs.podHost('db', 2)).toBe('db-2.db-hs.data.svc.cluster.local');
  });

  test('rejects an unnamed port', () => {
    expect(() => new HeadlessService(testChart(), 'hs', { name: 'x', selector, ports: [{ port: 1 }] }))
      .toThrow('test/hs: ports[0].name: undefined is not valid; name every port of a headless Service (port 1 has none)');
  });
});

describe('DisruptionBudget', () => {
  test.each([[3, 1], [5, 2], [7, 3], [4, 1], [1, 0]])('quorum tolerance of %i is %i', (replicas, tolerance) => {
    expect(DisruptionBudget.quorumTolerance(replicas)).toBe(tolerance);
  });

  test('defaults to the quorum tolerance for a quorum', () => {
    const chart = testChart();
    const pdb = new DisruptionBudget(chart, 'pdb', { name: 'zk-pdb', selector, replicas: 5, quorum: true });
    expect(pdb.allowedDisruptions).toBe(2);
    expect(find(synthValid(chart), 'PodDisruptionBudget', 'zk-pdb').spec).toEqual({ maxUnavailable: 2, selector: { matchLabels: selector } });
  });

  test('rejects a budget that breaks the quorum', () => {
    const chart = testChart();
    new DisruptionBudget(chart, 'pdb', { name: 'p', selector, replicas: 3, quorum: true, maxUnavailable: 2 });
    expect(validationErrors(chart)).toEqual([
      'test/pdb: maxUnavailable: 2 is not valid; 3 quorum members keep a majority only with at most 1 down (minAvailable >= 2)',
    ]);
  });

  test('rejects a budget that allows all pods down', () => {
    const chart = testChart();
    new DisruptionBudget(chart, 'pdb', { name: 'p', selector, replicas: 2, minAvailable: 0 });
    expect(validationErrors(chart)).toEqual(['test/pdb: minAvailable: 0 is not valid; it lets all 2 pods be down at once; allow at most 1']);
  });

  test('rejects both fields and negative values', () => {
    expect(() => new DisruptionBudget(testChart(), 'pdb', { name: 'p', selector, replicas: 3, maxUnavailable: 1, minAvailable: 2 }))
      .toThrow('test/pdb: minAvailable: 2 is not valid; give maxUnavailable or minAvailable, not both');
    expect(() => new DisruptionBudget(testChart(), 'pdb', { name: 'p', selector, replicas: 3, maxUnavailable: -1 }))
      .toThrow('test/pdb: maxUnavailable: -1 is not valid; use a whole number of 0 or more');
  });
});

describe('StatefulService', () => {
  function build(chart: Chart, replicas = 3): StatefulService {
    const labels = workloadLabels('db', 'db', 'server');
    return new StatefulService(chart, 'db', {
      name: 'db',
      replicas,
      selector: labels.selector,
      labels: labels.all,
      podSpec: { containers: [{ name: 'db', image: 'example/db:1.0' }] },
      peerPorts: [{ name: 'peer', port: 7000 }],
    });
  }

  test('ties StatefulSet, headless Service and budget to the same pods', () => {
    const chart = testChart();
    const service = build(chart);
    const objects = synthValid(chart);
    const sts = find(objects, 'StatefulSet', 'db');
    const podLabels = sts.spec.template.metadata.labels;
    expect(sts.spec.serviceName).toBe('db-hs');
    expect(sts.spec.podManagementPolicy).toBe('Parallel');
    expect(sts.spec.updateStrategy).toEqual({ type: 'RollingUpdate' });
    expect(selects(sts.spec.selector.matchLabels, podLabels)).toBe(true);
    expect(selects(find(objects, 'Service', 'db-hs').spec.selector, podLabels)).toBe(true);
    expect(selects(find(objects, 'PodDisruptionBudget', 'db-pdb').spec.selector.matchLabels, podLabels)).toBe(true);
    expect(service.podHost(1)).toBe('db-1.db-hs.default.svc.cluster.local');
    expect(JSON.stringify(objects)).not.toContain('cdk8s.io/metadata.addr');
  });

  test.each([0, -1, 1.5])('rejects replicas %p', (replicas) => {
    expect(() => build(new Chart(Testing.app(), 'c'), replicas)).toThrow(`c/db: replicas: ${replicas} is not valid; use a whole number of 1 or more`);
  });
});

describe('sizeQuantity', () => {
  const chart = testChart();
  test.each([[Size.gibibytes(10), '10Gi'], [Size.mebibytes(512), '512Mi'], [Size.tebibytes(1), '1Ti'], [Size.kibibytes(3), '3Ki']])('%p -> %s', (size, text) => {
    expect(sizeQuantity(chart, 'storageSize', size)).toBe(text);
  });

  test('rejects an empty size', () => {
    expect(() => sizeQuantity(chart, 'storageSize', Size.gibibytes(0))).toThrow('test: storageSize: "0Ki" is not valid; use a positive whole number of kibibytes');
  });
});

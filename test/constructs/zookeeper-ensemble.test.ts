import { Size } from 'cdk8s';
import { PodManagementPolicy } from 'cdk8s-plus-28';
import { find, Manifest, selects, synthValid, testChart, validationErrors } from './manifest';
import { RolloutKeys } from '../../src/keys';
import { PartitionPlan } from '../../src/partition-plan';
import { StatefulSetRollout } from '../../src/statefulset-rollout';
import { WarningId, Warnings } from '../../src/warnings';
import { PodAntiAffinity } from '../../src/workload-options';
import { ZooKeeperEnsemble } from '../../src/zookeeper-ensemble';

function synthEnsemble(
  props: ConstructorParameters<typeof ZooKeeperEnsemble>[2] = {}, namespace?: string,
): { zk: ZooKeeperEnsemble; objects: Manifest[] } {
  const chart = testChart(namespace);
  const zk = new ZooKeeperEnsemble(chart, 'zk', props);
  return { zk, objects: synthValid(chart) };
}

function env(container: Manifest): Record<string, string> {
  return Object.fromEntries(container.env.map((e: Manifest) => [e.name, e.value]));
}

describe('ZooKeeperEnsemble', () => {
  test('synthesizes zk, zk-hs, zk-cs and zk-pdb as in the seed', () => {
    const { objects } = synthEnsemble({ name: 'zk' });
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort())
      .toEqual(['PodDisruptionBudget/zk-pdb', 'Service/zk-cs', 'Service/zk-hs', 'StatefulSet/zk']);
    expect(objects).toMatchSnapshot();
  });

  test('every Service, the budget and the anti-affinity select exactly the pods', () => {
    const { objects } = synthEnsemble();
    const sts = find(objects, 'StatefulSet', 'zk');
    const pod = sts.spec.template;
    const labels = pod.metadata.labels;
    expect(sts.spec.serviceName).toBe('zk-hs');
    expect(selects(sts.spec.selector.matchLabels, labels)).toBe(true);
    expect(selects(find(objects, 'Service', 'zk-hs').spec.selector, labels)).toBe(true);
    expect(selects(find(objects, 'Service', 'zk-cs').spec.selector, labels)).toBe(true);
    expect(selects(find(objects, 'PodDisruptionBudget', 'zk-pdb').spec.selector.matchLabels, labels)).toBe(true);
    const term = pod.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0];
    expect(term.topologyKey).toBe('kubernetes.io/hostname');
    expect(selects(term.labelSelector.matchLabels, labels)).toBe(true);
  });

  test('ports agree between the container, the Services and the server list', () => {
    const { objects, zk } = synthEnsemble();
    const container = find(objects, 'StatefulSet', 'zk').spec.template.spec.containers[0];
    const containerPorts = Object.fromEntries(container.ports.map((p: Manifest) => [p.name, p.containerPort]));
    expect(containerPorts).toEqual({ 'client': 2181, 'server': 2888, 'leader-election': 3888 });
    const hs = find(objects, 'Service', 'zk-hs');
    expect(hs.spec.clusterIP).toBe('None');
    expect(hs.spec.publishNotReadyAddresses).toBe(true);
    for (const port of hs.spec.ports) {
      expect(containerPorts[port.name]).toBe(port.targetPort);
    }
    expect(find(objects, 'Service', 'zk-cs').spec.ports).toEqual([{ name: 'client', port: 2181, targetPort: 'client' }]);
    expect(zk.connectString).toBe('zk-cs.default.svc.cluster.local:2181');
  });

  test('server list follows replicas, namespace and cluster domain; myid is ordinal + 1', () => {
    const { objects } = synthEnsemble({ replicas: 5, clusterDomain: 'example.org' }, 'coord');
    const container = find(objects, 'StatefulSet', 'zk').spec.template.spec.containers[0];
    expect(env(container).ZOO_SERVERS.split(' ')).toEqual([0, 1, 2, 3, 4].map((i) =>
      `server.${i + 1}=zk-${i}.zk-hs.coord.svc.example.org:2888:3888;2181`));
    expect(container.command.join(' ')).toContain('ZOO_MY_ID=$((${HOSTNAME##*-} + 1))');
    expect(find(objects, 'PodDisruptionBudget', 'zk-pdb').spec.maxUnavailable).toBe(2);
  });

  test('probes use whitelisted four-letter words; config, heap and autopurge are set', () => {
    const { objects } = synthEnsemble({
      heap: Size.gibibytes(3), tickTime: undefined, initLimit: 20, resources: { memory: { request: Size.gibibytes(4), limit: Size.gibibytes(4) } },
    });
    const container = find(objects, 'StatefulSet', 'zk').spec.template.spec.containers[0];
    const vars = env(container);
    const whitelist = vars.ZOO_4LW_COMMANDS_WHITELIST.split(',').map((word) => word.trim());
    expect(container.readinessProbe.exec.command.join(' ')).toContain('printf srvr');
    expect(container.livenessProbe.exec.command.join(' ')).toContain('printf ruok');
    expect(whitelist).toEqual(expect.arrayContaining(['srvr', 'ruok']));
    expect(vars).toMatchObject({ JVMFLAGS: '-Xms3072m -Xmx3072m', ZOO_TICK_TIME: '2000', ZOO_INIT_LIMIT: '20', ZOO_AUTOPURGE_PURGEINTERVAL: '12' });
  });

  test('secure defaults: numeric non-root user, read-only root with writable emptyDirs, no token, no service links', () => {
    const { objects } = synthEnsemble();
    const spec = find(objects, 'StatefulSet', 'zk').spec.template.spec;
    expect(spec.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.enableServiceLinks).toBe(false);
    const container = spec.containers[0];
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    const mounts = container.volumeMounts.map((m: Manifest) => m.mountPath);
    expect(mounts).toEqual(expect.arrayContaining(['/data', '/zookeeper-conf', '/logs', '/tmp']));
    const vct = find(objects, 'StatefulSet', 'zk').spec.volumeClaimTemplates[0];
    expect(vct).toEqual({ metadata: { name: 'datadir' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } } });
  });

  test('preferred anti-affinity, topology spread, storage class and change-cause', () => {
    const { objects } = synthEnsemble({
      antiAffinity: PodAntiAffinity.PREFERRED,
      topologySpreadKey: 'topology.kubernetes.io/zone',
      storageClassName: 'fast',
      storageSize: Size.gibibytes(20),
      changeCause: 'zk 3.9.5',
    });
    const sts = find(objects, 'StatefulSet', 'zk');
    const spec = sts.spec.template.spec;
    expect(spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight).toBe(100);
    expect(selects(spec.topologySpreadConstraints[0].labelSelector.matchLabels, sts.spec.template.metadata.labels)).toBe(true);
    expect(sts.spec.volumeClaimTemplates[0].spec).toMatchObject({ storageClassName: 'fast', resources: { requests: { storage: '20Gi' } } });
    expect(sts.metadata.annotations).toEqual({ 'kubernetes.io/change-cause': 'zk 3.9.5' });
  });

  test('warns about an even ensemble', () => {
    const chart = testChart();
    const zk = new ZooKeeperEnsemble(chart, 'zk', { replicas: 4 });
    expect(Warnings.of(zk).list()).toEqual([{
      id: WarningId.ZOOKEEPER_EVEN_ENSEMBLE, path: 'test/zk', message: 'replicas: 4 servers tolerate no more failures than 3; use an odd number',
    }]);
  });

  test('rejects a budget that breaks the quorum', () => {
    const chart = testChart();
    new ZooKeeperEnsemble(chart, 'zk', { replicas: 3, maxUnavailable: 2 });
    expect(validationErrors(chart)).toEqual([
      'test/zk/Servers/Budget: maxUnavailable: 2 is not valid; 3 quorum members keep a majority only with at most 1 down (minAvailable >= 2)',
    ]);
  });

  test.each([0, 256])('rejects replicas %p', (replicas) => {
    expect(() => new ZooKeeperEnsemble(testChart(), 'zk', { replicas })).toThrow(`test/zk: replicas: ${replicas} is not valid`);
  });
});

describe('ZooKeeperEnsemble rollouts', () => {
  test('a staged rollout pins the partition and writes the plan annotation', () => {
    const plan = PartitionPlan.canary();
    const { objects } = synthEnsemble({ rollout: StatefulSetRollout.staged(plan), changeCause: 'upgrade to 3.9.5' });
    const sts = find(objects, 'StatefulSet', 'zk');
    expect(sts.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: PartitionPlan.STAGED_PARTITION } });
    expect(sts.spec.podManagementPolicy).toBe('Parallel');
    expect(sts.metadata.annotations).toEqual({
      [RolloutKeys.PLAN_ANNOTATION]: plan.toString(),
      [RolloutKeys.CHANGE_CAUSE_ANNOTATION]: 'upgrade to 3.9.5',
    });
  });

  test('OnDelete with OrderedReady', () => {
    const { objects } = synthEnsemble({ rollout: StatefulSetRollout.onDelete({ podManagementPolicy: PodManagementPolicy.ORDERED_READY }) });
    const sts = find(objects, 'StatefulSet', 'zk');
    expect(sts.spec.updateStrategy).toEqual({ type: 'OnDelete' });
    expect(sts.spec.podManagementPolicy).toBe('OrderedReady');
  });

  test('rejects a plan that does not fit the replicas', () => {
    const chart = testChart();
    const plan = PartitionPlan.explicit([5, 2, 0]);
    new ZooKeeperEnsemble(chart, 'zk', { replicas: 3, rollout: StatefulSetRollout.staged(plan) });
    const errors = validationErrors(chart);
    expect(errors).toEqual(plan.validateFor(3).map((problem) => `test/zk/Servers: rollout: ${problem}`));
    expect(errors.length).toBeGreaterThan(0);
  });
});

test('ZooKeeperEnsemble rejects an empty storage size', () => {
  expect(() => new ZooKeeperEnsemble(testChart(), 'zk', { storageSize: Size.gibibytes(0) }))
    .toThrow('test/zk: storageSize: "0Ki" is not valid; use a positive whole number of kibibytes, e.g. Size.gibibytes(10)');
});

test.each([1, 3, 5, 7])('ZooKeeperEnsemble of %i: one server entry per replica, budget at the quorum tolerance', (replicas) => {
  const { objects, zk } = synthEnsemble({ replicas });
  const vars = env(find(objects, 'StatefulSet', 'zk').spec.template.spec.containers[0]);
  expect(vars.ZOO_SERVERS.split(' ')).toEqual(zk.servers);
  expect(zk.servers.map((server) => server.split('=')[1].split('.')[0])).toEqual(Array.from({ length: replicas }, (_, i) => `zk-${i}`));
  expect(vars.ZOO_STANDALONE_ENABLED).toBe(`${replicas === 1}`);
  expect(find(objects, 'PodDisruptionBudget', 'zk-pdb').spec.maxUnavailable).toBe(replicas - (Math.floor(replicas / 2) + 1));
});

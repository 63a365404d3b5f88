import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { find, Manifest, synthValid, testChart, thrownValidationError } from './manifest';
import { KafkaCluster } from '../../src/kafka-cluster';
import { NodeAgent } from '../../src/node-agent';
import { PodAntiAffinity, WorkloadOptions } from '../../src/workload-options';
import { ZooKeeperEnsemble } from '../../src/zookeeper-ensemble';

const IMAGE = 'example/agent:1.0';

function secretKey(chart: Chart, name: string, key: string): kplus.EnvValue {
  return kplus.EnvValue.fromSecretValue({ secret: kplus.Secret.fromSecretName(chart, `secret-${name}-${key}`, name), key });
}

function main(workload: Manifest): Manifest {
  return workload.spec.template.spec.containers[0];
}

function envOf(workload: Manifest): Record<string, Manifest> {
  return Object.fromEntries(main(workload).env.map((variable: Manifest) => [variable.name, variable]));
}

type Build = (chart: Chart, options: WorkloadOptions) => { kind: string; name: string };
const WORKLOADS: [string, Build][] = [
  ['ZooKeeperEnsemble', (chart, options) => (new ZooKeeperEnsemble(chart, 'zk', options), { kind: 'StatefulSet', name: 'zk' })],
  ['KafkaCluster', (chart, options) => (new KafkaCluster(chart, 'kafka', options), { kind: 'StatefulSet', name: 'kafka' })],
  ['NodeAgent', (chart, options) => (new NodeAgent(chart, 'agent', { name: 'agent', image: IMAGE, ...options }), { kind: 'DaemonSet', name: 'agent' })],
];

function synthWith(build: Build, options: (chart: Chart) => WorkloadOptions): Manifest {
  const chart = testChart('data');
  const { kind, name } = build(chart, options(chart));
  return find(synthValid(chart), kind, name);
}

describe.each(WORKLOADS)('%s pod options', (_, build) => {
  test('env: plain values and Secret, ConfigMap and pod-field references reach the main container, after its own', () => {
    const workload = synthWith(build, (chart) => ({
      env: {
        LOG_LEVEL: kplus.EnvValue.fromValue('debug'),
        PASSWORD: secretKey(chart, 'credentials', 'password'),
        REGION: kplus.EnvValue.fromConfigMap(kplus.ConfigMap.fromConfigMapName(chart, 'cm', 'site'), 'region', { optional: true }),
        NODE: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.NODE_NAME),
      },
    }));
    const env = envOf(workload);
    expect(env.LOG_LEVEL).toEqual({ name: 'LOG_LEVEL', value: 'debug' });
    expect(env.PASSWORD).toEqual({ name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'credentials', key: 'password' } } });
    expect(env.REGION).toEqual({ name: 'REGION', valueFrom: { configMapKeyRef: { name: 'site', key: 'region', optional: true } } });
    expect(env.NODE).toEqual({ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } });
    expect(main(workload).env.slice(-4).map((variable: Manifest) => variable.name)).toEqual(['LOG_LEVEL', 'PASSWORD', 'REGION', 'NODE']);
  });

  test('extra volumes and mounts reach the pod and the main container, after its own', () => {
    const workload = synthWith(build, () => ({
      extraVolumes: [
        { name: 'tls', secret: { secretName: 'zk-tls', defaultMode: 0o440 } },
        { name: 'scratch', emptyDir: { medium: 'Memory' } },
      ],
      extraVolumeMounts: [{ name: 'tls', mountPath: '/etc/tls', readOnly: true }, { name: 'scratch', mountPath: '/scratch' }],
    }));
    const volumes = workload.spec.template.spec.volumes;
    expect(volumes.slice(-2)).toEqual([
      { name: 'tls', secret: { secretName: 'zk-tls', defaultMode: 0o440 } },
      { name: 'scratch', emptyDir: { medium: 'Memory' } },
    ]);
    expect(main(workload).volumeMounts.slice(-2)).toEqual([
      { name: 'tls', mountPath: '/etc/tls', readOnly: true },
      { name: 'scratch', mountPath: '/scratch' },
    ]);
  });

  test('podLabels and podAnnotations go on the pod template only; nodeSelector, tolerations and priority class reach it too', () => {
    const workload = synthWith(build, () => ({
      podLabels: { 'sidecar.istio.io/inject': 'false' },
      podAnnotations: { 'checksum/config': 'abc123' },
      nodeSelector: { disk: 'ssd' },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'data', effect: 'NoSchedule' }],
      priorityClassName: 'data-critical',
    }));
    const template = workload.spec.template;
    expect(template.metadata.labels['sidecar.istio.io/inject']).toBe('false');
    expect(template.metadata.annotations).toEqual({ 'checksum/config': 'abc123' });
    expect(workload.metadata.labels['sidecar.istio.io/inject']).toBeUndefined();
    expect(workload.metadata.annotations?.['checksum/config']).toBeUndefined();
    expect(template.spec.nodeSelector).toEqual({ disk: 'ssd' });
    expect(template.spec.tolerations).toContainEqual({ key: 'dedicated', operator: 'Equal', value: 'data', effect: 'NoSchedule' });
    expect(template.spec.priorityClassName).toBe('data-critical');
  });

  test('node affinity is taken as given', () => {
    const nodeAffinity = {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['eu-west-1a', 'eu-west-1b'] }] }],
      },
    };
    const workload = synthWith(build, () => ({ affinity: { nodeAffinity } }));
    expect(workload.spec.template.spec.affinity.nodeAffinity).toEqual(nodeAffinity);
  });

  test.each<[string, (chart: Chart) => WorkloadOptions, string, string]>([
    ['HOSTNAME, which the start scripts read', () => ({ env: { HOSTNAME: kplus.EnvValue.fromValue('x') } }), 'env["HOSTNAME"]', 'reads or sets it'],
    ['an env name the API server rejects', () => ({ env: { '1BAD': kplus.EnvValue.fromValue('x') } }), 'env key', 'must not start with a digit'],
    ['a plain string where an EnvValue belongs', () => ({ env: { A: 'x' as unknown as kplus.EnvValue } }), 'env["A"]', 'EnvValue.fromValue("x")'],
    ['a Secret name that is no DNS subdomain', (chart) => ({ env: { A: secretKey(chart, 'Bad_Name', 'k') } }), 'env["A"].valueFrom.secretKeyRef.name', 'subdomain'],
    ['a Secret key with a slash', (chart) => ({ env: { A: secretKey(chart, 'creds', 'a/b') } }), 'env["A"].valueFrom.secretKeyRef.key', 'config key'],
    ['a volume name that is no DNS label', () => ({ extraVolumes: [{ name: 'TLS', emptyDir: {} }] }), 'extraVolumes[0].name', 'RFC 1123'],
    ['two volumes of one name', () => ({ extraVolumes: [{ name: 'a', emptyDir: {} }, { name: 'a', emptyDir: {} }] }), 'extraVolumes[1].name', 'unique'],
    ['a volume with two sources', () => ({ extraVolumes: [{ name: 'a', emptyDir: {}, secret: { secretName: 's' } }] }), 'extraVolumes[0]', 'exactly one'],
    ['a volume without a source', () => ({ extraVolumes: [{ name: 'a' }] }), 'extraVolumes[0]', 'exactly one'],
    ['a host directory', () => ({ extraVolumes: [{ name: 'a', hostPath: { path: '/etc' } }] }), 'extraVolumes[0].hostPath', 'onto the node'],
    ['an NFS volume, outside the restricted level', () => ({ extraVolumes: [{ name: 'a', nfs: { server: 'nas', path: '/x' } }] }), 'extraVolumes[0].nfs', 'restricted'],
    ['a mount of an undeclared volume', () => ({ extraVolumeMounts: [{ name: 'tls', mountPath: '/tls' }] }), 'extraVolumeMounts[0].name', 'extraVolumes'],
    ['a relative mount path', () => ({ extraVolumes: [{ name: 'a', emptyDir: {} }], extraVolumeMounts: [{ name: 'a', mountPath: 'tls' }] }),
      'extraVolumeMounts[0].mountPath', 'absolute'],
    ['a mount path with ":"', () => ({ extraVolumes: [{ name: 'a', emptyDir: {} }], extraVolumeMounts: [{ name: 'a', mountPath: '/a:b' }] }),
      'extraVolumeMounts[0].mountPath', '":"'],
    ['a subPath leaving the volume', () => ({ extraVolumes: [{ name: 'a', emptyDir: {} }], extraVolumeMounts: [{ name: 'a', mountPath: '/a', subPath: '../x' }] }),
      'extraVolumeMounts[0].subPath', 'relative'],
    ['Bidirectional propagation', () => ({ extraVolumes: [{ name: 'a', emptyDir: {} }], extraVolumeMounts: [{ name: 'a', mountPath: '/a', mountPropagation: 'Bidirectional' }] }),
      'extraVolumeMounts[0].mountPropagation', 'privileged'],
    ['a preferred term weighing 0', () => ({ affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, preference: {} }] } } }),
      'affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight', '1 to 100'],
    ['In without values', () => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'a', operator: 'In' }] }] } } } }),
      'affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values', 'at least one value'],
    ['no node selector term', () => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } } }),
      'affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms', 'at least one'],
    ['a pod affinity term without a topology key', () => ({ affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: '' }] } } }),
      'affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey', 'node label'],
    ['a label selector operator Gt', () => ({
      affinity: {
        podAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] } },
          ],
        },
      },
    }),
    'affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchExpressions[0].operator', 'In, NotIn'],
    ['a pod label also in labels', () => ({ labels: { team: 'a' }, podLabels: { team: 'b' } }), 'podLabels key', 'labels["team"]'],
    ['a pod label the construct sets', () => ({ podLabels: { 'app.kubernetes.io/managed-by': 'me' } }), 'podLabels key', 'sets "app.kubernetes.io/managed-by"'],
    ['a pod annotation key that is no qualified name', () => ({ podAnnotations: { '/x': 'y' } }), 'podAnnotations', 'prefix part must be non-empty'],
  ])('rejects %s, naming the prop', (__, options, property, fix) => {
    const error = thrownValidationError(() => synthWith(build, options));
    expect(error.property).toBe(property);
    expect(error.fix).toContain(fix);
  });
});

describe('clashes with what the construct manages', () => {
  test('a ZooKeeper variable is refused, naming the construct path, both names and its value', () => {
    const error = thrownValidationError(() => synthWith(WORKLOADS[0][1], () => ({ env: { ZOO_TICK_TIME: kplus.EnvValue.fromValue('500') } })));
    expect(error.message).toBe('test/zk: env["ZOO_TICK_TIME"]: "ZOO_TICK_TIME" is not valid; the construct manages ZOO_TICK_TIME (it sets it to "2000"): '
      + "change it through the construct's props, or pick another name");
  });

  test('a Kafka variable is refused on the Kafka construct', () => {
    const error = thrownValidationError(() => synthWith(WORKLOADS[1][1], () => ({ env: { KAFKA_HEAP_OPTS: kplus.EnvValue.fromValue('-Xmx4g') } })));
    expect(error.constructPath).toBe('test/kafka');
    expect(error.property).toBe('env["KAFKA_HEAP_OPTS"]');
  });

  test.each([
    ['conf', 'zk'], ['datadir', 'zk'], ['config', 'kafka'], ['datadir', 'kafka'],
  ])('a volume named like the construct\'s own "%s" (%s) is refused', (name, which) => {
    const build = which === 'zk' ? WORKLOADS[0][1] : WORKLOADS[1][1];
    const error = thrownValidationError(() => synthWith(build, () => ({ extraVolumes: [{ name, emptyDir: {} }] })));
    expect(error.property).toBe('extraVolumes[0].name');
    expect(error.fix).toContain(`the construct's own volume is called "${name}"`);
  });

  test('a mount at a path the construct mounts (trailing slash or not) is refused, naming its volume', () => {
    const error = thrownValidationError(() => synthWith(WORKLOADS[0][1], () => ({
      extraVolumes: [{ name: 'a', emptyDir: {} }], extraVolumeMounts: [{ name: 'a', mountPath: '/data/' }],
    })));
    expect(error.property).toBe('extraVolumeMounts[0].mountPath');
    expect(error.fix).toBe('the construct mounts its volume "datadir" there: mount below it or elsewhere');
  });

  test('a NodeAgent host mount path is taken', () => {
    const error = thrownValidationError(() => synthWith(WORKLOADS[2][1], () => ({
      hostMounts: [{ hostPath: '/var/log', mountPath: '/var/log' }],
      extraVolumes: [{ name: 'a', emptyDir: {} }],
      extraVolumeMounts: [{ name: 'a', mountPath: '/var/log' }],
    } as WorkloadOptions)));
    expect(error.fix).toContain('"host-0"');
  });
});

describe('affinity and antiAffinity', () => {
  const otherApp = { labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'kafka' } }, topologyKey: 'kubernetes.io/hostname' };

  test('pod anti-affinity terms are added to the required one antiAffinity produces', () => {
    const sts = synthWith(WORKLOADS[0][1], () => ({ affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [otherApp] } } }));
    const terms = sts.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution;
    expect(terms).toHaveLength(2);
    expect(terms[0].labelSelector.matchLabels['app.kubernetes.io/instance']).toBe('zk');
    expect(terms[1]).toEqual(otherApp);
  });

  test('with antiAffinity NONE only the given terms remain; pod affinity is taken as given', () => {
    const podAffinity = { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, podAffinityTerm: otherApp }] };
    const sts = synthWith(WORKLOADS[0][1], () => ({
      antiAffinity: PodAntiAffinity.NONE,
      affinity: { podAffinity, podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: otherApp }] } },
    } as WorkloadOptions));
    expect(sts.spec.template.spec.affinity).toEqual({
      podAffinity,
      podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: otherApp }] },
    });
  });
});

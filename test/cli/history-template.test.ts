import { RESOURCES } from '../../src/sandbox/api';
import { CliKit, startCliKit } from '../support/cli-kit';

jest.setTimeout(60_000);

// A template with most of what `kubectl rollout history --revision N` describes.
const richTemplate = {
  metadata: {
    labels: { app: 'rich', tier: 'db' },
    annotations: { 'example.com/short': 'yes', 'example.com/long': 'x'.repeat(150), 'example.com/multi': 'one\ntwo\n' },
  },
  spec: {
    serviceAccountName: 'rich-sa',
    priorityClassName: 'high',
    topologySpreadConstraints: [
      { maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { tier: 'db' } } },
      { maxSkew: 2, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway' },
    ],
    nodeSelector: { 'kubernetes.io/os': 'linux', 'disk': 'ssd' },
    tolerations: [
      { key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' },
      { operator: 'Exists' },
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ],
    initContainers: [{ name: 'init', image: 'busybox:1', command: ['sh', '-c', 'echo init\necho done'] }],
    containers: [{
      name: 'db',
      image: 'db:1',
      args: ['--port=5432', '--verbose'],
      ports: [{ containerPort: 5432, name: 'sql' }, { containerPort: 9187, hostPort: 9187, name: 'metrics' }],
      resources: { limits: { memory: '1Gi', cpu: '2' }, requests: { cpu: '500m', memory: '512Mi' } },
      livenessProbe: { httpGet: { path: '/healthz', port: 8080 }, initialDelaySeconds: 5 },
      readinessProbe: { tcpSocket: { port: 5432 }, periodSeconds: 3 },
      startupProbe: { exec: { command: ['pg_isready', '-q'] }, failureThreshold: 30 },
      env: [
        { name: 'PLAIN', value: 'a\nb' },
        { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db-secret', key: 'password', optional: true } } },
        { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'db-config', key: 'mode' } } },
        { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory' } } },
      ],
      envFrom: [{ configMapRef: { name: 'db-env' } }, { secretRef: { name: 'db-env-secret' }, prefix: 'S_' }],
      volumeMounts: [{ name: 'data', mountPath: '/var/lib/db' }, { name: 'config', mountPath: '/etc/db', readOnly: true, subPath: 'db.conf' }],
    }],
    volumes: [
      { name: 'config', configMap: { name: 'db-config' } },
      { name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
      { name: 'creds', secret: { secretName: 'db-secret', optional: true } },
      { name: 'host', hostPath: { path: '/var/log', type: 'Directory' } },
      { name: 'data', persistentVolumeClaim: { claimName: 'data-rich', readOnly: true } },
    ],
  },
};

describe('history --revision on a rich template', () => {
  let cli: CliKit;
  beforeAll(async () => {
    cli = await startCliKit({ nodes: 1 });
  });
  afterAll(() => cli.sandbox.stop());

  test.each(['StatefulSet', 'DaemonSet'])('%s: the Pod Template block is kubectl\'s, byte for byte', async (kind) => {
    const name = kind === 'StatefulSet' ? 'rich' : 'richds';
    const type = kind === 'StatefulSet' ? RESOURCES.statefulSets : RESOURCES.daemonSets;
    const template = { ...richTemplate, metadata: { ...richTemplate.metadata, labels: { ...richTemplate.metadata.labels, app: name } } };
    cli.sandbox.api.create(type, {
      apiVersion: 'apps/v1',
      kind,
      metadata: { name, namespace: 'default' },
      spec: { ...(kind === 'StatefulSet' ? { replicas: 0, serviceName: name } : {}), selector: { matchLabels: { app: name } }, template },
    });
    const short = kind === 'StatefulSet' ? `sts/${name}` : `ds/${name}`;
    await cli.runUntil(() => cli.sandbox.api.list(RESOURCES.controllerRevisions, { namespace: 'default', labelSelector: `app=${name}` }).items.length > 0);
    const theirs = await cli.kubectl(['rollout', 'history', short, '--revision=1']);
    const ours = await cli.stage(['history', short, '--revision', '1']);
    expect(theirs.stderr).toBe('');
    expect(ours.stdout).toBe(theirs.stdout);
  });
});

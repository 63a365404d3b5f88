// StagedRolloutController: the Deployment, account, roles, Service and monitor it synthesizes, what it refuses at
// synth time, and the contract with the CLI: the Deployment's command line is one `kubectl-stage controller` parses.
import { Testing } from 'cdk8s';
import { find, Manifest, testChart } from './manifest';
import { MonitorKind } from '../../src/prometheus-monitor';
import { RuntimeError } from '../../src/runtime/runtime-error';
import { StagedRolloutController, StagedRolloutControllerProps } from '../../src/staged-rollout-controller';
import { ValidationError } from '../../src/validation-error';
import { runKubectlStage } from '../support/kubectl-stage-run';

const IMAGE = 'registry.example.com/kubectl-stage:1.0.0';

function synth(props: StagedRolloutControllerProps, namespace = 'ops'): Manifest[] {
  const chart = testChart(namespace);
  new StagedRolloutController(chart, 'controller', props);
  return Testing.synth(chart) as Manifest[];
}

describe('StagedRolloutController', () => {
  test('defaults: two replicas electing a leader, secure pod, probes, metrics Service, a ClusterRole for every namespace', () => {
    const objects = synth({ image: IMAGE });
    expect(objects.map((object) => `${object.kind}/${object.metadata.name}`).sort()).toEqual([
      'ClusterRole/ops-kubectl-stage-controller',
      'ClusterRoleBinding/ops-kubectl-stage-controller',
      'Deployment/kubectl-stage-controller',
      'Role/kubectl-stage-controller-leader-election',
      'RoleBinding/kubectl-stage-controller-leader-election',
      'Service/kubectl-stage-controller',
      'ServiceAccount/kubectl-stage-controller',
    ]);
    const deployment = find(objects, 'Deployment', 'kubectl-stage-controller');
    expect(deployment.spec.replicas).toBe(2);
    const pod = deployment.spec.template.spec;
    expect(pod).toMatchObject({
      serviceAccountName: 'kubectl-stage-controller',
      automountServiceAccountToken: true,
      securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
    });
    const [container] = pod.containers;
    expect(container.args).toEqual(['controller', '--all-namespaces', '--metrics-addr', ':8080', '--max-concurrent', '10',
      '--leader-elect', '--lease-name', 'kubectl-stage-controller', '--lease-namespace', 'ops']);
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
    expect(container.resources).toEqual({ requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } });
    expect(find(objects, 'Service', 'kubectl-stage-controller').spec.ports).toEqual([{ name: 'metrics', port: 8080, targetPort: 'metrics' }]);
    expect(find(objects, 'ServiceAccount', 'kubectl-stage-controller').automountServiceAccountToken).toBe(false);
    // Least privilege by default: no pod deletion, DaemonSets seen (the informer watches both kinds) but not changed, no
    // nodes, no pod proxy.
    const rules = find(objects, 'ClusterRole', 'ops-kubectl-stage-controller').rules;
    expect(rules).toEqual([
      { apiGroups: ['apps'], resources: ['statefulsets'], verbs: ['get', 'list', 'watch', 'patch'] },
      { apiGroups: ['apps'], resources: ['daemonsets'], verbs: ['list', 'watch'] },
      { apiGroups: ['apps'], resources: ['controllerrevisions'], verbs: ['list'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
      { apiGroups: [''], resources: ['events'], verbs: ['create'] },
    ]);
  });

  test('allowOrderedRestart adds pod deletion and reading pods through the pod proxy, and nothing else', () => {
    const objects = synth({ image: IMAGE, allowOrderedRestart: true });
    expect(find(objects, 'ClusterRole', 'ops-kubectl-stage-controller').rules).toEqual([
      { apiGroups: ['apps'], resources: ['statefulsets'], verbs: ['get', 'list', 'watch', 'patch'] },
      { apiGroups: ['apps'], resources: ['daemonsets'], verbs: ['list', 'watch'] },
      { apiGroups: ['apps'], resources: ['controllerrevisions'], verbs: ['list'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch', 'delete'] },
      { apiGroups: [''], resources: ['pods/proxy'], verbs: ['get'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
      { apiGroups: [''], resources: ['events'], verbs: ['create'] },
    ]);
  });

  test('one watched namespace: a Role there, the node listing of DaemonSet canaries alone cluster-wide, and a ServiceMonitor', () => {
    const objects = synth({
      image: IMAGE,
      watchNamespace: 'kafka',
      selector: 'team=data',
      allowDaemonSetCanary: true,
      allowPodMetrics: true,
      replicas: 1,
      leaderElection: false,
      monitor: { kind: MonitorKind.SERVICE_MONITOR },
    });
    expect(find(objects, 'Role', 'kubectl-stage-controller').metadata.namespace).toBe('kafka');
    expect(find(objects, 'ClusterRole', 'ops-kubectl-stage-controller').rules).toEqual([{ apiGroups: [''], resources: ['nodes'], verbs: ['list'] }]);
    expect(objects.some((object) => object.metadata.name === 'kubectl-stage-controller-leader-election')).toBe(false);
    expect(find(objects, 'Deployment', 'kubectl-stage-controller').spec.template.spec.containers[0].args)
      .toEqual(['controller', '--namespace', 'kafka', '--selector', 'team=data', '--metrics-addr', ':8080', '--max-concurrent', '10']);
    expect(find(objects, 'ServiceMonitor', 'kubectl-stage-controller').spec).toMatchObject({
      selector: { matchLabels: { 'app.kubernetes.io/name': 'kubectl-stage-controller', 'app.kubernetes.io/instance': 'kubectl-stage-controller' } },
      endpoints: [{ port: 'metrics', path: '/metrics' }],
    });
  });

  test.each([
    [{ image: '' }, 'image'],
    [{ image: IMAGE, replicas: 2, leaderElection: false }, 'replicas'],
    [{ image: IMAGE, selector: 'team in data' }, 'selector'],
    [{ image: IMAGE, watchNamespace: 'Kafka' }, 'watchNamespace'],
    [{ image: IMAGE, maxConcurrent: 0 }, 'maxConcurrent'],
    [{ image: IMAGE, metricsPort: 70000 }, 'metricsPort'],
    [{ image: IMAGE, runAsUser: 0 }, 'runAsUser'],
    [{ image: IMAGE, name: 'Controller' }, 'name'],
  ] as [StagedRolloutControllerProps, string][])('refuses %j naming %s', (props, property) => {
    let caught: unknown;
    try {
      synth(props);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).property).toBe(property);
  });

  test.each([
    ['defaults', { image: IMAGE }],
    ['one namespace, a selector, one replica', { image: IMAGE, watchNamespace: 'kafka', selector: 'team=data,tier notin (test)', replicas: 1, leaderElection: false }],
    ['every bound', { image: IMAGE, maxConcurrent: 1000, metricsPort: 65535 }],
  ] as [string, StagedRolloutControllerProps][])('the Deployment\'s command line parses in kubectl-stage controller (%s)', async (_, props) => {
    const args = find(synth(props), 'Deployment', 'kubectl-stage-controller').spec.template.spec.containers[0].args;
    // controller checks every flag before it connects: reaching the connector means the command line parsed.
    let reached = false;
    const { code, stderr } = await runKubectlStage(args, {
      kubeconfig: 'the-pods-in-cluster-config',
      connector: async () => {
        reached = true;
        throw new RuntimeError('api', 'the cluster was reached');
      },
    });
    expect(stderr).toBe('error: the cluster was reached\n');
    expect(code).toBe(6);
    expect(reached).toBe(true);
  });
});

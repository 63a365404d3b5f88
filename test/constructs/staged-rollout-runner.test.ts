import { Duration, Testing } from 'cdk8s';
import { find, Manifest, testChart } from './manifest';
import { StagedRolloutRunner, StagedRolloutRunnerProps } from '../../src/staged-rollout-runner';

// manifest.ts validates workload kinds; the runner's kinds are validated here against the same 1.28 schema package.
/* eslint-disable @typescript-eslint/no-require-imports */
const MODELS: Record<string, new (data: unknown) => { validate(): void }> = {
  ServiceAccount: require('kubernetes-models/v1').ServiceAccount,
  Role: require('kubernetes-models/rbac.authorization.k8s.io/v1').Role,
  RoleBinding: require('kubernetes-models/rbac.authorization.k8s.io/v1').RoleBinding,
  ClusterRole: require('kubernetes-models/rbac.authorization.k8s.io/v1').ClusterRole,
  ClusterRoleBinding: require('kubernetes-models/rbac.authorization.k8s.io/v1').ClusterRoleBinding,
  Job: require('kubernetes-models/batch/v1').Job,
};
/* eslint-enable @typescript-eslint/no-require-imports */

function synth(props: StagedRolloutRunnerProps = {}): Manifest[] {
  const chart = testChart();
  new StagedRolloutRunner(chart, 'runner', props);
  const objects = Testing.synth(chart) as Manifest[];
  for (const object of objects) {
    new MODELS[object.kind](object).validate();
  }
  return objects;
}

function rules(objects: Manifest[], name = 'kubectl-stage'): Manifest[] {
  return find(objects, 'Role', name).rules;
}

const JOB = { image: 'ghcr.io/example/kubectl-stage:1.0.0', workload: 'sts/kafka' };

describe('StagedRolloutRunner', () => {
  test('by default: a ServiceAccount, a least-privilege Role without pod deletion, its binding, nothing cluster-wide', () => {
    const objects = synth();
    expect(objects.map((object) => object.kind)).toEqual(['ServiceAccount', 'Role', 'RoleBinding']);
    const account = find(objects, 'ServiceAccount', 'kubectl-stage');
    expect(account.metadata.namespace).toBe('default');
    expect(account.automountServiceAccountToken).toBe(false);
    expect(rules(objects)).toEqual([
      { apiGroups: ['apps'], resources: ['statefulsets', 'daemonsets'], verbs: ['get', 'list', 'watch', 'patch'] },
      { apiGroups: ['apps'], resources: ['controllerrevisions'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
      { apiGroups: [''], resources: ['events'], verbs: ['list'] },
    ]);
    expect(find(objects, 'RoleBinding', 'kubectl-stage')).toMatchObject({
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'kubectl-stage' },
      subjects: [{ kind: 'ServiceAccount', name: 'kubectl-stage', namespace: 'default' }],
    });
  });

  test('undo adds pod deletion only', () => {
    const objects = synth({ allowUndo: true, namespace: 'kafka' });
    expect(rules(objects)[2]).toEqual({ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch', 'delete'] });
    expect(objects.map((object) => object.kind)).toEqual(['ServiceAccount', 'Role', 'RoleBinding']);
  });

  test('DaemonSet canaries add pod deletion and a read-only ClusterRole on nodes', () => {
    const objects = synth({ allowDaemonSetCanary: true, namespace: 'monitoring', name: 'stage' });
    expect(rules(objects, 'stage')[2].verbs).toEqual(['get', 'list', 'watch', 'delete']);
    expect(find(objects, 'ClusterRole', 'monitoring-stage-nodes').rules).toEqual([{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list'] }]);
    expect(find(objects, 'ClusterRoleBinding', 'monitoring-stage-nodes')).toMatchObject({
      roleRef: { kind: 'ClusterRole', name: 'monitoring-stage-nodes' },
      subjects: [{ kind: 'ServiceAccount', name: 'stage', namespace: 'monitoring' }],
    });
  });

  test('the promotion Job runs kubectl-stage promote with secure pod defaults', () => {
    const objects = synth({
      namespace: 'kafka',
      allowUndo: true,
      promotionJob: {
        ...JOB,
        plan: 'canary',
        soak: Duration.minutes(5),
        timeout: Duration.minutes(10),
        autoRollback: true,
        extraArgs: ['--gate', 'http=http://kafka:8080/healthz'],
        annotations: { 'argocd.argoproj.io/hook': 'PostSync' },
        ttlAfterFinished: Duration.hours(1),
      },
    });
    expect(objects).toMatchSnapshot();
    const job = find(objects, 'Job', 'kubectl-stage-promote');
    expect(job.metadata.annotations).toEqual({ 'argocd.argoproj.io/hook': 'PostSync' });
    expect(job.spec).toMatchObject({ backoffLimit: 0, ttlSecondsAfterFinished: 3600 });
    const pod = job.spec.template.spec;
    expect(pod).toMatchObject({ serviceAccountName: 'kubectl-stage', automountServiceAccountToken: true, restartPolicy: 'Never' });
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' },
    });
    const [container] = pod.containers;
    expect(container.image).toBe(JOB.image);
    expect(container.command).toEqual(['kubectl-stage']);
    expect(container.args).toEqual([
      'promote', 'sts/kafka', '--namespace', 'kafka', '--plan', 'canary', '--soak', '300s', '--timeout', '600s', '--auto-rollback',
      '--gate', 'http=http://kafka:8080/healthz',
    ]);
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] },
    });
    expect(container.resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } });
  });

  test('a DaemonSet promotion Job needs allowDaemonSetCanary, a rollback needs allowUndo', () => {
    expect(() => synth({ promotionJob: { ...JOB, workload: 'ds/node-exporter' } })).toThrow(
      'test/runner: promotionJob.workload: "ds/node-exporter" is not valid; promoting a DaemonSet deletes its pods node by node: set allowDaemonSetCanary: true');
    expect(() => synth({ promotionJob: { ...JOB, autoRollback: true } })).toThrow(
      'test/runner: promotionJob.autoRollback: true is not valid; a rollback may delete pods stuck on the bad revision: set allowUndo: true, or leave autoRollback off');
    expect(find(synth({ allowDaemonSetCanary: true, promotionJob: { ...JOB, workload: 'ds/node-exporter' } }), 'Job', 'kubectl-stage-promote')
      .spec.template.spec.containers[0].args).toEqual(['promote', 'ds/node-exporter', '--namespace', 'default']);
  });

  test('bad Job props name the prop and the value', () => {
    expect(() => synth({ promotionJob: { ...JOB, workload: 'deployment/web' } }))
      .toThrow('test/runner: promotionJob.workload: "deployment/web" is not valid; use sts/NAME or ds/NAME, e.g. "sts/kafka"');
    expect(() => synth({ promotionJob: { ...JOB, image: ' ' } }))
      .toThrow('test/runner: promotionJob.image: " " is not valid; name the image that provides kubectl-stage');
    expect(() => synth({ promotionJob: { ...JOB, backoffLimit: -1 } }))
      .toThrow('test/runner: promotionJob.backoffLimit: -1 is not valid; use a whole number of 0 or more');
    expect(() => synth({ promotionJob: { ...JOB, soak: Duration.millis(1500) } }))
      .toThrow('test/runner: promotionJob.soak: "1500ms" is not valid; use whole seconds, e.g. Duration.minutes(5)');
  });
});

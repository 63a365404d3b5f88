import { Duration, Testing } from 'cdk8s';
import { find, Manifest, testChart } from './manifest';
import { allows, Grants, RequestAttributes, requestAttributes, unusedPermissions } from './rbac';
import { RolloutKeys } from '../../src/keys';
import { PartitionPlan } from '../../src/partition-plan';
import { RestartOrder } from '../../src/restart-order';
import { RESOURCES } from '../../src/sandbox/api';
import { PodFailureMode } from '../../src/sandbox/controllers';
import { StagedRolloutRunner, StagedRolloutRunnerProps } from '../../src/staged-rollout-runner';
import { StatefulService } from '../../src/stateful-service';
import { StatefulSetRollout } from '../../src/statefulset-rollout';
import { CliKit, startCliKit } from '../support/cli-kit';
import { isReady } from '../support/pod-readiness';
import { recordingConnector } from '../support/recording-cluster';
import { zookeeperServerPage } from '../support/simulated-metrics';
import { daemonSetManifest } from '../support/workload-manifests';

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
      { apiGroups: ['apps'], resources: ['statefulsets'], verbs: ['get', 'list', 'watch', 'patch'] },
      { apiGroups: ['apps'], resources: ['controllerrevisions'], verbs: ['list'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
      { apiGroups: [''], resources: ['events'], verbs: ['create'] },
    ]);
    expect(find(objects, 'RoleBinding', 'kubectl-stage')).toMatchObject({
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'kubectl-stage' },
      subjects: [{ kind: 'ServiceAccount', name: 'kubectl-stage', namespace: 'default' }],
    });
  });

  // promote follows the policy the workload declares, and no Job flag turns it off: a Role that would refuse it midway
  // is refused at synth when the Job's StatefulSet is in the app (declared before or after the runner).
  describe('the promotion policy the Job\'s StatefulSet declares', () => {
    function chartWith(rollout: StatefulSetRollout, runner: StagedRolloutRunnerProps, runnerFirst = false): () => unknown {
      const chart = testChart();
      const build = () => new StatefulService(chart, 'zk', {
        name: 'zk',
        replicas: 3,
        selector: { 'app.kubernetes.io/instance': 'zk' },
        podSpec: { containers: [{ name: 'zk', image: 'zk:1', ports: [{ name: 'metrics', containerPort: 7000 }] }] },
        peerPorts: [{ name: 'peer', port: 2888 }],
        rollout,
      });
      if (!runnerFirst) {
        build();
      }
      new StagedRolloutRunner(chart, 'runner', runner);
      if (runnerFirst) {
        build();
      }
      return () => Testing.synth(chart);
    }
    const zkJob = { ...JOB, workload: 'sts/zk' };

    test('a declared autoRollback needs allowUndo', () => {
      const rollout = () => StatefulSetRollout.staged(PartitionPlan.canary(), { autoRollback: true });
      const fix = 'test/runner: allowUndo: false is not valid; StatefulSet default/zk (test/zk/Resource) declares autoRollback, which promote '
        + 'follows and which may delete pods stuck on the bad revision and reads the revision it restores: set allowUndo: true, or leave autoRollback off the rollout';
      expect(chartWith(rollout(), { promotionJob: zkJob })).toThrow(fix);
      expect(chartWith(rollout(), { allowUndo: false, promotionJob: zkJob }, true)).toThrow(fix);
      expect(chartWith(rollout(), { allowUndo: true, promotionJob: zkJob })).not.toThrow();
      expect(chartWith(StatefulSetRollout.staged(PartitionPlan.canary(), { autoRollback: false }), { promotionJob: zkJob })).not.toThrow();
      // Another workload's policy is not the Job's: the Job promotes sts/kafka.
      expect(chartWith(rollout(), { promotionJob: JOB })).not.toThrow();
    });

    test('a declared restart order needs allowOrderedRestart', () => {
      const rollout = () => StatefulSetRollout.staged(PartitionPlan.canary(), { order: RestartOrder.ZOOKEEPER_LEADER_LAST });
      expect(chartWith(rollout(), { promotionJob: zkJob }, true)).toThrow('test/runner: allowOrderedRestart: false is not valid; StatefulSet default/zk '
        + '(test/zk/Resource) declares the restart order "zookeeper-leader-last", which deletes its pods one at a time and reads their metrics '
        + 'through the pod proxy: set allowOrderedRestart: true, or leave the order off the rollout');
      expect(chartWith(rollout(), { allowOrderedRestart: true, promotionJob: zkJob })).not.toThrow();
    });
  });

  test('allowOrderedRestart adds pod deletion and reading pods through the pod proxy', () => {
    expect(rules(synth({ allowOrderedRestart: true }))).toEqual([
      { apiGroups: ['apps'], resources: ['statefulsets'], verbs: ['get', 'list', 'watch', 'patch'] },
      { apiGroups: ['apps'], resources: ['controllerrevisions'], verbs: ['list'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch', 'delete'] },
      { apiGroups: [''], resources: ['pods/proxy'], verbs: ['get'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
      { apiGroups: [''], resources: ['events'], verbs: ['create'] },
    ]);
  });

  test('undo adds pod deletion and reading a revision by name only', () => {
    const objects = synth({ allowUndo: true, namespace: 'kafka' });
    expect(rules(objects)[1]).toEqual({ apiGroups: ['apps'], resources: ['controllerrevisions'], verbs: ['get', 'list'] });
    expect(rules(objects)[2]).toEqual({ apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch', 'delete'] });
    expect(objects.map((object) => object.kind)).toEqual(['ServiceAccount', 'Role', 'RoleBinding']);
  });

  test('DaemonSet canaries add DaemonSets, pod deletion and a ClusterRole that lists nodes', () => {
    const objects = synth({ allowDaemonSetCanary: true, namespace: 'monitoring', name: 'stage' });
    expect(rules(objects, 'stage')[0].resources).toEqual(['statefulsets', 'daemonsets']);
    expect(rules(objects, 'stage')[2].verbs).toEqual(['list', 'watch', 'delete']);
    expect(find(objects, 'ClusterRole', 'monitoring-stage-nodes').rules).toEqual([{ apiGroups: [''], resources: ['nodes'], verbs: ['list'] }]);
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
      .toThrow('test/runner: promotionJob.image: " " is not valid; name an image with its tag');
    expect(() => synth({ promotionJob: { ...JOB, backoffLimit: -1 } }))
      .toThrow('test/runner: promotionJob.backoffLimit: -1 is not valid; use a whole number of 0 or more');
    expect(() => synth({ promotionJob: { ...JOB, soak: Duration.millis(1500) } }))
      .toThrow('test/runner: promotionJob.soak: "1500ms" is not valid; use whole seconds of 0 or more, e.g. Duration.seconds(30)');
  });

  test('an empty promotionJob names the prop instead of failing with a TypeError', () => {
    expect(() => synth({ promotionJob: {} as never })).toThrow(/^test\/runner: promotionJob\.image: undefined is not valid; name an image/);
    expect(() => synth({ promotionJob: { image: 'x:1' } as never }))
      .toThrow('test/runner: promotionJob.workload: undefined is not valid; use sts/NAME or ds/NAME, e.g. "sts/kafka"');
  });

  test('the plan is parsed at synth by the parser promote uses, for the workload\'s kind', () => {
    expect(() => synth({ promotionJob: { ...JOB, plan: 'bogus' } })).toThrow(/^test\/runner: promotionJob\.plan: "bogus" is not valid; .*use a partition plan: canary/);
    expect(() => synth({ promotionJob: { ...JOB, plan: '110%' } })).toThrow(/^test\/runner: promotionJob\.plan: "110%" is not valid; /);
    expect(() => synth({ promotionJob: { ...JOB, plan: '  ' } })).toThrow(/^test\/runner: promotionJob\.plan: "  " is not valid; give a plan such as "canary"/);
    expect(() => synth({ allowDaemonSetCanary: true, promotionJob: { ...JOB, workload: 'ds/agent', plan: '110%' } }))
      .toThrow('test/runner: promotionJob.plan: "110%" is not valid; invalid DaemonSet canary plan "110%" from promotionJob.plan: '
        + 'step "110%": a percentage must be between 1% and 100%; use a node canary plan: canary, 1,25%,100% or nodes=<label selector>');
    // Valid plans of each kind synthesize.
    expect(() => synth({ promotionJob: { ...JOB, plan: 'canary,10%,50%,100%' } })).not.toThrow();
    expect(() => synth({ allowDaemonSetCanary: true, promotionJob: { ...JOB, workload: 'ds/agent', plan: 'canary,nodes=zone=a,50%' } })).not.toThrow();
  });

  test('names: the Kubernetes rules of every object, derived names included, and the Chart\'s namespace', () => {
    for (const name of ['Zk', '', '1_x', 'zk_1', 'zk-', 'a'.repeat(64)]) {
      expect(() => synth({ name })).toThrow(/^test\/runner: name: .* is not valid; /);
    }
    // The Job's name is also its pods' job-name label: 63 characters with "-promote".
    const long = 'a'.repeat(56);
    expect(() => synth({ name: long })).not.toThrow();
    expect(() => synth({ name: long, promotionJob: JOB })).toThrow(
      `test/runner: name: "${long}" is not valid; the Job name "${long}-promote" derived from it: must be no more than 63 characters`);
    expect(() => synth({ namespace: 'Prod' })).toThrow(/^test\/runner: namespace: "Prod" is not valid; /);
    expect(() => synth({ labels: { 'bad key!': 'x' } })).toThrow(/^test\/runner: labels key: "bad key!" is not valid; /);
    const chart = testChart('kafka');
    new StagedRolloutRunner(chart, 'runner');
    expect((Testing.synth(chart) as Manifest[]).map((object) => object.metadata.namespace)).toEqual(['kafka', 'kafka', 'kafka']);
  });

  test('other Job props: a non-root user, whole-second deadlines, lists of strings, valid annotations', () => {
    expect(() => synth({ promotionJob: { ...JOB, runAsUser: 0 } })).toThrow(/^test\/runner: promotionJob\.runAsUser: 0 is not valid; .*non-root/);
    expect(() => synth({ promotionJob: { ...JOB, activeDeadline: Duration.seconds(0) } })).toThrow(/^test\/runner: promotionJob\.activeDeadline: "0ms"/);
    expect(() => synth({ promotionJob: { ...JOB, command: [] } })).toThrow(/^test\/runner: promotionJob\.command: \[\] is not valid/);
    expect(() => synth({ promotionJob: { ...JOB, extraArgs: [1 as never] } })).toThrow(/^test\/runner: promotionJob\.extraArgs\[0\]: 1 is not valid/);
    expect(() => synth({ promotionJob: { ...JOB, annotations: { 'a b': 'x' } } })).toThrow(/^test\/runner: promotionJob\.annotations: /);
    expect(() => synth({ promotionJob: { ...JOB, image: 'a b' } })).toThrow(/^test\/runner: promotionJob\.image: "a b" is not valid/);
  });

  test('two runners of one name in one namespace are refused at synth', () => {
    const chart = testChart();
    new StagedRolloutRunner(chart, 'a');
    new StagedRolloutRunner(chart, 'b');
    expect(() => Testing.synth(chart)).toThrow(/ServiceAccount "kubectl-stage" in namespace "default" is produced by both test\/a\/ServiceAccount and test\/b\/ServiceAccount/);
  });
});

// The Role is measured against what the commands send: each is run in-process against the sandbox over HTTP, its
// requests recorded at the Cluster boundary (beneath the retrying layer). Every request must be allowed by the
// synthesized rules, and every permission of the rules must be used by some request.
describe('StagedRolloutRunner RBAC: exactly the requests the commands make', () => {
  jest.setTimeout(120_000);

  // Runs `commands` against a fresh sandbox and returns every request they made.
  async function recordRequests(
    commands: (cli: CliKit, stage: (args: string[]) => Promise<void>) => Promise<void>,
  ): Promise<RequestAttributes[]> {
    const cli = await startCliKit({ kubelet: { failureRules: [{ mode: PodFailureMode.IMAGE_PULL, image: 'kafka:bad' }] } });
    const recording = recordingConnector();
    const stage = async (args: string[]) => {
      const result = await cli.stage(args, { connector: recording.connector });
      // Rolled back (2) is how a failed canary with --auto-rollback ends; anything else is a broken scenario.
      expect({ args, code: result.code === 2 ? 0 : result.code, stderr: result.stderr }).toEqual({ args, code: 0, stderr: '' });
    };
    try {
      await commands(cli, stage);
    } finally {
      await cli.sandbox.stop();
    }
    return recording.requests().map(requestAttributes);
  }

  // A StatefulSet promoted, watched, listed: what every runner does.
  const promoteStatefulSet = () => recordRequests(async (cli, stage) => {
    await cli.createStatefulSet('kafka', { replicas: 3, image: 'kafka:1', updateStrategy: 'rolling' });
    await stage(['stage', 'sts/kafka']);
    cli.setImage('kafka', 'kafka:2');
    await stage(['promote', 'sts/kafka', '--plan', 'canary']);
    await stage(['status', 'sts/kafka']);
    await stage(['status', 'sts/kafka', '--watch']);
    await stage(['history', 'sts/kafka']);
  });

  // A bad canary rolled back automatically (the stuck pod deleted), then undone by hand.
  const rollBackStatefulSet = () => recordRequests(async (cli, stage) => {
    await cli.createStatefulSet('kafka', { replicas: 3, image: 'kafka:1', updateStrategy: 'rolling' });
    await stage(['stage', 'sts/kafka']);
    cli.setImage('kafka', 'kafka:bad');
    await stage(['promote', 'sts/kafka', '--plan', 'canary', '--auto-rollback', '--timeout', '2m']);
    await stage(['undo', 'sts/kafka']);
  });

  // A DaemonSet node canary with a node selector step, its status and history.
  const promoteDaemonSet = () => recordRequests(async (cli, stage) => {
    cli.api.create(RESOURCES.daemonSets, daemonSetManifest('agent', { image: 'agent:1', updateStrategy: { type: 'RollingUpdate' } }));
    await cli.runUntil(() => cli.pods('agent').filter(isReady).length === 3);
    await stage(['stage', 'ds/agent']);
    cli.setImage('agent', 'agent:2', { kind: 'DaemonSet' });
    await stage(['promote', 'ds/agent', '--plan', 'nodes=kubernetes.io/hostname=node-1,100%']);
    await stage(['status', 'ds/agent']);
    await stage(['history', 'ds/agent']);
  });

  // A promotion gated on Kafka's health, read from each broker's metrics through the pod proxy.
  const promoteWithKafkaGate = () => recordRequests(async (cli, stage) => {
    await cli.createStatefulSet('kafka', { replicas: 3, image: 'kafka:1', updateStrategy: 'rolling' });
    await stage(['stage', 'sts/kafka']);
    for (const pod of cli.pods('kafka')) {
      cli.sandbox.podMetrics.set('default', pod.metadata.name!, 9404, 'kafka_server_replicamanager_underreplicatedpartitions 0\n');
    }
    cli.setImage('kafka', 'kafka:2');
    await stage(['promote', 'sts/kafka', '--plan', 'canary', '--gate', 'kafka:port=9404']);
  });

  // An ordered restart: a staged StatefulSet declaring zookeeper-leader-last, its leader (zk-2) told by the pods'
  // simulated ZooKeeper metrics, promoted by the order the workload declares.
  const promoteOrderedRestart = () => recordRequests(async (cli, stage) => {
    await cli.createStatefulSet('zk', { replicas: 3, updateStrategy: 'staged', ports: [{ name: 'metrics', containerPort: 7000 }] });
    await cli.cluster.patch('StatefulSet', 'default', 'zk', { metadata: { annotations: { [RolloutKeys.RESTART_ORDER_ANNOTATION]: 'zookeeper-leader-last' } } }, 'merge');
    for (const pod of cli.pods('zk')) {
      cli.sandbox.podMetrics.set('default', pod.metadata.name!, 7000, zookeeperServerPage(cli.clock, () => cli.pods('zk'), 'zk-2', () => 0));
    }
    cli.setImage('zk', 'zk:2');
    await stage(['promote', 'sts/zk', '--plan', 'canary']);
    expect(cli.promotionState('zk')).toMatchObject({ phase: 'complete', step: 2 });
    expect(cli.pods('zk').map((pod) => pod.spec.containers[0].image)).toEqual(['zk:2', 'zk:2', 'zk:2']);
  });

  let recorded: {
    statefulSet: RequestAttributes[];
    rollBack: RequestAttributes[];
    daemonSet: RequestAttributes[];
    kafkaGate: RequestAttributes[];
    orderedRestart: RequestAttributes[];
  };
  beforeAll(async () => {
    recorded = {
      statefulSet: await promoteStatefulSet(),
      rollBack: await rollBackStatefulSet(),
      daemonSet: await promoteDaemonSet(),
      kafkaGate: await promoteWithKafkaGate(),
      orderedRestart: await promoteOrderedRestart(),
    };
  });

  function grantsOf(props: StagedRolloutRunnerProps): Grants {
    const objects = synth(props);
    const role = objects.find((object) => object.kind === 'Role')!;
    return {
      namespace: role.metadata.namespace,
      roleRules: role.rules,
      clusterRules: objects.filter((object) => object.kind === 'ClusterRole').flatMap((object) => object.rules),
    };
  }

  function expectExactly(grants: Grants, requests: RequestAttributes[]): void {
    const denied = requests.filter((request) => !allows(grants, request))
      .map((request) => `${request.verb} ${request.apiGroup}/${request.resource} ${request.name}`);
    expect([...new Set(denied)]).toEqual([]);
    expect(unusedPermissions(grants, requests)).toEqual([]);
  }

  test('the default runner: promote, status and history of StatefulSets', () => {
    expectExactly(grantsOf({}), recorded.statefulSet);
    expect(recorded.statefulSet).toContainEqual({ verb: 'create', apiGroup: '', resource: 'events', namespace: 'default', name: '' });
  });

  test('allowUndo adds what a rollback and undo use: reading a revision by name, deleting stuck pods', () => {
    expectExactly(grantsOf({ allowUndo: true }), [...recorded.statefulSet, ...recorded.rollBack]);
    expect(recorded.rollBack).toContainEqual({ verb: 'delete', apiGroup: '', resource: 'pods', namespace: 'default', name: 'kafka-2' });
  });

  test('allowDaemonSetCanary adds DaemonSets, pod deletion and listing nodes', () => {
    expectExactly(grantsOf({ allowDaemonSetCanary: true }), [...recorded.statefulSet, ...recorded.daemonSet]);
  });

  test('allowPodMetrics adds reading pods through the pod proxy, which the kafka and zookeeper gates do; a Job whose --gate is one gets it', () => {
    expectExactly(grantsOf({ allowPodMetrics: true }), [...recorded.statefulSet, ...recorded.kafkaGate]);
    expect(recorded.kafkaGate).toContainEqual({ verb: 'get', apiGroup: '', resource: 'pods/proxy', namespace: 'default', name: 'kafka-0' });
    expect(grantsOf({}).roleRules.some((rule) => rule.resources?.includes('pods/proxy'))).toBe(false);
    const gated = grantsOf({ promotionJob: { ...JOB, extraArgs: ['--gate', 'kafka:port=9404'] } });
    expectExactly(gated, [...recorded.statefulSet, ...recorded.kafkaGate]);
    expect(grantsOf({ promotionJob: { ...JOB, extraArgs: ['--gate=zookeeper'] } }).roleRules).toContainEqual({ apiGroups: [''], resources: ['pods/proxy'], verbs: ['get'] });
    expect(grantsOf({ promotionJob: { ...JOB, extraArgs: ['--gate', 'http=http://svc/healthz'] } }).roleRules.some((rule) => rule.resources?.includes('pods/proxy'))).toBe(false);
  });

  test('allowOrderedRestart adds what an ordered restart uses: deleting pods one at a time, reading their metrics through the pod proxy', () => {
    expectExactly(grantsOf({ allowOrderedRestart: true }), [...recorded.statefulSet, ...recorded.orderedRestart]);
    expect(recorded.orderedRestart).toContainEqual({ verb: 'delete', apiGroup: '', resource: 'pods', namespace: 'default', name: 'zk-2' });
    expect(recorded.orderedRestart).toContainEqual({ verb: 'get', apiGroup: '', resource: 'pods/proxy', namespace: 'default', name: 'zk-0' });
    // The strategy switch and the recorded original strategy are patches of the StatefulSet, which every runner may send.
    expect(recorded.orderedRestart.filter((request) => request.resource === 'statefulsets' && request.verb !== 'get' && request.verb !== 'list'
      && request.verb !== 'watch').map((request) => request.verb)).toEqual(expect.arrayContaining(['patch']));
    const denied = recorded.orderedRestart.filter((request) => !allows(grantsOf({}), request));
    expect([...new Set(denied.map((request) => `${request.verb} ${request.resource}`))].sort()).toEqual(['delete pods', 'get pods/proxy']);
    const jobGrants = grantsOf({ allowOrderedRestart: true, promotionJob: { ...JOB, workload: 'sts/zk' } });
    expect(recorded.orderedRestart.filter((request) => !allows(jobGrants, request))).toEqual([]);
  });

  test('a promotion Job scopes the workload and its Lease by name', () => {
    const grants = grantsOf({ allowUndo: true, promotionJob: { ...JOB, autoRollback: true } });
    expectExactly(grants, [...recorded.statefulSet, ...recorded.rollBack]);
    expect(grants.roleRules[0]).toEqual({ apiGroups: ['apps'], resources: ['statefulsets'], verbs: ['get', 'list', 'watch', 'patch'], resourceNames: ['kafka'] });
    // Another StatefulSet's template cannot be patched.
    expect(allows(grants, { verb: 'patch', apiGroup: 'apps', resource: 'statefulsets', namespace: 'default', name: 'zookeeper' })).toBe(false);
    const dsGrants = grantsOf({ allowDaemonSetCanary: true, promotionJob: { ...JOB, workload: 'ds/agent' } });
    expectExactly(dsGrants, recorded.daemonSet);
    expect(allows(dsGrants, { verb: 'patch', apiGroup: 'apps', resource: 'statefulsets', namespace: 'default', name: 'kafka' })).toBe(false);
  });
});

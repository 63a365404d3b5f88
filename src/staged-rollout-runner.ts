import { ApiObject, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { isDataGate, isGateProblem, parseGateText } from './gate-grammar';
import { RolloutKeys } from './keys';
import { parseNodeCanaryPlanText } from './node-canary-plan';
import { NotifyWebhookSecret, notifyWebhookEnv } from './notify-webhook-secret';
import { guardObjectCollisions } from './object-collisions';
import { PartitionPlan } from './partition-plan';
import { checkPromoteExtraArgs } from './promote-job-flags';
import {
  DerivedName, NameRule, requireAnnotations, requireImage, requireLabels, requireLabelValue, requireNames, requireStrings,
  requireWholeNumber, wholeSeconds,
} from './prop-validation';
import { invalidProp, ValidationError } from './validation-error';
import {
  MANAGED_BY, namespaceOf, resourceRequirements, secureContainerSecurityContext, securePodSecurityContext,
} from './workload-defaults';

/** What the promotion Job runs: `kubectl-stage promote <workload> [flags]`. */
export interface PromotionJobOptions {
  /** Image that provides `kubectl-stage`, with tag or digest. */
  readonly image: string;
  /** The workload to promote, as `sts/NAME` or `ds/NAME`, in the runner's namespace. */
  readonly workload: string;
  /**
   * `--plan`: a partition plan (`canary`, `100,99,90,50,0`) for a StatefulSet, a node canary plan (`canary,50%`) for a DaemonSet.
   * @default - the plan annotation the workload's construct wrote
   */
  readonly plan?: string;
  /**
   * `--soak`: how long each step's pods are watched for infant mortality.
   * @default - no soak
   */
  readonly soak?: Duration;
  /**
   * `--timeout`: how long one step may wait for its pods.
   * @default - no limit
   */
  readonly timeout?: Duration;
  /**
   * `--auto-rollback`: restore the previous revision when a step fails. Needs `allowUndo`, since a rollback may
   * delete pods stuck on the bad revision (kubernetes/kubernetes#67250).
   * @default false
   */
  readonly autoRollback?: boolean;
  /**
   * More flags of `promote` after the ones above, e.g. `['--gate', 'http=http://svc/healthz', '--step']`. Flags a prop
   * writes (`--plan`, `--soak`, `--timeout`, `--auto-rollback`, `--namespace`) and the connection's (`--kubeconfig`,
   * `--context`) are refused: a repeat would override the prop, past its checks and the Role's scope.
   * @default - none
   */
  readonly extraArgs?: string[];
  /**
   * A Slack-compatible chat webhook told of each step failure, rollback and completion (`--notify-webhook`): its URL
   * is read from this Secret key into the `KUBECTL_STAGE_NOTIFY_WEBHOOK` environment variable, never written into the
   * manifest, since whoever has the URL may post to the channel. The pod does not start until the Secret exists.
   * @default - no notifications
   */
  readonly notifyWebhookSecret?: NotifyWebhookSecret;
  /**
   * The command that starts the CLI in the image.
   * @default ['kubectl-stage']
   */
  readonly command?: string[];
  /**
   * Annotations of the Job, e.g. `{ 'argocd.argoproj.io/hook': 'PostSync' }` to run it after a GitOps sync.
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
  /**
   * Retries of a failed Job. A failed promotion ends in a recorded state (failed or rolled back) that a retry would
   * restart, so the default is none.
   * @default 0
   */
  readonly backoffLimit?: number;
  /**
   * How long the Job may run in all (`activeDeadlineSeconds`).
   * @default - no limit
   */
  readonly activeDeadline?: Duration;
  /**
   * How long a finished Job is kept (`ttlSecondsAfterFinished`).
   * @default - kept until deleted
   */
  readonly ttlAfterFinished?: Duration;
  /**
   * Resource requests and limits of the container.
   * @default - requests 50m CPU and 64Mi memory, limit 256Mi memory
   */
  readonly resources?: kplus.ContainerResources;
  /**
   * Numeric user (and group) the CLI runs as.
   * @default 65532
   */
  readonly runAsUser?: number;
}

/** Props of {@link StagedRolloutRunner}. */
export interface StagedRolloutRunnerProps {
  /**
   * Name of the ServiceAccount, Role, RoleBinding (and ClusterRole, ClusterRoleBinding, Job when created).
   * @default 'kubectl-stage'
   */
  readonly name?: string;
  /**
   * Namespace of the workloads the runner promotes, and of its own objects.
   * @default - the Chart's namespace, or 'default'
   */
  readonly namespace?: string;
  /**
   * Extra labels for every object.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * Allow `kubectl-stage undo` and automatic rollback: grants `delete` on pods, to free pods stuck on a bad revision
   * (kubernetes/kubernetes#67250), and `get` on ControllerRevisions, to read the revision a rollback restores. Needed
   * too when the Job's workload declares `autoRollback`, which `promote` follows.
   * @default false
   */
  readonly allowUndo?: boolean;
  /**
   * Allow DaemonSet node canaries (`promote ds/NAME`): grants access to DaemonSets, `delete` on pods (a canary moves a
   * node by deleting its pod) and, cluster-wide, `list` on nodes (`nodes=<selector>` steps read node labels). With a
   * `promotionJob`, only when the Job promotes a DaemonSet.
   * @default false
   */
  readonly allowDaemonSetCanary?: boolean;
  /**
   * Allow the data-aware gates (`kafka`, `zookeeper`, declared with `RolloutGate` on the workload or given as `--gate`)
   * to read the workload's pods' metrics through the API server's pod proxy: grants `get` on `pods/proxy`.
   * @default - true when `promotionJob.extraArgs` give a kafka or zookeeper `--gate`, false otherwise
   */
  readonly allowPodMetrics?: boolean;
  /**
   * Allow ordered restarts (a StatefulSet whose rollout declares a `RestartOrder`): grants `delete` on pods, which
   * the promoter restarts one at a time, and `get` on `pods/proxy`, through which it finds the pod to restart last.
   * A `promotionJob` whose StatefulSet is in the same app and declares an order is refused at synth without it.
   * @default false
   */
  readonly allowOrderedRestart?: boolean;
  /**
   * A Job that runs one promotion in the cluster, e.g. as a GitOps post-sync hook. When its workload is in the same
   * app, the promotion policy that workload declares is checked at synth: a declared `autoRollback` needs `allowUndo`
   * and a `RestartOrder` needs `allowOrderedRestart` (`promote` follows them, and the Role would refuse it midway).
   * @default - no Job
   */
  readonly promotionJob?: PromotionJobOptions;
}

const WORKLOAD = /^(sts|statefulset|statefulsets|ds|daemonset|daemonsets)\/([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)$/;

/**
 * The least-privilege identity `kubectl-stage` needs inside a cluster, and optionally a Job that runs a promotion with
 * it. The Role grants, in one namespace, exactly what the enabled commands request (measured, not guessed:
 * `promote`, `status`, `history`, `pause`/`resume`/`abort`, and `undo` or DaemonSet canaries when allowed):
 * get/list/watch/patch on StatefulSets (and DaemonSets when canaries are allowed); list on ControllerRevisions (get
 * too when undo is allowed, for the rollback); list/watch on pods (delete when undo, canaries or ordered restarts are
 * allowed); get on pods/proxy for data-aware gates and ordered restarts; get/create/update on Leases (the promotion
 * lock); create on events. A Job's StatefulSet declared in the same app is checked at synth against the policy it
 * declares (`autoRollback` needs `allowUndo`, a `RestartOrder` needs `allowOrderedRestart`); nothing is granted for it
 * implicitly. When `promotionJob` names the workload, the
 * workload and its Lease are scoped with `resourceNames`, so the account can patch no other pod template. Node
 * listing (a ClusterRole) only for DaemonSet canaries.
 *
 * @example
 * new StagedRolloutRunner(chart, 'runner', {
 *   namespace: 'kafka',
 *   allowUndo: true,
 *   promotionJob: { image: 'ghcr.io/example/kubectl-stage:1.0.0', workload: 'sts/kafka', plan: 'canary', autoRollback: true },
 * });
 */
export class StagedRolloutRunner extends Construct {
  /** Name of the ServiceAccount, Role and RoleBinding. */
  public readonly name: string;
  /** Namespace of the runner's objects. */
  public readonly namespace: string;
  /** Whether the Role may delete pods. */
  public readonly canDeletePods: boolean;
  /** The ServiceAccount the CLI runs as. */
  public readonly serviceAccount: kplus.k8s.KubeServiceAccount;
  /** The namespaced Role. */
  public readonly role: kplus.k8s.KubeRole;
  /** The promotion Job, when `promotionJob` is set. */
  public readonly job?: kplus.k8s.KubeJob;

  constructor(scope: Construct, id: string, props: StagedRolloutRunnerProps = {}) {
    super(scope, id);
    guardObjectCollisions(this);
    this.namespace = props.namespace === undefined ? namespaceOf(this)
      : requireNames(this, 'namespace', props.namespace, (namespace) => [{ kind: 'Namespace', name: namespace, rule: NameRule.LABEL }]);
    const allowUndo = props.allowUndo ?? false;
    const allowDaemonSetCanary = props.allowDaemonSetCanary ?? false;
    const job = props.promotionJob;
    const workload = job === undefined ? undefined : this.validateJob(job, allowUndo, allowDaemonSetCanary);
    // A Job scopes the account to its workload: DaemonSet canaries then only when that workload is a DaemonSet.
    const canaries = allowDaemonSetCanary && (!workload || workload.resource === 'daemonsets');
    this.name = requireNames(this, 'name', props.name ?? 'kubectl-stage', (name) => runnerNames(name, this.namespace, canaries, job !== undefined));
    requireLabelValue(this, 'name', this.name);
    requireLabels(this, 'labels', props.labels);
    const labels = { ...props.labels, [RolloutKeys.NAME_LABEL]: 'kubectl-stage', [RolloutKeys.INSTANCE_LABEL]: this.name, [RolloutKeys.MANAGED_BY_LABEL]: MANAGED_BY };
    const metadata = { name: this.name, namespace: this.namespace, labels };
    const orderedRestarts = props.allowOrderedRestart ?? false;
    this.canDeletePods = allowUndo || canaries || orderedRestarts;
    const readsPodMetrics = orderedRestarts || (props.allowPodMetrics ?? hasDataGate(job?.extraArgs ?? []));
    if (workload?.resource === 'statefulsets') {
      // At synth, once every construct of the app exists: the workload may be declared after the runner.
      this.node.addValidation({ validate: () => this.declaredPolicyProblems(workload, { allowUndo, orderedRestarts }) });
    }

    // The Job's pod opts in to the token; nothing else that borrows this account gets API credentials by accident.
    this.serviceAccount = new kplus.k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata, automountServiceAccountToken: false });
    this.role = new kplus.k8s.KubeRole(this, 'Role', {
      metadata,
      rules: roleRules({ allowUndo, canaries, canDeletePods: this.canDeletePods, readsPodMetrics, workload }),
    });
    const subjects = [{ kind: 'ServiceAccount', name: this.name, namespace: this.namespace }];
    new kplus.k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: this.name },
      subjects,
    });
    if (canaries) {
      // Nodes are cluster-scoped: a Role cannot grant them. Listed only, for the labels `nodes=<selector>` steps match.
      const clusterName = `${this.namespace}-${this.name}-nodes`;
      new kplus.k8s.KubeClusterRole(this, 'NodeReader', {
        metadata: { name: clusterName, labels },
        rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['list'] }],
      });
      new kplus.k8s.KubeClusterRoleBinding(this, 'NodeReaderBinding', {
        metadata: { name: clusterName, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterName },
        subjects,
      });
    }
    if (job) {
      this.job = this.promotionJob(job, labels);
    }
  }

  private promotionJob(options: PromotionJobOptions, labels: Record<string, string>): kplus.k8s.KubeJob {
    const uid = options.runAsUser ?? 65532;
    const args = [
      'promote', options.workload, '--namespace', this.namespace,
      ...(options.plan !== undefined ? ['--plan', options.plan] : []),
      ...(options.soak !== undefined ? ['--soak', `${options.soak.toSeconds()}s`] : []),
      ...(options.timeout !== undefined ? ['--timeout', `${options.timeout.toSeconds()}s`] : []),
      ...(options.autoRollback ? ['--auto-rollback'] : []),
      ...options.extraArgs ?? [],
    ];
    const resources = options.resources ?? {
      cpu: { request: kplus.Cpu.millis(50) },
      memory: { request: Size.mebibytes(64), limit: Size.mebibytes(256) },
    };
    return new kplus.k8s.KubeJob(this, 'PromotionJob', {
      metadata: { name: `${this.name}-promote`, namespace: this.namespace, labels, annotations: options.annotations },
      spec: {
        backoffLimit: options.backoffLimit ?? 0,
        activeDeadlineSeconds: options.activeDeadline?.toSeconds(),
        ttlSecondsAfterFinished: options.ttlAfterFinished?.toSeconds(),
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: this.name,
            automountServiceAccountToken: true,
            enableServiceLinks: false,
            restartPolicy: 'Never',
            securityContext: securePodSecurityContext(uid),
            containers: [{
              name: 'kubectl-stage',
              image: options.image,
              command: options.command ?? ['kubectl-stage'],
              args,
              env: notifyWebhookEnv(this, 'promotionJob.notifyWebhookSecret', options.notifyWebhookSecret),
              resources: resourceRequirements(this, resources, 'promotionJob.resources'),
              securityContext: secureContainerSecurityContext(uid),
              // The root file system is read-only; client libraries may still want a writable temp directory.
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            }],
            volumes: [{ name: 'tmp', emptyDir: {} }],
          },
        },
      },
    });
  }

  // Every prop of the Job, checked before anything is built; returns the workload it promotes.
  private validateJob(options: PromotionJobOptions, allowUndo: boolean, allowDaemonSetCanary: boolean): JobWorkload {
    if (typeof options !== 'object' || options === null) {
      throw new ValidationError(this, 'promotionJob', options, 'give the Job\'s options, at least { image, workload }');
    }
    requireImage(this, 'promotionJob.image', options.image);
    const match = typeof options.workload === 'string' ? WORKLOAD.exec(options.workload) : null;
    if (!match) {
      throw new ValidationError(this, 'promotionJob.workload', options.workload, 'use sts/NAME or ds/NAME, e.g. "sts/kafka"');
    }
    const workload: JobWorkload = { resource: match[1].startsWith('d') ? 'daemonsets' : 'statefulsets', name: match[2] };
    // The promoter's Lease is named after the workload (leaseNameFor in the runtime).
    requireNames(this, 'promotionJob.workload', options.workload, () => [{ kind: 'Lease', name: leaseName(workload), rule: NameRule.SUBDOMAIN }]);
    if (workload.resource === 'daemonsets' && !allowDaemonSetCanary) {
      throw new ValidationError(this, 'promotionJob.workload', options.workload,
        'promoting a DaemonSet deletes its pods node by node: set allowDaemonSetCanary: true');
    }
    if (options.plan !== undefined) {
      this.validatePlan(options.plan, workload);
    }
    if (options.autoRollback && !allowUndo) {
      throw new ValidationError(this, 'promotionJob.autoRollback', true,
        'a rollback may delete pods stuck on the bad revision: set allowUndo: true, or leave autoRollback off');
    }
    if (options.backoffLimit !== undefined) {
      requireWholeNumber(this, 'promotionJob.backoffLimit', options.backoffLimit, 0);
    }
    for (const [prop, duration] of [['soak', options.soak], ['timeout', options.timeout], ['ttlAfterFinished', options.ttlAfterFinished]] as const) {
      if (duration !== undefined) {
        wholeSeconds(this, `promotionJob.${prop}`, duration);
      }
    }
    if (options.activeDeadline !== undefined) {
      wholeSeconds(this, 'promotionJob.activeDeadline', options.activeDeadline, 1);
    }
    if (options.runAsUser !== undefined && (!Number.isInteger(options.runAsUser) || options.runAsUser < 1 || options.runAsUser > 2147483647)) {
      throw new ValidationError(this, 'promotionJob.runAsUser', options.runAsUser,
        'use a whole number from 1 to 2147483647: the pod must run as non-root (runAsNonRoot), which user 0 is not');
    }
    const extraArgs = requireStrings(this, 'promotionJob.extraArgs', options.extraArgs) ?? [];
    const problem = checkPromoteExtraArgs(extraArgs);
    if (problem) {
      throw new ValidationError(this, `promotionJob.extraArgs[${problem.index}]`, extraArgs[problem.index], problem.fix);
    }
    if (requireStrings(this, 'promotionJob.command', options.command)?.length === 0) {
      throw new ValidationError(this, 'promotionJob.command', options.command, 'name the program that starts the CLI, e.g. ["kubectl-stage"]');
    }
    requireAnnotations(this, 'promotionJob.annotations', options.annotations);
    notifyWebhookEnv(this, 'promotionJob.notifyWebhookSecret', options.notifyWebhookSecret);
    return workload;
  }

  // What the Job's StatefulSet, when this app declares it, has `promote` do that the Role would refuse: `promote`
  // follows the declared auto-rollback and restart order, and no Job flag turns either off.
  private declaredPolicyProblems(workload: JobWorkload, allowed: { allowUndo: boolean; orderedRestarts: boolean }): string[] {
    const declared = this.node.root.node.findAll().filter((construct): construct is ApiObject => construct instanceof ApiObject
      && construct.kind === 'StatefulSet' && construct.name === workload.name && (construct.metadata.namespace ?? 'default') === this.namespace);
    return declared.flatMap((statefulSet) => {
      const annotations: Record<string, string> = statefulSet.toJson().metadata?.annotations ?? {};
      const where = `StatefulSet ${this.namespace}/${workload.name} (${statefulSet.node.path})`;
      return [
        ...annotations[RolloutKeys.AUTO_ROLLBACK_ANNOTATION] === 'true' && !allowed.allowUndo
          ? [invalidProp(this, 'allowUndo', false, `${where} declares autoRollback, which promote follows and which may delete pods `
            + 'stuck on the bad revision and reads the revision it restores: set allowUndo: true, or leave autoRollback off the rollout')]
          : [],
        ...annotations[RolloutKeys.RESTART_ORDER_ANNOTATION] !== undefined && !allowed.orderedRestarts
          ? [invalidProp(this, 'allowOrderedRestart', false, `${where} declares the restart order `
            + `"${annotations[RolloutKeys.RESTART_ORDER_ANNOTATION]}", which deletes its pods one at a time and reads their metrics `
            + 'through the pod proxy: set allowOrderedRestart: true, or leave the order off the rollout')]
          : [],
      ];
    });
  }

  // The plan is parsed at synth by the parser `promote` uses, so a bad one fails here, not when the Job runs.
  private validatePlan(plan: string, workload: JobWorkload): void {
    if (typeof plan !== 'string' || plan.trim() === '') {
      throw new ValidationError(this, 'promotionJob.plan', plan, 'give a plan such as "canary", or leave it out to use the workload\'s plan annotation');
    }
    try {
      if (workload.resource === 'statefulsets') {
        PartitionPlan.parse(plan);
      } else {
        parseNodeCanaryPlanText(plan, 'promotionJob.plan');
      }
    } catch (error) {
      const valid = workload.resource === 'statefulsets'
        ? 'use a partition plan: canary, linear:N, exponential:F, canary,10%,50%,100% or 100,99,90,50,0'
        : 'use a node canary plan: canary, 1,25%,100% or nodes=<label selector>';
      throw new ValidationError(this, 'promotionJob.plan', plan, `${(error as Error).message}; ${valid}`);
    }
  }
}

/** The workload a promotion Job names, as RBAC names it. */
interface JobWorkload {
  readonly resource: 'statefulsets' | 'daemonsets';
  readonly name: string;
}

// The Lease that guards the workload's promotions: `<kind>-<name>-stage`, as the runtime's leaseNameFor names it.
function leaseName(workload: JobWorkload): string {
  return `${workload.resource === 'statefulsets' ? 'statefulset' : 'daemonset'}-${workload.name}-stage`;
}

// The names the runner derives from `name`: the account, its Role and binding, the node ClusterRole (named with the
// namespace, since it is cluster-wide) and the Job, whose name is also its pods' `job-name` label (63 characters).
function runnerNames(name: string, namespace: string, canaries: boolean, job: boolean): DerivedName[] {
  return [
    { kind: 'ServiceAccount', name, rule: NameRule.SUBDOMAIN },
    ...canaries ? [{ kind: 'ClusterRole', name: `${namespace}-${name}-nodes`, rule: NameRule.SUBDOMAIN }] : [],
    ...job ? [{ kind: 'Job', name: `${name}-promote`, rule: NameRule.LABEL }] : [],
  ];
}

// Whether promote's flags give a kafka or zookeeper gate (`--gate kafka:min-isr` or `--gate=zookeeper`).
function hasDataGate(args: readonly string[]): boolean {
  const gates = args.flatMap((arg, index) => (arg === '--gate' ? [args[index + 1] ?? ''] : arg.startsWith('--gate=') ? [arg.slice('--gate='.length)] : []));
  return gates.some((text) => {
    const spec = parseGateText(text);
    return !isGateProblem(spec) && isDataGate(spec);
  });
}

/** What the Role must allow. */
interface RoleNeeds {
  readonly allowUndo: boolean;
  /** Whether DaemonSets are promoted by node canaries. */
  readonly canaries: boolean;
  readonly canDeletePods: boolean;
  /** Whether kafka or zookeeper gates read pods' metrics through the pod proxy. */
  readonly readsPodMetrics: boolean;
  /** The one workload the account promotes, when a Job names it. */
  readonly workload?: JobWorkload;
}

/**
 * The Role's rules: each verb is one some enabled command sends (the test records them), and whatever can be named
 * in advance is (a create, and a list by label, cannot be: RBAC sees no name in them).
 */
function roleRules(needs: RoleNeeds): kplus.k8s.PolicyRule[] {
  const { workload } = needs;
  const kinds = workload ? [workload.resource] : ['statefulsets', ...(needs.canaries ? ['daemonsets'] : [])];
  const lease = workload ? { resourceNames: [leaseName(workload)] } : {};
  // A StatefulSet's automatic rollback reads the revision it restores by name.
  const readsRevisionByName = needs.allowUndo && kinds.includes('statefulsets');
  return [
    // promote, stage, pause/resume/abort patch the workload; the promoter and status --watch watch it by name.
    { apiGroups: ['apps'], resources: kinds, verbs: ['get', 'list', 'watch', 'patch'], ...workload && { resourceNames: [workload.name] } },
    // history, undo, status of a DaemonSet and its canary list the revisions by the workload's selector.
    { apiGroups: ['apps'], resources: ['controllerrevisions'], verbs: [...readsRevisionByName ? ['get'] : [], 'list'] },
    { apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch', ...needs.canDeletePods ? ['delete'] : []] },
    // The kafka and zookeeper gates read each pod's metrics page (pods/<name>:<port>/proxy/metrics).
    ...needs.readsPodMetrics ? [{ apiGroups: [''], resources: ['pods/proxy'], verbs: ['get'] }] : [],
    ...workload
      ? [
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'update'], ...lease },
      ]
      : [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] }],
    // The promotion's steps, failures, rollbacks and end, as Events on the workload.
    { apiGroups: [''], resources: ['events'], verbs: ['create'] },
  ];
}

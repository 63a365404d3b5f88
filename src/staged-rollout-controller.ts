import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { parseLabelSelector } from './internal/label-selector';
import { RolloutKeys } from './keys';
import { NotifyWebhookSecret, notifyWebhookEnv } from './notify-webhook-secret';
import { guardObjectCollisions } from './object-collisions';
import { MonitorKind, MonitorOptions, PrometheusMonitor } from './prometheus-monitor';
import {
  NameRule, requireImage, requireLabels, requireLabelValue, requireNames, requirePort, requireStrings, requireWholeNumber,
} from './prop-validation';
import { ValidationError } from './validation-error';
import {
  MANAGED_BY, namespaceOf, resourceRequirements, secureContainerSecurityContext, securePodSecurityContext,
} from './workload-defaults';

/** Props of {@link StagedRolloutController}. */
export interface StagedRolloutControllerProps {
  /**
   * Image that provides `kubectl-stage`, with tag or digest. We publish no image yet: build one from this package (its
   * `kubectl-stage` bin on Node.js 20 or later) and push it to your registry.
   */
  readonly image: string;
  /**
   * Name of the Deployment, ServiceAccount, roles, bindings, metrics Service and leader election Lease.
   * @default 'kubectl-stage-controller'
   */
  readonly name?: string;
  /**
   * The one namespace whose workloads the controller promotes: it is then granted a Role there instead of a ClusterRole.
   * @default - every namespace (a ClusterRole)
   */
  readonly watchNamespace?: string;
  /**
   * A label selector the promoted workloads must match (`kubectl-stage controller --selector`), e.g. `team=data`.
   * @default - every workload that carries the plan annotation
   */
  readonly selector?: string;
  /**
   * Replicas of the controller; more than one needs leader election (one active, the others standing by).
   * @default 2
   */
  readonly replicas?: number;
  /**
   * Leader election on a Lease named after the controller, in its namespace.
   * @default true
   */
  readonly leaderElection?: boolean;
  /**
   * How many workloads are promoted at once (`--max-concurrent`).
   * @default 10
   */
  readonly maxConcurrent?: number;
  /**
   * Port of /metrics, /healthz and /readyz.
   * @default 8080
   */
  readonly metricsPort?: number;
  /**
   * Allow automatic rollbacks (a workload's `autoRollback`): grants `delete` on pods, to free pods stuck on a bad
   * revision (kubernetes/kubernetes#67250), and `get` on ControllerRevisions, to read the revision a rollback restores.
   * The controller cannot see at synth which workloads declare `autoRollback`: without this, their rollback is refused
   * by the API server midway, which the controller reports (a `PromotionForbidden` Warning Event on the workload,
   * `staged_rollouts_promotions_forbidden_total`) and retries, leaving the workload where the refusal stopped it.
   * @default false
   */
  readonly allowRollback?: boolean;
  /**
   * Allow DaemonSet node canaries: grants `get` and `patch` on DaemonSets (which are always listed and watched), `delete`
   * on pods and, cluster-wide, `list` on nodes.
   * @default false
   */
  readonly allowDaemonSetCanary?: boolean;
  /**
   * Allow the data-aware gates (`kafka`, `zookeeper`) to read pods' metrics through the pod proxy: grants `get` on `pods/proxy`.
   * @default false
   */
  readonly allowPodMetrics?: boolean;
  /**
   * Allow ordered restarts (a StatefulSet whose rollout declares a `RestartOrder`): grants `delete` on pods, which the
   * promoter restarts one at a time, and `get` on `pods/proxy`, through which it finds the pod to restart last. The
   * controller cannot see at synth which workloads declare an order: without this, such a promotion is refused by the
   * API server at its first restart, which the controller reports (a `PromotionForbidden` Warning Event on the
   * workload, `staged_rollouts_promotions_forbidden_total`).
   * @default false
   */
  readonly allowOrderedRestart?: boolean;
  /**
   * A Slack-compatible chat webhook told of each step failure, rollback and completion (`--notify-webhook`): its URL
   * is read from this Secret key into the `KUBECTL_STAGE_NOTIFY_WEBHOOK` environment variable, never written into the
   * manifest, since whoever has the URL may post to the channel. The pod does not start until the Secret exists.
   * @default - no notifications
   */
  readonly notifyWebhookSecret?: NotifyWebhookSecret;
  /**
   * A PodMonitor or ServiceMonitor of the Prometheus operator scraping /metrics.
   * @default - none
   */
  readonly monitor?: MonitorOptions;
  /**
   * Resource requests and limits of the container.
   * @default - requests 50m CPU and 128Mi memory, limit 512Mi memory
   */
  readonly resources?: kplus.ContainerResources;
  /**
   * The command that starts the CLI in the image.
   * @default ['kubectl-stage']
   */
  readonly command?: string[];
  /**
   * Numeric user (and group) the controller runs as.
   * @default 65532
   */
  readonly runAsUser?: number;
  /**
   * Extra labels for every object.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
}

/**
 * `kubectl-stage controller` in the cluster: a Deployment (two replicas with leader election by default, non-root,
 * read-only root file system, no capabilities, RuntimeDefault seccomp, probes on /healthz and /readyz), its
 * ServiceAccount, least-privilege RBAC measured against the requests the controller makes (a ClusterRole, or a Role in
 * `watchNamespace`; the leader election Lease in a Role of its own), a metrics Service and optionally a PodMonitor or
 * ServiceMonitor. It promotes every StatefulSet (and with `allowDaemonSetCanary`, DaemonSet) that carries the plan
 * annotation as it changes, by the policy its construct declared (`StatefulSetRollout.staged(plan, { soak, gates,
 * autoRollback, approval })`).
 *
 * @example
 * new StagedRolloutController(chart, 'controller', { image: 'registry.example.com/kubectl-stage:1.0.0', watchNamespace: 'kafka' });
 */
export class StagedRolloutController extends Construct {
  /** Name of the Deployment and the objects beside it. */
  public readonly name: string;
  /** Namespace of the controller's objects. */
  public readonly namespace: string;
  /** The controller's Deployment. */
  public readonly deployment: kplus.k8s.KubeDeployment;
  /** The ServiceAccount it runs as. */
  public readonly serviceAccount: kplus.k8s.KubeServiceAccount;
  /** The metrics Service. */
  public readonly service: kplus.k8s.KubeService;
  /** The Prometheus operator monitor, when `monitor` is set. */
  public readonly monitor?: PrometheusMonitor;

  constructor(scope: Construct, id: string, props: StagedRolloutControllerProps) {
    super(scope, id);
    guardObjectCollisions(this);
    if (typeof props !== 'object' || props === null) {
      throw new ValidationError(this, 'props', props, 'give the controller\'s props, at least { image }');
    }
    this.namespace = namespaceOf(this);
    const image = requireImage(this, 'image', props.image);
    const watchNamespace = props.watchNamespace === undefined ? undefined
      : requireNames(this, 'watchNamespace', props.watchNamespace, (namespace) => [{ kind: 'Namespace', name: namespace, rule: NameRule.LABEL }]);
    const leaderElection = props.leaderElection ?? true;
    const replicas = requireWholeNumber(this, 'replicas', props.replicas ?? 2, 0);
    if (replicas > 1 && !leaderElection) {
      throw new ValidationError(this, 'replicas', replicas,
        'several replicas need leader election, or two controllers promote at once: leave leaderElection on, or use 1 replica');
    }
    const maxConcurrent = requireWholeNumber(this, 'maxConcurrent', props.maxConcurrent ?? 10, 1, 1000);
    const port = requirePort(this, 'metricsPort', props.metricsPort ?? 8080);
    const uid = props.runAsUser ?? 65532;
    if (!Number.isInteger(uid) || uid < 1 || uid > 2147483647) {
      throw new ValidationError(this, 'runAsUser', uid,
        'use a whole number from 1 to 2147483647: the pod must run as non-root (runAsNonRoot), which user 0 is not');
    }
    if (props.selector !== undefined) {
      try {
        parseLabelSelector(props.selector);
      } catch (error) {
        throw new ValidationError(this, 'selector', props.selector, `${(error as Error).message}; use kubectl's -l syntax, e.g. team=data,tier!=test`);
      }
    }
    const env = notifyWebhookEnv(this, 'notifyWebhookSecret', props.notifyWebhookSecret);
    if (requireStrings(this, 'command', props.command)?.length === 0) {
      throw new ValidationError(this, 'command', props.command, 'name the program that starts the CLI, e.g. ["kubectl-stage"]');
    }
    this.name = requireNames(this, 'name', props.name ?? 'kubectl-stage-controller', (name) => [
      { kind: 'Deployment', name, rule: NameRule.LABEL },
      { kind: 'Service', name, rule: NameRule.LABEL },
      ...watchNamespace === undefined || props.allowDaemonSetCanary ? [{ kind: 'ClusterRole', name: `${this.namespace}-${name}`, rule: NameRule.SUBDOMAIN }] : [],
    ]);
    requireLabelValue(this, 'name', this.name);
    requireLabels(this, 'labels', props.labels);
    const selectorLabels = { [RolloutKeys.NAME_LABEL]: 'kubectl-stage-controller', [RolloutKeys.INSTANCE_LABEL]: this.name };
    const labels = { ...props.labels, ...selectorLabels, [RolloutKeys.MANAGED_BY_LABEL]: MANAGED_BY };
    const metadata = { name: this.name, namespace: this.namespace, labels };

    // The controller's pod opts in to the token; nothing else that borrows this account gets API credentials by accident.
    this.serviceAccount = new kplus.k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata, automountServiceAccountToken: false });
    this.grant(watchNamespace, labels, {
      allowRollback: props.allowRollback ?? false,
      canaries: props.allowDaemonSetCanary ?? false,
      podMetrics: props.allowPodMetrics ?? false,
      orderedRestarts: props.allowOrderedRestart ?? false,
    });
    if (leaderElection) {
      this.grantLeaderElection(labels);
    }

    const args = [
      'controller',
      ...watchNamespace === undefined ? ['--all-namespaces'] : ['--namespace', watchNamespace],
      ...props.selector === undefined ? [] : ['--selector', props.selector],
      '--metrics-addr', `:${port}`,
      '--max-concurrent', String(maxConcurrent),
      ...leaderElection ? ['--leader-elect', '--lease-name', this.name, '--lease-namespace', this.namespace] : [],
    ];
    const resources = props.resources ?? {
      cpu: { request: kplus.Cpu.millis(50) },
      memory: { request: Size.mebibytes(128), limit: Size.mebibytes(512) },
    };
    const probe = (path: string, periodSeconds: number) => ({
      httpGet: { path, port: kplus.k8s.IntOrString.fromString('metrics') },
      periodSeconds,
      failureThreshold: 3,
    });
    this.deployment = new kplus.k8s.KubeDeployment(this, 'Deployment', {
      metadata,
      spec: {
        replicas,
        selector: { matchLabels: selectorLabels },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: this.name,
            automountServiceAccountToken: true,
            enableServiceLinks: false,
            securityContext: securePodSecurityContext(uid),
            // SIGTERM stops starting steps and releases the Leases; give the running ones time to stop where they are.
            terminationGracePeriodSeconds: 30,
            containers: [{
              name: 'controller',
              image,
              command: props.command ?? ['kubectl-stage'],
              args,
              env,
              ports: [{ name: 'metrics', containerPort: port }],
              livenessProbe: probe('/healthz', 10),
              readinessProbe: probe('/readyz', 5),
              resources: resourceRequirements(this, resources),
              securityContext: secureContainerSecurityContext(uid),
              // The root file system is read-only; client libraries may still want a writable temp directory.
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            }],
            volumes: [{ name: 'tmp', emptyDir: {} }],
          },
        },
      },
    });
    this.service = new kplus.k8s.KubeService(this, 'MetricsService', {
      metadata,
      spec: {
        selector: selectorLabels,
        ports: [{ name: 'metrics', port, targetPort: kplus.k8s.IntOrString.fromString('metrics') }],
      },
    });
    if (props.monitor) {
      this.monitor = new PrometheusMonitor(this, 'Monitor', {
        ...props.monitor,
        name: this.name,
        kind: props.monitor.kind ?? MonitorKind.POD_MONITOR,
        selector: selectorLabels,
        port: 'metrics',
      });
    }
  }

  // The workloads' permissions: a Role in the watched namespace, or a ClusterRole; nodes are cluster-scoped, so the
  // DaemonSet canary's node listing is always a ClusterRole's.
  private grant(watchNamespace: string | undefined, labels: Record<string, string>, needs: ControllerNeeds): void {
    const subjects = [{ kind: 'ServiceAccount', name: this.name, namespace: this.namespace }];
    const rules = controllerRules(needs);
    const clusterName = `${this.namespace}-${this.name}`;
    const clusterRules = [
      ...watchNamespace === undefined ? rules : [],
      ...needs.canaries ? [{ apiGroups: [''], resources: ['nodes'], verbs: ['list'] }] : [],
    ];
    if (watchNamespace !== undefined) {
      const metadata = { name: this.name, namespace: watchNamespace, labels };
      new kplus.k8s.KubeRole(this, 'Role', { metadata, rules });
      new kplus.k8s.KubeRoleBinding(this, 'RoleBinding', {
        metadata,
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: this.name },
        subjects,
      });
    }
    if (clusterRules.length > 0) {
      new kplus.k8s.KubeClusterRole(this, 'ClusterRole', { metadata: { name: clusterName, labels }, rules: clusterRules });
      new kplus.k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
        metadata: { name: clusterName, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterName },
        subjects,
      });
    }
  }

  // The leader election Lease, by name where RBAC can check one (a create names none).
  private grantLeaderElection(labels: Record<string, string>): void {
    const name = `${this.name}-leader-election`;
    const metadata = { name, namespace: this.namespace, labels };
    new kplus.k8s.KubeRole(this, 'LeaderElectionRole', {
      metadata,
      rules: [
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'update'], resourceNames: [this.name] },
      ],
    });
    new kplus.k8s.KubeRoleBinding(this, 'LeaderElectionRoleBinding', {
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name: this.name, namespace: this.namespace }],
    });
  }
}

/** What the controller's account must be allowed. */
interface ControllerNeeds {
  readonly allowRollback: boolean;
  readonly canaries: boolean;
  readonly podMetrics: boolean;
  readonly orderedRestarts: boolean;
}

// Each verb is one the controller sends (test/constructs/staged-rollout-controller-rbac.test.ts records them).
function controllerRules(needs: ControllerNeeds): kplus.k8s.PolicyRule[] {
  return [
    // The informer lists and watches the kinds; a promotion reads, watches and patches (server-side apply) its workload.
    { apiGroups: ['apps'], resources: ['statefulsets', ...needs.canaries ? ['daemonsets'] : []], verbs: ['get', 'list', 'watch', 'patch'] },
    // The informer lists and watches both kinds whatever it may promote (refused, the controller cannot start): without
    // the canary it sees DaemonSets and changes none.
    ...needs.canaries ? [] : [{ apiGroups: ['apps'], resources: ['daemonsets'], verbs: ['list', 'watch'] }],
    { apiGroups: ['apps'], resources: ['controllerrevisions'], verbs: [...needs.allowRollback ? ['get'] : [], 'list'] },
    { apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch', ...needs.allowRollback || needs.canaries || needs.orderedRestarts ? ['delete'] : []] },
    // The data-aware gates, and an ordered restart finding its leader, read pods' metrics pages.
    ...needs.podMetrics || needs.orderedRestarts ? [{ apiGroups: [''], resources: ['pods/proxy'], verbs: ['get'] }] : [],
    // Each workload's promotion Lease.
    { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
    { apiGroups: [''], resources: ['events'], verbs: ['create'] },
  ];
}

import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { NodeAgent } from './node-agent';
import { NameRule, requireAbsolutePath, requireNames, writableHostPathProblems } from './prop-validation';
import { ValidationError } from './validation-error';
import { DaemonWorkloadOptions } from './workload-options';

/** Props of {@link LogCollector}. */
export interface LogCollectorProps extends DaemonWorkloadOptions {
  /** Container image of the collector (fluentd, fluent-bit, filebeat, ...), with tag. */
  readonly image: string;
  /**
   * Name of the DaemonSet.
   * @default 'log-collector'
   */
  readonly name?: string;
  /**
   * Container arguments.
   * @default - the image's
   */
  readonly args?: string[];
  /**
   * Host directory, mounted read-write at the same path, where the collector keeps its read positions
   * across restarts. A dedicated directory: the host root, top-level directories and the node's system,
   * kubelet and container-runtime directories are refused.
   * @default '/var/lib/<name>'
   */
  readonly stateHostPath?: string;
  /**
   * Also collect on control-plane nodes.
   * @default true
   */
  readonly tolerateControlPlane?: boolean;
  /**
   * Numeric user the collector runs as. Root by default because container log files on the node are
   * owned by root and not world-readable; it still gets no capabilities and a read-only root file system.
   * @default 0
   */
  readonly runAsUser?: number;
}

/**
 * A per-node log collector in the fluentd / filebeat shape: host `/var/log` and `/var/lib/docker/containers`
 * mounted read-only, a writable host directory for read positions, resource requests and limits, and
 * tolerations for control-plane nodes. The image is the user's choice.
 *
 * @example
 * new LogCollector(chart, 'logs', {
 *   image: 'fluent/fluentd-kubernetes-daemonset:v1.17-debian-elasticsearch8-1',
 *   env: { FLUENT_ELASTICSEARCH_HOST: EnvValue.fromValue('elasticsearch.logging.svc') },
 * });
 */
export class LogCollector extends Construct {
  /** The underlying node agent. */
  public readonly agent: NodeAgent;

  constructor(scope: Construct, id: string, props: LogCollectorProps) {
    super(scope, id);
    const name = requireNames(this, 'name', props.name ?? 'log-collector', (value) => [{ kind: 'DaemonSet', name: value, rule: NameRule.LABEL }]);
    const statePath = requireAbsolutePath(this, 'stateHostPath', props.stateHostPath ?? `/var/lib/${name}`);
    const problems = writableHostPathProblems(statePath);
    if (problems.length > 0) {
      throw new ValidationError(this, 'stateHostPath', statePath, problems.join('; '));
    }
    this.agent = new NodeAgent(this, 'Agent', {
      ...props,
      name,
      appName: 'log-collector',
      component: 'logging',
      runAsUser: props.runAsUser ?? 0,
      tolerateControlPlane: props.tolerateControlPlane ?? true,
      hostMounts: [
        { hostPath: '/var/log', mountPath: '/var/log' },
        { hostPath: '/var/lib/docker/containers', mountPath: '/var/lib/docker/containers' },
        { hostPath: statePath, mountPath: statePath, readOnly: false },
      ],
      writablePaths: ['/tmp'],
      resources: props.resources ?? {
        cpu: { request: kplus.Cpu.millis(100) },
        memory: { request: Size.mebibytes(200), limit: Size.mebibytes(200) },
      },
    });
  }
}

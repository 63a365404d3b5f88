// `kubectl-stage controller`: flags in, a controller process out (src/runtime/controller), its /metrics, /healthz and
// /readyz served, JSON log lines on stderr, until SIGTERM or Ctrl-C stops it gracefully.
import { Command } from 'commander';
import { notifyWebhookOption, notifyWebhookUrl } from './notify-webhook-flag';
import { parseInteger } from './parse-integer';
import { parseHttpUrl } from './parse-url';
import { parseDuration } from '../../runtime/duration';
import { RuntimeError } from '../../runtime/runtime-error';
import { CliContext } from '../cli-context';
import { ExitCode } from '../exit-codes';
import { helpExamples } from '../help-examples';
import * as onUse from '../on-use';

/** Flags of `controller`, as commander parses them. */
interface ControllerFlags {
  readonly allNamespaces?: boolean;
  readonly selector?: string;
  readonly metricsAddr: string;
  readonly leaderElect?: boolean;
  readonly leaseName: string;
  readonly leaseNamespace?: string;
  readonly maxConcurrent: string;
  readonly prometheus?: string;
  readonly gateTimeout: string;
  readonly notifyWebhook?: string;
}

/** The default name of the leader election Lease. */
export const DEFAULT_LEADER_LEASE = 'kubectl-stage-controller';

/**
 * Parses `--metrics-addr` as controller-runtime's `--metrics-bind-address` reads it: `[HOST]:PORT`, where an empty
 * host binds every interface, and `0` turns the server off.
 * @returns the host and port, or undefined for off
 * @throws RuntimeError (`bad-input`) naming the flag and the value
 */
export function parseMetricsAddress(text: string): { host: string; port: number } | undefined {
  if (text === '0') {
    return undefined;
  }
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]*):(\d+)$/.exec(text);
  if (!match) {
    throw new RuntimeError('bad-input', `invalid --metrics-addr "${text}": use [HOST]:PORT, for example :8080 or 127.0.0.1:8080 (0 turns the server off)`);
  }
  const port = parseInteger(match[2], '--metrics-addr port', 0, 65535);
  return { host: match[1].replace(/^\[|\]$/g, ''), port };
}

/** Registers `controller`. */
export function registerControllerCommand(program: Command, context: CliContext): void {
  program.command('controller')
    .description('Promote every staged StatefulSet and DaemonSet that carries a plan annotation as it changes, by the soak, gates, '
      + 'auto-rollback and approval its annotations declare (runs until SIGTERM)')
    .option('-A, --all-namespaces', 'watch every namespace (default: the one of -n, or the context\'s)')
    .option('-l, --selector <selector>', 'only workloads whose labels match, e.g. team=data,tier!=test')
    .option('--metrics-addr <address>', '[HOST]:PORT of /metrics, /healthz and /readyz; 0 turns them off', ':8080')
    .option('--leader-elect', 'run several replicas with one active, elected on a Lease')
    .option('--lease-name <name>', 'the leader election Lease', DEFAULT_LEADER_LEASE)
    .option('--lease-namespace <namespace>', 'the namespace of the leader election Lease (default: the namespace of -n, or the context\'s)')
    .option('--max-concurrent <n>', 'how many workloads are promoted at once', '10')
    .option('--prometheus <url>', 'the Prometheus server prom= gates query')
    .option('--gate-timeout <duration>', 'how long one extra gate may run', '30s')
    .addOption(notifyWebhookOption())
    .addHelpText('after', helpExamples(context.name, [
      ['Promote the annotated workloads of namespace kafka as they change, serving metrics on :8080', 'controller -n kafka'],
      ['Every namespace, only workloads labelled team=data, two replicas with one active', 'controller -A -l team=data --leader-elect'],
    ]))
    .action(context.action(async (flags: ControllerFlags, command: Command) => {
      // Every flag is checked before the cluster is contacted.
      const global = command.optsWithGlobals() as { namespace?: string };
      if (flags.allNamespaces && global.namespace !== undefined) {
        throw new RuntimeError('bad-input', '--namespace and --all-namespaces cannot be combined: pass one of them');
      }
      const selector = flags.selector;
      if (selector !== undefined) {
        try {
          onUse.labelSelector().parseLabelSelector(selector);
        } catch (error) {
          throw new RuntimeError('bad-input', `invalid --selector: ${(error as Error).message}`);
        }
      }
      const address = parseMetricsAddress(flags.metricsAddr);
      const maxConcurrent = parseInteger(flags.maxConcurrent, '--max-concurrent', 1, 1000);
      const gateTimeoutMs = parseDuration(flags.gateTimeout, '--gate-timeout');
      if (gateTimeoutMs === 0) {
        throw new RuntimeError('bad-input', `invalid --gate-timeout "${flags.gateTimeout}": a gate needs a time limit above 0, for example 30s`);
      }
      const prometheusUrl = flags.prometheus === undefined ? undefined : parseHttpUrl(flags.prometheus, '--prometheus', 'http://prometheus:9090');
      const webhookUrl = notifyWebhookUrl(flags.notifyWebhook, context.io.env);
      if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(flags.leaseName) || flags.leaseName.length > 253) {
        throw new RuntimeError('bad-input', `invalid --lease-name "${flags.leaseName}": use a DNS subdomain name (lower case letters, digits, '-' and '.')`);
      }
      const { cluster, namespace } = await context.connectWithRetries(command);
      const { ControllerProcess } = onUse.controllerProcess();
      const { startControllerServer } = onUse.controllerServer();
      const { jsonLineLog } = onUse.controllerLog();
      const promoter = onUse.promoterIdentity().newPromoter();
      const log = jsonLineLog((line) => context.io.stderr(line));
      const controller = new ControllerProcess({
        cluster,
        clock: context.clock,
        namespace: flags.allNamespaces ? undefined : namespace,
        labelSelector: selector,
        holder: promoter.holder,
        holderGone: promoter.gone,
        maxConcurrent,
        gateIo: context.gateIo(),
        prometheusUrl,
        gateTimeoutMs,
        notifyWebhook: webhookUrl === undefined ? undefined : { url: webhookUrl, fetch: (url, init) => fetch(url, init) },
        leaderElection: flags.leaderElect ? { namespace: flags.leaseNamespace ?? namespace, name: flags.leaseName } : undefined,
        log,
      });
      const endpoints = { metrics: () => controller.metrics.render(), notReady: () => controller.notReady() };
      const server = address === undefined ? undefined : await startControllerServer(address.host, address.port, endpoints);
      if (server) {
        log({ time: new Date(context.clock.now()).toISOString(), level: 'info', msg: 'serving /metrics, /healthz and /readyz', port: server.port });
      }
      try {
        await controller.run(context.io.signal ?? new AbortController().signal);
      } finally {
        await server?.close();
      }
      return ExitCode.SUCCESS;
    }));
}

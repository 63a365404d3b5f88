// `kubectl-stage promote | pause | resume | abort`: flags in, the runtime's promotion engines (StatefulSet partitions,
// DaemonSet node canaries) and control functions out, events rendered as lines (or NDJSON with -o json), outcomes
// mapped to the documented exit codes.
import { Command, Option } from 'commander';
import { notifyWebhookOption, notifyWebhookUrl } from './notify-webhook-flag';
import { parseOutputFormat } from './output-format';
import { parseHttpUrl } from './parse-url';
import { checkPlanFlag } from './plan-flag';
import { NAME_ARGUMENT, WORKLOAD_ARGUMENT, workloadText } from './workload-argument';
import { parseDuration, parseTimeout } from '../../runtime/duration';
import type { KubeWorkload } from '../../runtime/kube/kube-types';
import { describeRef, parseWorkloadRef } from '../../runtime/kube/workload-ref';
import type { PromotionOptions, PromotionOutcome } from '../../runtime/promotion/promotion-contract';
import type { PromotionCommand } from '../../runtime/promotion/promotion-control';
import type { PromotionTargetSpec } from '../../runtime/promotion/promotion-target';
import { RuntimeError } from '../../runtime/runtime-error';
import { CliContext } from '../cli-context';
import { ExitCode } from '../exit-codes';
import { helpExamples } from '../help-examples';
import * as onUse from '../on-use';
import { jsonLine } from '../render/json-output';

/** Flags of `promote`, as commander parses them. */
interface PromoteFlags {
  readonly plan?: string;
  readonly step?: boolean;
  readonly to?: string;
  readonly all?: boolean;
  readonly soak?: string;
  readonly timeout?: string;
  readonly gateTimeout?: string;
  readonly approveEach?: boolean;
  readonly gate: string[];
  readonly prometheus?: string;
  readonly promCondition?: string;
  readonly autoRollback?: boolean;
  readonly notifyWebhook?: string;
  readonly output?: string;
}

/** The exit code of a promotion's outcome (documented in docs/promotion.md). */
export function exitCodeForOutcome(outcome: PromotionOutcome): number {
  switch (outcome.phase) {
    case 'complete':
      return ExitCode.SUCCESS;
    case 'rolled-back':
      return ExitCode.ROLLED_BACK;
    case 'failed':
      return outcome.failure === 'timed-out' ? ExitCode.TIMED_OUT : ExitCode.GATE_FAILED;
    case 'aborted':
      return ExitCode.GATE_FAILED;
    case 'interrupted':
      return ExitCode.INTERRUPTED;
  }
}

/** `--step`, `--to` and `--all` are alternatives; none means `--all`. */
export function targetFromFlags(flags: Pick<PromoteFlags, 'step' | 'to' | 'all'>): PromotionTargetSpec {
  const given = [flags.step ? '--step' : undefined, flags.to !== undefined ? '--to' : undefined, flags.all ? '--all' : undefined]
    .filter((flag): flag is string => flag !== undefined);
  if (given.length > 1) {
    throw new RuntimeError('bad-input', `${given.join(' and ')} cannot be combined: pass one of --step, --to or --all`);
  }
  if (flags.step) {
    return { kind: 'step' };
  }
  return flags.to !== undefined ? { kind: 'to', value: flags.to } : { kind: 'all' };
}

/** Registers `promote`, `pause`, `resume` and `abort`. */
export function registerPromoteCommands(program: Command, context: CliContext): void {
  program.command('promote')
    .description('Walk a staged StatefulSet through its partition plan (or a DaemonSet through a node canary), gating every step, '
      + 'with optional automatic rollback')
    .argument('<workload>', WORKLOAD_ARGUMENT)
    .argument('[name]', NAME_ARGUMENT)
    .option('--plan <plan>', 'sts: canary, linear:N, exponential:F, 10%,50%,100% or 100,99,90,50,0; '
      + 'ds: canary, 1,25%,100% or nodes=SELECTOR (default: the workload\'s)')
    .option('--step', 'promote one step of the plan')
    .option('--to <target>', 'promote until this share (50%) or number (3) of pods runs the new revision')
    .option('--all', 'promote to the end of the plan (the default)')
    .option('--soak <duration>', 'watch each step\'s pods for infant mortality this long after they pass the gate '
      + '(default: the workload\'s staged-rollouts.io/soak annotation, else 0)')
    .option('--timeout <duration>', 'how long a step (or the rollback) may wait for its pods; 0 means never '
      + '(default: the workload\'s staged-rollouts.io/step-timeout annotation, else never)')
    .addOption(new Option('--gate <gate>', 'an extra gate after each soak: http=URL, prom=QUERY, exec=COMMAND, kafka[:OPTIONS] (min-isr, port=PORT; comma-separated) '
      + 'or zookeeper[:port=PORT] (repeatable; kafka and zookeeper also run before the first step); replaces the workload\'s '
      + 'staged-rollouts.io/gates annotation')
      .argParser((value: string, previous: string[]) => [...previous, value]).default([]))
    .option('--prometheus <url>', 'the Prometheus server prom= gates query')
    .option('--prom-condition <condition>', 'the success condition of prom= gates whose query has none, e.g. ">=3"')
    .option('--gate-timeout <duration>', 'how long one extra gate may run (kafka, zookeeper: wait for the cluster to be healthy)', '30s')
    .option('--approve-each', 'wait for "kubectl-stage resume" before each step after the first '
      + '(also when the workload\'s staged-rollouts.io/approval annotation is each-step)')
    .option('--auto-rollback', 'restore the previous revision when a step fails (also when the workload\'s staged-rollouts.io/auto-rollback is true)')
    .addOption(notifyWebhookOption())
    .option('-o, --output <format>', 'text (one line per event) or json (NDJSON events)')
    .addHelpText('after', helpExamples(context.name, [
      ['Promote a staged StatefulSet one canary pod first, then the rest, soaking 5 minutes after each step', 'promote sts/kafka --plan canary --soak 5m'],
      ['Promote one step of its plan, restoring the previous revision if the step fails', 'promote sts kafka --step --auto-rollback --timeout 10m'],
      ['Gate each step on a Prometheus query', 'promote sts/kafka --gate \'prom=sum(kafka_server_replicamanager_underreplicatedpartitions)==0\' '
        + '--prometheus http://prometheus:9090'],
      ['Never roll a broker while partitions are under-replicated or under min.insync.replicas, waiting up to 5 minutes for them to recover',
        'promote sts/kafka --gate kafka:min-isr --gate-timeout 5m --auto-rollback'],
      ['Keep a ZooKeeper quorum: one leader, every follower synced, metrics read on port 7000 through the pod proxy',
        'promote sts/zookeeper --gate zookeeper:port=7000'],
      ['Canary a DaemonSet on one node, then a quarter of them, then all', 'promote ds/node-exporter --plan 1,25%,100%'],
    ]))
    .action(context.action(async (workload: string, nameArgument: string | undefined, flags: PromoteFlags, command: Command) => {
      // Every flag is checked before the cluster is contacted.
      const format = parseOutputFormat(flags.output);
      const refText = workloadText(workload, nameArgument);
      const target = targetFromFlags(flags);
      const flagSoakMs = flags.soak === undefined ? undefined : parseDuration(flags.soak, '--soak');
      // `--timeout 0` says "never" even when the workload declares a step timeout.
      const flagTimeoutMs = flags.timeout === undefined ? undefined : parseTimeout(flags.timeout, '--timeout') ?? 0;
      const gateTimeoutMs = parseDuration(flags.gateTimeout ?? '30s', '--gate-timeout');
      if (gateTimeoutMs === 0) {
        throw new RuntimeError('bad-input', `invalid --gate-timeout "${flags.gateTimeout}": a gate needs a time limit above 0, for example 30s`);
      }
      const plan = checkPlanFlag(flags.plan);
      const prometheusUrl = flags.prometheus === undefined ? undefined : parseHttpUrl(flags.prometheus, '--prometheus', 'http://prometheus:9090');
      const webhookUrl = notifyWebhookUrl(flags.notifyWebhook, context.io.env);
      const { parseGate } = onUse.gateSpec();
      const flagGates = flags.gate.map((text) => parseGate(text, { promCondition: flags.promCondition, prometheusUrl }));
      const { cluster, namespace } = await context.connectWithRetries(command);
      const ref = parseWorkloadRef(refText, namespace, ['StatefulSet', 'DaemonSet']);
      // --gate flags replace the gates the workload declares.
      const gates = flagGates.length > 0 ? flagGates : await onUse.declaredGates().readDeclaredGates(cluster, ref, { prometheusUrl });
      // A flag given wins; otherwise the policy the workload declares (what kubectl-stage controller follows).
      const policy = await onUse.declaredPolicy().readDeclaredPolicy(cluster, ref);
      const timeoutMs = flagTimeoutMs ?? policy.timeoutMs;
      const { newPromoter } = onUse.promoterIdentity();
      const { promotionEventPrinter } = onUse.promotionText();
      const promoter = newPromoter();
      const printEvent = promotionEventPrinter(format, ref, (text) => context.io.stdout(text));
      const { WebhookNotifier } = onUse.webhookNotifier();
      const notifier = webhookUrl === undefined ? undefined : new WebhookNotifier({
        url: webhookUrl,
        fetch: (url, init) => fetch(url, init),
        clock: context.clock,
        onGiveUp: (failure) => context.io.stderr(`warning: notification not delivered after ${failure.attempts} attempt(s): ${failure.error}\n`),
      });
      const workloadRead = notifier && await cluster.get<KubeWorkload>(ref.kind, ref.namespace, ref.name);
      const notify = notifier?.listener({ ref, change: workloadRead ? onUse.webhookMessage().changeOf(workloadRead) : undefined });
      const options: PromotionOptions = {
        cluster,
        clock: context.clock,
        workload: ref,
        plan,
        target,
        soakMs: flagSoakMs ?? policy.soakMs,
        timeoutMs: timeoutMs === 0 ? undefined : timeoutMs,
        gates,
        gateIo: context.gateIo(),
        prometheusUrl,
        gateTimeoutMs,
        approveEach: flags.approveEach ?? policy.approveEach,
        autoRollback: flags.autoRollback ?? policy.autoRollback,
        holder: promoter.holder,
        holderGone: promoter.gone,
        signal: context.io.signal,
        onEvent: (event) => {
          printEvent(event);
          notify?.(event);
        },
      };
      const outcome = ref.kind === 'DaemonSet'
        ? await onUse.daemonsetCanary().promoteDaemonSet(options)
        : await onUse.partitionPromotion().promoteStatefulSet(options);
      await notifier?.flush();
      if (outcome.phase === 'interrupted') {
        context.io.stderr(`${outcome.message}\n`);
      }
      return exitCodeForOutcome(outcome);
    }));

  const control = (name: PromotionCommand, description: string, example: string) => program.command(name)
    .description(description)
    .argument('<workload>', WORKLOAD_ARGUMENT)
    .argument('[name]', NAME_ARGUMENT)
    .option('-o, --output <format>', 'text, or json (the workload, the command and the promotion state written)')
    .addHelpText('after', helpExamples(context.name, [[example, `${name} sts/kafka`]]))
    .action(context.action(async (workload: string, nameArgument: string | undefined, flags: { output?: string }, command: Command) => {
      const format = parseOutputFormat(flags.output);
      const refText = workloadText(workload, nameArgument);
      const { cluster, namespace } = await context.connectWithRetries(command);
      const ref = parseWorkloadRef(refText, namespace, ['StatefulSet', 'DaemonSet']);
      const { newPromoter } = onUse.promoterIdentity();
      const { controlPromotion } = onUse.promotionControl();
      const promoter = newPromoter();
      const result = await controlPromotion(cluster, context.clock, ref, name, promoter.holder, promoter.gone);
      context.io.stdout(format === 'json' ? jsonLine({ workload: describeRef(ref), command: name, message: result.message, state: result.state })
        : `${result.message}\n`);
      return ExitCode.SUCCESS;
    }));
  control('pause', 'Hold a promotion in progress before its next step', 'Hold the promotion of sts/kafka before its next step');
  control('resume', 'Continue a paused promotion, or approve the step an --approve-each promotion waits at',
    'Continue it, or approve the step it waits at');
  control('abort', 'End a promotion in progress; pods stay where they are (use undo to go back)', 'End it where it stands');
}

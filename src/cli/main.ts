#!/usr/bin/env node
// kubectl-stage: staged StatefulSet and DaemonSet rollouts from the command line (also `kubectl stage` when on PATH).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getAsset, isSea } from 'node:sea';
import { Command, CommanderError } from 'commander';
import { CliContext, ClusterConnector } from './cli-context';
import { CliIo, processIo } from './cli-io';
import { registerControllerCommand } from './commands/controller';
import { registerHistoryCommand } from './commands/history';
import { registerPlanCommand } from './commands/plan';
import { registerPromoteCommands } from './commands/promote';
import { registerRehearseCommand } from './commands/rehearse';
import { registerSandboxCommand } from './commands/sandbox';
import { registerStageCommand } from './commands/stage';
import { registerStatusCommand } from './commands/status';
import { registerUndoCommand } from './commands/undo';
import { ExitCode } from './exit-codes';
import { helpExamples } from './help-examples';
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../runtime/cluster/cluster';
import { formatDuration } from '../runtime/duration';

export type { CliIo } from './cli-io';

/**
 * Runs kubectl-stage with `argv` (without the node and script paths) and returns the exit code; never exits the process.
 *
 * @param connector how to reach a cluster @default kubectl's kubeconfig rules (connectCluster)
 */
export async function run(argv: string[], io: CliIo, connector?: ClusterConnector): Promise<number> {
  const context = new CliContext(io, connector);
  const program = new Command(context.name)
    .description('Staged StatefulSet and DaemonSet rollouts: plan, stage, promote, status, history, undo, and rehearse a release in a sandbox')
    .version(packageVersion(), '--version', 'print the version of kubectl-stage')
    // Subcommands copy these settings when they are added: each one's help lists the connection flags too.
    .configureHelp({ showGlobalOptions: true })
    .option('--kubeconfig <path>', 'path to the kubeconfig file (default: KUBECONFIG, then ~/.kube/config, then in-cluster)')
    .option('--context <name>', 'the kubeconfig context to use')
    .option('-n, --namespace <namespace>', 'the namespace (default: the context\'s, then "default")')
    .option('--request-timeout <duration>',
      `how long one API request may take, connecting included (default ${formatDuration(DEFAULT_REQUEST_TIMEOUT_MS)}; 0 means no limit)`)
    .exitOverride()
    .configureOutput({ writeOut: context.io.stdout, writeErr: context.io.stderr })
    .showSuggestionAfterError()
    .addHelpText('after', helpExamples(context.name, [
      ['Pin a StatefulSet\'s partition, so that the template change applied next is staged', 'stage sts/kafka'],
      ['Then promote it one canary pod first, soaking each step and rolling back on failure',
        'promote sts/kafka --plan canary --soak 5m --auto-rollback'],
      ['Watch where the rollout stands', 'status sts/kafka --watch'],
    ]));
  registerPlanCommand(program, context);
  registerStageCommand(program, context);
  registerPromoteCommands(program, context);
  registerStatusCommand(program, context);
  registerHistoryCommand(program, context);
  registerUndoCommand(program, context);
  registerSandboxCommand(program, context);
  registerRehearseCommand(program, context);
  registerControllerCommand(program, context);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are successes; anything else commander refused (unknown option, missing argument) is bad input.
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? ExitCode.SUCCESS : ExitCode.BAD_INPUT;
    }
    return context.report(error);
  }
  return context.exitCode;
}

// The version of the installed package: src/cli, lib/cli and lib/bundle all sit two levels below the package root. The
// single executable (`npm run package:plugin`) has no package around it: it carries package.json as an asset.
function packageVersion(): string {
  const text = isSea() ? getAsset('package.json', 'utf8') : readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

/** Runs kubectl-stage as the process: its arguments, standard output and error, signals and exit code. */
export function runAsProgram(): void {
  void run(process.argv.slice(2), processIo()).then((code) => {
    process.exitCode = code;
    if (code === ExitCode.INTERRUPTED) {
      // A command given up after Ctrl-C may still have a request open: it must not keep the process alive.
      process.exit();
    }
  });
}

// Run by node itself (lib/cli/main.js, ts-node); the bin runs runAsProgram() from its bundle (bin.ts).
if (require.main === module) {
  runAsProgram();
}

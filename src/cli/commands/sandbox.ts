// `kubectl-stage sandbox`: an in-process Kubernetes API server with simulated nodes, for trying the runtime and kubectl
// without a cluster. Prints the kubeconfig to export and serves until Ctrl-C.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { RuntimeError } from '../../runtime/runtime-error';
import { ManifestObject, parseManifests } from '../../sandbox/manifests';
import { SandboxStartError } from '../../sandbox/sandbox-start-error';
import { Sandbox, startSandbox } from '../../sandbox/start-sandbox';
import { CliContext } from '../cli-context';
import { ExitCode } from '../exit-codes';
import { helpExamples } from '../help-examples';
import { parseOutputFormat } from './output-format';
import { parseInteger } from './parse-integer';
import { jsonLine } from '../render/json-output';

const MAX_PORT = 65_535;
// The largest cluster Kubernetes supports (https://kubernetes.io/docs/setup/best-practices/cluster-large/).
const MAX_NODES = 5000;

interface SandboxOptions {
  readonly nodes: string;
  readonly port: string;
  readonly apply?: string[];
  readonly writeKubeconfig?: string;
  readonly output?: string;
}

/** Registers `sandbox`. */
export function registerSandboxCommand(program: Command, context: CliContext): void {
  program.command('sandbox')
    .description('Run an in-process Kubernetes API server with simulated nodes and controllers until Ctrl-C')
    .option('--nodes <n>', 'simulated nodes (node-1..node-N)', '3')
    .option('--port <port>', 'TCP port on 127.0.0.1 (0 picks a free one)', '0')
    .option('--apply <file...>', 'YAML manifests to create once it is up (cdk8s synth output, for example)')
    .option('--write-kubeconfig <path>', 'where to write the kubeconfig: a new file or one a sandbox wrote, never another '
      + '(exit code 4); removed on exit (default: a temporary file)')
    .option('-o, --output <format>', 'text, or json (one object once it serves: url, kubeconfig, nodes, created)')
    .addHelpText('after', helpExamples(context.name, [
      ['Serve three simulated nodes and create what cdk8s synthesized', 'sandbox --nodes 3 --apply dist/app.k8s.yaml'],
      ['Write the kubeconfig to a file of your choosing (a new one: an existing kubeconfig is never overwritten)',
        'sandbox --write-kubeconfig ./sandbox.kubeconfig'],
    ]))
    .action(context.action(async (options: SandboxOptions) => {
      const format = parseOutputFormat(options.output);
      const nodes = parseInteger(options.nodes, '--nodes', 1, MAX_NODES);
      const port = parseInteger(options.port, '--port', 0, MAX_PORT);
      const manifests = (options.apply ?? []).flatMap(readManifests);
      const sandbox = await start({ clock: 'real', nodes, port, kubeconfigPath: options.writeKubeconfig });
      try {
        const created = manifests.map(({ object, type }) => {
          createManifest(sandbox, object, type);
          return `${type.kind.toLowerCase()}${type.group ? `.${type.group}` : ''}/${object.metadata.name}`;
        });
        context.io.stdout(format === 'json' ? jsonLine({ url: sandbox.url, kubeconfig: sandbox.kubeconfigPath, nodes, created })
          : created.map((name) => `${name} created\n`).join('')
          + `sandbox API server on ${sandbox.url} with ${nodes} nodes\nexport KUBECONFIG=${sandbox.kubeconfigPath}\n`);
        await untilAborted(context.io.signal);
      } finally {
        await sandbox.stop();
      }
      return ExitCode.SUCCESS;
    }));
}

// Every object of a YAML file, with the sandbox resource it belongs to; fails before the sandbox starts.
function readManifests(file: string): ManifestObject[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new RuntimeError('bad-input', `--apply ${file}: ${(error as Error).message}`);
  }
  try {
    return parseManifests(text, file);
  } catch (error) {
    // A YAML error goes on with a code frame over several lines: its first line says what and where.
    throw new RuntimeError('bad-input', `--apply ${firstLine(error)}`);
  }
}

// The sandbox refuses an object as the API server would (a duplicate name, an invalid field): the file is at fault.
function createManifest(sandbox: Sandbox, object: ManifestObject['object'], type: ManifestObject['type']): void {
  try {
    sandbox.api.create(type, object);
  } catch (error) {
    throw new RuntimeError('bad-input', `--apply: cannot create ${type.kind.toLowerCase()} "${object.metadata?.name}": ${firstLine(error)}`);
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0].replace(/:$/, '');
}

// A port that is taken or a kubeconfig path holding another file is the user's to change: one line, exit code 4.
async function start(options: Parameters<typeof startSandbox>[0]): Promise<Sandbox> {
  try {
    return await startSandbox(options);
  } catch (error) {
    if (SandboxStartError.is(error)) {
      throw new RuntimeError('bad-input', error.message);
    }
    throw error;
  }
}

function untilAborted(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!signal) {
      return; // nothing can stop it: serve until the process is killed
    }
    if (signal.aborted) {
      resolve();
      return;
    }
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

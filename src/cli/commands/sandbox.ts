// `kubectl-stage sandbox`: an in-process Kubernetes API server with simulated nodes, for trying the runtime and kubectl
// without a cluster. Prints the kubeconfig to export and serves until Ctrl-C.
import { dirname } from 'node:path';
import { Command } from 'commander';
import { parseOutputFormat } from './output-format';
import { parseInteger } from './parse-integer';
import { RuntimeError } from '../../runtime/runtime-error';
import type { ManifestObject } from '../../sandbox/manifests';
import type { Sandbox, SandboxOptions as StartOptions } from '../../sandbox/start-sandbox';
import { CliContext } from '../cli-context';
import { ExitCode } from '../exit-codes';
import { helpExamples } from '../help-examples';
import * as onUse from '../on-use';
import { jsonLine } from '../render/json-output';

const MAX_PORT = 65_535;
/** The most simulated nodes: the largest cluster Kubernetes supports (https://kubernetes.io/docs/setup/best-practices/cluster-large/). */
export const MAX_NODES = 5000;

interface SandboxOptions {
  readonly engine: string;
  readonly kubeBin?: string;
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
    .option('--engine <engine>', 'sandbox (in-process, needs nothing), or kube: a real kube-apiserver, kube-controller-manager, '
      + 'kube-scheduler and etcd with kwok nodes, from `npm run cluster:build` or the PATH', 'sandbox')
    .option('--kube-bin <dir>', '--engine kube: the folder holding etcd, kube-apiserver, kube-controller-manager, kube-scheduler '
      + 'and kwok (default: $KUBE_CLUSTER_BIN_DIR, the newest cluster:build, the PATH)')
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
      ['The same on a real control plane (upstream controllers, real time; needs its binaries)', 'sandbox --engine kube --apply dist/app.k8s.yaml'],
    ]))
    .action(context.action(async (options: SandboxOptions) => {
      const format = parseOutputFormat(options.output);
      const nodes = parseInteger(options.nodes, '--nodes', 1, MAX_NODES);
      const port = parseInteger(options.port, '--port', 0, MAX_PORT);
      const { readManifestFile } = onUse.manifestFile();
      const manifests = (options.apply ?? []).flatMap((file) => readManifestFile(file, '--apply').objects);
      if (options.engine === 'kube') {
        if (port !== 0) {
          throw new RuntimeError('bad-input', '--port applies to --engine sandbox; the kube engine picks free ports on 127.0.0.1');
        }
        return serveKubeCluster(context, { nodes, binDir: options.kubeBin, manifests, format, kubeconfigPath: options.writeKubeconfig });
      }
      if (options.engine !== 'sandbox') {
        throw new RuntimeError('bad-input', `--engine: "${options.engine}" is not an engine; use sandbox or kube`);
      }
      if (options.kubeBin !== undefined) {
        throw new RuntimeError('bad-input', '--kube-bin applies to --engine kube');
      }
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

// The sandbox refuses an object as the API server would (a duplicate name, an invalid field): the file is at fault.
function createManifest(sandbox: Sandbox, object: ManifestObject['object'], type: ManifestObject['type']): void {
  try {
    sandbox.api.create(type, object);
  } catch (error) {
    throw new RuntimeError('bad-input',
      `--apply: cannot create ${type.kind.toLowerCase()} "${object.metadata?.name}": ${onUse.manifestFile().firstLine(error)}`);
  }
}

// A port that is taken or a kubeconfig path holding another file is the user's to change: one line, exit code 4.
async function start(options: StartOptions): Promise<Sandbox> {
  const { SandboxStartError } = onUse.sandboxStartError();
  try {
    return await onUse.startSandbox().startSandbox(options);
  } catch (error) {
    if (SandboxStartError.is(error)) {
      throw new RuntimeError('bad-input', error.message);
    }
    throw error;
  }
}

interface KubeServeOptions {
  readonly nodes: number;
  readonly binDir?: string;
  readonly manifests: ManifestObject[];
  readonly format: string;
  readonly kubeconfigPath?: string;
}

// `--engine kube`: the same contract on a real control plane. Its kubeconfig is written (never over a file that is not
// a sandbox's) where the user asked, objects are created through the API server, and everything stops on Ctrl-C.
async function serveKubeCluster(context: CliContext, options: KubeServeOptions): Promise<number> {
  const { findControlPlaneBinaries } = onUse.controlPlaneBinaries();
  const { startKubeCluster } = onUse.startKubeCluster();
  const { removeSandboxKubeconfig, writeSandboxKubeconfig } = onUse.kubeconfigFile();
  const { SandboxStartError } = onUse.sandboxStartError();
  let binaries: string;
  try {
    binaries = dirname(findControlPlaneBinaries(options.binDir)['kube-apiserver']);
  } catch (error) {
    throw new RuntimeError('bad-input', `--engine kube: ${(error as Error).message}`);
  }
  const cluster = await startKubeCluster({ nodes: options.nodes, binDir: options.binDir });
  let written: string | undefined;
  try {
    if (options.kubeconfigPath) {
      try {
        written = writeSandboxKubeconfig(options.kubeconfigPath, cluster.kubeconfig);
      } catch (error) {
        throw SandboxStartError.is(error) ? new RuntimeError('bad-input', error.message) : error;
      }
    }
    const kubeconfig = options.kubeconfigPath ?? cluster.kubeconfigPath;
    const created: string[] = [];
    for (const { object, type } of options.manifests) {
      const namespace = type.namespaced ? object.metadata?.namespace ?? 'default' : undefined;
      const answer = await cluster.api.call('POST', collectionPath(type, namespace), object);
      if (answer.status < 200 || answer.status > 299) {
        throw new RuntimeError('bad-input', `--apply: cannot create ${type.kind.toLowerCase()} "${object.metadata?.name}": ${answer.body?.message ?? answer.status}`);
      }
      created.push(`${type.kind.toLowerCase()}${type.group ? `.${type.group}` : ''}/${object.metadata?.name}`);
    }
    context.io.stdout(options.format === 'json' ? jsonLine({ url: cluster.url, kubeconfig, nodes: options.nodes, created, engine: 'kube' })
      : created.map((name) => `${name} created\n`).join('')
      + `kube-apiserver on ${cluster.url} with ${options.nodes} kwok nodes (binaries from ${binaries})\nexport KUBECONFIG=${kubeconfig}\n`);
    await untilAborted(context.io.signal);
  } finally {
    if (written !== undefined) {
      removeSandboxKubeconfig(options.kubeconfigPath!, written);
    }
    await cluster.stop();
  }
  return ExitCode.SUCCESS;
}

// The REST path of a resource's collection: /api/v1[/namespaces/NS]/pods, /apis/GROUP/VERSION[/namespaces/NS]/PLURAL.
function collectionPath(type: ManifestObject['type'], namespace: string | undefined): string {
  const base = type.group ? `/apis/${type.group}/${type.version}` : `/api/${type.version}`;
  return `${base}${namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : ''}/${type.resource}`;
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

// CLI start-up benchmark (issue 16): `kubectl-stage --help` and `kubectl-stage status` against kubectl's own
// `--help` and `rollout status`, in paired runs (the commands of one round in turn, the order rotated every round), one
// process per run. CPU time is the child's user + system time from wait4(2), which no load on the machine inflates the
// way it does wall time; Node cannot read a child's rusage, so a few lines of Python start each run and report it.
// Child-process entry: `cli-startup.ts <rounds>` prints one JSON CliStartupMeasurement line.
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { benchStatefulSet } from './bench-workloads';
import { rolledOut } from './sandbox-rollout';
import { RESOURCES } from '../src/sandbox/api';
import { startSandbox } from '../src/sandbox/start-sandbox';

const ROOT = path.join(__dirname, '..');

/** One way of running kubectl-stage that a user gets: the compiled files, the bundle, the single executable. */
export interface CliVariant {
  /** How results.md names it. */
  readonly name: string;
  /** The command line that starts it, before kubectl-stage's own arguments. */
  readonly command: readonly string[];
  /** The file it needs; the variant is skipped when it does not exist. */
  readonly file: string;
  /** Whether users run it, so the target applies (lib/cli is not published: it is measured for comparison). */
  readonly published: boolean;
}

/** Every variant measured when its file exists (`npx projen compile`, `npm run package:plugin`). */
export const CLI_VARIANTS: readonly CliVariant[] = [
  {
    name: 'node lib/cli/main.js (tsc output)',
    command: [process.execPath, path.join(ROOT, 'lib/cli/main.js')],
    file: path.join(ROOT, 'lib/cli/main.js'),
    published: false,
  },
  {
    name: 'node lib/bundle/kubectl-stage.js (the npm bin, bundled)',
    command: [process.execPath, path.join(ROOT, 'lib/bundle/kubectl-stage.js')],
    file: path.join(ROOT, 'lib/bundle/kubectl-stage.js'),
    published: true,
  },
  {
    name: 'dist/plugin/kubectl-stage (single executable)',
    command: [path.join(ROOT, 'dist/plugin/kubectl-stage')],
    file: path.join(ROOT, 'dist/plugin/kubectl-stage'),
    published: true,
  },
];

/** How results.md marks the runs without a code cache (src/cli/code-cache-store.ts). */
const FIRST_RUN = ' (first run: no code cache)';

/** What one command's runs took. */
export interface CommandRuns {
  /** The command, as results.md shows it. */
  readonly label: string;
  /** Wall time of each run, process start to exit, in ms. */
  readonly wallMs: number[];
  /** User + system CPU time of each run (the process and the children it waited for), in ms. */
  readonly cpuMs: number[];
}

/** What the CLI start-up benchmark measured. */
export interface CliStartupMeasurement {
  /** `kubectl version --client`'s gitVersion. */
  readonly kubectlVersion: string;
  /** `node -e 0`: what any Node program pays before its first line. */
  readonly node: CommandRuns;
  /** `kubectl --help`. */
  readonly kubectlHelp: CommandRuns;
  /** `kubectl rollout status sts/bench --watch=false` against the sandbox. */
  readonly kubectlStatus: CommandRuns;
  /**
   * Per variant present: `--help` and `status sts/bench` against the sandbox, with the code cache an earlier run wrote;
   * for a published variant also without one (`firstRun`), as the first run after installing or upgrading compiles.
   */
  readonly variants: {
    readonly name: string;
    readonly published: boolean;
    readonly help: CommandRuns;
    readonly status: CommandRuns;
    readonly firstRun?: { readonly help: CommandRuns; readonly status: CommandRuns };
  }[];
  /** Variants not measured because their file is missing, with the file. */
  readonly skipped: string[];
}

// Starts argv[1:] with stdout and stderr on /dev/null, waits for it with wait4 and prints wall ms, CPU ms, exit status.
const RUNNER = `
import os, sys, time
devnull = os.open(os.devnull, os.O_WRONLY)
actions = [(os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)]
start = time.perf_counter()
pid = os.posix_spawnp(sys.argv[1], sys.argv[1:], os.environ, file_actions=actions)
_, status, usage = os.wait4(pid, 0)
print((time.perf_counter() - start) * 1000, (usage.ru_utime + usage.ru_stime) * 1000, os.waitstatus_to_exitcode(status))
`;

/** Runs `argv` once under the RUNNER; rejects when it fails. Asynchronous, so the sandbox in this process answers it. */
function timedRun(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<{ wallMs: number; cpuMs: number }> {
  return new Promise((resolve, reject) => {
    execFile('python3', ['-c', RUNNER, ...argv], { env }, (error, stdout, stderr) => {
      const [wallMs, cpuMs, code] = stdout.trim().split(' ').map(Number);
      if (error || code !== 0) {
        reject(new Error(`${argv.join(' ')} failed (exit ${code}): ${stderr || error?.message}`));
        return;
      }
      resolve({ wallMs, cpuMs });
    });
  });
}

function runOnce(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(argv[0], argv.slice(1), { env }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`${argv.join(' ')} failed: ${stderr || error.message}`));
        return;
      }
      resolve(stdout);
    });
  });
}

/** Starts a sandbox with one rolled-out StatefulSet and measures `rounds` paired runs of every command. */
export async function measureCliStartup(rounds: number): Promise<CliStartupMeasurement> {
  const sandbox = await startSandbox({ clock: 'virtual', nodes: 1 });
  // kubectl caches discovery per server, kubectl-stage its compiled code: a private folder keeps runs independent of
  // ~/.kube and ~/.cache.
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cli-startup-'));
  try {
    sandbox.api.create(RESOURCES.statefulSets, benchStatefulSet('bench', 3, 'app:1'));
    await sandbox.runUntil(() => rolledOut(sandbox.api.get(RESOURCES.statefulSets, 'default', 'bench')));
    // --help runs see no cluster: with KUBECONFIG set, the Google Cloud SDK's kubectl dispatcher doubled its CPU time.
    // kubectl-stage keeps its code cache in a folder of this run (written by the warm-up runs), or, for the first-run
    // rows, in a folder it cannot make, so that every run compiles its bundles and tries to keep their code.
    const { KUBECONFIG: _ignored, ...noCluster } = process.env;
    const withCluster = { ...noCluster, KUBECONFIG: sandbox.kubeconfigPath };
    const cached = { XDG_CACHE_HOME: cacheDir };
    const uncached = { XDG_CACHE_HOME: path.join(os.devNull, 'no-cache') };
    const present = CLI_VARIANTS.filter((variant) => fs.existsSync(variant.file));
    const commands: { label: string; argv: readonly string[]; env: NodeJS.ProcessEnv }[] = [
      { label: 'node -e 0', argv: [process.execPath, '-e', '0'], env: noCluster },
      { label: 'kubectl --help', argv: ['kubectl', '--help'], env: noCluster },
      {
        label: 'kubectl rollout status sts/bench --watch=false',
        argv: ['kubectl', '--cache-dir', cacheDir, 'rollout', 'status', 'sts/bench', '--watch=false'],
        env: withCluster,
      },
      ...present.flatMap((variant) => [
        { label: `${variant.name} --help`, argv: [...variant.command, '--help'], env: { ...noCluster, ...cached } },
        { label: `${variant.name} status sts/bench`, argv: [...variant.command, 'status', 'sts/bench'], env: { ...withCluster, ...cached } },
        ...(variant.published ? [
          { label: `${variant.name} --help${FIRST_RUN}`, argv: [...variant.command, '--help'], env: { ...noCluster, ...uncached } },
          { label: `${variant.name} status sts/bench${FIRST_RUN}`, argv: [...variant.command, 'status', 'sts/bench'], env: { ...withCluster, ...uncached } },
        ] : []),
      ]),
    ];
    // One warm-up run each (kubectl's discovery cache, kubectl-stage's code cache, the file cache), in the order of the
    // list (`--help` before `status`), checking each prints what it should.
    for (const { label, argv, env } of commands) {
      const out = await runOnce(argv, env);
      const expected = label.includes('--help') ? /Usage|kubectl controls/ : label.includes('status') ? /bench|roll/ : /^$/;
      if (!expected.test(out)) {
        throw new Error(`${label} printed ${JSON.stringify(out.slice(0, 200))}, not ${expected}`);
      }
    }
    const runs = new Map(commands.map(({ label }) => [label, { label, wallMs: [] as number[], cpuMs: [] as number[] }]));
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < commands.length; i++) {
        const { label, argv, env } = commands[(round + i) % commands.length];
        const { wallMs, cpuMs } = await timedRun(argv, env);
        runs.get(label)!.wallMs.push(wallMs);
        runs.get(label)!.cpuMs.push(cpuMs);
      }
    }
    const kubectlVersion = JSON.parse(await runOnce(['kubectl', 'version', '--client', '-o', 'json'], noCluster)).clientVersion?.gitVersion ?? 'unknown';
    return {
      kubectlVersion,
      node: runs.get('node -e 0')!,
      kubectlHelp: runs.get('kubectl --help')!,
      kubectlStatus: runs.get(commands[2].label)!,
      variants: present.map((variant) => ({
        name: variant.name,
        published: variant.published,
        help: runs.get(`${variant.name} --help`)!,
        status: runs.get(`${variant.name} status sts/bench`)!,
        firstRun: variant.published ? {
          help: runs.get(`${variant.name} --help${FIRST_RUN}`)!,
          status: runs.get(`${variant.name} status sts/bench${FIRST_RUN}`)!,
        } : undefined,
      })),
      skipped: CLI_VARIANTS.filter((variant) => !present.includes(variant)).map((variant) => `${variant.name}: no ${path.relative(ROOT, variant.file)}`),
    };
  } finally {
    await sandbox.stop();
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  measureCliStartup(Number(process.argv[2])).then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (error) => {
      process.stderr.write(`${error.stack ?? error}\n`);
      process.exitCode = 1;
    });
}

// `kubectl get pods` benchmark (issue 6): a sandbox served over HTTP holding a 1,000-replica StatefulSet, then
// timed `kubectl get pods` runs (the real binary, a process per run) and raw HTTP GETs of the same list as a
// Table (what kubectl asks for) and as plain JSON. Child-process entry: `kubectl-get.ts <pods> <kubectl runs>
// <http runs>` prints one JSON KubectlGetMeasurement line.
import { execFile } from 'child_process';
import * as fs from 'fs';
import { request } from 'https';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { benchStatefulSet } from './bench-workloads';
import { rolledOut } from './sandbox-rollout';
import { RESOURCES } from '../src/sandbox/api';
import { Sandbox, startSandbox } from '../src/sandbox/start-sandbox';

/** The Accept header kubectl sends for `get` (server-side printing). */
export const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

/** What the kubectl-get benchmark measured. */
export interface KubectlGetMeasurement {
  /** Pods listed. */
  readonly pods: number;
  /** `kubectl version --client`'s gitVersion. */
  readonly kubectlVersion: string;
  /** Wall time of each `kubectl get pods` run (process start to exit), in ms. */
  readonly kubectlMs: number[];
  /** Wall time of each `kubectl version --client` run: kubectl's own start-up, no request. */
  readonly kubectlStartupMs: number[];
  /**
   * The sandbox's answer to each `kubectl get pods` as kubectl itself measures it: the round trip of its pod-list
   * request (`-v=6` logs each response with its milliseconds), summed over the pages it asked for, in ms.
   */
  readonly kubectlAnswerMs: number[];
  /** Wall time of each raw GET of the pod list as a Table, in ms (request sent to body read). */
  readonly tableMs: number[];
  /**
   * CPU time of this process (the sandbox serving the request, and the client reading it) per Table GET, in ms:
   * what a request costs regardless of how loaded the machine is.
   */
  readonly tableCpuMs: number[];
  /** Size of the Table response, in bytes. */
  readonly tableBytes: number;
  /** Wall time of each raw GET of the pod list as JSON, in ms. */
  readonly jsonMs: number[];
  /** CPU time per JSON GET, in ms, as for the Table. */
  readonly jsonCpuMs: number[];
  /** Size of the JSON response, in bytes. */
  readonly jsonBytes: number;
}

function timedKubectl(args: string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; stdout: string; stderr: string }> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    execFile('kubectl', args, { env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`kubectl ${args.join(' ')} failed: ${stderr || error.message}`));
        return;
      }
      resolve({ ms: performance.now() - start, stdout, stderr });
    });
  });
}

// kubectl -v=6 logs `"Response" verb="GET" url=".../pods?limit=500" status="200 OK" milliseconds=16` per request.
const POD_LIST_RESPONSE = /"Response" verb="GET" url="[^"]*\/namespaces\/default\/pods(?:\?[^"]*)?" status="200 OK" milliseconds=(\d+)/g;

/** The milliseconds kubectl logged for its pod-list requests in one `-v=6` run. */
export function podListAnswerMs(log: string): number {
  const answers = [...log.matchAll(POD_LIST_RESPONSE)].map((match) => Number(match[1]));
  if (answers.length === 0) {
    throw new Error(`kubectl -v=6 logged no pod-list response: ${log.slice(0, 500)}`);
  }
  return answers.reduce((sum, ms) => sum + ms, 0);
}

function timedGet(url: string, sandbox: Pick<Sandbox, 'token' | 'certificate'>, accept: string): Promise<{ ms: number; cpuMs: number; body: string }> {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: sandbox.certificate, headers: { Accept: accept, Authorization: `Bearer ${sandbox.token}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) {
          reject(new Error(`GET ${url} answered ${res.statusCode}: ${body.slice(0, 200)}`));
          return;
        }
        const cpu = process.cpuUsage(cpuStart);
        resolve({ ms: performance.now() - start, cpuMs: (cpu.user + cpu.system) / 1000, body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

async function repeat<T>(times: number, run: () => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < times; i++) {
    results.push(await run());
  }
  return results;
}

/** Serves `pods` Ready pods and times `kubectlRuns` kubectl runs and `httpRuns` raw GETs of each kind. */
export async function measureKubectlGet(pods: number, kubectlRuns: number, httpRuns: number): Promise<KubectlGetMeasurement> {
  const sandbox = await startSandbox({ clock: 'virtual', nodes: Math.ceil(pods / 100) });
  // kubectl caches discovery per server; a private cache keeps runs independent of ~/.kube.
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-kubectl-cache-'));
  try {
    sandbox.api.create(RESOURCES.statefulSets, benchStatefulSet('bench', pods, 'app:1'));
    await sandbox.runUntil(() => rolledOut(sandbox.api.get(RESOURCES.statefulSets, 'default', 'bench')));

    const env = { ...process.env, KUBECONFIG: sandbox.kubeconfigPath };
    const get = ['--cache-dir', cacheDir, 'get', 'pods'];
    const warmUp = await timedKubectl(get, env);
    const lines = warmUp.stdout.trim().split('\n');
    if (lines.length !== pods + 1 || !lines.slice(1).every((line) => /\s1\/1\s+Running\s/.test(line))) {
      throw new Error(`kubectl get pods printed ${lines.length - 1} rows, not ${pods} Running pods: ${lines.slice(0, 3).join(' | ')}`);
    }
    const kubectlMs = (await repeat(kubectlRuns, () => timedKubectl(get, env))).map((r) => r.ms);
    const kubectlStartupMs = (await repeat(kubectlRuns, () => timedKubectl(['version', '--client'], env))).map((r) => r.ms);
    const kubectlAnswerMs = (await repeat(kubectlRuns, () => timedKubectl([...get, '-v=6'], env))).map((r) => podListAnswerMs(r.stderr));
    const kubectlVersion = JSON.parse((await timedKubectl(['version', '--client', '-o', 'json'], env)).stdout).clientVersion?.gitVersion ?? 'unknown';

    const url = `${sandbox.url}/api/v1/namespaces/default/pods`;
    const table = await timedGet(url, sandbox, TABLE_ACCEPT);
    const rows = JSON.parse(table.body).rows?.length;
    if (rows !== pods) {
      throw new Error(`the Table has ${rows} rows, not ${pods}`);
    }
    const tables = await repeat(httpRuns, () => timedGet(url, sandbox, TABLE_ACCEPT));
    const json = await timedGet(url, sandbox, 'application/json');
    const jsons = await repeat(httpRuns, () => timedGet(url, sandbox, 'application/json'));
    return {
      pods,
      kubectlVersion,
      kubectlMs,
      kubectlStartupMs,
      kubectlAnswerMs,
      tableMs: tables.map((r) => r.ms),
      tableCpuMs: tables.map((r) => r.cpuMs),
      tableBytes: Buffer.byteLength(table.body),
      jsonMs: jsons.map((r) => r.ms),
      jsonCpuMs: jsons.map((r) => r.cpuMs),
      jsonBytes: Buffer.byteLength(json.body),
    };
  } finally {
    await sandbox.stop();
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const [pods, kubectlRuns, httpRuns] = process.argv.slice(2).map(Number);
  measureKubectlGet(pods, kubectlRuns, httpRuns).then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (error) => {
      process.stderr.write(`${error.stack ?? error}\n`);
      process.exitCode = 1;
    });
}

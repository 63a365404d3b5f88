// The controller of the controller benchmark, in a process of its own so that its memory is its own: a
// ControllerProcess (what `kubectl-stage controller` runs, without leader election) over client-node and a
// RetryingCluster, as the CLI connects, on the real clock. Child-process entry:
// `controller-process-child.ts <kubeconfig> <max concurrent>`; prints `synced` once its cache has synced, and on
// SIGTERM stops as the CLI does and prints one JSON ControllerMemory line.
// Memory is sampled every 50 ms (heap used, RSS) and read once more at the end, so a peak shorter than a sample period
// may be missed in heap used; the peak RSS is the kernel's own (maxRSS). The baseline is taken after every module is
// loaded and the connection made, before the controller starts, so "above baseline" is what the controller itself
// holds: ts-node and the TypeScript compiler the bench loads are in the baseline, not in the controller's share.
import { monitorEventLoopDelay } from 'perf_hooks';
import { SystemClock } from '../src/runtime/clock';
import { connectCluster } from '../src/runtime/cluster/kube-cluster';
import { RetryingCluster } from '../src/runtime/cluster/retrying-cluster';
import { ControllerProcess } from '../src/runtime/controller/controller-process';

/** What the controller process held, in MiB. */
export interface ControllerMemory {
  /** RSS once connected, before the controller started. */
  readonly baselineRssMiB: number;
  /** Heap used at the same moment (after a collection when --expose-gc is given). */
  readonly baselineHeapMiB: number;
  /** Heap used once the first lists were in, every workload cached, before any changed. */
  readonly syncedHeapMiB: number;
  /** The largest heap used sampled. */
  readonly peakHeapMiB: number;
  /** The process's peak RSS (the kernel's maxRSS). */
  readonly peakRssMiB: number;
  /** CPU time (user + system) of the process from the controller's start to its stop, in ms. */
  readonly cpuMs: number;
  /** The event loop's delay from the controller's start to its stop, in ms: median, p99 and max (perf_hooks' histogram). */
  readonly eventLoopDelayMs: { readonly median: number; readonly p99: number; readonly max: number };
}

const MIB = 1024 * 1024;

async function runController(kubeconfig: string, maxConcurrent: number): Promise<ControllerMemory> {
  const clock = new SystemClock();
  const { cluster } = await connectCluster({ kubeconfig });
  (globalThis as { gc?: () => void }).gc?.();
  const baselineRssMiB = process.memoryUsage().rss / MIB;
  const baselineHeapMiB = process.memoryUsage().heapUsed / MIB;
  let peakHeap = 0;
  const sampler = setInterval(() => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }, 50);
  const cpuStart = process.cpuUsage();
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const controller = new ControllerProcess({
    cluster: new RetryingCluster(cluster, clock), clock, namespace: 'default', holder: 'bench/controller', maxConcurrent,
  });
  const stop = new AbortController();
  process.once('SIGTERM', () => stop.abort());
  const running = controller.run(stop.signal);
  let syncedHeapMiB = 0;
  await new Promise<void>((resolve) => {
    const check = setInterval(() => {
      if (controller.notReady() === undefined) {
        clearInterval(check);
        syncedHeapMiB = process.memoryUsage().heapUsed / MIB;
        resolve();
      }
    }, 10);
  });
  process.stdout.write('synced\n');
  await running;
  clearInterval(sampler);
  delay.disable();
  const cpu = process.cpuUsage(cpuStart);
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  return {
    baselineRssMiB,
    baselineHeapMiB,
    syncedHeapMiB,
    peakHeapMiB: peakHeap / MIB,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    cpuMs: (cpu.user + cpu.system) / 1000,
    eventLoopDelayMs: { median: delay.percentile(50) / 1e6, p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 },
  };
}

if (require.main === module) {
  const [kubeconfig, maxConcurrent] = process.argv.slice(2);
  runController(kubeconfig, Number(maxConcurrent)).then(
    // Exits once the line is out: client-node's keep-alive sockets would keep the process alive.
    (memory) => process.stdout.write(`${JSON.stringify(memory)}\n`, () => process.exit(0)),
    (error) => {
      process.stderr.write(`${error.stack ?? error}\n`);
      process.exitCode = 1;
    });
}

// The machine a benchmark ran on, for the results header: figures from a shared 2-core machine need it.
import * as os from 'os';

/** CPUs, memory, Node and kernel versions, and the load average at the time of the call. */
export function machineDescription(): string {
  const memGiB = (os.totalmem() / 1024 ** 3).toFixed(1);
  return `${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), ${memGiB} GiB RAM, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

/** The 1/5/15-minute load averages, e.g. `2.9 / 1.5 / 1.0`. */
export function loadAverage(): string {
  return os.loadavg().map((l) => l.toFixed(1)).join(' / ');
}

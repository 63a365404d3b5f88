// The real control plane's memory: the resident set of each component process (etcd, kube-apiserver,
// kube-controller-manager, kube-scheduler, kwok). The launcher does not hand out pids; every component's command line
// names the cluster's own folder (data dir, cert dir or a kubeconfig in it), so /proc finds them, and no other
// cluster's processes.
import * as fs from 'fs';
import * as path from 'path';

/** One component's resident set. */
export interface ComponentMemory {
  /** The program's name, e.g. `kube-apiserver`. */
  readonly component: string;
  /** VmRSS, in MiB. */
  readonly rssMiB: number;
}

/** VmRSS of a `/proc/<pid>/status` text, in KiB; undefined when the line is missing (a kernel thread, a zombie). */
export function parseVmRssKiB(status: string): number | undefined {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return match ? Number(match[1]) : undefined;
}

/** Whether a NUL-separated `/proc/<pid>/cmdline` has an argument naming something inside `folder`. */
export function commandLineMentions(cmdline: string, folder: string): boolean {
  const prefix = folder.endsWith(path.sep) ? folder : folder + path.sep;
  return cmdline.split('\0').some((arg) => arg.includes(prefix));
}

/** The total of `memories`, in MiB. */
export function totalRssMiB(memories: readonly ComponentMemory[]): number {
  return memories.reduce((sum, m) => sum + m.rssMiB, 0);
}

/** `kube-apiserver 310, etcd 60, ... (total 520 MiB)`: largest first. */
export function describeMemory(memories: readonly ComponentMemory[]): string {
  const parts = [...memories].sort((a, b) => b.rssMiB - a.rssMiB).map((m) => `${m.component} ${m.rssMiB.toFixed(0)}`);
  return `${parts.join(', ')} (total ${totalRssMiB(memories).toFixed(0)} MiB)`;
}

function readOrEmpty(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return ''; // the process ended while we looked
  }
}

/** The resident set of every process whose command line names a path inside `clusterDir` (the launcher's folder). */
export function componentMemory(clusterDir: string): ComponentMemory[] {
  const memories: ComponentMemory[] = [];
  for (const pid of fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    const cmdline = readOrEmpty(`/proc/${pid}/cmdline`);
    if (!commandLineMentions(cmdline, clusterDir)) {
      continue;
    }
    const rss = parseVmRssKiB(readOrEmpty(`/proc/${pid}/status`));
    if (rss !== undefined) {
      memories.push({ component: path.basename(cmdline.split('\0')[0]), rssMiB: rss / 1024 });
    }
  }
  return memories;
}

// The runtime's in-process Cluster over the sandbox's store (src/rehearsal/sandbox-cluster.ts), with what engine tests
// add: a record of every call and faults injected into the next matching calls.
import { SandboxCluster } from '../../src/rehearsal/sandbox-cluster';
import { ClusterError, ClusterKind } from '../../src/runtime/cluster/cluster';
import { SandboxApi } from '../../src/sandbox/api';
import { PodMetrics } from '../../src/sandbox/pod-metrics';

/** A fault the test injects into the next matching calls. */
export interface InjectedFault {
  readonly verb: 'get' | 'list' | 'create' | 'replace' | 'patch' | 'delete' | 'watch' | 'proxy';
  readonly kind?: ClusterKind;
  readonly code: number;
  /** How many calls fail. @default 1 */
  readonly times?: number;
}

/** The in-process Cluster, with fault injection and a record of every call. */
export class InProcessCluster extends SandboxCluster {
  /** Every call, as `verb Kind name?`. */
  public readonly calls: string[] = [];
  private readonly faults: { verb: string; kind?: ClusterKind; code: number; left: number }[] = [];

  public constructor(api: SandboxApi, podMetrics?: PodMetrics) {
    super(api, podMetrics);
  }

  /** Makes the next matching calls fail with `code`. */
  public inject(fault: InjectedFault): void {
    this.faults.push({ verb: fault.verb, kind: fault.kind, code: fault.code, left: fault.times ?? 1 });
  }

  // Faults fail a call where the store would answer it, after SandboxCluster's microtask.
  protected call<T>(verb: string, kind: ClusterKind, name: string, body: () => T): Promise<T> {
    this.calls.push(`${verb} ${kind}${name ? ` ${name}` : ''}`);
    return super.call(verb, kind, name, () => {
      const fault = this.faults.find((candidate) => candidate.verb === verb && (!candidate.kind || candidate.kind === kind) && candidate.left > 0);
      if (fault) {
        fault.left--;
        throw new ClusterError(fault.code, `injected ${fault.code} for ${verb} ${kind}`, { reason: fault.code === 409 ? 'Conflict' : 'InternalError' });
      }
      return body();
    });
  }
}

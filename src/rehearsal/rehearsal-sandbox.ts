// The sandbox a rehearsal runs in: the store, nodes, controllers and kubelets on a VirtualClock, reached in process
// (no HTTP server, certificate or kubeconfig to make), and the runtime's Cluster and clock over them.
import { SandboxCluster } from './sandbox-cluster';
import { runtimeClockOf } from './virtual-runtime-clock';
import { RuntimeClock } from '../runtime/clock';
import { RESOURCES, SandboxApi } from '../sandbox/api';
import { VirtualClock } from '../sandbox/clock';
import { Controllers, KubeletOptions, KubeletSimulator, startControllers } from '../sandbox/controllers';
import { makeNodes } from '../sandbox/nodes';
import { PodMetrics } from '../sandbox/pod-metrics';
import { createSandboxApi } from '../sandbox/store';

/** A started rehearsal sandbox. */
export class RehearsalSandbox {
  /**
   * Starts the store with `nodes` default nodes (node-1..node-N) and the controllers.
   *
   * @param nodes how many nodes
   * @param kubelet the kubelets' timing and failure rules
   */
  public static start(nodes: number, kubelet: KubeletOptions): RehearsalSandbox {
    const clock = new VirtualClock();
    const api = createSandboxApi({ clock });
    for (const node of makeNodes(nodes, clock.now())) {
      api.create(RESOURCES.nodes, node);
    }
    return new RehearsalSandbox(clock, api, startControllers(api, { clock, kubelet }));
  }

  /** The runtime's Cluster over the store. */
  public readonly cluster: SandboxCluster;
  /** The virtual clock as the runtime's clock. */
  public readonly runtimeClock: RuntimeClock;
  /** The simulated kubelets. */
  public readonly kubelet: KubeletSimulator;
  /** The pods' simulated metrics endpoints, which the cluster's pod proxy reaches. */
  public readonly podMetrics = new PodMetrics();

  private constructor(public readonly clock: VirtualClock, public readonly api: SandboxApi, private readonly controllers: Controllers) {
    this.cluster = new SandboxCluster(api, this.podMetrics);
    this.runtimeClock = runtimeClockOf(clock);
    this.kubelet = controllers.kubelet;
  }

  /** The nodes' names. */
  public nodeNames(): string[] {
    return this.api.listView(RESOURCES.nodes).items.map((node) => node.metadata.name!);
  }

  /**
   * Moves virtual time, letting promises settle between timers, until `until()` holds or the promise settles; false
   * when `maxVirtualMs` of virtual time pass first (or, for a condition, nothing is left that could change it).
   */
  public async runUntil(until: (() => boolean) | Promise<unknown>, maxVirtualMs: number): Promise<boolean> {
    try {
      await this.clock.runUntil(until, { maxVirtualMs, caller: 'rehearse' });
      return true;
    } catch {
      return false;
    }
  }

  /** Ends the runtime's watches and stops the controllers and kubelets. */
  public stop(): void {
    this.cluster.endWatches();
    this.controllers.stop();
  }
}

// An in-process sandbox for controller tests: the real SandboxApi store, nodes from makeNodes,
// every controller, all on a VirtualClock that the test advances.
import { KubeObject, RESOURCES, SandboxApi } from '../../../src/sandbox/api';
import { VirtualClock } from '../../../src/sandbox/clock';
import { Controllers, ControllerOptions, startControllers } from '../../../src/sandbox/controllers';
import { makeNodes, NodeSpecInput } from '../../../src/sandbox/nodes';
import { createSandboxApi } from '../../../src/sandbox/store';

/** A running in-process sandbox. */
export interface TestSandbox {
  readonly api: SandboxApi;
  readonly clock: VirtualClock;
  readonly controllers: Controllers;
  /** Advances virtual time timer by timer until `predicate` holds; throws after `maxMs` of virtual time. */
  advanceUntil(predicate: () => boolean, maxMs?: number): void;
  /** Pods of the default namespace selected by `labelSelector`, sorted by name. */
  pods(labelSelector: string): KubeObject[];
}

/** Starts a sandbox with the given nodes and controller options. */
export function startTestSandbox(nodes: number | NodeSpecInput[] = 3, options: Omit<ControllerOptions, 'clock'> = {}): TestSandbox {
  const clock = new VirtualClock();
  const api = createSandboxApi({ clock });
  for (const node of makeNodes(nodes, clock.now())) {
    api.create(RESOURCES.nodes, node);
  }
  const controllers = startControllers(api, { ...options, clock });
  return {
    api,
    clock,
    controllers,
    advanceUntil: (predicate, maxMs = 600_000) => {
      const start = clock.now();
      while (!predicate()) {
        if (clock.now() - start > maxMs || !clock.advanceToNextTimer()) {
          throw new Error(`condition not reached within ${maxMs} ms of virtual time`);
        }
      }
    },
    pods: (labelSelector) => api.list(RESOURCES.pods, { namespace: 'default', labelSelector }).items
      .sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!)),
  };
}

/** Whether the pod's Ready condition is True. */
export function isReady(pod: KubeObject): boolean {
  return (pod.status?.conditions ?? []).some((condition: any) => condition.type === 'Ready' && condition.status === 'True');
}

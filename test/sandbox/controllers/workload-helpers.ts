// Helpers shared by the StatefulSet and DaemonSet rule tests: reads, updates and a recorder of pod/claim watch
// events, all against the sandbox kit's store.
import { ApiEvent, KubeObject, RESOURCES, ResourceType } from '../../../src/sandbox/api';
import { SandboxKit } from '../../support/sandbox-kit';

/** The object, which must exist. */
export function getObject(sandbox: SandboxKit, type: ResourceType, name: string): KubeObject {
  const object = sandbox.api.get(type, 'default', name);
  if (!object) {
    throw new Error(`${type.resource} ${name} does not exist`);
  }
  return object;
}

/** Reads the latest object, lets `mutate` change it, and writes it back. */
export function updateObject(sandbox: SandboxKit, type: ResourceType, name: string, mutate: (object: KubeObject) => void): KubeObject {
  const object = getObject(sandbox, type, name);
  mutate(object);
  return sandbox.api.update(type, object);
}

/** Names of the default namespace's objects of `type` matching `labelSelector`, sorted. */
export function names(sandbox: SandboxKit, type: ResourceType, labelSelector?: string): string[] {
  return sandbox.api.list(type, { namespace: 'default', labelSelector }).items.map((object) => object.metadata.name!).sort();
}

/** Image of the first container of each named pod, in the order given. */
export function images(sandbox: SandboxKit, podNames: readonly string[]): string[] {
  return podNames.map((name) => getObject(sandbox, RESOURCES.pods, name).spec.containers[0].image);
}

/** Whether the StatefulSet's status reflects its generation and a finished rollout of all replicas. */
export function statefulSetRolledOut(sandbox: SandboxKit, name: string): boolean {
  const set = getObject(sandbox, RESOURCES.statefulSets, name);
  const status = set.status ?? {};
  const replicas = set.spec.replicas;
  return status.observedGeneration === set.metadata.generation && status.currentRevision === status.updateRevision
    && status.replicas === replicas && status.updatedReplicas === replicas && status.readyReplicas === replicas
    && status.availableReplicas === replicas;
}

/** A watch event and the virtual time it was delivered at. */
export interface LoggedEvent extends ApiEvent {
  /** Virtual epoch milliseconds. */
  readonly at: number;
}

/** Records the watch events of one resource type from now on; `stop()` ends the watch. */
export class EventLog {
  /** Events seen so far, oldest first. */
  public readonly events: LoggedEvent[] = [];
  private readonly unwatch: () => void;

  constructor(sandbox: SandboxKit, type: ResourceType) {
    const { resourceVersion } = sandbox.api.list(type, { namespace: 'default' });
    this.unwatch = sandbox.api.watch(type, { namespace: 'default', resourceVersion }, (event) => this.events.push({ ...event, at: sandbox.clock.now() }));
  }

  /** Names of the objects that were marked for deletion (or removed outright), in that order, each once. */
  public deletions(): string[] {
    return this.deletionEvents().map((event) => event.object.metadata.name!);
  }

  /** The first deletion event of each object, grouped by the virtual instant it happened at, each group mapped through `label`. */
  public deletionBatches(label: (object: KubeObject) => string = (object) => object.metadata.name!): string[][] {
    const batches = new Map<number, string[]>();
    for (const event of this.deletionEvents()) {
      batches.set(event.at, [...(batches.get(event.at) ?? []), label(event.object)]);
    }
    return [...batches.values()];
  }

  /** Names of the objects that were added, in order. */
  public additions(): string[] {
    return this.events.filter((event) => event.type === 'ADDED').map((event) => event.object.metadata.name!);
  }

  private deletionEvents(): LoggedEvent[] {
    const seen = new Set<string>();
    return this.events.filter((event) => {
      const name = event.object.metadata.name!;
      const deleting = event.type === 'DELETED' || (event.type === 'MODIFIED' && event.object.metadata.deletionTimestamp);
      if (!deleting || seen.has(name)) {
        return false;
      }
      seen.add(name);
      return true;
    });
  }

  /** Stops watching. */
  public stop(): void {
    this.unwatch();
  }
}

// A StatefulSet promotion driven against a sandbox kit (in process or over HTTP) on its virtual clock, and what tests
// read from its events and pods.
import { Cluster } from '../../src/runtime/cluster/cluster';
import { KubePod } from '../../src/runtime/kube/kube-types';
import { PromotionEvent, PromotionOptions, PromotionOutcome } from '../../src/runtime/promotion/promotion-contract';
import { promoteStatefulSet } from '../../src/runtime/statefulset/partition-promotion';
import { KubeObject } from '../../src/sandbox/api';
import { SandboxKit } from '../support/sandbox-kit';

/** The pods' images by name, e.g. `{ 'kafka-0': 'kafka:1' }`. */
export function imagesOf(pods: readonly (KubePod | KubeObject)[]): Record<string, string> {
  return Object.fromEntries(pods.map((pod) => [pod.metadata.name, pod.spec?.containers?.[0]?.image ?? '']));
}

/** The partitions a promotion wrote, in order, from its `step-started` events. */
export function partitionsWritten(events: readonly PromotionEvent[]): number[] {
  return events.flatMap((event) => (event.type === 'step-started' ? [event.partition] : []));
}

/** A running promotion: its events as they arrive and its result once settled. */
export interface RunningPromotion {
  readonly events: PromotionEvent[];
  readonly promise: Promise<PromotionOutcome>;
  settled(): boolean;
  /** The outcome, or throws the promotion's error. */
  result(): Promise<PromotionOutcome>;
}

/** Starts a promotion against `cluster` (the kit's by default). */
export function startPromotion(sandbox: SandboxKit,
  options: Partial<PromotionOptions> & { name: string; cluster?: Cluster }): RunningPromotion {
  const events: PromotionEvent[] = [];
  let settled = false;
  const { name, ...rest } = options;
  const promise = promoteStatefulSet({
    cluster: sandbox.cluster,
    clock: sandbox.runtimeClock,
    workload: { kind: 'StatefulSet', namespace: 'default', name },
    holder: 'test-promoter',
    ...rest,
    onEvent: (event) => {
      events.push(event);
      rest.onEvent?.(event);
    },
  });
  promise.then(() => { settled = true; }, () => { settled = true; });
  return { events, promise, settled: () => settled, result: () => promise };
}

/** Runs a promotion to its end on the kit's virtual clock, and returns its outcome and every event it emitted. */
export async function promoteToEnd(sandbox: SandboxKit, options: Partial<PromotionOptions> & { name: string },
): Promise<{ outcome: PromotionOutcome; events: PromotionEvent[] }> {
  const promotion = startPromotion(sandbox, options);
  await sandbox.runUntil(promotion.promise);
  return { outcome: await promotion.result(), events: promotion.events };
}

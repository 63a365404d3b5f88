import { promotionEventLine } from '../../src/cli/render/promotion-text';
import { PromotionEvent } from '../../src/runtime/promotion/promotion-contract';

const KAFKA = { kind: 'StatefulSet' as const, namespace: 'default', name: 'kafka' };
const AGENT = { kind: 'DaemonSet' as const, namespace: 'default', name: 'agent' };
const AT = Date.UTC(2026, 0, 1);

test.each<[PromotionEvent, string | undefined]>([
  [{ type: 'started', at: AT, plan: 'canary', partitions: [3, 2, 0], step: 0, targetStep: 2, resumed: false },
    'promoting sts/kafka with plan canary (partitions 3, 2, 0): step 0 -> 2'],
  [{ type: 'started', at: AT, plan: 'canary', partitions: [3, 2, 0], step: 1, targetStep: 2, resumed: true },
    'resuming sts/kafka with plan canary (partitions 3, 2, 0): step 1 -> 2'],
  [{ type: 'step-started', at: AT, step: 0, partition: 3, ordinals: [] }, 'step 0: partition 3 (staged)'],
  [{ type: 'step-started', at: AT, step: 1, partition: 2, ordinals: [2] }, 'step 1: partition 2 (kafka-2 on the new revision)'],
  [{ type: 'waiting', at: AT, step: 1, blocking: [], waitingForController: 'the StatefulSet controller has not observed generation 3 yet (observedGeneration 2)' },
    'step 1: waiting: the StatefulSet controller has not observed generation 3 yet (observedGeneration 2)'],
  [{ type: 'waiting', at: AT, step: 1, blocking: [{ pod: 'kafka-2', ordinal: 2, reason: 'not Ready', problems: [] }] },
    'step 1: waiting for kafka-2 (not Ready)'],
  [{ type: 'soak-started', at: AT, step: 1, until: AT + 300_000 }, 'step 1: gate passed; soaking for 5m0s (until 2026-01-01T00:05:00.000Z)'],
  [{ type: 'gate-result', at: AT, step: 1, gate: 'exec=true', passed: true, message: '"true" exited with status 0' },
    'step 1: gate exec=true passed: "true" exited with status 0'],
  [{ type: 'gate-waiting', at: AT, step: 1, gate: 'kafka', message: 'kafka: kafka-2 reports 3 under-replicated partitions' },
    'step 1: gate kafka waiting: kafka: kafka-2 reports 3 under-replicated partitions'],
  [{ type: 'awaiting-approval', at: AT, step: 1 }, 'step 1 passed; waiting for approval: run "kubectl-stage resume sts/kafka"'],
  [{ type: 'paused', at: AT, step: 1 }, 'paused after step 1; run "kubectl-stage resume sts/kafka" to continue'],
  [{ type: 'failed', at: AT, step: 1, kind: 'timed-out', message: 'step 1 timed out after 1m0s waiting for kafka-2 not Ready' },
    'step 1 timed out after 1m0s waiting for kafka-2 not Ready'],
  [{ type: 'failed', at: AT, step: 1, kind: 'gate-failed', message: 'step 1 failed: pod kafka-2: ImagePullBackOff - Back-off pulling image "kafka:bad"' },
    'step 1 failed: pod kafka-2: ImagePullBackOff - Back-off pulling image "kafka:bad"'],
  [{ type: 'rolling-back', at: AT, revision: 'kafka-5d8f' }, 'rolling back to revision kafka-5d8f'],
  [{ type: 'deleting-stuck-pods', at: AT, pods: ['kafka-2'], reason: 'trapped' }, 'deleting kafka-2: trapped'],
  [{ type: 'conflict', at: AT, message: 'the object has been modified' }, undefined],
  [{ type: 'finished', at: AT, phase: 'complete', message: 'every pod of statefulset/kafka is on revision kafka-7b9c' },
    'promotion complete: every pod of statefulset/kafka is on revision kafka-7b9c'],
  [{ type: 'finished', at: AT, phase: 'rolled-back', message: 'rolled back to revision kafka-5d8f: step 1 failed' },
    'rolled-back: rolled back to revision kafka-5d8f: step 1 failed'],
])('%j', (event, line) => {
  expect(promotionEventLine(event, KAFKA)).toBe(line);
});

test('a DaemonSet canary speaks of nodes', () => {
  expect(promotionEventLine({ type: 'started', at: AT, plan: '1,25%,100%', partitions: [0, 1, 3, 10], step: 0, targetStep: 3, resumed: false }, AGENT))
    .toBe('promoting ds/agent with plan 1,25%,100% (nodes 0, 1, 3, 10): step 0 -> 3');
  expect(promotionEventLine({ type: 'canary-step-started', at: AT, step: 1, nodes: ['node-3'] }, AGENT))
    .toBe('step 1: 1 node(s) to the new revision (node-3)');
  expect(promotionEventLine({ type: 'pods-deleted', at: AT, step: 1, pods: [{ pod: 'agent-x', node: 'node-3' }] }, AGENT))
    .toBe('step 1: deleted agent-x on node-3');
});

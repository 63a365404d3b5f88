import { RolloutKeys } from '../../../src/keys';
import { parseNodeCanaryPlan } from '../../../src/runtime/daemonset/daemonset-canary-plan';
import { choosePlan, resolvePartitionPlan } from '../../../src/runtime/promotion/plan-source';
import { RuntimeError } from '../../../src/runtime/runtime-error';

const where = 'statefulset/kafka';

function badInput(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(RuntimeError.is(error, 'bad-input')).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected a bad-input RuntimeError');
}

describe('choosePlan', () => {
  const missing = 'daemonset/agent has no node canary plan';
  // Records what it was asked to parse, so the tests see which text was picked and with which origin.
  const seen = (text: string, origin: string) => `${text} from ${origin}`;

  test('--plan first, then the state of the promotion in progress, then the annotation', () => {
    expect(choosePlan({ flag: '2', statePlan: '1', annotation: 'canary' }, seen, missing))
      .toEqual({ plan: '2 from --plan', source: 'flag', text: '2', origin: '--plan' });
    expect(choosePlan({ statePlan: '1', annotation: 'canary' }, seen, missing)).toEqual({
      plan: `1 from the promotion state (${RolloutKeys.STATE_ANNOTATION})`,
      source: 'state',
      text: '1',
      origin: `the promotion state (${RolloutKeys.STATE_ANNOTATION})`,
    });
    expect(choosePlan({ annotation: 'canary' }, seen, missing)).toEqual({
      plan: `canary from annotation ${RolloutKeys.PLAN_ANNOTATION}`,
      source: 'annotation',
      text: 'canary',
      origin: `annotation ${RolloutKeys.PLAN_ANNOTATION}`,
    });
  });

  test('blank texts do not count; none at all is the caller\'s message', () => {
    expect(choosePlan({ flag: '  ', statePlan: '', annotation: '50%' }, seen, missing).source).toBe('annotation');
    expect(badInput(() => choosePlan({ flag: ' ' }, seen, missing))).toBe(missing);
  });

  test('an invalid text is an error naming the place it came from, not a fall back to the next place', () => {
    expect(badInput(() => choosePlan({ statePlan: '0%', annotation: 'canary' }, parseNodeCanaryPlan, missing))).toBe(
      `invalid DaemonSet canary plan "0%" from the promotion state (${RolloutKeys.STATE_ANNOTATION}): `
      + 'step "0%": a percentage must be between 1% and 100%');
    expect(badInput(() => choosePlan({ annotation: 'canary,canary' }, parseNodeCanaryPlan, missing)))
      .toMatch(new RegExp(`^invalid DaemonSet canary plan "canary,canary" from annotation ${RolloutKeys.PLAN_ANNOTATION}: `));
  });
});

describe('resolvePartitionPlan', () => {
  test('--plan wins over the state and the annotation', () => {
    const resolved = resolvePartitionPlan({ flag: 'canary', statePlan: '50%', annotation: 'linear:1', replicas: 3, where });
    expect(resolved.source).toBe('flag');
    expect(resolved.plan.toString()).toBe('canary');
    expect(resolved.partitions).toEqual([3, 2, 0]);
  });

  test('the plan of a promotion in progress wins over the annotation, so a rerun resumes with it', () => {
    const resolved = resolvePartitionPlan({ statePlan: 'linear:1', annotation: 'canary', replicas: 3, where });
    expect(resolved.source).toBe('state');
    expect(resolved.partitions).toEqual([3, 2, 1, 0]);
  });

  test('the annotation the constructs wrote is the fallback; blank values do not count', () => {
    const resolved = resolvePartitionPlan({ flag: ' ', statePlan: '', annotation: '100,99,90,50,0', replicas: 100, where });
    expect(resolved.source).toBe('annotation');
    expect(resolved.partitions).toEqual([100, 99, 90, 50, 0]);
  });

  test('no plan anywhere names the flag and the annotation', () => {
    expect(badInput(() => resolvePartitionPlan({ replicas: 3, where }))).toBe(
      'statefulset/kafka has no partition plan: pass --plan (for example --plan canary or --plan 100,99,90,50,0), '
      + `or synthesize it with StatefulSetRollout.staged(plan), which writes annotation ${RolloutKeys.PLAN_ANNOTATION}`);
  });

  test('a malformed --plan names the flag, the value and the parser\'s reason', () => {
    expect(badInput(() => resolvePartitionPlan({ flag: 'linear:', replicas: 3, where }))).toBe(
      'invalid plan "linear:" from --plan: linear needs a number after the colon, e.g. "linear:2"');
  });

  test('a malformed annotation names the annotation', () => {
    expect(badInput(() => resolvePartitionPlan({ annotation: '50%,canary', replicas: 3, where }))).toBe(
      `invalid plan "50%,canary" from annotation ${RolloutKeys.PLAN_ANNOTATION}: `
      + '"canary" can only be the first step');
  });

  test('a malformed state plan names the state annotation', () => {
    expect(badInput(() => resolvePartitionPlan({ statePlan: 'exponential:x', replicas: 3, where })))
      .toContain(`from the promotion state (${RolloutKeys.STATE_ANNOTATION}): `);
  });

  test('a plan that does not fit the replicas names the replicas and the valid range', () => {
    expect(badInput(() => resolvePartitionPlan({ flag: '5,2,0', replicas: 3, where }))).toBe(
      'plan "5,2,0" from --plan does not fit statefulset/kafka with 3 replicas: '
      + 'PartitionPlan "5,2,0": partition 5 is above the 3 replicas (valid: 0 to 3)');
  });
});

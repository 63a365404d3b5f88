import * as fc from 'fast-check';
import { RolloutKeys } from '../../../src/keys';
import {
  decodePromotionState, encodePromotionState, MAX_GATE_RECORDS, PROMOTION_STATE_VERSION, PromotionPhase, PromotionState,
  TERMINAL_PHASES,
} from '../../../src/runtime/promotion/promotion-state';
import { RuntimeError } from '../../../src/runtime/runtime-error';

const where = 'statefulset/kafka';
const startOver = `; remove it with "kubectl annotate ${where} ${RolloutKeys.STATE_ANNOTATION}-" to start over`;

const state: PromotionState = {
  version: PROMOTION_STATE_VERSION,
  kind: 'StatefulSet',
  plan: 'canary,50%',
  step: 1,
  targetStep: 3,
  phase: 'soaking',
  paused: false,
  abortRequested: false,
  updateRevision: 'kafka-7b9c',
  previousRevision: 'kafka-5d8f',
  startedAt: '2026-01-01T00:00:00.000Z',
  stepStartedAt: '2026-01-01T00:01:00.000Z',
  soakStartedAt: '2026-01-01T00:02:00.000Z',
  soakBaseline: { 'kafka-2': { uid: 'u2', restarts: 0 } },
  gates: [{ step: 1, gate: 'built-in', passed: true, message: 'kafka-2 updated, Ready and Available', at: '2026-01-01T00:02:00.000Z' }],
  holder: 'ci-runner-1',
};

function decodeError(text: string): string {
  try {
    decodePromotionState(text, where);
  } catch (error) {
    expect(RuntimeError.is(error, 'bad-input')).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected a bad-input RuntimeError');
}

function withField(field: string, value: unknown): string {
  return JSON.stringify({ ...state, [field]: value });
}

describe('promotion state annotation codec', () => {
  test('encodes as versioned JSON and decodes to the same state', () => {
    const text = encodePromotionState(state);
    expect(JSON.parse(text).version).toBe(1);
    expect(decodePromotionState(text, where)).toEqual(state);
  });

  test('optional fields may be absent', () => {
    const { previousRevision, soakStartedAt, soakBaseline, holder, ...required } = state;
    expect(decodePromotionState(JSON.stringify(required), where)).toEqual(required);
  });

  test('no annotation means no promotion in progress', () => {
    expect(decodePromotionState(undefined, where)).toBeUndefined();
    expect(decodePromotionState('', where)).toBeUndefined();
  });

  test(`keeps only the last ${MAX_GATE_RECORDS} gate results`, () => {
    const gates = Array.from({ length: 25 }, (_, index) => ({ ...state.gates[0], step: index }));
    const decoded = decodePromotionState(encodePromotionState({ ...state, gates }), where);
    expect(decoded?.gates.map((gate) => gate.step)).toEqual(Array.from({ length: 20 }, (_, index) => index + 5));
  });

  test('terminal phases', () => {
    expect(TERMINAL_PHASES).toEqual(['complete', 'failed', 'rolled-back', 'aborted']);
  });

  test('round-trips any valid state (property)', () => {
    const time = fc.integer({ min: 0, max: 4_000_000_000_000 }).map((ms) => new Date(ms).toISOString());
    const phase = fc.constantFrom<PromotionPhase>(
      'progressing', 'soaking', 'awaiting-approval', 'complete', 'failed', 'rolling-back', 'rolled-back', 'aborted');
    const arbitrary = fc.record({
      version: fc.constant(PROMOTION_STATE_VERSION),
      kind: fc.constantFrom<'StatefulSet' | 'DaemonSet'>('StatefulSet', 'DaemonSet'),
      plan: fc.string(),
      step: fc.nat(),
      targetStep: fc.nat(),
      phase,
      paused: fc.boolean(),
      abortRequested: fc.boolean(),
      updateRevision: fc.string(),
      startedAt: time,
      stepStartedAt: time,
      gates: fc.array(fc.record({ step: fc.nat(), gate: fc.string(), passed: fc.boolean(), message: fc.string(), at: time }),
        { maxLength: MAX_GATE_RECORDS }),
    });
    fc.assert(fc.property(arbitrary, (value) => {
      expect(decodePromotionState(encodePromotionState(value), where)).toEqual(value);
    }));
  });
});

describe('decodePromotionState validates on read', () => {
  test('not JSON', () => {
    expect(decodeError('{oops')).toMatch(
      new RegExp('^annotation staged-rollouts\\.io/state on statefulset/kafka is not valid JSON \\(.+\\); remove it with '));
  });

  test.each(['[]', 'null', '"text"', '3'])('%s is not a JSON object', (text) => {
    expect(decodeError(text)).toBe(`annotation ${RolloutKeys.STATE_ANNOTATION} on ${where} is not a JSON object${startOver}`);
  });

  test('another version is refused, naming both', () => {
    expect(decodeError(withField('version', 2))).toBe(
      `annotation ${RolloutKeys.STATE_ANNOTATION} on ${where} has version 2, but this kubectl-stage reads version 1${startOver}`);
    expect(decodeError(JSON.stringify({ plan: 'canary' }))).toBe(
      `annotation ${RolloutKeys.STATE_ANNOTATION} on ${where} has version undefined, but this kubectl-stage reads version 1${startOver}`);
  });

  test.each([
    ['kind', 'Deployment', '"StatefulSet" or "DaemonSet"'],
    ['plan', 5, 'a plan string'],
    ['step', -1, 'a step index >= 0'],
    ['targetStep', 1.5, 'a step index >= 0'],
    ['phase', 'done', 'progressing, soaking, awaiting-approval, complete, failed, rolling-back, rolled-back, aborted'],
    ['paused', 'no', 'true or false'],
    ['abortRequested', null, 'true or false'],
    ['updateRevision', undefined, 'a revision name'],
    ['previousRevision', 7, 'a revision name'],
    ['startedAt', 'yesterday', 'an RFC 3339 time'],
    ['stepStartedAt', 0, 'an RFC 3339 time'],
    ['soakStartedAt', 'later', 'an RFC 3339 time'],
    ['soakBaseline', { 'kafka-2': { uid: 'u2' } }, 'an object of {uid, restarts} by pod name'],
    ['soakBaseline', [], 'an object of {uid, restarts} by pod name'],
    ['gates', [{ step: 1, gate: 'built-in' }], 'a list of {step, gate, passed, message, at}'],
    ['message', false, 'a string'],
    ['holder', 1, 'a string'],
  ])('an invalid %s (%j) is named with what is expected', (field, value, expected) => {
    expect(decodeError(withField(field, value))).toBe(
      `annotation ${RolloutKeys.STATE_ANNOTATION} on ${where} has an invalid field "${field}": `
      + `${JSON.stringify(value)} (expected ${expected})${startOver}`);
  });
});

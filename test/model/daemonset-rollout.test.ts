import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { DaemonSetRollout } from '../../src/daemonset-rollout';
import { PercentOrCount } from '../../src/percent-or-count';
import { synthValid, testChart } from '../constructs/manifest';

/** The spec as it appears in the manifest (IntOrString values unwrapped). */
function manifestSpec(rollout: DaemonSetRollout): unknown {
  return JSON.parse(JSON.stringify(rollout._toSpec(), (_key, value) =>
    value !== null && typeof value === 'object' && Object.keys(value).join() === 'value' ? value.value : value));
}

describe('DaemonSetRollout.rollingUpdate', () => {
  test('without options it writes only the strategy type and budgets upstream\'s defaults', () => {
    const rollout = DaemonSetRollout.rollingUpdate();
    expect(rollout.type).toBe('RollingUpdate');
    expect(rollout._toSpec()).toEqual({ updateStrategy: { type: 'RollingUpdate' } });
    expect(rollout.budget?.resolve(5)).toEqual({ maxSurge: 0, maxUnavailable: 1 });
    expect(rollout._validate(true)).toEqual([]);
  });

  test('budgets and options are written in Kubernetes shape', () => {
    const rollout = DaemonSetRollout.rollingUpdate({
      maxUnavailable: PercentOrCount.percent(25),
      maxSurge: PercentOrCount.count(0),
      minReady: Duration.seconds(10),
      revisionHistoryLimit: 3,
    });
    expect(manifestSpec(rollout)).toEqual({
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: 0 } },
      minReadySeconds: 10,
      revisionHistoryLimit: 3,
    });
    expect(rollout.budget?.describe(4)).toBe('4 nodes, maxUnavailable 25% -> 1 pod at a time, 4 waves');
  });

  test('a surge-only update', () => {
    const rollout = DaemonSetRollout.rollingUpdate({ maxSurge: PercentOrCount.percent(10), maxUnavailable: PercentOrCount.count(0) });
    expect(manifestSpec(rollout)).toEqual({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '10%' } } });
    expect(rollout._validate(false)).toEqual([]);
  });

  test('only the budgets that were set are written', () => {
    expect(manifestSpec(DaemonSetRollout.rollingUpdate({ maxUnavailable: PercentOrCount.percent(10) })))
      .toEqual({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%' } } });
    expect(manifestSpec(DaemonSetRollout.rollingUpdate({ maxSurge: PercentOrCount.count(1) })))
      .toEqual({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } });
  });

  test('both zero fails at once', () => {
    expect(() => DaemonSetRollout.rollingUpdate({ maxUnavailable: PercentOrCount.count(0) }))
      .toThrow('RolloutBudget.daemonSet: maxUnavailable: "0" is not valid; maxSurge is 0 too, so no pod could ever be replaced; set maxUnavailable or maxSurge above 0');
    expect(() => DaemonSetRollout.rollingUpdate({ maxUnavailable: PercentOrCount.percent(0), maxSurge: PercentOrCount.percent(0) }))
      .toThrow('RolloutBudget.daemonSet: maxUnavailable: "0%" is not valid; maxSurge is 0 too');
  });

  test('percentages above 100% fail at once', () => {
    expect(() => DaemonSetRollout.rollingUpdate({ maxSurge: PercentOrCount.percent(200) }))
      .toThrow('RolloutBudget.daemonSet: maxSurge: "200%" is not valid; a percentage must not be greater than 100%');
  });

  test('surge is rejected for pods that bind a hostPort', () => {
    const rollout = DaemonSetRollout.rollingUpdate({ maxSurge: PercentOrCount.count(1), maxUnavailable: PercentOrCount.count(0) });
    expect(rollout._validate(true)).toEqual([
      'DaemonSetRollout: maxSurge 1 is not possible for pods that bind a hostPort: the new pod cannot bind the port while the old pod on the same node holds it; use maxSurge 0 and maxUnavailable instead',
    ]);
    expect(rollout._validate(false)).toEqual([]);
    expect(DaemonSetRollout.rollingUpdate({ maxSurge: PercentOrCount.count(0) })._validate(true)).toEqual([]);
  });
});

describe('DaemonSetRollout.onDelete', () => {
  test('writes OnDelete and has no budget', () => {
    const rollout = DaemonSetRollout.onDelete({ minReady: Duration.minutes(1) });
    expect(rollout._toSpec()).toEqual({ updateStrategy: { type: 'OnDelete' }, minReadySeconds: 60 });
    expect(rollout.budget).toBeUndefined();
    expect(rollout._validate(true)).toEqual([]);
  });

  test('an invalid revisionHistoryLimit fails at once', () => {
    expect(() => DaemonSetRollout.onDelete({ revisionHistoryLimit: 1.5 }))
      .toThrow('DaemonSetRollout: revisionHistoryLimit: 1.5 is not valid; use a non-negative integer');
  });
});

describe('DaemonSetRollout schema', () => {
  test.each([
    ['rolling update with both budgets', DaemonSetRollout.rollingUpdate({ maxUnavailable: PercentOrCount.percent(25), maxSurge: PercentOrCount.count(1), minReady: Duration.seconds(5) })],
    ['on delete', DaemonSetRollout.onDelete({ revisionHistoryLimit: 3 })],
  ])('%s synthesizes a valid DaemonSet', (_name, rollout) => {
    const chart = testChart();
    new k8s.KubeDaemonSet(chart, 'ds', {
      spec: {
        ...rollout._toSpec(),
        selector: { matchLabels: { app: 'agent' } },
        template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent', image: 'agent:1' }] } },
      },
    });
    const [ds] = synthValid(chart);
    expect(ds.spec.updateStrategy).toEqual((manifestSpec(rollout) as any).updateStrategy);
  });
});

describe('DaemonSetRollout rejects a fractional minReady', () => {
  test('naming the prop', () => {
    expect(() => DaemonSetRollout.onDelete({ minReady: Duration.millis(2500) }))
      .toThrow('DaemonSetRollout: minReady: "2500ms" is not valid; use whole seconds of 0 or more');
  });
});

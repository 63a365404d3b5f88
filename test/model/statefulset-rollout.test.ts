import { Duration } from 'cdk8s';
import { k8s, PodManagementPolicy } from 'cdk8s-plus-28';
import { PartitionPlan } from '../../src/partition-plan';
import { PercentOrCount } from '../../src/percent-or-count';
import { PartitionOwner, PvcRetention, StatefulSetRollout } from '../../src/statefulset-rollout';
import { synthValid, testChart } from '../constructs/manifest';

/** The spec as it appears in the manifest (IntOrString values unwrapped). */
function manifestSpec(rollout: StatefulSetRollout, replicas: number): unknown {
  return JSON.parse(JSON.stringify(rollout._toSpec(replicas), (_key, value) =>
    value !== null && typeof value === 'object' && Object.keys(value).join() === 'value' ? value.value : value));
}

describe('StatefulSetRollout.rollingUpdate', () => {
  test('without options it writes only the strategy type', () => {
    const rollout = StatefulSetRollout.rollingUpdate();
    expect(rollout._toSpec(3)).toEqual({ updateStrategy: { type: 'RollingUpdate' } });
    expect(rollout.plan).toBeUndefined();
    expect(rollout._annotations()).toEqual({});
    expect(rollout._validate(3)).toEqual([]);
  });

  test('partition and maxUnavailable are written as given', () => {
    const rollout = StatefulSetRollout.rollingUpdate({ partition: 2, maxUnavailable: PercentOrCount.percent(50) });
    expect(manifestSpec(rollout, 3)).toEqual({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2, maxUnavailable: '50%' } } });
    expect(manifestSpec(StatefulSetRollout.rollingUpdate({ partition: 0 }), 3))
      .toEqual({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } } });
    expect(manifestSpec(StatefulSetRollout.rollingUpdate({ maxUnavailable: PercentOrCount.count(2) }), 3))
      .toEqual({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 2 } } });
  });

  test('a partition above replicas is allowed (it updates no pod)', () => {
    const rollout = StatefulSetRollout.rollingUpdate({ partition: 10 });
    expect(rollout._validate(3)).toEqual([]);
    expect(manifestSpec(rollout, 3)).toEqual({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 10 } } });
  });

  test('invalid input fails at once, naming the field', () => {
    expect(() => StatefulSetRollout.rollingUpdate({ partition: -1 }))
      .toThrow('StatefulSetRollout.rollingUpdate: partition: -1 is not valid; use a non-negative integer (0 updates every pod)');
    expect(() => StatefulSetRollout.rollingUpdate({ partition: 1.5 })).toThrow('partition: 1.5 is not valid');
    expect(() => StatefulSetRollout.rollingUpdate({ maxUnavailable: PercentOrCount.count(0) }))
      .toThrow('RolloutBudget.statefulSet: maxUnavailable: "0" is not valid; use at least 1 (or 1%)');
    expect(() => StatefulSetRollout.rollingUpdate({ maxUnavailable: PercentOrCount.percent(101) }))
      .toThrow('RolloutBudget.statefulSet: maxUnavailable: "101%" is not valid; a percentage must not be greater than 100%');
    expect(() => StatefulSetRollout.rollingUpdate({ revisionHistoryLimit: -2 }))
      .toThrow('StatefulSetRollout: revisionHistoryLimit: -2 is not valid; use a non-negative integer');
  });
});

describe('StatefulSetRollout.onDelete', () => {
  test('writes OnDelete and carries no plan', () => {
    const rollout = StatefulSetRollout.onDelete({ revisionHistoryLimit: 5 });
    expect(rollout._toSpec(3)).toEqual({ updateStrategy: { type: 'OnDelete' }, revisionHistoryLimit: 5 });
    expect(rollout._annotations()).toEqual({});
  });
});

describe('StatefulSetRollout.staged', () => {
  test('pins the partition at STAGED_PARTITION and writes the plan annotation', () => {
    const rollout = StatefulSetRollout.staged(PartitionPlan.canary());
    expect(rollout._toSpec(3)).toEqual({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: PartitionPlan.STAGED_PARTITION } } });
    expect(PartitionPlan.STAGED_PARTITION).toBe(32767);
    expect(rollout._annotations()).toEqual({ 'staged-rollouts.io/plan': PartitionPlan.canary().toString() });
    expect(rollout.plan?.resolve(3)).toEqual([3, 2, 0]);
    expect(rollout._validate(3)).toEqual([]);
  });

  test('the plan annotation parses back to the same plan', () => {
    const plan = PartitionPlan.percentages([1, 10, 50, 100]);
    const written = StatefulSetRollout.staged(plan)._annotations()['staged-rollouts.io/plan'];
    expect(PartitionPlan.parse(written).resolve(100)).toEqual([100, 99, 90, 50, 0]);
  });

  test('stage-only plans are allowed', () => {
    const rollout = StatefulSetRollout.staged(PartitionPlan.staged());
    expect(rollout._validate(3)).toEqual([]);
    expect(rollout._toSpec(3).updateStrategy.rollingUpdate?.partition).toBe(32767);
  });

  test('a plan that does not fit the replicas is reported with the plan\'s own message', () => {
    const plan = PartitionPlan.explicit([100, 99, 90, 50, 0]);
    const rollout = StatefulSetRollout.staged(plan);
    expect(rollout._validate(3)).toEqual(plan.validateFor(3));
    expect(rollout._validate(3).length).toBeGreaterThan(0);
    expect(rollout._validate(100)).toEqual([]);
  });
});

describe('StatefulSetRollout partitionOwner', () => {
  test('MANIFEST (the default) pins the partition in the manifest', () => {
    const pinned = { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: PartitionPlan.STAGED_PARTITION } } };
    expect(StatefulSetRollout.staged(PartitionPlan.canary())._toSpec(3)).toEqual(pinned);
    expect(StatefulSetRollout.staged(PartitionPlan.canary(), { partitionOwner: PartitionOwner.MANIFEST })._toSpec(3)).toEqual(pinned);
  });

  test('PROMOTER leaves the partition out of the manifest and keeps the plan annotation the promoter walks', () => {
    const rollout = StatefulSetRollout.staged(PartitionPlan.canary(), { partitionOwner: PartitionOwner.PROMOTER });
    expect(rollout._toSpec(3)).toEqual({ updateStrategy: { type: 'RollingUpdate' } });
    expect(rollout._annotations()).toEqual({ 'staged-rollouts.io/plan': PartitionPlan.canary().toString() });
    expect(rollout._validate(3)).toEqual([]);
    expect(rollout._validate(40_000).length).toBeGreaterThan(0);
  });

  test('PROMOTER needs a staged rollout (a plan to promote), and unknown owners are named', () => {
    expect(() => StatefulSetRollout.rollingUpdate({ partitionOwner: PartitionOwner.PROMOTER })).toThrow('StatefulSetRollout: partitionOwner: "promoter" is not valid; '
      + 'only a staged rollout has a promoter to own the partition: use StatefulSetRollout.staged(plan, { partitionOwner })');
    expect(() => StatefulSetRollout.onDelete({ partitionOwner: PartitionOwner.PROMOTER })).toThrow(/only a staged rollout has a promoter/);
    expect(() => StatefulSetRollout.staged(PartitionPlan.canary(), { partitionOwner: 'gitops' as PartitionOwner }))
      .toThrow('StatefulSetRollout: partitionOwner: "gitops" is not valid; use PartitionOwner.MANIFEST or PartitionOwner.PROMOTER');
  });
});

describe('StatefulSetRollout options', () => {
  test('every option is written in Kubernetes shape', () => {
    const rollout = StatefulSetRollout.staged(PartitionPlan.linear(1), {
      podManagementPolicy: PodManagementPolicy.PARALLEL,
      minReady: Duration.seconds(30),
      revisionHistoryLimit: 10,
      persistentVolumeClaimRetentionPolicy: { whenDeleted: PvcRetention.DELETE, whenScaled: PvcRetention.RETAIN },
    });
    expect(rollout.podManagementPolicy).toBe(PodManagementPolicy.PARALLEL);
    expect(manifestSpec(rollout, 3)).toEqual({
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 32767 } },
      podManagementPolicy: 'Parallel',
      minReadySeconds: 30,
      revisionHistoryLimit: 10,
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' },
    });
  });

  test('unset options are left out so the construct can apply its defaults', () => {
    const spec = StatefulSetRollout.rollingUpdate({ persistentVolumeClaimRetentionPolicy: { whenScaled: PvcRetention.DELETE } })._toSpec(3);
    expect(Object.keys(spec).sort()).toEqual(['persistentVolumeClaimRetentionPolicy', 'updateStrategy']);
    expect(manifestSpec(StatefulSetRollout.onDelete({ podManagementPolicy: PodManagementPolicy.ORDERED_READY }), 1))
      .toEqual({ updateStrategy: { type: 'OnDelete' }, podManagementPolicy: 'OrderedReady' });
  });
});

describe('StatefulSetRollout schema', () => {
  test.each([
    ['staged with every option', StatefulSetRollout.staged(PartitionPlan.canary(), {
      podManagementPolicy: PodManagementPolicy.PARALLEL,
      minReady: Duration.seconds(30),
      revisionHistoryLimit: 10,
      persistentVolumeClaimRetentionPolicy: { whenDeleted: PvcRetention.DELETE, whenScaled: PvcRetention.RETAIN },
    })],
    ['rolling update with a budget', StatefulSetRollout.rollingUpdate({ partition: 1, maxUnavailable: PercentOrCount.percent(50) })],
    ['on delete', StatefulSetRollout.onDelete()],
    ['staged with the partition owned by the promoter', StatefulSetRollout.staged(PartitionPlan.canary(), { partitionOwner: PartitionOwner.PROMOTER })],
  ])('%s synthesizes a valid StatefulSet', (_name, rollout) => {
    const chart = testChart();
    new k8s.KubeStatefulSet(chart, 'sts', {
      spec: {
        ...rollout._toSpec(3),
        replicas: 3,
        serviceName: 'kafka',
        selector: { matchLabels: { app: 'kafka' } },
        template: { metadata: { labels: { app: 'kafka' } }, spec: { containers: [{ name: 'kafka', image: 'kafka:3.9' }] } },
      },
    });
    const [sts] = synthValid(chart);
    expect(sts.spec.updateStrategy).toEqual((manifestSpec(rollout, 3) as any).updateStrategy);
  });
});

describe('StatefulSetRollout rejects what the API server or the controller would', () => {
  test('a fractional minReady names the prop', () => {
    expect(() => StatefulSetRollout.staged(PartitionPlan.canary(), { minReady: Duration.millis(1500) }))
      .toThrow('StatefulSetRollout: minReady: "1500ms" is not valid; use whole seconds of 0 or more, e.g. Duration.seconds(30)');
  });

  test('unknown enum values and int32 overflows are named', () => {
    expect(() => StatefulSetRollout.onDelete({ podManagementPolicy: 'Sometimes' as PodManagementPolicy }))
      .toThrow('StatefulSetRollout: podManagementPolicy: "Sometimes" is not valid');
    expect(() => StatefulSetRollout.onDelete({ persistentVolumeClaimRetentionPolicy: { whenScaled: 'Keep' as PvcRetention } }))
      .toThrow('StatefulSetRollout: persistentVolumeClaimRetentionPolicy.whenScaled: "Keep" is not valid');
    expect(() => StatefulSetRollout.rollingUpdate({ partition: 2 ** 31 })).toThrow('partition: 2147483648 is not valid');
    expect(() => StatefulSetRollout.onDelete({ revisionHistoryLimit: 2 ** 31 })).toThrow('revisionHistoryLimit: 2147483648 is not valid');
  });

  test('a staged rollout cannot hold more replicas than its pin', () => {
    const rollout = StatefulSetRollout.staged(PartitionPlan.canary());
    expect(rollout._validate(PartitionPlan.STAGED_PARTITION)).toEqual([]);
    expect(rollout._validate(PartitionPlan.STAGED_PARTITION + 1)[0]).toContain('cannot hold 32768 replicas');
  });
});

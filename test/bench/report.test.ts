import * as path from 'path';
import { summarizeProfile } from '../../bench/hot-spots';
import { CaseMeasurement, median, spreadPercent } from '../../bench/measure';
import { ComparedCase, cpuOverhead, hotSpotsTable, overhead, resultsTable, synthVerdicts } from '../../bench/report';

function measurement(runMs: number[], runCpuMs: number[], hotSpots?: CaseMeasurement['hotSpots']): CaseMeasurement {
  return { runMs, runCpuMs, objects: 3000, kinds: 'PodDisruptionBudget=1000,Service=1000,StatefulSet=1000', peakRssMiB: 250.4, hotSpots };
}

const kafka1000: ComparedCase = {
  concept: 'kafka',
  size: 1000,
  ours: measurement([500, 600, 400], [450, 550, 350], {
    packages: [{ name: 'cdk8s', percent: 44.4 }, { name: 'src/', percent: 3.1 }],
    functions: [{ name: 'resolve (cdk8s resolve.js:101)', percent: 14.4 }],
  }),
  baseline: measurement([400, 400, 1000], [300, 400, 500]),
};

describe('synth-cost statistics', () => {
  test('median takes the middle value, or the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  test('spread is (max - min) / median in percent', () => {
    expect(spreadPercent([400, 500, 600])).toBe(40);
  });

  test('overheads are ratios of medians, wall and CPU', () => {
    expect(overhead(kafka1000)).toBe(1.25);
    expect(cpuOverhead(kafka1000)).toBe(1.125);
  });
});

describe('synth-cost report', () => {
  test('renders one row per case with medians, spread, objects/s, peak memory and both ratios', () => {
    const table = resultsTable([kafka1000]).split('\n');
    expect(table).toHaveLength(3);
    expect(table[2]).toBe('| kafka | 1000 | 3000 | 500.0 ms ±40% (n=3), 6000 obj/s, 250 MiB | 400.0 ms ±150% (n=3), 7500 obj/s, 250 MiB | 1.25x | 1.13x |');
  });

  test('a ratio above 1.2x is a missed target; 1,000 instances are also checked against 10 s', () => {
    expect(synthVerdicts([kafka1000])).toEqual([
      { met: false, text: 'synth kafka × 1000: ours/baseline 1.25x wall, 1.13x CPU (target <= 1.2x)' },
      { met: true, text: 'synth kafka × 1000: 0.50 s (target < 10 s)' },
    ]);
  });

  test('lists the hot spots of the profiled sides only', () => {
    expect(hotSpotsTable([kafka1000]).split('\n').slice(2)).toEqual([
      '| kafka × 1000 | ours | cdk8s 44%, src/ 3% | resolve (cdk8s resolve.js:101) 14% |',
    ]);
  });
});

describe('summarizeProfile', () => {
  const frame = (functionName: string, url: string, lineNumber = 0) => ({ functionName, url, lineNumber, columnNumber: 0, scriptId: '1' });
  const root = `file://${path.resolve(__dirname, '../..')}`;
  // (root) -> runSampled -> synth (src/) -> resolve (cdk8s); (root) -> (garbage collector); (root) -> dispatch (the profiler).
  const profile = {
    startTime: 0,
    endTime: 100,
    nodes: [
      { id: 1, callFrame: frame('(root)', ''), children: [2, 5, 6] },
      { id: 2, callFrame: frame('runSampled', `${root}/bench/hot-spots.ts`, 80), children: [3] },
      { id: 3, callFrame: frame('synth', `${root}/src/kafka-cluster.ts`, 9), children: [4] },
      { id: 4, callFrame: frame('resolve', `${root}/node_modules/cdk8s/lib/resolve.js`, 100) },
      { id: 5, callFrame: frame('(garbage collector)', '') },
      { id: 6, callFrame: frame('dispatch', '') },
    ],
    samples: [3, 4, 4, 4, 5, 6, 6, 6, 6, 6],
    timeDeltas: [10, 10, 10, 10, 10, 10, 10, 10, 10, 10],
  };

  test('attributes self time of the sampled work to packages and functions, leaving out the profiler itself', () => {
    expect(summarizeProfile(profile, 5)).toEqual({
      packages: [{ name: 'cdk8s', percent: 60 }, { name: 'src/', percent: 20 }, { name: '(garbage collector)', percent: 20 }],
      functions: [
        { name: 'resolve (cdk8s resolve.js:101)', percent: 60 },
        { name: 'synth (src/ kafka-cluster.ts:10)', percent: 20 },
        { name: '(garbage collector)', percent: 20 },
      ],
    });
  });

  test('keeps only the largest entries', () => {
    expect(summarizeProfile(profile, 1).packages).toEqual([{ name: 'cdk8s', percent: 60 }]);
  });
});

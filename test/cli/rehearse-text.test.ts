// The terminal text of `kubectl-stage rehearse`: the verdict, then per workload a kubectl-style table of its steps.
import { rehearsalText } from '../../src/cli/render/rehearsal-text';
import { completedReport, reversedKeys, rolledBackReport } from '../rehearsal/render-fixtures';

describe('rehearsalText', () => {
  test('a completed rehearsal', () => {
    expect(rehearsalText(completedReport)).toBe(`rehearsal: every promotion completed (1 workload)
  3 simulated nodes, 6m20s of simulated time, no failures injected

statefulset/kafka: complete after 6m20s of simulated time
  plan canary (from the workload's plan annotation); at most 1 unavailable at once
  spec.containers[kafka].image: apache/kafka:3.9.1 -> apache/kafka:3.9.2
  STEP  PODS              START  DURATION  MAX-UNAVAILABLE  PDB                           RESULT
  0     <none>            0s     0s        0                kafka: 3 healthy, 2 required  passed
  1     kafka-2           0s     2m10s     1                kafka: 2 healthy, 2 required  passed
  2     kafka-1, kafka-0  2m10s  4m10s     1                kafka: 2 healthy, 2 required  passed
  promotion complete: every pod of statefulset/kafka is on revision kafka-7d9f

other changes:
  ConfigMap/default/kafka-config
`);
  });

  test('a rolled-back canary: the violated budget flagged, the failure\'s message, the steps not reached, the warning', () => {
    const text = rehearsalText(rolledBackReport);
    expect(text.split('\n')[0]).toBe('rehearsal: 1 of 2 promotions did not complete: statefulset/kafka rolled back at step 1');
    expect(text).toContain('  3 simulated nodes, 11m36s of simulated time, failures injected: kafka-2:ImagePull\n');
    expect(text).toContain('statefulset/kafka: rolled back after 11m0s of simulated time\n');
    expect(text).toMatch(/\n {2}1 +kafka-2 +0s +10m0s +2 +kafka: 1 healthy, 2 required \(VIOLATED\) +failed: pod kafka-2: ImagePullBackOff\n/);
    expect(text).toMatch(/\n {2}2 +kafka-1, kafka-0 +- +- +- +- +not reached\n/);
    expect(text).toMatch(/\n {2}1 +node-exporter-4xk2p on node-1 +0s +12s +1 +<none> +passed\n/);
    expect(text).toContain('  spec.containers[node-exporter].env[LOG_LEVEL]: <none> -> debug\n');
    expect(text.endsWith('\nwarning: statefulset/kafka step 1: 1 healthy pod of the 2 PodDisruptionBudget kafka requires; '
      + 'an eviction would have been refused\n')).toBe(true);
  });

  test('a line break or a tab in a message stays on its row', () => {
    const [kafka] = rolledBackReport.workloads;
    const text = rehearsalText({ ...rolledBackReport, workloads: [{ ...kafka, steps: [{ ...kafka.steps[1], message: 'a\tb\nc' }] }] });
    expect(text).toMatch(/\n {2}1 +kafka-2 .* failed: a b c\n/);
  });

  test('deterministic whatever order the report\'s objects were built in', () => {
    expect(rehearsalText(reversedKeys(rolledBackReport))).toBe(rehearsalText(rolledBackReport));
  });
});

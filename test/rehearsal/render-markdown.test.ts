// The pull-request comment: the verdict first, a table per workload with a flagged budget, the failure's message,
// long parts folded, hostile text made inert, and the same bytes for the same report.
import { completedReport, linearReport, reversedKeys, rolledBackKafka, rolledBackReport } from './render-fixtures';
import { RehearsalReport } from '../../src/rehearsal/rehearsal-report';
import { rehearsalMarkdown } from '../../src/rehearsal/render/rehearsal-markdown';

describe('rehearsalMarkdown', () => {
  test('a completed rehearsal: the verdict, the setting, the template change and one row per step', () => {
    const markdown = rehearsalMarkdown(completedReport);
    const lines = markdown.split('\n');
    expect(lines[0]).toBe('## :white_check_mark: Rollout rehearsal: every promotion completed (1 workload)');
    expect(lines[2]).toBe('3 simulated nodes, 6m20s of simulated time, no failures injected.');
    expect(markdown).toContain('### :white_check_mark: statefulset/kafka: complete in 6m20s\n');
    expect(markdown).toContain('Plan canary (from the workload\'s plan annotation); at most 1 pod unavailable at once.');
    expect(markdown).toContain('- `spec.containers[kafka].image`: `apache/kafka:3.9.1` → `apache/kafka:3.9.2`\n');
    expect(markdown).toContain([
      '| step | pods moved | start | duration | max unavailable | PDB headroom | result |',
      '|---:|---|---:|---:|---:|---|---|',
      '| 0 | - | 0s | 0s | 0 | kafka: 3 healthy, 2 required | passed |',
      '| 1 | kafka-2 | 0s | 2m10s | 1 | kafka: 2 healthy, 2 required | passed |',
      '| 2 | kafka-1, kafka-0 | 2m10s | 4m10s | 1 | kafka: 2 healthy, 2 required | passed |',
    ].join('\n'));
    expect(markdown).toContain('> promotion complete: every pod of statefulset/kafka is on revision kafka-7d9f\n');
    expect(markdown).toContain('### Other changes\n\n- `ConfigMap/default/kafka-config`\n');
    expect(markdown).not.toContain('Warnings');
    expect(markdown).not.toContain('<details>');
  });

  test('a rolled-back canary: the verdict names where it failed, the violated budget is flagged, later steps are not reached', () => {
    const markdown = rehearsalMarkdown(rolledBackReport);
    expect(markdown.split('\n')[0]).toBe('## :x: Rollout rehearsal: 1 of 2 promotions did not complete: statefulset/kafka rolled back at step 1');
    expect(markdown).toContain('3 simulated nodes, 11m36s of simulated time, failures injected: kafka-2:ImagePull.');
    expect(markdown).toContain('### :x: statefulset/kafka: rolled back after 11m0s\n');
    expect(markdown).toContain('| 1 | kafka-2 | 0s | 10m0s | 2 | :warning: **kafka: 1 healthy, 2 required: violated** | '
      + ':x: failed: pod kafka-2: ImagePullBackOff |\n');
    expect(markdown).toContain('| 2 | kafka-1, kafka-0 | - | - | - | - | not reached |\n');
    expect(markdown).toContain('> step 1 failed: pod kafka-2: ImagePullBackOff; rolled back to revision kafka-7d9f\n');
    expect(markdown).toContain('### :warning: Warnings\n\n- statefulset/kafka step 1: 1 healthy pod of the 2 PodDisruptionBudget kafka requires');
  });

  test('a single workload that did not complete is the verdict itself', () => {
    const markdown = rehearsalMarkdown({ ...rolledBackReport, workloads: [rolledBackKafka] });
    expect(markdown.split('\n')[0]).toBe('## :x: Rollout rehearsal: statefulset/kafka rolled back at step 1');
  });

  test('a DaemonSet step names its nodes; a field that is new says so; a namespace other than default is named', () => {
    const markdown = rehearsalMarkdown(rolledBackReport);
    expect(markdown).toContain('### :white_check_mark: daemonset/node-exporter (namespace monitoring): complete in 36s\n');
    expect(markdown).toContain('| 2 | node-exporter-8sd9q, node-exporter-zt6vb on node-2, node-3 | 12s | 24s | 1 | no budget | passed |');
    expect(markdown).toContain('- `spec.containers[node-exporter].env[LOG_LEVEL]`: _(none)_ → `debug`\n');
  });

  test('more than ten steps or other changes fold into <details>; a long pod list is shortened', () => {
    const markdown = rehearsalMarkdown(linearReport());
    expect(markdown).toContain('<details><summary>61 steps</summary>\n\n| step | pods moved |');
    expect(markdown).toContain('| 60 | web-0 | 14m45s | 15s | 1 | no budget | passed |\n\n</details>');
    expect(markdown).toContain('| 19 | web-41 | 4m30s | 15s | 1 | no budget | passed |\n'
      + '| ... | 21 steps left out: `-o json` has every one | | | | | |\n'
      + '| 41 | web-19 | 10m0s | 15s | 1 | no budget | passed |\n');
    expect(markdown).toContain('<details><summary>12 objects</summary>\n\n- `ConfigMap/default/web-00`');
    const wide: RehearsalReport = {
      ...completedReport,
      workloads: [{ ...rolledBackKafka, steps: [{ ...rolledBackKafka.steps[1], pods: Array.from({ length: 50 }, (_, i) => `web-${49 - i}`) }] }],
    };
    expect(rehearsalMarkdown(wide)).toContain('| 1 | web-49, web-48, web-47, ..., web-1, web-0 (50 pods) |');
  });

  test('a very long plan keeps its failed step among the first and last steps shown', () => {
    const long = linearReport();
    const [web] = long.workloads;
    const steps = web.steps.map((step) => step.step === 30 ? { ...step, result: 'failed' as const, message: 'pod web-30: CrashLoopBackOff' } : step);
    const markdown = rehearsalMarkdown({ ...long, workloads: [{ ...web, steps }] });
    expect(markdown).toContain('| 19 | web-41 | 4m30s | 15s | 1 | no budget | passed |\n'
      + '| ... | 10 steps left out: `-o json` has every one | | | | | |\n'
      + '| 30 | web-30 | 7m15s | 15s | 1 | no budget | :x: failed: pod web-30: CrashLoopBackOff |\n'
      + '| ... | 10 steps left out: `-o json` has every one | | | | | |\n'
      + '| 41 | web-19 |');
  });

  test('text from the manifests cannot break the table or inject HTML', () => {
    const hostile: RehearsalReport = {
      ...rolledBackReport,
      workloads: [{
        ...rolledBackKafka,
        changes: [{ path: 'spec.containers[kafka].command', from: 'a`b', to: '`x`' }],
        steps: [{ ...rolledBackKafka.steps[1], message: 'exit 1 | <script>alert(1)</script>\nnext line' }],
      }],
      warnings: [],
    };
    const markdown = rehearsalMarkdown(hostile);
    expect(markdown).toContain(':x: failed: exit 1 \\| \\<script\\>alert(1)\\</script\\> next line |\n');
    expect(markdown).not.toContain('<script>');
    expect(markdown).toContain('- `spec.containers[kafka].command`: ``a`b`` → `` `x` ``\n');
  });

  test('nothing changed: the verdict says there was nothing to promote', () => {
    const empty: RehearsalReport = { workloads: [], otherChanges: [], failures: [], nodes: 1, durationMs: 0, succeeded: true, warnings: [] };
    expect(rehearsalMarkdown(empty).split('\n').slice(0, 3)).toEqual([
      '## :white_check_mark: Rollout rehearsal: nothing to promote: no StatefulSet or DaemonSet pod template changed',
      '',
      '1 simulated node, 0s of simulated time, no failures injected.',
    ]);
  });

  test('deterministic: the same report gives the same bytes, whatever order its objects were built in', () => {
    const reordered = reversedKeys(rolledBackReport);
    expect(Object.keys(reordered)[0]).toBe('warnings');
    expect(rehearsalMarkdown(reordered)).toBe(rehearsalMarkdown(rolledBackReport));
    expect(rehearsalMarkdown(rolledBackReport)).toBe(rehearsalMarkdown(rolledBackReport));
  });
});

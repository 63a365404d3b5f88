// npm run example's release rehearsal: the blog app's next Kafka image walked canary first, and the same release with
// a canary that cannot pull its image, rolled back; both Markdown reports as a pull request would show them. And the
// docs/rehearse.md's examples (the Markdown report, the text view, the jest test), checked against real runs.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildBlogApp } from '../../examples/blog-app';
import { NEXT_KAFKA_IMAGE, NextReleaseRehearsals, rehearseNextRelease } from '../../examples/rehearse-next-release';
import { run } from '../../src/cli/main';
import { rehearse, synthYaml } from '../../src/rehearsal';

jest.setTimeout(60_000);

// The example runs once: it synthesizes both releases into outdir (current/, next/) and writes both reports there.
let outdir: string;
let rehearsals: NextReleaseRehearsals;
beforeAll(async () => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'next-release-'));
  rehearsals = await rehearseNextRelease(outdir);
});
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

test('the next release: the canary kafka-2 first, then kafka-1 and kafka-0, within the budget; the report is written', () => {
  const { nextRelease, failedCanary } = rehearsals;

  expect(nextRelease.code).toBe(0);
  expect(fs.readFileSync(path.join(outdir, 'next-release.md'), 'utf8')).toBe(nextRelease.markdown);
  const good = nextRelease.markdown;
  expect(good.split('\n')[0]).toBe('## :white_check_mark: Rollout rehearsal: every promotion completed (1 workload)');
  expect(good).toContain('### :white_check_mark: statefulset/kafka: complete in ');
  expect(good).toContain(`- \`spec.containers[kafka].image\`: \`apache/kafka:3.9.1\` → \`${NEXT_KAFKA_IMAGE}\``);
  // The canary step moves kafka-2 alone and soaks two minutes; the budget keeps two of three brokers up throughout.
  expect(good).toMatch(/\n\| 1 \| kafka-2 \| 0s \| 2m\d+s \| 1 \| kafka-pdb: 2 healthy, 2 required \| passed \|\n/);
  expect(good).toMatch(/\n\| 2 \| kafka-1, kafka-0 \| 2m\d+s \| 2m\d+s \| 1 \| kafka-pdb: 2 healthy, 2 required \| passed \|\n/);
  expect(good).not.toContain('violated');

  // The rollback path: kafka-2 cannot pull the new image, its step fails, the rest is never reached, the update is undone.
  expect(failedCanary.code).toBe(2);
  expect(fs.readFileSync(path.join(outdir, 'failed-canary.md'), 'utf8')).toBe(failedCanary.markdown);
  const bad = failedCanary.markdown;
  expect(bad.split('\n')[0]).toBe('## :x: Rollout rehearsal: statefulset/kafka rolled back at step 1');
  expect(bad).toContain('failures injected: kafka-2:ImagePull.');
  expect(bad).toMatch(/\n\| 1 \| kafka-2 \| 0s \| \d+s \| 1 \| kafka-pdb: 2 healthy, 2 required \| :x: failed: .*pod kafka-2: ImagePullBackOff/);
  expect(bad).toContain('\n| 2 | kafka-1, kafka-0 | - | - | - | - | not reached |\n');
  expect(bad).toMatch(/\n> rolled back to revision kafka-\w+: /);

  // docs/rehearse.md shows this report as it is, not as it once was.
  const docs = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'rehearse.md'), 'utf8');
  expect(/\n````markdown\n([\s\S]*?)````\n/.exec(docs)?.[1]).toBe(bad);
});

test('docs/rehearse.md\'s text view is what kubectl-stage rehearse prints for the failed canary', async () => {
  const docs = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'rehearse.md'), 'utf8');
  const [, command, shown] = /\n\$ kubectl-stage (rehearse [^\n]*)\n([\s\S]*?)\$ echo \$\?\n2\n/.exec(docs)!;
  let stdout = '';
  const argv = command.split(' ').map((arg) => arg.endsWith('/') ? path.join(outdir, arg) : arg);
  const code = await run(argv, { stdout: (text) => { stdout += text; }, stderr: (text) => { stdout += text; }, isTTY: false, env: {} });
  expect(code).toBe(2);
  expect(stdout).toBe(shown);
});

test('docs/rehearse.md\'s jest example: rehearse() on the blog app\'s next release', async () => {
  const report = await rehearse({
    from: synthYaml(buildBlogApp(path.join(outdir, 'api-current'))),
    to: synthYaml(buildBlogApp(path.join(outdir, 'api-next'), { kafkaImage: NEXT_KAFKA_IMAGE })),
    soakMs: 2 * 60_000,
  });

  expect(report.succeeded).toBe(true);
  const [kafka] = report.workloads;
  expect(kafka.steps).toHaveLength(3);
  expect(kafka.steps[1].pods).toEqual(['kafka-2']);
  expect(kafka.maxUnavailable).toBeLessThanOrEqual(1);
  expect(kafka.steps.flatMap((step) => step.budgets).filter((budget) => budget.violated)).toEqual([]);
});

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildBlogApp } from '../../examples/blog-app';
import { EXPECTED_EXIT_CODES, rehearseStagedRollout } from '../../examples/rehearse-staged-rollout';

describe('npm run example: the staged Kafka rehearsal in the sandbox', () => {
  test('the good release walks kafka-2, then kafka-1 and kafka-0; the bad one fails its canary step and is rolled back', async () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'rehearsal-'));
    buildBlogApp(outdir).synth();
    const lines: string[] = [];
    const steps = await rehearseStagedRollout(outdir, (text) => lines.push(text)).finally(() => fs.rmSync(outdir, { recursive: true, force: true }));
    const output = lines.join('\n');

    expect(steps.map((step) => step.code)).toEqual(EXPECTED_EXIT_CODES);
    expect(output).toContain('statefulset/kafka: plan canary (from --plan), 3 replicas');
    expect(output).toMatch(/step 1: partition 2 \(kafka-2 on the new revision\)\n/);
    expect(output).toMatch(/promotion complete: every pod of statefulset\/kafka is on revision (kafka-\w+)/);
    const good = /promotion complete: every pod of statefulset\/kafka is on revision (kafka-\w+)/.exec(output)![1];
    // The bad build never gets past the canary: kafka-2 fails to pull and the update is rolled back to the good revision.
    expect(output).toMatch(/step 1 failed: .*pod kafka-2: ImagePullBackOff/);
    const badRelease = output.slice(output.indexOf('# A bad release'));
    expect(badRelease).toContain('step 1: partition 2 (kafka-2 on the new revision)');
    expect(badRelease).not.toContain('partition 0');
    expect(output).toContain(`rollout complete: 3 of 3 pods on revision ${good}, Ready and Available`);
    // History: the bad build is revision 3; rolling back renumbered the good template from 2 to 4, as upstream does.
    expect(output).toMatch(/\n3 +kafka bad build +config=apache\/kafka:3\.9\.1,kafka=apache\/kafka:bad +<none>\n4 +kafka 3\.9\.2 +\S+ +0,1,2/);
  }, 120_000);
});

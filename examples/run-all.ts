// Entry of `npm run example`: synthesizes every example app to dist/examples/<app>/, prints the files, then
// rehearses a staged Kafka rollout of the blog app in the sandbox, then rehearses its next release with
// `kubectl-stage rehearse` and writes the pull-request reports to dist/rehearsal/.
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { buildBlogApp } from './blog-app';
import { buildSecureBlogApp } from './blog-app-secure';
import { buildKafkaKraftApp } from './kafka-kraft';
import { buildKafkaSecureApp } from './kafka-secure';
import { buildLogCollectorApp } from './log-collector';
import { rehearseNextRelease } from './rehearse-next-release';
import { EXPECTED_EXIT_CODES, rehearseStagedRollout } from './rehearse-staged-rollout';
import { buildZooKeeperApp } from './zookeeper';

/** One example app: its directory name and the function that builds it into an outdir. */
export interface ExampleApp {
  readonly name: string;
  readonly build: (outdir: string) => App;
}

/** Every example app, in the order they are synthesized. */
export const EXAMPLE_APPS: readonly ExampleApp[] = [
  { name: 'blog-app', build: buildBlogApp },
  { name: 'blog-app-secure', build: buildSecureBlogApp },
  { name: 'zookeeper', build: buildZooKeeperApp },
  { name: 'kafka-kraft', build: buildKafkaKraftApp },
  { name: 'kafka-secure', build: buildKafkaSecureApp },
  { name: 'log-collector', build: buildLogCollectorApp },
];

/** Synthesizes every example under `root` and returns the files written, relative to the working directory. */
export function synthesizeExamples(root: string): string[] {
  const written: string[] = [];
  for (const example of EXAMPLE_APPS) {
    const outdir = path.join(root, example.name);
    fs.rmSync(outdir, { recursive: true, force: true });
    example.build(outdir).synth();
    for (const file of fs.readdirSync(outdir).sort()) {
      written.push(path.relative(process.cwd(), path.join(outdir, file)));
    }
  }
  return written;
}

async function main(): Promise<void> {
  const root = path.join('dist', 'examples');
  for (const file of synthesizeExamples(root)) {
    console.log(`wrote ${file}`);
  }
  console.log('');
  const steps = await rehearseStagedRollout(path.join(root, 'blog-app'), (text) => console.log(text));
  const unexpected = steps.filter((step, index) => step.code !== EXPECTED_EXIT_CODES[index]);
  if (unexpected.length > 0) {
    throw new Error(`the rehearsal went differently than expected: ${unexpected.map((step) => `kubectl-stage ${step.argv.join(' ')} exited ${step.code}`).join('; ')}`);
  }
  console.log('');
  const { nextRelease, failedCanary } = await rehearseNextRelease(path.join('dist', 'rehearsal'));
  for (const [rehearsal, expected] of [[nextRelease, 0], [failedCanary, 2]] as const) {
    console.log(`$ kubectl-stage ${rehearsal.argv.join(' ')} > ${rehearsal.file}\n(exit ${rehearsal.code})`);
    if (rehearsal.code !== expected) {
      throw new Error(`kubectl-stage ${rehearsal.argv.join(' ')} exited ${rehearsal.code}, expected ${expected}; see ${rehearsal.file}`);
    }
  }
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}

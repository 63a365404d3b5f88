// The third part of `npm run example`: the blog app's next release (a new Kafka image) rehearsed before it happens,
// as a pull request's CI job would: synthesize the current and the next release, run `kubectl-stage rehearse -o
// markdown` on the two, and keep the report a bot would post on the pull request. A second rehearsal breaks the
// canary (kafka-2 cannot pull its image) to show the rollback path.
import * as fs from 'fs';
import * as path from 'path';
import { buildBlogApp, BlogRelease } from './blog-app';
import { run } from '../src/cli/main';

/** The Kafka image of the next release. */
export const NEXT_KAFKA_IMAGE = 'apache/kafka:3.9.2';

/** One rehearsal: the command line, its exit code and the Markdown report it printed. */
export interface RehearsalRun {
  readonly argv: readonly string[];
  readonly code: number;
  readonly markdown: string;
  /** Where the report was written. */
  readonly file: string;
}

/** The two rehearsals of the next release. */
export interface NextReleaseRehearsals {
  /** The release as it is: every promotion completes (exit 0). */
  readonly nextRelease: RehearsalRun;
  /** The same release with kafka-2 failing to pull its image: the canary fails and is rolled back (exit 2). */
  readonly failedCanary: RehearsalRun;
}

/**
 * Synthesizes the current and the next blog app under `outdir` (current/, next/), rehearses the release twice and
 * writes each Markdown report to `outdir` (next-release.md, failed-canary.md).
 */
export async function rehearseNextRelease(outdir: string): Promise<NextReleaseRehearsals> {
  const current = synth(path.join(outdir, 'current'), {});
  const next = synth(path.join(outdir, 'next'), { kafkaImage: NEXT_KAFKA_IMAGE });
  const release = ['rehearse', '--from', current, '--to', next, '--soak', '2m', '--timeout', '10m', '-o', 'markdown'];
  return {
    nextRelease: await rehearseTo(path.join(outdir, 'next-release.md'), release),
    failedCanary: await rehearseTo(path.join(outdir, 'failed-canary.md'), [...release, '--fail', 'kafka-2:ImagePull']),
  };
}

// The directory cdk8s synthesizes the app into (a file per chart), which rehearse reads as kubectl apply -f does.
function synth(dir: string, release: BlogRelease): string {
  fs.rmSync(dir, { recursive: true, force: true });
  buildBlogApp(dir, release).synth();
  return dir;
}

async function rehearseTo(file: string, argv: string[]): Promise<RehearsalRun> {
  let markdown = '';
  let errors = '';
  const code = await run(argv, { stdout: (text) => { markdown += text; }, stderr: (text) => { errors += text; }, isTTY: false, env: {} });
  if (errors !== '') {
    throw new Error(`kubectl-stage ${argv.join(' ')} failed (exit ${code}): ${errors}`);
  }
  fs.writeFileSync(file, markdown);
  return { argv, code, markdown, file };
}

// Entry of `npm run example`: synthesizes every example app to dist/examples/<app>/ and prints the files.
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { buildBlogApp } from './blog-app';
import { buildKafkaKraftApp } from './kafka-kraft';
import { buildLogCollectorApp } from './log-collector';
import { buildZooKeeperApp } from './zookeeper';

/** One example app: its directory name and the function that builds it into an outdir. */
export interface ExampleApp {
  readonly name: string;
  readonly build: (outdir: string) => App;
}

/** Every example app, in the order they are synthesized. */
export const EXAMPLE_APPS: readonly ExampleApp[] = [
  { name: 'blog-app', build: buildBlogApp },
  { name: 'zookeeper', build: buildZooKeeperApp },
  { name: 'kafka-kraft', build: buildKafkaKraftApp },
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

function main(): void {
  for (const file of synthesizeExamples(path.join('dist', 'examples'))) {
    console.log(`wrote ${file}`);
  }
}

if (require.main === module) {
  main();
}

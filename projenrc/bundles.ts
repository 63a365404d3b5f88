// What the package publishes as bundles (issue 16): one table that projenrc/bundle.ts builds from and .projenrc.ts
// points package.json's exports, typesVersions and bin at.

/** One file under lib/bundle/. */
export interface PublishedBundle {
  /** The TypeScript entry point, from the repository root. */
  readonly entry: string;
  /** The package subpath that loads it (`cdk8s-staged-rollouts/<subpath>`), if it is a library entry point. @default none */
  readonly subpath?: string;
}

/** The bin: the bundle loader that loads the CLI's bundles with their code cache (src/cli/bin.ts). */
export const BIN_BUNDLE = 'kubectl-stage';
/** The CLI: commander and the command registrations, all that `--help` needs. */
export const CLI_BUNDLE = 'kubectl-stage-cli';
/** What the CLI's commands load on use: the modules of src/cli/on-use.ts's table. */
export const CLI_ACTIONS_BUNDLE = 'kubectl-stage-actions';
/** client-node and what it needs, required by the bundles that connect to a cluster (projenrc/bundle.ts). */
export const CLIENT_NODE_BUNDLE = 'client-node';

/** Bundle name (lib/bundle/<name>.js) to what it bundles. */
export const PUBLISHED_BUNDLES: Record<string, PublishedBundle> = {
  'runtime': { entry: 'src/runtime/index.ts', subpath: 'runtime' },
  'sandbox': { entry: 'src/sandbox/index.ts', subpath: 'sandbox' },
  'rehearse': { entry: 'src/rehearsal/index.ts', subpath: 'rehearse' },
  'control-plane': { entry: 'src/control-plane/index.ts', subpath: 'control-plane' },
  // The `kubectl-stage` bin, in three bundles so that each command compiles what it runs and no more (issue 16:
  // start-up): the loader, the CLI (on-use.ts replaced by a forwarder to the actions bundle), and the actions. The bin
  // loads the others with a V8 code cache (src/cli/bundle-loader.ts); with client-node.js they make the single executable.
  [BIN_BUNDLE]: { entry: 'src/cli/bin.ts' },
  [CLI_BUNDLE]: { entry: 'src/cli/main.ts' },
  [CLI_ACTIONS_BUNDLE]: { entry: 'src/cli/on-use.ts' },
};

/** Where a bundle lands, from the package root. */
export function bundleFile(name: string): string {
  return `lib/bundle/${name}.js`;
}

/** The declarations of a bundle's entry point, as jsii's compile writes them, from the package root. */
export function bundleTypes(bundle: PublishedBundle): string {
  return bundle.entry.replace(/^src\//, 'lib/').replace(/\.ts$/, '.d.ts');
}

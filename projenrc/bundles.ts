// What the package publishes as bundles (issue 16): one table that projenrc/bundle.ts builds from and .projenrc.ts
// points package.json's exports, typesVersions and bin at.

/** One file under lib/bundle/. */
export interface PublishedBundle {
  /** The TypeScript entry point, from the repository root. */
  readonly entry: string;
  /** The package subpath that loads it (`cdk8s-staged-rollouts/<subpath>`), if it is a library entry point. @default none */
  readonly subpath?: string;
}

/** Bundle name (lib/bundle/<name>.js) to what it bundles. */
export const PUBLISHED_BUNDLES: Record<string, PublishedBundle> = {
  'runtime': { entry: 'src/runtime/index.ts', subpath: 'runtime' },
  'sandbox': { entry: 'src/sandbox/index.ts', subpath: 'sandbox' },
  'rehearse': { entry: 'src/rehearsal/index.ts', subpath: 'rehearse' },
  'control-plane': { entry: 'src/control-plane/index.ts', subpath: 'control-plane' },
  // The `kubectl-stage` bin: one self-contained file, also the input of the single executable application.
  'kubectl-stage': { entry: 'src/cli/main.ts' },
};

/** Where a bundle lands, from the package root. */
export function bundleFile(name: string): string {
  return `lib/bundle/${name}.js`;
}

/** The declarations of a bundle's entry point, as jsii's compile writes them, from the package root. */
export function bundleTypes(bundle: PublishedBundle): string {
  return bundle.entry.replace(/^src\//, 'lib/').replace(/\.ts$/, '.d.ts');
}

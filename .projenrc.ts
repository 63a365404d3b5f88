import { cdk8s, javascript } from 'projen';
import { bundleFile, bundleTypes, PUBLISHED_BUNDLES } from './projenrc/bundles';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-staged-rollouts',
  description: 'Typed cdk8s constructs for ZooKeeper, Kafka and node agents with staged StatefulSet/DaemonSet rollouts, plus the kubectl-stage runtime and an in-process Kubernetes sandbox.',
  author: 'cdk8s-staged-rollouts maintainers',
  authorAddress: 'maintainers@users.noreply.cdk8s-staged-rollouts.example',
  repositoryUrl: 'https://github.com/cdk8s-staged-rollouts/cdk8s-staged-rollouts.git',
  homepage: 'https://github.com/cdk8s-staged-rollouts/cdk8s-staged-rollouts#readme',
  // Construct Hub shows this on every type: the API may still change before 1.0.
  stability: 'experimental',
  defaultReleaseBranch: 'main',
  projenrcTs: true,
  packageManager: javascript.NodePackageManager.NPM,
  keywords: ['cdk8s', 'kubernetes', 'statefulset', 'daemonset', 'rollout', 'kafka', 'zookeeper', 'canary'],

  // Toolchain pins (see ../shared/reference/ecosystem-anchors.md): TypeScript 7 has no compiler API,
  // and pinning it makes projen ask for @types/node@ts6.0 unless minNodeVersion is set.
  cdk8sVersion: '2.70.106',
  constructsVersion: '10.4.2',
  jsiiVersion: '~6.0.0',
  typescriptVersion: '~6.0.0',
  minNodeVersion: '20.19.0',

  peerDeps: ['cdk8s-plus-28@^2.5.6'],
  // The runtime's, the CLI's, the sandbox's and the control plane's dependencies are inlined by esbuild into
  // lib/bundle/ (projenrc/bundle.ts), so the package depends on nothing at run time; none appears in src/index.ts.
  devDeps: ['kubernetes-models@4.5.1', '@kubernetes-models/prometheus-operator@4.4.4', 'fast-check@^4', 'esbuild@^0.28', '@kubernetes/client-node@^1.4.0', 'commander@^14', 'yaml@^2', 'postject@1.0.0-alpha.6'],
  bin: { 'kubectl-stage': 'lib/bundle/kubectl-stage.js' },

  // Snapshot tests must be able to fail: projen's default runs `jest --updateSnapshot`.
  jestOptions: {
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testPathIgnorePatterns: ['/node_modules/', '/dist/', '/lib/'],
      coverageReporters: ['text-summary', 'lcov'],
    },
  },

  github: false,
  release: false,
  integrationTestAutoDiscover: false,

  // jsii language targets (issue 16), named as Construct Hub lists cdk8s-plus-28 (PyPI `cdk8s-plus-28`/module
  // `cdk8s_plus_28`, Maven `org.cdk8s:cdk8s-plus-28`/package `org.cdk8s.plus28`, Go `github.com/cdk8s-team/cdk8s-plus-go`).
  // Java packages take `_` for the `-` of a domain (JLS 6.1). With release: false these only set package.json
  // `jsii.targets` and the `package:<lang>` tasks; nothing is published. .NET is left out: no .NET SDK and no
  // NuGet on our machines, so it could be neither built nor tested.
  publishToPypi: { distName: 'cdk8s-staged-rollouts', module: 'cdk8s_staged_rollouts' },
  publishToMaven: {
    mavenGroupId: 'io.github.cdk8s-staged-rollouts',
    mavenArtifactId: 'cdk8s-staged-rollouts',
    javaPackage: 'io.github.cdk8s_staged_rollouts',
  },
  publishToGo: { moduleName: 'github.com/cdk8s-staged-rollouts/cdk8s-staged-rollouts-go' },
});

// client-node 1.x is ESM-only: the runtime loads it with `await import()`, which jest supports on Node 20
// only with the VM-modules flag.
project.testTask.env('NODE_OPTIONS', '--experimental-vm-modules');
project.tasks.tryFind('test:watch')?.env('NODE_OPTIONS', '--experimental-vm-modules');
project.tasks.tryFind('test:update')?.env('NODE_OPTIONS', '--experimental-vm-modules');

// Subpath exports: only the constructs are the jsii API (jsii's per-file lib/); the runtime, the sandbox, the rehearsal
// and the control plane are esbuild bundles (projenrc/bundle.ts, run after jsii's compile) with their dependencies
// inlined, so the package has no run-time dependency and loads from CommonJS and jest without flags (issue 16).
const librarySubpaths = Object.entries(PUBLISHED_BUNDLES)
  .flatMap(([name, bundle]) => (bundle.subpath ? [{ name, subpath: bundle.subpath, types: bundleTypes(bundle) }] : []));
project.package.addField('exports', {
  '.': { types: './lib/index.d.ts', default: './lib/index.js' },
  ...Object.fromEntries(librarySubpaths.map(({ name, subpath, types }) => [`./${subpath}`, { types: `./${types}`, default: `./${bundleFile(name)}` }])),
  './.jsii': './.jsii',
  './package.json': './package.json',
});
// TypeScript's node10 resolution (what `cdk8s init typescript-app` generates: module CommonJS) ignores `exports`.
project.package.addField('typesVersions', { '*': Object.fromEntries(librarySubpaths.map(({ subpath, types }) => [subpath, [types]])) });
const bundle = project.addTask('bundle', {
  description: 'Bundle the runtime, the CLI, the sandbox, the rehearsal and the control plane into lib/bundle/ with a third-party notice',
  exec: 'ts-node --project projenrc/tsconfig.json projenrc/bundle.ts',
});
project.postCompileTask.prependSpawn(bundle);
// The bundles replace these layers' per-file JavaScript; their declarations stay (the subpaths' types). lib/internal/
// stays whole: the constructs import it.
project.npmignore?.exclude('/lib/runtime/**/*.js', '/lib/sandbox/**/*.js', '/lib/rehearsal/**/*.js', '/lib/control-plane/**/*.js', '/lib/cli/');
// Their npm dependencies are devDependencies, inlined into the bundles; the constructs (src/*.ts) may import none.
// The benchmarks are never published.
for (const layer of ['runtime', 'cli', 'sandbox', 'control-plane', 'rehearsal']) project.eslint?.allowDevDeps(`src/${layer}/**`);
project.eslint?.allowDevDeps('bench/**');
project.addTask('package:report', {
  description: 'Print the packed tarball\'s size and file count and the installed size (needs compile and bundle first)',
  exec: 'ts-node --project projenrc/tsconfig.json projenrc/package-report.ts',
});
// The package as a user's project sees it: the tarball type-checked under the `cdk8s init` tsconfig and node16, the
// runtime loaded from plain node and from jest without flags. Not part of `npm test`, which runs before any build.
project.addTask('test:package', {
  description: 'Pack the built package and check it from a scratch consumer project (needs compile and bundle first)',
  exec: 'jest --ci --runInBand --coverage=false --testMatch "<rootDir>/test/package/**/*.package.ts"',
  receiveArgs: true,
});

// examples/: type-checked and linted like the rest, never published.
project.npmignore?.exclude('/examples/', '/bench/', '/.ci/', '/cluster/', '/Dockerfile', '/.dockerignore');
project.tsconfigDev.addInclude('../examples/**/*.ts');
project.tsconfigDev.addInclude('../bench/**/*.ts');
// eslint's project service picks the nearest tsconfig.json, so examples/ and bench/ each need their own.
for (const dir of ['examples', 'bench']) {
  new javascript.TypescriptConfig(project, {
    fileName: `${dir}/tsconfig.json`,
    extends: javascript.TypescriptConfigExtends.fromTypescriptConfigs([project.tsconfig!]),
    include: ['**/*.ts'],
    compilerOptions: { noEmit: true, rootDir: '..' },
  });
}
// The borders of src/, kept by lint so that CI fails an import across them (issue 13):
// - the constructs (src/*.ts) never reach the runtime, the CLI, the sandbox or the control plane;
// - the runtime never reaches the sandbox, the CLI or the control plane (it talks to a cluster through its Cluster);
// - the sandbox and the control plane never reach the runtime, the CLI or the constructs: both stand for Kubernetes;
// - src/internal/ holds the upstream facts they share and reaches none of them;
// - src/rehearsal/ runs the runtime on the sandbox (as the CLI does, which serves it) and never reaches the CLI.
// The CLI and the rehearsal are the places that put them together. No import cycles anywhere in src/.
const constructs = './src/*.ts';
const layers = {
  runtime: './src/runtime/**',
  cli: './src/cli/**',
  sandbox: './src/sandbox/**',
  controlPlane: './src/control-plane/**',
  internal: './src/internal/**',
  rehearsal: './src/rehearsal/**',
};
const runtimeFolders = ['kube', 'cluster', 'promotion', 'statefulset', 'daemonset', 'rollout', 'controller'] as const;
const runtime = Object.fromEntries(runtimeFolders.map((folder) => [folder, `./src/runtime/${folder}/**`])) as Record<typeof runtimeFolders[number], string>;
const border = (target: string, from: string[], why: string) => ({ target, from, message: why });
project.eslint?.addOverride({
  files: ['src/**/*.ts'],
  rules: {
    'import/no-cycle': ['error'],
    'import/no-restricted-paths': ['error', {
      zones: [
        border(constructs, [layers.runtime, layers.cli, layers.sandbox, layers.controlPlane, layers.rehearsal],
          'the constructs are the jsii API: they never import the runtime, the CLI, the sandbox or the control plane'),
        border(layers.runtime, [layers.cli, layers.sandbox, layers.controlPlane, layers.rehearsal],
          'the runtime talks to a cluster only through its Cluster interface: it never imports the CLI, the sandbox or the control plane'),
        border(layers.sandbox, [layers.runtime, layers.cli, layers.controlPlane, layers.rehearsal, constructs],
          'the sandbox stands for Kubernetes: it never imports the runtime, the CLI or the constructs (shared upstream facts live in src/internal)'),
        border(layers.controlPlane, [layers.runtime, layers.cli, layers.sandbox, layers.rehearsal, constructs],
          'the control plane stands for Kubernetes: it never imports the runtime, the CLI, the sandbox or the constructs (shared upstream facts live in src/internal)'),
        border(layers.internal, [layers.runtime, layers.cli, layers.sandbox, layers.controlPlane, layers.rehearsal, constructs],
          'src/internal holds upstream facts shared by every layer: it imports none of them'),
        border(layers.rehearsal, [layers.cli, layers.controlPlane],
          'the rehearsal runs the runtime on the sandbox and is served by the CLI: it never imports the CLI or the control plane'),
        // Inside the runtime (docs/architecture.md): what both kinds share never reaches a kind.
        border(runtime.kube, [runtime.cluster, runtime.promotion, runtime.statefulset, runtime.daemonset, runtime.rollout, runtime.controller],
          'runtime/kube holds Kubernetes shapes and facts: it never imports the cluster boundary, promotions or commands'),
        border(runtime.cluster, [runtime.promotion, runtime.statefulset, runtime.daemonset, runtime.rollout, runtime.controller],
          'runtime/cluster is the I/O boundary: it never imports promotions or commands'),
        border(runtime.promotion, [runtime.statefulset, runtime.daemonset, runtime.rollout, runtime.controller],
          'runtime/promotion is what both kinds share: it never imports a kind (statefulset/, daemonset/), the commands (rollout/) or the controller'),
        border(runtime.statefulset, [runtime.daemonset, runtime.rollout, runtime.controller],
          'runtime/statefulset never imports the other kind, the commands (rollout/) or the controller'),
        border(runtime.daemonset, [runtime.statefulset, runtime.rollout, runtime.controller],
          'runtime/daemonset never imports the other kind, the commands (rollout/) or the controller'),
        border(runtime.rollout, [runtime.controller],
          'runtime/rollout never imports the controller, which runs promotions and stages workloads with what the runtime offers'),
      ],
    }],
  },
});
project.eslint?.addLintPattern('examples');
project.eslint?.addLintPattern('bench');
project.gitignore.exclude('/dist/');

// The registry we install from serves unrs-resolver 1.13.0 (via jest and eslint-import-resolver-typescript)
// but only its Linux bindings, so a lock file written here lacks the other platforms' optional bindings
// and `npm ci` rejects it. 1.12.2 has every binding published.
project.package.addField('overrides', { 'unrs-resolver': '1.12.2' });

// The main job: synthesize every example app to dist/examples and rehearse a staged rollout in the sandbox.
project.addTask('example', {
  description: 'Synthesize every app under examples/ to YAML under dist/examples and rehearse a staged rollout in the sandbox',
  exec: 'ts-node --project examples/tsconfig.json examples/run-all.ts',
});

// ts-jest and ts-node only transpile, so a type error in a test, an example or a benchmark would pass unseen.
const typecheck = project.addTask('typecheck', {
  description: 'Type-check the tests, examples and benchmarks (test/tsconfig.json includes all three)',
  exec: 'tsc --noEmit -p test/tsconfig.json',
});
project.testTask.spawn(typecheck);

// The real control plane (kube-apiserver, kube-controller-manager, kube-scheduler, etcd, kwok) built from the Go
// module in cluster/ into a cache outside the work tree, and the test tier that runs on it. Neither is part of
// `npm test`, which needs nothing but Node.
project.addTask('cluster:build', {
  description: 'Build the real control plane\'s binaries from cluster/go.mod (needs Go; cached by go.sum, so a second build is instant)',
  exec: 'bash cluster/build.sh',
});
const differentialReport = 'test-reports/differential.jsonl';
const testCluster = project.addTask('test:cluster', {
  description: 'Run the real-control-plane test tier (test/cluster/**/*.cluster.ts), building the binaries first if needed, '
    + 'and print what the sandbox-vs-real comparisons found',
  env: { NODE_OPTIONS: '--experimental-vm-modules', DIFFERENTIAL_REPORT: differentialReport },
});
testCluster.exec(`rm -f ${differentialReport} && mkdir -p test-reports`);
testCluster.exec('KUBE_CLUSTER_BIN_DIR="$(bash cluster/build.sh | tail -n 1)" jest --ci --runInBand --coverage=false --testMatch "<rootDir>/test/cluster/**/*.cluster.ts"', {
  receiveArgs: true,
});
testCluster.exec(`ts-node --transpile-only --project test/tsconfig.json test/cluster/differential-summary.ts ${differentialReport}`);

// Benchmarks are never part of `npm test`.
project.addTask('bench', {
  description: 'Run the benchmarks and write bench/results.md',
  exec: 'ts-node --project bench/tsconfig.json bench/run.ts',
});

// `kubectl stage` as one file (issue 16): the CLI bundle as a Node single executable for linux/amd64, its krew archive
// and manifest in dist/plugin/ (projenrc/package-plugin.ts), and the test that runs it as a kubectl plugin from a
// folder with no Node project around it. Outside `npm test`: the executable is a 100 MB copy of Node.
const packagePlugin = project.addTask('package:plugin', {
  description: 'Build dist/plugin/kubectl-stage (a Node single executable of the CLI bundle), its krew archive and the krew manifest stage.yaml',
});
packagePlugin.spawn(bundle);
packagePlugin.exec('ts-node --project projenrc/tsconfig.json projenrc/package-plugin.ts');
project.addTask('test:plugin', {
  description: 'Run dist/plugin/kubectl-stage as `kubectl stage` from a folder on PATH (needs package:plugin first)',
  env: { NODE_OPTIONS: '--experimental-vm-modules' },
  exec: 'jest --ci --runInBand --coverage=false --testMatch "<rootDir>/test/plugin/**/*.plugin.ts"',
});

// The language targets (issue 16), outside `npm test` because they need Python, Maven and Go. projen's package:java
// and package:go cannot build here as they are: Maven Central and the Go module proxy lack cdk8s and cdk8s-plus-28,
// so test/langs/run.sh generates those from node_modules with the same pacmak before building ours.
project.tasks.tryFind('package:java')!.reset('bash test/langs/run.sh package-java');
project.tasks.tryFind('package:go')!.reset('bash test/langs/run.sh package-go');
const packageLangs = project.addTask('package:langs', {
  description: 'Build the Python, Java and Go bindings with jsii-pacmak into dist/python, dist/java and dist/go (needs a compiled .jsii)',
});
for (const language of ['python', 'java', 'go']) {
  packageLangs.spawn(project.tasks.tryFind(`package:${language}`)!);
}
const testLangs = project.addTask('test:langs', {
  description: 'Compile, build the Python, Java and Go bindings, synthesize the blog app in each and compare its YAML with TypeScript\'s',
});
testLangs.spawn(project.compileTask);
testLangs.spawn(packageLangs);
testLangs.exec('bash test/langs/run.sh smoke');

project.synth();

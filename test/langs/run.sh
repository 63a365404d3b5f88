#!/usr/bin/env bash
# The language targets of issue 16, as steps of projen tasks that run after `compile` (they need the .jsii):
#   run.sh package-java, package-go  (`npm run package:java`, `package:go`; with package:python, `package:langs`)
#                   build the Java and Go bindings with jsii-pacmak into dist/java and dist/go;
#   run.sh smoke    (the rest of `npm run test:langs`) runs the blog-app smoke program of each language
#                   (test/langs/<lang>/) and checks that each wrote the same blog.k8s.yaml as the TypeScript app
#                   (test/langs/compare-synth.ts), exiting non-zero on any difference.
# Needs python3, mvn with a JDK 17 and go; installs the rest from PyPI, Maven Central and the Go module proxy into
# caches outside the work tree.
#
# Maven Central and the Go module proxy serve constructs and the jsii runtime, but not cdk8s or cdk8s-plus-28 for
# Java and Go, so pacmak generates those two (and constructs, to keep the set consistent) from the npm packages in
# node_modules: the Java ones once per set of versions into the local Maven repository in the cache (the slow part:
# minutes, for cdk8s-plus-28), the Go ones into dist/langs-deps/go. PyPI serves all three, pinned to the node_modules
# versions, so that every language runs the JavaScript the TypeScript side runs.
set -euo pipefail
cd "$(dirname "$0")/../.."

cache="${CDK8S_STAGED_ROLLOUTS_LANGS_CACHE:-$HOME/.cache/cdk8s-staged-rollouts/langs}"
m2="$cache/m2"
synth=dist/langs-synth
deps=(node_modules/constructs node_modules/cdk8s node_modules/cdk8s-plus-28)
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=1
mkdir -p "$cache"

version() { node -p "require('./node_modules/$1/package.json').version"; }
step() {
  local name="$1" start=$SECONDS
  shift
  echo "test:langs: $name"
  "$@"
  echo "test:langs: $name took $((SECONDS - start))s"
}

java_deps() {
  local plus28
  plus28="$(version cdk8s-plus-28)"
  if [ -f "$m2/org/cdk8s/cdk8s-plus-28/$plus28/cdk8s-plus-28-$plus28.jar" ] \
    && [ -f "$m2/org/cdk8s/cdk8s/$(version cdk8s)/cdk8s-$(version cdk8s).jar" ] \
    && [ -f "$m2/software/constructs/constructs/$(version constructs)/constructs-$(version constructs).jar" ]; then
    echo "already in $m2"
    return
  fi
  # pacmak deploys to an outdir, and the install phase before that puts the jars into the local repository.
  npx jsii-pacmak --target java --outdir "$cache/java-deps" --maven-local-repository "$m2" \
    --mvn-define=maven.javadoc.skip=true "${deps[@]}"
}

package_java() {
  rm -rf dist/java
  step 'java bindings of constructs, cdk8s, cdk8s-plus-28' java_deps
  step 'package java (dist/java)' npx jsii-pacmak -v --target java --maven-local-repository "$m2"
}

# Go is only generated: pacmak's own `go build` asks the proxy for cdk8s-core-go, cdk8s-plus-go and
# jsii-runtime-go v1.140.0, none of which it serves (test/langs/go/go.mod points at the generated ones instead).
package_go() {
  rm -rf dist/go dist/langs-deps
  step 'package go (dist/go)' npx jsii-pacmak -v --target go --code-only
  step 'go bindings of constructs, cdk8s, cdk8s-plus-28 (dist/langs-deps/go)' \
    npx jsii-pacmak --target go --code-only --outdir dist/langs-deps "${deps[@]}"
}

python_smoke() {
  [ -x "$cache/venv/bin/python" ] || python3 -m venv "$cache/venv"
  "$cache/venv/bin/pip" install --quiet --disable-pip-version-check \
    "cdk8s==$(version cdk8s)" "cdk8s-plus-28==$(version cdk8s-plus-28)" "constructs==$(version constructs)"
  # --force-reinstall: every build is version 0.0.0, so pip would keep the previous run's wheel.
  "$cache/venv/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps dist/python/*.whl
  "$cache/venv/bin/python" test/langs/python/blog_app.py "$synth/python"
}

java_smoke() {
  local classpath="$cache/java-classpath.txt" classes="$cache/java-classes"
  mvn --batch-mode --quiet -f test/langs/java/pom.xml -Dmaven.repo.local="$m2" \
    -Dconstructs.version="$(version constructs)" -Dcdk8s.version="$(version cdk8s)" \
    -Dcdk8s-plus-28.version="$(version cdk8s-plus-28)" \
    dependency:build-classpath -Dmdep.outputFile="$classpath"
  rm -rf "$classes"
  javac --release 17 -d "$classes" -cp "$(cat "$classpath")" \
    test/langs/java/src/main/java/io/github/cdk8s_staged_rollouts/smoke/BlogApp.java
  java -cp "$classes:$(cat "$classpath")" io.github.cdk8s_staged_rollouts.smoke.BlogApp "$synth/java"
}

go_smoke() {
  (cd test/langs/go && go build -o "$cache/blog-app-go" .)
  "$cache/blog-app-go" "$synth/go"
}

smoke() {
  rm -rf "$synth"
  step 'python smoke test' python_smoke
  step 'java smoke test' java_smoke
  step 'go smoke test' go_smoke
  step 'compare with TypeScript' npx ts-node --transpile-only --project test/tsconfig.json test/langs/compare-synth.ts \
    "$synth" python java go
}

case "${1:-}" in
  package-java) package_java ;;
  package-go) package_go ;;
  smoke) smoke ;;
  *) echo "usage: test/langs/run.sh package-java|package-go|smoke" >&2; exit 2 ;;
esac

// The Go smoke test of issue 16 (test/langs/run.sh). Ours is what `jsii-pacmak --target go` writes to dist/go; the
// Go module proxy serves constructs-go but neither cdk8s-core-go nor cdk8s-plus-go, so those are generated from
// their npm packages by the same pacmak into dist/langs-deps/go (constructs too, to run the node_modules versions).
// jsii-pacmak 1.140.0 (the newest on npm) asks for jsii-runtime-go v1.140.0, which the proxy does not serve;
// v1.141.0 is the nearest it does.
module github.com/cdk8s-staged-rollouts/cdk8s-staged-rollouts/test/langs/go

go 1.26.0

require (
	github.com/aws/jsii-runtime-go v1.141.0
	github.com/cdk8s-staged-rollouts/cdk8s-staged-rollouts-go/cdk8sstagedrollouts v0.0.0
	github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2 v2.70.106
)

require (
	github.com/Masterminds/semver/v3 v3.5.0 // indirect
	github.com/aws/constructs-go/constructs/v10 v10.4.2 // indirect
	github.com/cdk8s-team/cdk8s-plus-go/cdk8splus28/v2 v2.5.6 // indirect
	github.com/fatih/color v1.19.0 // indirect
	github.com/mattn/go-colorable v0.1.14 // indirect
	github.com/mattn/go-isatty v0.0.24 // indirect
	github.com/yuin/goldmark v1.7.16 // indirect
	golang.org/x/lint v0.0.0-20241112194109-818c5a804067 // indirect
	golang.org/x/mod v0.41.0 // indirect
	golang.org/x/sync v0.23.0 // indirect
	golang.org/x/sys v0.48.0 // indirect
	golang.org/x/telemetry v0.0.0-20260908163034-4bcc4b2ee518 // indirect
	golang.org/x/tools v0.50.0 // indirect
	golang.org/x/tools/cmd/godoc v0.1.0-deprecated // indirect
	golang.org/x/tools/godoc v0.1.0-deprecated // indirect
)

replace (
	github.com/aws/constructs-go/constructs/v10 => ../../../dist/langs-deps/go/constructs
	github.com/aws/jsii-runtime-go => github.com/aws/jsii-runtime-go v1.141.0
	github.com/cdk8s-staged-rollouts/cdk8s-staged-rollouts-go/cdk8sstagedrollouts => ../../../dist/go/cdk8sstagedrollouts
	github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2 => ../../../dist/langs-deps/go/cdk8s
	github.com/cdk8s-team/cdk8s-plus-go/cdk8splus28/v2 => ../../../dist/langs-deps/go/cdk8splus28
)

// The blog app of examples/blog-app.ts, built from the Go bindings that jsii-pacmak generates; it writes
// blog.k8s.yaml into the directory given as its only argument, for test/langs/compare-synth.ts to compare.
package main

import (
	"fmt"
	"os"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	rollouts "github.com/cdk8s-staged-rollouts/cdk8s-staged-rollouts-go/cdk8sstagedrollouts"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: blog-app OUTDIR")
		os.Exit(2)
	}
	app := cdk8s.NewApp(&cdk8s.AppProps{Outdir: jsii.String(os.Args[1])})
	chart := cdk8s.NewChart(app, jsii.String("blog"), nil)
	zk := rollouts.NewZooKeeperEnsemble(chart, jsii.String("zk"), &rollouts.ZooKeeperEnsembleProps{
		Name:     jsii.String("zk"),
		Replicas: jsii.Number(3),
	})
	rollouts.NewKafkaCluster(chart, jsii.String("kafka"), &rollouts.KafkaClusterProps{
		Name:      jsii.String("kafka"),
		Replicas:  jsii.Number(3),
		ZooKeeper: zk,
	})
	rollouts.NewNodeExporter(chart, jsii.String("node-exporter"), nil)
	app.Synth()
}

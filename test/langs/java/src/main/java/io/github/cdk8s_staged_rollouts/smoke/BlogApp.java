package io.github.cdk8s_staged_rollouts.smoke;

import io.github.cdk8s_staged_rollouts.KafkaCluster;
import io.github.cdk8s_staged_rollouts.NodeExporter;
import io.github.cdk8s_staged_rollouts.ZooKeeperEnsemble;
import org.cdk8s.App;
import org.cdk8s.AppProps;
import org.cdk8s.Chart;

/**
 * The blog app of examples/blog-app.ts, built from the Java bindings that jsii-pacmak generates; it writes
 * blog.k8s.yaml into the directory given as its only argument, for test/langs/compare-synth.ts to compare.
 */
public final class BlogApp {
    private BlogApp() {
    }

    public static void main(final String[] args) {
        if (args.length != 1) {
            System.err.println("usage: BlogApp OUTDIR");
            System.exit(2);
        }
        App app = new App(AppProps.builder().outdir(args[0]).build());
        Chart chart = new Chart(app, "blog");
        ZooKeeperEnsemble zk = ZooKeeperEnsemble.Builder.create(chart, "zk").name("zk").replicas(3).build();
        KafkaCluster.Builder.create(chart, "kafka").name("kafka").replicas(3).zooKeeper(zk).build();
        new NodeExporter(chart, "node-exporter");
        app.synth();
    }
}

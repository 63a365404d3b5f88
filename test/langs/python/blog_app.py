"""The blog app of examples/blog-app.ts, built from the Python bindings that jsii-pacmak generates.

It writes blog.k8s.yaml into the directory given as its only argument, for test/langs/compare-synth.ts to compare.
"""
import sys

from cdk8s import App, Chart
from cdk8s_staged_rollouts import KafkaCluster, NodeExporter, ZooKeeperEnsemble


def main(outdir: str) -> None:
    app = App(outdir=outdir)
    chart = Chart(app, "blog")
    zk = ZooKeeperEnsemble(chart, "zk", name="zk", replicas=3)
    KafkaCluster(chart, "kafka", name="kafka", replicas=3, zoo_keeper=zk)
    NodeExporter(chart, "node-exporter")
    app.synth()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: blog_app.py OUTDIR")
    main(sys.argv[1])

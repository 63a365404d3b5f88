import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';

/** Props of {@link HeadlessService}. */
export interface HeadlessServiceProps {
  /** `metadata.name`; the middle part of every pod's DNS name. */
  readonly name: string;
  /**
   * Namespace.
   * @default 'default'
   */
  readonly namespace?: string;
  /** Labels that select the pods; they must be labels of the pod template. */
  readonly selector: { [key: string]: string };
  /**
   * Labels of the Service object.
   * @default - the selector labels
   */
  readonly labels?: { [key: string]: string };
  /**
   * Annotations of the Service object.
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
  /** Ports the pods talk to each other on (each needs a name). */
  readonly ports: kplus.ServicePort[];
  /**
   * Publish DNS records for pods that are not Ready. True by default because peers of a quorum system
   * (ZooKeeper, KRaft) must resolve each other before they can become Ready.
   * @default true
   */
  readonly publishNotReadyAddresses?: boolean;
  /**
   * Cluster DNS domain.
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
}

/**
 * A headless Service (`clusterIP: None`) that gives each pod of a StatefulSet a stable DNS name
 * `<pod>.<service>.<namespace>.svc.<clusterDomain>`.
 *
 * @example
 * const hs = new HeadlessService(chart, 'hs', {
 *   name: 'zk-hs',
 *   selector: { 'app.kubernetes.io/instance': 'zk' },
 *   ports: [{ name: 'server', port: 2888 }],
 * });
 * hs.podHost('zk', 0); // zk-0.zk-hs.default.svc.cluster.local
 */
export class HeadlessService extends Construct {
  /** `metadata.name` of the Service. */
  public readonly name: string;
  /** Namespace of the Service. */
  public readonly namespace: string;
  /** The DNS domain of the pods: `<service>.<namespace>.svc.<clusterDomain>`. */
  public readonly domain: string;
  /** The L1 Service object, as an escape hatch. */
  public readonly apiObject: kplus.k8s.KubeService;

  constructor(scope: Construct, id: string, props: HeadlessServiceProps) {
    super(scope, id);
    this.name = props.name;
    this.namespace = props.namespace ?? 'default';
    this.domain = `${this.name}.${this.namespace}.svc.${props.clusterDomain ?? 'cluster.local'}`;
    for (const port of props.ports) {
      if (!port.name) {
        throw new Error(`${this.node.path}: ports: port ${port.port} has no name; name every port of a headless Service`);
      }
    }
    this.apiObject = new kplus.k8s.KubeService(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace, labels: { ...(props.labels ?? props.selector) }, annotations: props.annotations },
      spec: {
        clusterIp: 'None',
        publishNotReadyAddresses: props.publishNotReadyAddresses ?? true,
        selector: { ...props.selector },
        ports: props.ports.map((port) => ({
          name: port.name,
          port: port.port,
          targetPort: kplus.k8s.IntOrString.fromNumber(port.targetPort ?? port.port),
          protocol: port.protocol,
        })),
      },
    });
  }

  /** The DNS name of pod `<statefulSetName>-<ordinal>`. */
  public podHost(statefulSetName: string, ordinal: number): string {
    return `${statefulSetName}-${ordinal}.${this.domain}`;
  }
}

import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  NameRule, requireAnnotations, requireLabels, requireNames, requirePort, requirePortName, requireSelector, requireSubdomain, requireUnique,
} from './prop-validation';
import { ValidationError } from './validation-error';
import { namespaceOf } from './workload-defaults';

/** Props of {@link HeadlessService}. */
export interface HeadlessServiceProps {
  /** `metadata.name` (a DNS-1035 label); the middle part of every pod's DNS name. The namespace is the Chart's. */
  readonly name: string;
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
 * hs.podHost('zk', 0); // zk-0.zk-hs.<the Chart's namespace>.svc.cluster.local
 */
export class HeadlessService extends Construct {
  /** `metadata.name` of the Service. */
  public readonly name: string;
  /** Namespace of the Service: the Chart's, or `default`. */
  public readonly namespace: string;
  /** The DNS domain of the pods: `<service>.<namespace>.svc.<clusterDomain>`. */
  public readonly domain: string;
  /** The L1 Service object, as an escape hatch. */
  public readonly apiObject: kplus.k8s.KubeService;

  constructor(scope: Construct, id: string, props: HeadlessServiceProps) {
    super(scope, id);
    this.name = requireNames(this, 'name', props.name, (name) => [{ kind: 'Service', name, rule: NameRule.DNS1035 }]);
    this.namespace = namespaceOf(this);
    const clusterDomain = requireSubdomain(this, 'clusterDomain', props.clusterDomain ?? 'cluster.local');
    this.domain = `${this.name}.${this.namespace}.svc.${clusterDomain}`;
    requireSelector(this, 'selector', props.selector);
    requireLabels(this, 'labels', props.labels);
    requireAnnotations(this, 'annotations', props.annotations);
    props.ports.forEach((port, index) => {
      if (!port.name) {
        throw new ValidationError(this, `ports[${index}].name`, port.name, `name every port of a headless Service (port ${port.port} has none)`);
      }
      requirePortName(this, `ports[${index}].name`, port.name);
      requirePort(this, `ports[${index}].port`, port.port);
      if (port.targetPort !== undefined) {
        requirePort(this, `ports[${index}].targetPort`, port.targetPort);
      }
    });
    requireUnique(this, (index) => `ports[${index}].name`, props.ports.map((port) => port.name), 'a Service port name');
    requireUnique(this, (index) => `ports[${index}].port`, props.ports.map((port) => `${port.port}/${port.protocol ?? 'TCP'}`), 'a Service port and protocol');
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

import { appSynthesizer } from '../../bench/app-builder';
import { CONCEPTS } from '../../bench/concepts';
import { kindCounts } from '../../bench/synth-cost';

type Manifest = Record<string, any>;

/** What a container does, leaving out the defaults cdk8s-plus adds (pull policy, user ids) and how ports are referenced. */
function containerEssence(container: Manifest): Manifest {
  const probe = (p: Manifest | undefined) => p && {
    handler: Object.keys(p).find((key) => ['exec', 'httpGet', 'tcpSocket'].includes(key)),
    command: p.exec?.command,
    path: p.httpGet?.path,
    initialDelaySeconds: p.initialDelaySeconds,
    periodSeconds: p.periodSeconds,
    failureThreshold: p.failureThreshold,
  };
  return {
    name: container.name,
    image: container.image,
    command: container.command,
    args: container.args,
    env: container.env,
    ports: (container.ports ?? []).map((p: Manifest) => `${p.name}:${p.containerPort}:${p.hostPort ?? ''}`),
    readiness: probe(container.readinessProbe),
    liveness: probe(container.livenessProbe),
    mounts: (container.volumeMounts ?? []).map((m: Manifest) => `${m.name}:${m.mountPath}:${m.readOnly ?? false}`).sort(),
    readOnlyRootFilesystem: container.securityContext?.readOnlyRootFilesystem,
    capabilities: container.securityContext?.capabilities,
  };
}

/** The content both sides must agree on, per object: identity, pods, ports, volumes, budgets. */
function essence(object: Manifest): Manifest {
  const spec = object.spec ?? {};
  const pod = spec.template?.spec;
  return {
    identity: `${object.kind}/${object.metadata.namespace}/${object.metadata.name}`,
    replicas: spec.replicas,
    serviceName: spec.serviceName,
    podManagementPolicy: spec.podManagementPolicy,
    clusterIP: spec.clusterIP,
    servicePorts: spec.ports?.map((p: Manifest) => `${p.name}:${p.port}`),
    publishNotReadyAddresses: spec.publishNotReadyAddresses,
    maxUnavailable: spec.maxUnavailable,
    claims: spec.volumeClaimTemplates?.map((c: Manifest) => `${c.metadata.name}:${c.spec.resources.requests.storage}`),
    pod: pod && {
      containers: pod.containers.map(containerEssence),
      initContainers: pod.initContainers?.map(containerEssence),
      volumes: pod.volumes?.map((v: Manifest) => `${v.name}:${Object.keys(v).filter((k) => k !== 'name')}:${v.hostPath?.path ?? ''}`).sort(),
      hostNetwork: pod.hostNetwork ?? false,
      hostPID: pod.hostPID ?? false,
      enableServiceLinks: pod.enableServiceLinks,
      automountServiceAccountToken: pod.automountServiceAccountToken,
      fsGroup: pod.securityContext?.fsGroup,
      antiAffinity: pod.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.map((t: Manifest) => t.topologyKey),
    },
  };
}

function byIdentity(objects: Manifest[]): Manifest[] {
  return objects.map(essence).sort((a, b) => a.identity.localeCompare(b.identity));
}

describe.each(CONCEPTS.map((c) => [c.name, c] as const))('synth-cost benchmark apps for %s', (_name, concept) => {
  const ours = appSynthesizer(concept, 'ours')(2);
  const baseline = appSynthesizer(concept, 'baseline')(2);

  test('the hand-written baseline synthesizes the same number of objects of the same kinds as our construct', () => {
    expect(ours.length).toBeGreaterThan(0);
    expect(baseline.length).toBe(ours.length);
    expect(kindCounts(baseline)).toBe(kindCounts(ours));
  });

  test('the baseline objects match ours by name and by containers, ports, probes, volumes and budgets', () => {
    expect(byIdentity(baseline)).toEqual(byIdentity(ours));
  });

  test('the baseline is built from cdk8s-plus-28 workloads, not copied from our output', () => {
    // cdk8s-plus labels the pods of its workloads with their construct address; our constructs do not.
    const podLabels = baseline.filter((o) => o.spec?.template).map((o) => Object.keys(o.spec.template.metadata.labels));
    expect(podLabels.length).toBeGreaterThan(0);
    podLabels.forEach((labels) => expect(labels).toContain('cdk8s.io/metadata.addr'));
  });
});

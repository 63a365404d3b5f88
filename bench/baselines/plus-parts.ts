// The helpers a team writing these workloads with cdk8s-plus-28 (and no cdk8s-staged-rollouts) would write once
// and share: label sets, hardened security contexts, the headless Service, and the L1 pieces cdk8s-plus-28
// cannot express (PodDisruptionBudget, volumeClaimTemplates, enableServiceLinks, hostPID).
import { ApiObject, Duration, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';

/** The `app.kubernetes.io/*` labels of one workload: the selector subset and everything written on objects. */
export interface AppLabels {
  /** Labels the selectors use. */
  readonly selector: Record<string, string>;
  /** Selector labels plus `managed-by`. */
  readonly all: Record<string, string>;
}

/** The recommended labels of `app` instance `instance`, role `component`. */
export function appLabels(app: string, instance: string, component: string): AppLabels {
  const selector = {
    'app.kubernetes.io/name': app,
    'app.kubernetes.io/instance': instance,
    'app.kubernetes.io/component': component,
  };
  return { selector, all: { ...selector, 'app.kubernetes.io/managed-by': 'cdk8s-staged-rollouts' } };
}

/** A container that runs as `uid`, with a read-only root file system and no capabilities. */
export function hardenedContainer(uid: number): kplus.ContainerSecurityContextProps {
  return {
    user: uid,
    group: uid,
    ensureNonRoot: true,
    privileged: false,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    capabilities: { drop: [kplus.Capability.ALL] },
    seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
  };
}

/** A pod whose processes run as `uid` and whose volumes belong to group `uid`. */
export function hardenedPod(uid: number): kplus.PodSecurityContextProps {
  return { user: uid, group: uid, fsGroup: uid, ensureNonRoot: true };
}

/** Where and how a workload's objects are named. */
export interface ObjectPlacement {
  /** `metadata.name` of the workload. */
  readonly name: string;
  /** Namespace of every object. */
  readonly namespace: string;
  /** Labels of every object and pod. */
  readonly labels: AppLabels;
}

/** A headless Service `<name>-hs` that publishes not-ready pods, so quorum peers resolve each other at start. */
export function headlessService(scope: Construct, placement: ObjectPlacement, ports: kplus.ServicePort[]): kplus.Service {
  return new kplus.Service(scope, 'Headless', {
    metadata: { name: `${placement.name}-hs`, namespace: placement.namespace, labels: placement.labels.all },
    clusterIP: 'None',
    publishNotReadyAddresses: true,
    ports,
  });
}

/** Selects the workload's pods by the selector labels (not cdk8s-plus's generated one) from it and `services`. */
export function selectPods(workload: kplus.Workload, labels: AppLabels, services: kplus.Service[]): void {
  workload.select(kplus.LabelSelector.of({ labels: labels.selector }));
  for (const [key, value] of Object.entries(labels.all)) {
    workload.podMetadata.addLabel(key, value);
  }
  for (const service of services) {
    for (const [key, value] of Object.entries(labels.selector)) {
      service.selectLabel(key, value);
    }
  }
}

/** A policy/v1 PodDisruptionBudget `<name>-pdb` (an L1 object: cdk8s-plus-28 has none). */
export function disruptionBudget(scope: Construct, placement: ObjectPlacement, maxUnavailable: number): kplus.k8s.KubePodDisruptionBudget {
  return new kplus.k8s.KubePodDisruptionBudget(scope, 'Budget', {
    metadata: { name: `${placement.name}-pdb`, namespace: placement.namespace, labels: placement.labels.all },
    spec: {
      selector: { matchLabels: placement.labels.selector },
      maxUnavailable: kplus.k8s.IntOrString.fromNumber(maxUnavailable),
    },
  });
}

/**
 * Adds a ReadWriteOnce volume claim template of `storage` mounted at `mountPath` in the first container, and
 * turns service links off: cdk8s-plus-28's StatefulSet and pod props express neither, so they are JSON patches.
 */
export function patchStatefulPod(statefulSet: kplus.StatefulSet, claim: string, storage: string, mountPath: string): void {
  ApiObject.of(statefulSet).addJsonPatch(
    JsonPatch.add('/spec/volumeClaimTemplates', [{
      metadata: { name: claim },
      // A Quantity, not a string: the L1 serializer runs after the patches and reads quantities by their value.
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: kplus.k8s.Quantity.fromString(storage) } } },
    }]),
    JsonPatch.add('/spec/template/spec/containers/0/volumeMounts/0', { name: claim, mountPath }),
    JsonPatch.add('/spec/template/spec/enableServiceLinks', false),
  );
}

/** The probe timing both stateful workloads use: every 10 s, 5 s timeout, 6 failures, after `initialDelaySeconds`. */
export function probeTiming(initialDelaySeconds: number): kplus.ProbeOptions {
  return {
    initialDelaySeconds: Duration.seconds(initialDelaySeconds),
    periodSeconds: Duration.seconds(10),
    timeoutSeconds: Duration.seconds(5),
    failureThreshold: 6,
  };
}

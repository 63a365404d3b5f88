// The `scale` subresource: an autoscaling/v1 Scale view of a workload's replicas (what `kubectl scale` reads and
// patches), and writing a Scale back onto the workload.
import { labelSelectorToString } from '../../internal/label-selector';
import { ApiError, KubeObject } from '../api';

/** The autoscaling/v1 Scale of a workload, as upstream's scale subresource builds it. */
export function scaleOf(obj: KubeObject): KubeObject {
  const { name, namespace, uid, resourceVersion, creationTimestamp } = obj.metadata;
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: obj.spec?.replicas ?? 0 },
    status: {
      replicas: obj.status?.replicas ?? 0,
      ...(obj.spec?.selector ? { selector: labelSelectorToString(obj.spec.selector) } : {}),
    },
  };
}

/**
 * The workload with the Scale's replicas, keeping the Scale's resourceVersion as the precondition of the write
 * (upstream's scaleUpdatedObjectInfo); a Scale without spec.replicas is invalid.
 */
export function withScale(obj: KubeObject, scale: KubeObject): KubeObject {
  const replicas = scale?.spec?.replicas;
  if (replicas !== undefined && (!Number.isInteger(replicas) || replicas < 0)) {
    throw new ApiError(422, 'Invalid', `Scale.autoscaling "${obj.metadata.name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
      { name: obj.metadata.name, group: 'autoscaling', kind: 'Scale', causes: [{ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`, field: 'spec.replicas' }] });
  }
  const resourceVersion = scale?.metadata?.resourceVersion || obj.metadata.resourceVersion;
  return {
    ...obj,
    metadata: { ...obj.metadata, resourceVersion },
    spec: { ...obj.spec, replicas: replicas ?? 0 },
  };
}

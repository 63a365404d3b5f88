// Where the API server's types hold resource.Quantity values: decoding a request into them and encoding the stored
// object back canonicalizes every quantity (`cpu: 0.5` is stored and returned as `500m`), and a malformed one fails
// the decode with a 400. The sandbox keeps objects as JSON, so it rewrites those fields on every write instead.
import { ApiError, KubeObject } from './api';
import { canonicalQuantity, QuantityError } from '../internal/canonical-quantity';

// Canonicalizing the same few strings over and over (every pod of a set has the same requests) is remembered.
const CACHE_LIMIT = 1000;
const cache = new Map<string, string>();

/**
 * Rewrites, in place, the quantities of `obj` that upstream's typed decoding would canonicalize: container and
 * pod-level resources, pod overhead, emptyDir size limits and ephemeral claim requests in pods and pod templates,
 * claim (template) requests and limits, volume capacities, claim and node status capacities.
 *
 * @throws ApiError 400 with upstream's decode message for a quantity that does not parse
 */
export function canonicalizeQuantities(obj: KubeObject): void {
  switch (obj.kind) {
    case 'Pod':
      podSpec(obj, obj.spec);
      break;
    case 'StatefulSet':
      podSpec(obj, obj.spec?.template?.spec);
      for (const claim of obj.spec?.volumeClaimTemplates ?? []) {
        resources(obj, claim?.spec?.resources);
        canonicalizeMap(obj, claim?.status, 'capacity');
      }
      break;
    case 'DaemonSet':
      podSpec(obj, obj.spec?.template?.spec);
      break;
    case 'PersistentVolumeClaim':
      resources(obj, obj.spec?.resources);
      break;
    case 'PersistentVolume':
      canonicalizeMap(obj, obj.spec, 'capacity');
      break;
    default:
      break;
  }
  canonicalizeStatusQuantities(obj);
}

/** The same for the status alone (a status write leaves the rest as stored). */
export function canonicalizeStatusQuantities(obj: KubeObject): void {
  if (obj.kind === 'PersistentVolumeClaim') {
    canonicalizeMap(obj, obj.status, 'capacity');
    canonicalizeMap(obj, obj.status, 'allocatedResources');
  } else if (obj.kind === 'Node') {
    canonicalizeMap(obj, obj.status, 'capacity');
    canonicalizeMap(obj, obj.status, 'allocatable');
  }
}

function podSpec(obj: KubeObject, spec: Record<string, any> | undefined): void {
  if (!spec) {
    return;
  }
  for (const container of [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])]) {
    resources(obj, container?.resources);
  }
  resources(obj, spec.resources);
  canonicalizeMap(obj, spec, 'overhead');
  for (const volume of spec.volumes ?? []) {
    if (volume?.emptyDir?.sizeLimit !== undefined && volume.emptyDir.sizeLimit !== null) {
      volume.emptyDir.sizeLimit = canonical(obj, volume.emptyDir.sizeLimit);
    }
    const template = volume?.ephemeral?.volumeClaimTemplate;
    if (template) {
      resources(obj, template.spec?.resources);
    }
  }
}

function resources(obj: KubeObject, requirements: Record<string, any> | undefined): void {
  canonicalizeMap(obj, requirements, 'requests');
  canonicalizeMap(obj, requirements, 'limits');
}

function canonicalizeMap(obj: KubeObject, holder: Record<string, any> | undefined, field: string): void {
  const list = holder?.[field];
  if (!list || typeof list !== 'object') {
    return;
  }
  for (const name of Object.keys(list)) {
    if (list[name] !== null && list[name] !== undefined) {
      list[name] = canonical(obj, list[name]);
    }
  }
}

function canonical(obj: KubeObject, quantity: unknown): string {
  const text = typeof quantity === 'number' || typeof quantity === 'string' ? String(quantity) : JSON.stringify(quantity);
  let result = cache.get(text);
  if (result === undefined) {
    try {
      result = canonicalQuantity(text);
    } catch (error) {
      if (!(error instanceof QuantityError)) {
        throw error;
      }
      throw new ApiError(400, 'BadRequest', `${obj.kind} in version "${obj.apiVersion}" cannot be handled as a ${obj.kind}: ${error.message}`);
    }
    if (cache.size >= CACHE_LIMIT) {
      cache.clear();
    }
    cache.set(text, result);
  }
  return result;
}

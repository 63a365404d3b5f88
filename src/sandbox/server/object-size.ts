// The size limit etcd puts on every stored object (its --max-request-bytes, 1.5 MiB by default). A request body may
// be up to 3 MiB (request-body.ts), and a patch can grow an object, so writes from HTTP clients are checked here, on
// the object about to be stored. Upstream does not turn etcd's refusal into a Status (kubernetes#112152): clients see
// 500 with an empty reason and etcd's text, and so do the sandbox's. The nesting bound of bodies (json-depth.ts) is
// kept for stored objects too: a JSON patch can add a value as deep as its body at a path as deep as the object.
import { ApiError, KubeObject, SandboxApi } from '../api';
import { MAX_JSON_DEPTH, nestingDepthError } from './json-depth';

/** etcd's default request limit (embed.DefaultMaxRequestBytes). */
export const MAX_OBJECT_BYTES = 1.5 * 1024 * 1024;

/**
 * The store, refusing to write an object whose JSON exceeds {@link MAX_OBJECT_BYTES} or nests deeper than
 * {@link MAX_JSON_DEPTH}; every other call passes through unchanged. JSON is larger than the protobuf etcd stores, so
 * an object near the limit that upstream would keep can be refused here.
 */
export function sizeLimited(api: SandboxApi): SandboxApi {
  const checked: Partial<SandboxApi> = {
    create: (type, obj, options) => api.create(type, checkSize(obj), options),
    update: (type, obj, options) => api.update(type, checkSize(obj), options),
    updateStatus: (type, obj, options) => api.updateStatus(type, checkSize(obj), options),
  };
  return new Proxy(api, {
    get: (target, property, receiver) => {
      const own = (checked as Record<string | symbol, unknown>)[property];
      if (own) {
        return own;
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function checkSize(obj: KubeObject): KubeObject {
  const json = JSON.stringify(obj);
  if (Buffer.byteLength(json) > MAX_OBJECT_BYTES) {
    throw new ApiError(500, '', 'etcdserver: request is too large');
  }
  if (nestingDepthError(json) !== undefined) {
    throw new ApiError(422, 'Invalid', `the object would nest arrays and objects deeper than ${MAX_JSON_DEPTH} levels`, {});
  }
  return obj;
}

// The size limit etcd puts on every stored object (its --max-request-bytes, 1.5 MiB by default). A request body may
// be up to 3 MiB (request-body.ts), and a patch can grow an object, so writes from HTTP clients are checked here, on
// the object about to be stored. Upstream does not turn etcd's refusal into a Status (kubernetes#112152): clients see
// 500 with an empty reason and etcd's text, and so do the sandbox's.
import { ApiError, KubeObject, SandboxApi } from '../api';

/** etcd's default request limit (embed.DefaultMaxRequestBytes). */
export const MAX_OBJECT_BYTES = 1.5 * 1024 * 1024;

/**
 * The store, refusing to write an object whose JSON exceeds {@link MAX_OBJECT_BYTES}; every other call passes through
 * unchanged. JSON is larger than the protobuf etcd stores, so an object near the limit that upstream would keep can be
 * refused here.
 */
export function sizeLimited(api: SandboxApi): SandboxApi {
  const checked: Partial<SandboxApi> = {
    create: (type, obj) => api.create(type, checkSize(obj)),
    update: (type, obj) => api.update(type, checkSize(obj)),
    updateStatus: (type, obj) => api.updateStatus(type, checkSize(obj)),
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
  if (Buffer.byteLength(JSON.stringify(obj)) > MAX_OBJECT_BYTES) {
    throw new ApiError(500, '', 'etcdserver: request is too large');
  }
  return obj;
}

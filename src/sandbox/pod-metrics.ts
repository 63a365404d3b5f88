// The pod proxy (`GET pods/<name>[:<port>]/proxy/<path>`) over simulated metrics endpoints. No container runs in the
// sandbox, so a pod "listens" on a port only when a test has set a metrics page for it (PodMetrics.set), and only while
// its containers run; the answers otherwise are upstream's: the pod's address is resolved as ResourceLocation does
// (pkg/registry/core/pod/strategy.go: 400 "address not allowed" without a pod IP, the first declared container port
// when the request names none), and a port nothing listens on is the proxy transport's 503 "error trying to reach
// service: dial tcp ...: connect: connection refused" (apimachinery pkg/util/proxy/transport.go).
import { ApiError, KubeObject, RESOURCES, SandboxApi } from './api';
import { notFound } from './api-errors';

/** A metrics page: its text, or a function of the pod serving it (to model values that change as the pod ages). */
export type MetricsPage = string | ((pod: KubeObject) => string);

/** What the pod proxy answered: the pod's own status, content type and body. */
export interface PodProxyAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** The path the simulated endpoints serve their page at. */
export const METRICS_PATH = 'metrics';

const TEXT_FORMAT = 'text/plain; version=0.0.4; charset=utf-8';

/** The simulated metrics endpoints of pods, by namespace, pod name and port. */
export class PodMetrics {
  private readonly pages = new Map<string, MetricsPage>();

  /** Serves `page` at `/metrics` on `port` of pod `name` (and of any later pod of that name, as a StatefulSet's). */
  public set(namespace: string, name: string, port: number, page: MetricsPage): void {
    this.pages.set(key(namespace, name, port), page);
  }

  /** Stops serving on `port` of pod `name`. */
  public delete(namespace: string, name: string, port: number): void {
    this.pages.delete(key(namespace, name, port));
  }

  /**
   * Answers `GET pods/<id>/proxy/<path>` as the API server's pod proxy does.
   *
   * @param id `name`, `name:port` or `scheme:name:port`, as the URL names the pod
   * @throws ApiError 404 for a missing pod, 400 for a malformed id or a pod without an address, 503 for a port nothing
   *   listens on
   */
  public proxy(api: SandboxApi, namespace: string, id: string, path: string): PodProxyAnswer {
    const parts = id.split(':');
    if (parts.length > 3 || parts.some((part) => part === '') || (parts.length === 3 && !['http', 'https'].includes(parts[0]))) {
      throw new ApiError(400, 'BadRequest', `invalid pod request "${id}"`);
    }
    const name = parts.length === 3 ? parts[1] : parts[0];
    const pod = api.get(RESOURCES.pods, namespace, name);
    if (!pod) {
      throw notFound(RESOURCES.pods, name);
    }
    const podIP: string | undefined = pod.status?.podIP;
    if (!podIP) {
      throw new ApiError(400, 'BadRequest', 'address not allowed');
    }
    const declared = (pod.spec?.containers ?? []).flatMap((container: any) => container.ports ?? [])[0]?.containerPort;
    const port = parts.length > 1 ? parts[parts.length - 1] : declared === undefined ? '80' : String(declared);
    const page = /^\d+$/.test(port) ? this.pages.get(key(namespace, name, Number(port))) : undefined;
    if (page === undefined || !containersRunning(pod)) {
      throw new ApiError(503, 'ServiceUnavailable', `error trying to reach service: dial tcp ${podIP}:${port}: connect: connection refused`);
    }
    if (path.replace(/^\/+/, '') !== METRICS_PATH) {
      return { status: 404, contentType: 'text/plain; charset=utf-8', body: '404 page not found\n' };
    }
    return { status: 200, contentType: TEXT_FORMAT, body: typeof page === 'string' ? page : page(pod) };
  }
}

function key(namespace: string, name: string, port: number): string {
  return `${namespace}/${name}:${port}`;
}

// A pod listens while it runs: phase Running and every container started.
function containersRunning(pod: KubeObject): boolean {
  const statuses: any[] = pod.status?.containerStatuses ?? [];
  return pod.status?.phase === 'Running' && statuses.length > 0 && statuses.every((status) => status.state?.running !== undefined);
}

// GET of an object, a subresource or a collection, as JSON or as the meta.k8s.io/v1 Table kubectl asks for.
import { apiVersionOf, SandboxApi } from '../api';
import { notFound } from '../api-errors';
import { toTable } from '../tables';
import { ListPages } from './list-pages';
import { ApiRequest, ApiResponse, includeObjectOf, listOptionsOf, resourceVersionOf, wantsTable } from './request';
import { scaleOf } from './scale';
import { notServed } from './status';

/** What reads need besides the request. */
export interface ReadContext {
  /** The store. */
  readonly api: SandboxApi;
  /** The sandbox clock's current time (Table AGE columns are relative to it). */
  readonly now: () => number;
  /** The lists whose later pages are still to be asked for. */
  readonly pages: ListPages;
}

/** Serves GET of an object, its status or scale subresource, or a collection (in pages with `limit` and `continue`). */
export function handleGet(context: ReadContext, request: ApiRequest): ApiResponse {
  const { route } = request;
  const { api } = context;
  const table = wantsTable(request.accept);
  const includeObject = includeObjectOf(request.query);
  if (route.name === undefined) {
    const options = listOptionsOf(request);
    const page = context.pages.page({
      identity: `${route.type.group}/${route.type.resource}/${options.namespace ?? ''}?${options.labelSelector ?? ''}&${options.fieldSelector ?? ''}`,
      namespace: options.namespace,
      selected: options.labelSelector !== undefined || options.fieldSelector !== undefined,
      limit: request.query.get('limit'),
      continueToken: request.query.get('continue') || null,
      resourceVersion: resourceVersionOf(request.query) ?? null,
      // The stored objects themselves: the response only reads and serializes them (copying 1,000 pods would cost
      // more than the whole rest of a `kubectl get pods`).
      current: () => api.listView(route.type, options),
    });
    const metadata = {
      resourceVersion: page.resourceVersion,
      ...(page.continueToken !== undefined ? { continue: page.continueToken } : {}),
      ...(page.remainingItemCount !== undefined ? { remainingItemCount: page.remainingItemCount } : {}),
    };
    if (table) {
      return { status: 200, body: { ...toTable(route.type, { items: page.items }, { now: context.now(), includeObject }), metadata } };
    }
    return { status: 200, body: { apiVersion: apiVersionOf(route.type), kind: `${route.type.kind}List`, metadata, items: page.items } };
  }
  // The sandbox serves every read from its latest state, but refuses a resourceVersion upstream cannot parse.
  resourceVersionOf(request.query);
  const obj = api.get(route.type, route.namespace, route.name);
  if (!obj) {
    throw notFound(route.type, route.name);
  }
  switch (route.subresource) {
    case undefined:
      return { status: 200, body: table ? toTable(route.type, obj, { now: context.now(), includeObject }) : obj };
    case 'status':
      if (!route.type.hasStatus) {
        break;
      }
      return { status: 200, body: obj };
    case 'scale':
      if (!route.type.hasScale) {
        break;
      }
      return { status: 200, body: scaleOf(obj) };
  }
  throw notServed();
}

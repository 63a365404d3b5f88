// GET of an object, a subresource or a collection, as JSON or as the meta.k8s.io/v1 Table kubectl asks for.
import { apiVersionOf, KubeObject, SandboxApi } from '../api';
import { notFound } from '../store';
import { toTable } from '../tables';
import { ApiRequest, ApiResponse, includeObjectOf, listOptionsOf, wantsTable } from './request';
import { scaleOf } from './scale';
import { notServed } from './status';

/** What reads need besides the request. */
export interface ReadContext {
  /** The store. */
  readonly api: SandboxApi;
  /** The sandbox clock's current time (Table AGE columns are relative to it). */
  readonly now: () => number;
}

/** Serves GET of an object, its status or scale subresource, or a collection (the `limit` parameter returns everything, no continue token). */
export function handleGet(context: ReadContext, request: ApiRequest): ApiResponse {
  const { route } = request;
  const { api } = context;
  const table = wantsTable(request.accept);
  const includeObject = includeObjectOf(request.query);
  if (route.name === undefined) {
    // The stored objects themselves: the response only reads and serializes them (copying 1,000 pods would cost
    // more than the whole rest of a `kubectl get pods`).
    const view = api.listView(route.type, listOptionsOf(request));
    const list = { items: view.items as KubeObject[], resourceVersion: view.resourceVersion };
    if (table) {
      return { status: 200, body: toTable(route.type, list, { now: context.now(), includeObject }) };
    }
    return {
      status: 200,
      body: { apiVersion: apiVersionOf(route.type), kind: `${route.type.kind}List`, metadata: { resourceVersion: list.resourceVersion }, items: list.items },
    };
  }
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

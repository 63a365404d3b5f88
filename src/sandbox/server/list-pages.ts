// Chunked lists (`?limit=N&continue=TOKEN`), as kubectl asks for them (`kubectl get` sends limit=500). Upstream serves
// every page from the list's resourceVersion in etcd, so the pages together are one consistent list, and a token whose
// revision was compacted away (every 5 minutes by default) gets 410 Expired. The store keeps no past revisions, so the
// sandbox keeps the first page's whole (filtered, sorted) list instead and serves the later pages from it, for as long
// as upstream's compaction would let them be read; a token whose list is no longer kept gets the same 410.
import { ApiError, KubeObject } from '../api';
import { badRequest } from './status';
import { keyOf } from '../controllers/owner-references';

/** One page of a list. */
export interface ListPage {
  /** The page's items. */
  readonly items: KubeObject[];
  /** The list's resourceVersion: the first page's, on every page. */
  readonly resourceVersion: string;
  /**
   * The token of the next page.
   * @default - the last page
   */
  readonly continueToken?: string;
  /**
   * Items after this page, when the list has no label or field selector (upstream counts them only then).
   * @default - not counted
   */
  readonly remainingItemCount?: number;
}

/** What a list request asked for and what it would return whole. */
export interface ListRequest {
  /** The resource, namespace and selectors of the request: a continue token only continues the same list. */
  readonly identity: string;
  /**
   * The namespace the list is confined to: upstream's token names the next object relative to it.
   * @default - all namespaces, or a cluster-scoped resource
   */
  readonly namespace?: string;
  /** Whether the request has a label or field selector. */
  readonly selected: boolean;
  /** The `limit` parameter, or null. */
  readonly limit: string | null;
  /** The `continue` parameter, or null. */
  readonly continueToken: string | null;
  /** The `resourceVersion` parameter, or null (not allowed with `continue`). */
  readonly resourceVersion: string | null;
  /** The whole list now (used unless the request continues an earlier one), sorted by namespace and name. */
  readonly current: () => { readonly items: readonly KubeObject[]; readonly resourceVersion: string };
}

/** Lists kept for their later pages at most; each is an array of the store's committed objects (shared, not copied). */
const KEPT_LISTS = 32;

/** How long a list is kept: upstream's default compaction interval (kube-apiserver --etcd-compaction-interval). */
const KEPT_FOR_MS = 5 * 60_000;

/** Upstream's message for a continue token whose revision was compacted (the etcd3 store's `continueExpired`). */
export const CONTINUE_EXPIRED_MESSAGE = 'The provided continue parameter is too old to display a consistent list result. You can start '
  + 'a new list without the continue parameter.';

interface KeptList {
  readonly items: readonly KubeObject[];
  readonly resourceVersion: string;
}

interface KeptEntry extends KeptList {
  readonly keptAt: number;
}

// The token upstream's etcd store writes: base64 of {"v":"meta.k8s.io/v1","rv":N,"start":"<next key>\u0000"}. The
// sandbox adds the position of the next item in its kept list.
interface ContinueToken {
  readonly v: string;
  readonly rv: number;
  readonly start: string;
  readonly offset: number;
}

/** The lists whose later pages are still to be asked for. */
export class ListPages {
  private readonly kept = new Map<string, KeptEntry>();

  /** @param now the sandbox clock's time, which ages the kept lists */
  constructor(private readonly now: () => number) {}

  /** The page the request asks for: the whole list without `limit`, else at most `limit` items from where its token points. */
  public page(request: ListRequest): ListPage {
    const limit = parseLimit(request.limit);
    if (request.continueToken && request.resourceVersion) {
      throw badRequest('specifying resource version is not allowed when using continue');
    }
    this.forgetExpired();
    const { list, offset } = request.continueToken ? this.continued(request, request.continueToken) : { list: request.current(), offset: 0 };
    if (limit === undefined) {
      return { items: list.items.slice(offset), resourceVersion: list.resourceVersion };
    }
    const end = Math.min(list.items.length, offset + limit);
    const items = list.items.slice(offset, end);
    if (end >= list.items.length) {
      return { items, resourceVersion: list.resourceVersion };
    }
    this.keep(request.identity, list);
    const token: ContinueToken = { v: 'meta.k8s.io/v1', rv: Number(list.resourceVersion), start: startKey(request, list.items[end]), offset: end };
    return {
      items,
      resourceVersion: list.resourceVersion,
      continueToken: Buffer.from(JSON.stringify(token)).toString('base64url'),
      remainingItemCount: request.selected ? undefined : list.items.length - end,
    };
  }

  private continued(request: ListRequest, encoded: string): { list: KeptList; offset: number } {
    const token = decodeToken(encoded);
    const list = this.kept.get(keptKey(request.identity, String(token.rv)));
    if (list === undefined) {
      throw new ApiError(410, 'Expired', CONTINUE_EXPIRED_MESSAGE);
    }
    if (token.offset > list.items.length || (token.offset < list.items.length && startKey(request, list.items[token.offset]) !== token.start)) {
      throw badRequest('continue key is not valid: the token does not point into the list it continues');
    }
    return { list, offset: token.offset };
  }

  private keep(identity: string, list: KeptList): void {
    const key = keptKey(identity, list.resourceVersion);
    if (this.kept.has(key)) {
      return;
    }
    this.kept.set(key, { ...list, keptAt: this.now() });
    if (this.kept.size > KEPT_LISTS) {
      this.kept.delete(this.kept.keys().next().value!);
    }
  }

  // Lists are kept in the order they were first paged, so the expired ones are at the front.
  private forgetExpired(): void {
    for (const [key, list] of this.kept) {
      if (this.now() - list.keptAt < KEPT_FOR_MS) {
        return;
      }
      this.kept.delete(key);
    }
  }
}

// The next object's key as upstream's token writes it: relative to the list's namespace, with a trailing NUL.
function startKey(request: ListRequest, next: KubeObject): string {
  return `${request.namespace !== undefined ? next.metadata.name : keyOf(next)}\u0000`;
}

function parseLimit(value: string | null): number | undefined {
  if (value === null || value === '') {
    return undefined;
  }
  const limit = /^-?[0-9]+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(limit)) {
    throw badRequest(`limit: Invalid value: "${value}": must be an integer`);
  }
  // Upstream treats 0 and negative limits as no limit.
  return limit > 0 ? limit : undefined;
}

function decodeToken(encoded: string): ContinueToken {
  let token: unknown;
  try {
    // Node's base64 decoding also takes the URL-safe alphabet and missing padding.
    token = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch (error) {
    throw badRequest(`continue key is not valid: ${(error as Error).message}`);
  }
  const fields = (token !== null && typeof token === 'object' ? token : {}) as Partial<ContinueToken>;
  if (fields.v !== 'meta.k8s.io/v1') {
    throw badRequest('continue key is not valid: server does not recognize this encoded key');
  }
  if (!Number.isInteger(fields.rv) || fields.rv! < 0) {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
  if (typeof fields.start !== 'string' || !Number.isInteger(fields.offset) || fields.offset! < 0) {
    throw badRequest('continue key is not valid: the token names no position in a list');
  }
  return fields as ContinueToken;
}

function keptKey(identity: string, resourceVersion: string): string {
  return `${identity}@${resourceVersion}`;
}

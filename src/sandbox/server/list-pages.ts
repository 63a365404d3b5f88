// Chunked lists (`?limit=N&continue=TOKEN`), as kubectl asks for them (`kubectl get` sends limit=500). Upstream serves
// every page from the list's resourceVersion in etcd, so the pages together are one consistent list, and a token whose
// revision was compacted away gets 410 Expired. The store keeps no past revisions, so the sandbox keeps the first
// page's whole (filtered, sorted) list instead and serves the later pages from it; a token whose list was dropped (the
// oldest go past a bound) gets the same 410 as a compacted one.
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
  /** Whether the request has a label or field selector. */
  readonly selected: boolean;
  /** The `limit` parameter, or null. */
  readonly limit: string | null;
  /** The `continue` parameter, or null. */
  readonly continueToken: string | null;
  /** The whole list now (used unless the request continues an earlier one), sorted by namespace and name. */
  readonly current: () => { readonly items: readonly KubeObject[]; readonly resourceVersion: string };
}

/** Lists kept for their later pages; each is an array of the store's committed objects (shared, not copied). */
const KEPT_LISTS = 32;

/** The upstream message for a continue token whose list can no longer be served consistently. */
export const CONTINUE_EXPIRED_MESSAGE = 'The provided continue parameter is too old to display a consistent list result. You can start '
  + 'a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. '
  + 'Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the '
  + 'time the first chunk was returned and now may show up in the list.';

interface KeptList {
  readonly items: readonly KubeObject[];
  readonly resourceVersion: string;
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
  private readonly kept = new Map<string, KeptList>();

  /** The page the request asks for: the whole list without `limit`, else at most `limit` items from where its token points. */
  public page(request: ListRequest): ListPage {
    const limit = parseLimit(request.limit);
    const { list, offset } = request.continueToken ? this.continued(request.identity, request.continueToken) : { list: request.current(), offset: 0 };
    if (limit === undefined) {
      return { items: list.items.slice(offset), resourceVersion: list.resourceVersion };
    }
    const end = Math.min(list.items.length, offset + limit);
    const items = list.items.slice(offset, end);
    if (end >= list.items.length) {
      return { items, resourceVersion: list.resourceVersion };
    }
    this.keep(request.identity, list);
    const next = list.items[end];
    const token: ContinueToken = { v: 'meta.k8s.io/v1', rv: Number(list.resourceVersion), start: `${keyOf(next)}\u0000`, offset: end };
    return {
      items,
      resourceVersion: list.resourceVersion,
      continueToken: Buffer.from(JSON.stringify(token)).toString('base64'),
      remainingItemCount: request.selected ? undefined : list.items.length - end,
    };
  }

  private continued(identity: string, encoded: string): { list: KeptList; offset: number } {
    const token = decodeToken(encoded);
    const list = this.kept.get(keptKey(identity, String(token.rv)));
    if (list === undefined) {
      throw new ApiError(410, 'Expired', CONTINUE_EXPIRED_MESSAGE);
    }
    if (token.offset > list.items.length || (token.offset < list.items.length && `${keyOf(list.items[token.offset])}\u0000` !== token.start)) {
      throw badRequest('continue key is not valid: the token does not point into the list it continues');
    }
    return { list, offset: token.offset };
  }

  private keep(identity: string, list: KeptList): void {
    const key = keptKey(identity, list.resourceVersion);
    this.kept.delete(key);
    this.kept.set(key, list);
    if (this.kept.size > KEPT_LISTS) {
      this.kept.delete(this.kept.keys().next().value!);
    }
  }
}

function parseLimit(value: string | null): number | undefined {
  if (value === null || value === '') {
    return undefined;
  }
  const limit = Number(value);
  if (!Number.isInteger(limit)) {
    throw badRequest(`limit: Invalid value: "${value}": must be an integer`);
  }
  // Upstream treats 0 and negative limits as no limit.
  return limit > 0 ? limit : undefined;
}

function decodeToken(encoded: string): ContinueToken {
  let token: Partial<ContinueToken>;
  try {
    token = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch (error) {
    throw badRequest(`continue key is not valid: ${(error as Error).message}`);
  }
  if (token.v !== 'meta.k8s.io/v1') {
    throw badRequest('continue key is not valid: server does not recognize this encoded key');
  }
  if (typeof token.rv !== 'number' || typeof token.start !== 'string' || typeof token.offset !== 'number' || token.offset < 0) {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
  return token as ContinueToken;
}

function keptKey(identity: string, resourceVersion: string): string {
  return `${identity}@${resourceVersion}`;
}

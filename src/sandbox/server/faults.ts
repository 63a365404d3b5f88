// Fault injection for the sandbox's HTTP server: latency, 409/429/500 answers and dropped watches, so
// the runtime's retry, conflict and re-watch paths can be exercised. The policy is pure and draws from
// a seeded random source, so a test that sets `seed` sees the same faults on every run.
import { RESOURCES } from '../api';

/** Faults the sandbox's HTTP server injects into requests. */
export interface FaultOptions {
  /**
   * Added latency per request, in milliseconds of the sandbox clock (virtual ms with a virtual clock).
   * @default 0
   */
  readonly latencyMs?: number;
  /**
   * Fraction 0..1 of mutating requests (create, update, patch, delete, deletecollection) answered 409 Conflict.
   * @default 0
   */
  readonly conflictRate?: number;
  /**
   * Fraction 0..1 of requests answered 429 Too Many Requests (with `Retry-After: 1`).
   * @default 0
   */
  readonly throttleRate?: number;
  /**
   * Fraction 0..1 of requests answered 500 Internal Server Error.
   * @default 0
   */
  readonly serverErrorRate?: number;
  /**
   * Drop each watch stream after it has sent this many events (the chunked response ends).
   * @default never
   */
  readonly dropWatchAfterEvents?: number;
  /**
   * Seed of the random source, for reproducible tests.
   * @default 1
   */
  readonly seed?: number;
  /**
   * Only requests matching one of these `'<verb> <resource>'` entries are affected, e.g.
   * `['patch statefulsets', 'get pods', '* leases', 'update statefulsets/status']`; `*` matches any verb or
   * resource, and a resource without a subresource also matches its subresources.
   * @default every request
   */
  readonly only?: readonly string[];
}

/** What the server does with one request. */
export interface FaultDecision {
  /** Milliseconds to wait before answering. */
  readonly delayMs: number;
  /**
   * The error status to answer with instead of serving the request.
   * @default serve the request
   */
  readonly status?: 409 | 429 | 500;
}

/** The verbs the API server serves, in upstream's authorization vocabulary. */
const VERBS: readonly string[] = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];

/** Only writes can conflict: reads never carry a resourceVersion precondition. */
const MUTATING_VERBS: ReadonlySet<string> = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

const WILDCARD = '*';

/** One parsed `only` entry. */
interface RequestFilter {
  readonly verb: string;
  readonly resource: string;
  /** Undefined matches the resource itself and all its subresources. */
  readonly subresource?: string;
}

/** Decides, request by request, which faults the sandbox's HTTP server injects. */
export class FaultInjector {
  private readonly latencyMs: number;
  private readonly conflictRate: number;
  private readonly throttleRate: number;
  private readonly serverErrorRate: number;
  private readonly dropWatchAfterEvents?: number;
  private readonly filters?: readonly RequestFilter[];
  private readonly random: () => number;

  /**
   * @throws when an option is out of range or an `only` entry names an unknown verb or resource, naming the
   * field, the value and what is valid.
   */
  constructor(options: FaultOptions) {
    this.latencyMs = nonNegativeMilliseconds('faults.latencyMs', options.latencyMs ?? 0);
    this.conflictRate = fraction('faults.conflictRate', options.conflictRate ?? 0);
    this.throttleRate = fraction('faults.throttleRate', options.throttleRate ?? 0);
    this.serverErrorRate = fraction('faults.serverErrorRate', options.serverErrorRate ?? 0);
    if (options.dropWatchAfterEvents !== undefined) {
      this.dropWatchAfterEvents = nonNegativeInteger('faults.dropWatchAfterEvents', options.dropWatchAfterEvents);
    }
    this.filters = options.only?.map((entry, index) => parseFilter(`faults.only[${index}]`, entry));
    this.random = mulberry32(integer('faults.seed', options.seed ?? 1));
  }

  /**
   * What to do with one request.
   * @param verb get, list, watch, create, update, patch, delete or deletecollection
   * @param resource the plural resource, with `/subresource` for a subresource request (`statefulsets/status`)
   */
  public decide(verb: string, resource: string): FaultDecision {
    if (!this.affects(verb, resource)) {
      return { delayMs: 0 };
    }
    const delayMs = this.latencyMs;
    // A server error or throttling happens before the write is attempted, so they take precedence over a conflict.
    if (this.happens(this.serverErrorRate)) {
      return { delayMs, status: 500 };
    }
    if (this.happens(this.throttleRate)) {
      return { delayMs, status: 429 };
    }
    if (MUTATING_VERBS.has(verb) && this.happens(this.conflictRate)) {
      return { delayMs, status: 409 };
    }
    return { delayMs };
  }

  /** Whether a watch stream that has sent `sent` events must now be dropped. */
  public shouldDropWatch(sent: number): boolean {
    return this.dropWatchAfterEvents !== undefined && sent >= this.dropWatchAfterEvents;
  }

  private affects(verb: string, resource: string): boolean {
    if (this.filters === undefined) {
      return true;
    }
    const [plural, subresource] = resource.split('/', 2);
    return this.filters.some(filter =>
      (filter.verb === WILDCARD || filter.verb === verb)
      && (filter.resource === WILDCARD || filter.resource === plural)
      && (filter.subresource === undefined || filter.subresource === subresource));
  }

  /** Draws only for enabled faults, so adding a fault kind at rate 0 does not shift the others' sequence. */
  private happens(rate: number): boolean {
    return rate > 0 && this.random() < rate;
  }
}

function parseFilter(field: string, entry: string): RequestFilter {
  const words = entry.trim().split(/\s+/);
  if (words.length !== 2) {
    throw new Error(`${field}: invalid value "${entry}": expected "<verb> <resource>" such as "patch statefulsets"; `
      + `verbs: ${[...VERBS, WILDCARD].join(', ')}; resources: ${[...resourceNames(), WILDCARD].join(', ')}`);
  }
  const [verb, target] = words;
  if (verb !== WILDCARD && !VERBS.includes(verb)) {
    throw new Error(`${field}: invalid value "${entry}": unknown verb "${verb}"; valid verbs: ${[...VERBS, WILDCARD].join(', ')}`);
  }
  const [resource, subresource, ...rest] = target.split('/');
  if (resource !== WILDCARD && !resourceNames().includes(resource)) {
    throw new Error(`${field}: invalid value "${entry}": unknown resource "${resource}"; `
      + `valid resources: ${[...resourceNames(), WILDCARD].join(', ')}`);
  }
  if (subresource !== undefined) {
    const valid = resource === WILDCARD ? [] : subresourcesOf(resource);
    if (rest.length > 0 || !valid.includes(subresource)) {
      throw new Error(`${field}: invalid value "${entry}": unknown subresource "${target.slice(resource.length + 1)}" of "${resource}"; `
        + (valid.length > 0 ? `valid subresources: ${valid.join(', ')}` : `"${resource}" has no subresources here`));
    }
  }
  return { verb, resource, subresource };
}

function resourceNames(): string[] {
  return Object.values(RESOURCES).map(type => type.resource);
}

function subresourcesOf(plural: string): string[] {
  const type = Object.values(RESOURCES).find(candidate => candidate.resource === plural);
  return [...(type?.hasStatus ? ['status'] : []), ...(type?.hasScale ? ['scale'] : [])];
}

function fraction(field: string, value: number): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new Error(`${field}: invalid value ${value}: must be a fraction from 0 to 1 (0.1 fails one request in ten)`);
  }
  return value;
}

function nonNegativeMilliseconds(field: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(`${field}: invalid value ${value}: must be a finite number of milliseconds, 0 or more`);
  }
  return value;
}

function nonNegativeInteger(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${field}: invalid value ${value}: must be a whole number of events, 0 or more`);
  }
  return value;
}

function integer(field: string, value: number): number {
  if (!Number.isInteger(value)) {
    throw new Error(`${field}: invalid value ${value}: must be an integer`);
  }
  return value;
}

/* eslint-disable no-bitwise -- mulberry32 is defined on unsigned 32-bit words */
/** mulberry32: a tiny, fast 32-bit generator; statistically plenty for fault rates and exactly reproducible. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
/* eslint-enable no-bitwise */

// A watch over HTTP: newline-delimited JSON events ({"type","object"}) on a chunked response, one write (one chunk)
// per event so each reaches the client at once. Bookmarks and timeoutSeconds run on the sandbox clock; a
// resourceVersion older than the store's history answers one ERROR event carrying a 410 Expired Status, as upstream.
import type { ServerResponse } from 'node:http';
import { ApiError, ApiEvent, apiVersionOf, KubeObject, SandboxApi } from '../api';
import type { SandboxClock, TimerHandle } from '../clock';
import { toTable } from '../tables';
import { ApiRequest, includeObjectOf, listOptionsOf, resourceVersionOf, wantsTable } from './request';
import { statusOfError } from './status';

/** How often a watch that allows bookmarks gets one (upstream's watch cache sends one about every minute). */
export const BOOKMARK_INTERVAL_MS = 60_000;
/** How much of a watch stream may wait unread by its client before the stream is ended. */
export const MAX_UNREAD_WATCH_BYTES = 64 * 1024 * 1024;

/** What a watch stream needs from the server. */
export interface WatchContext {
  /** The store. */
  readonly api: SandboxApi;
  /** The sandbox clock (bookmarks, timeouts, Table ages). */
  readonly clock: SandboxClock;
  /** The store's current resourceVersion, for bookmarks. */
  readonly currentResourceVersion: () => string;
  /** Whether the stream must be dropped after it has sent `sent` events (fault injection). */
  readonly shouldDrop: (sent: number) => boolean;
}

/** An open watch stream. */
export interface WatchStream {
  /** Ends the response (the client sees the stream end) and stops the watch; idempotent. */
  close(): void;
}

/**
 * Starts streaming events of the request's resource to `response`. Throws (before anything is written) for a bad
 * request such as an unparsable selector; the caller answers it as a normal error.
 */
export function openWatchStream(context: WatchContext, request: ApiRequest, response: ServerResponse, onClosed: () => void): WatchStream {
  const { route, query } = request;
  const table = wantsTable(request.accept);
  const includeObject = includeObjectOf(query);
  const allowBookmarks = query.get('allowWatchBookmarks') === 'true' || query.get('allowWatchBookmarks') === '1';
  const timeoutSeconds = parseTimeout(query.get('timeoutSeconds'));
  let sent = 0;
  let closed = false;
  let stop: (() => void) | undefined;
  let bookmarkTimer: TimerHandle | undefined;
  let timeoutTimer: TimerHandle | undefined;

  const close = () => {
    if (closed) {
      return;
    }
    closed = true;
    stop?.();
    for (const timer of [bookmarkTimer, timeoutTimer]) {
      if (timer) {
        context.clock.clearTimer(timer);
      }
    }
    if (!response.writableEnded) {
      response.end();
    }
    onClosed();
  };
  const send = (event: { type: string; object: unknown }) => {
    if (closed) {
      return;
    }
    response.write(JSON.stringify(event) + '\n');
    sent++;
    // A client that stops reading would make the server buffer every later event: as upstream's watch cache ends a
    // watcher whose buffer stays full ("Forcing watcher close due to unresponsiveness"), the stream ends instead, and
    // the client re-watches from its last resourceVersion when it reads again.
    if (context.shouldDrop(sent) || response.writableLength > MAX_UNREAD_WATCH_BYTES) {
      close();
    }
  };
  const render = (obj: KubeObject) => (table ? toTable(route.type, obj, { now: context.clock.now(), includeObject }) : obj);

  response.statusCode = 200;
  response.setHeader('Content-Type', 'application/json');
  response.setHeader('Cache-Control', 'no-cache, private');
  // A watch's connection is not reused: when the server ends streams (restart, drop), a client must not pick the
  // ended connection from its keep-alive pool just as the server closes it.
  response.setHeader('Connection', 'close');
  response.on('close', close);
  try {
    const watchOptions = { ...listOptionsOf(request), resourceVersion: resourceVersionOf(query) };
    stop = context.api.watch(route.type, watchOptions, (event: ApiEvent) => send({ type: event.type, object: render(event.object) }));
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== 410) {
      response.removeListener('close', close);
      throw error;
    }
    send({ type: 'ERROR', object: statusOfError(error) });
    close();
    return { close };
  }
  if (closed) {
    // Dropped while replaying history: the watch was registered after close() ran.
    stop();
    return { close };
  }
  response.flushHeaders();
  if (allowBookmarks) {
    const bookmark = () => {
      send({ type: 'BOOKMARK', object: { kind: route.type.kind, apiVersion: apiVersionOf(route.type), metadata: { resourceVersion: context.currentResourceVersion() } } });
      if (!closed) {
        bookmarkTimer = context.clock.setTimer(BOOKMARK_INTERVAL_MS, bookmark);
      }
    };
    bookmarkTimer = context.clock.setTimer(BOOKMARK_INTERVAL_MS, bookmark);
  }
  if (timeoutSeconds !== undefined) {
    timeoutTimer = context.clock.setTimer(timeoutSeconds * 1000, close);
  }
  return { close };
}

function parseTimeout(value: string | null): number | undefined {
  if (value === null || value === '') {
    return undefined;
  }
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 0) {
    throw new ApiError(400, 'BadRequest', `timeoutSeconds: Invalid value: ${JSON.stringify(value)}: must be a non-negative integer`);
  }
  return seconds === 0 ? undefined : seconds;
}

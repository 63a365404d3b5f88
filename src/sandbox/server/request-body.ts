// Reading a request body with the API server's bounds: at most MaxRequestBodyBytes (3 MiB) kept in memory, and a
// body that stalls answered after the request timeout instead of holding the connection forever.
import type { IncomingMessage } from 'node:http';
import { ApiError } from '../api';

/**
 * The largest request body upstream decodes (k8s.io/apiserver/pkg/server/config.go MaxRequestBodyBytes: twice
 * etcd's 1.5 MiB request limit, because JSON shrinks when stored as protobuf).
 */
export const MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024;

/** Upstream's default `--request-timeout`: how long a request that is not a watch may take. */
export const REQUEST_TIMEOUT_MS = 60_000;

/** How a body is bounded. */
export interface BodyLimits {
  /** The most bytes kept; a longer body is read to its end and discarded, then answered 413. */
  readonly maxBytes: number;
  /** Real milliseconds the whole body may take to arrive. */
  readonly timeoutMs: number;
}

/**
 * Reads the body of `request`.
 *
 * @throws ApiError 413 RequestEntityTooLarge (upstream's limitedReadBody text) once a body longer than `maxBytes`
 *   has been read to its end; 504 Timeout (upstream's timeout filter text) when it has not ended after `timeoutMs`
 */
export function readRequestBody(request: IncomingMessage, limits: BodyLimits): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // A body over the limit is still read to its end, discarding it: answering before the client has sent it all
    // would close the connection under the client, which then reports a broken pipe instead of the 413.
    let tooLarge = Number(request.headers['content-length']) > limits.maxBytes;
    const timer = setTimeout(() => finish(new ApiError(504, 'Timeout',
      'Timeout: request did not complete within requested timeout - context deadline exceeded', {})), limits.timeoutMs);
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      tooLarge ||= size > limits.maxBytes;
      if (tooLarge) {
        chunks.length = 0;
      } else {
        chunks.push(chunk);
      }
    };
    const onEnd = () => finish(tooLarge
      ? new ApiError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limits.maxBytes}`)
      : undefined);
    const onError = (error: Error) => finish(error);
    // 'close' without 'end': the client went away mid-body; nothing is left to answer.
    const onClose = () => finish(new Error('the client closed the connection before the body ended'));
    function finish(error: Error | undefined): void {
      clearTimeout(timer);
      request.removeListener('data', onData);
      request.removeListener('end', onEnd);
      request.removeListener('error', onError);
      request.removeListener('close', onClose);
      if (error) {
        reject(error);
      } else {
        resolve(Buffer.concat(chunks));
      }
    }
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('close', onClose);
  });
}

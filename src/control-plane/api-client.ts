// The few API calls the launcher makes itself (health, nodes, volumes), over HTTPS with the admin token. The
// launcher needs no client library: it must start before anything that would use one.
import { request } from 'node:https';

/** A JSON answer. */
export interface ApiAnswer {
  /** The HTTP status. */
  readonly status: number;
  /** The body, parsed when it is JSON, else the text. */
  readonly body: any;
}

/** Calls one API server as one user. */
export class ControlPlaneApiClient {
  /**
   * @param server `https://127.0.0.1:PORT`
   * @param ca the PEM the server's certificate chains to
   * @param token the bearer token
   */
  constructor(private readonly server: string, private readonly ca: string, private readonly token: string) {}

  /** Sends one request; rejects only when no answer came (refused, reset, `timeoutMs` passed). */
  public call(method: string, path: string, body?: unknown, timeoutMs = 10_000): Promise<ApiAnswer> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(`${this.server}${path}`, {
        method,
        ca: this.ca,
        headers: {
          Authorization: `Bearer ${this.token}`,
          Accept: 'application/json',
          ...(payload === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) }),
        },
        timeout: timeoutMs,
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON (healthz answers `ok`)
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Like {@link call}, but throws unless the status is 2xx or one of `alsoOk`. */
  public async expect(method: string, path: string, body?: unknown, alsoOk: readonly number[] = []): Promise<any> {
    const answer = await this.call(method, path, body);
    if ((answer.status < 200 || answer.status > 299) && !alsoOk.includes(answer.status)) {
      const message = typeof answer.body === 'object' ? answer.body?.message : String(answer.body).slice(0, 300);
      throw new Error(`${method} ${path}: ${answer.status} ${message}`);
    }
    return answer.body;
  }
}

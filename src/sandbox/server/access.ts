// Who may talk to the sandbox. It serves only this machine, but a web page the developer opens can still reach
// 127.0.0.1: directly, or by DNS rebinding (a name of the attacker's that resolves to 127.0.0.1, so the browser
// thinks the page and the sandbox are one origin). So every request must carry the bearer token written into the
// sandbox's kubeconfig (a page cannot know it), and must be addressed to the sandbox by a loopback name and its port
// (a rebinding page's requests carry the attacker's host name).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ApiError } from '../api';

/** A fresh random bearer token: 256 bits, URL-safe base64. */
export function newBearerToken(): string {
  return randomBytes(32).toString('base64url');
}

// The host names a client on this machine uses for 127.0.0.1 (the server listens on no other address).
const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1', 'localhost', '[::1]'];

/** The sandbox's access rule: its bearer token and the port it answers on. */
export class SandboxAccess {
  private readonly expected: Buffer;

  /**
   * @param token the bearer token every request must carry
   * @param port the port the server listens on (read per request: it is known only once listening)
   */
  public constructor(token: string, private readonly port: () => number) {
    this.expected = Buffer.from(token, 'utf8');
  }

  /**
   * Why a request may not be served, or undefined when it may: a Host that is not a loopback name with the
   * sandbox's port is refused first (403), then a missing or wrong token (upstream's 401 Unauthorized Status, as
   * its authentication filter answers with anonymous requests disabled).
   */
  public refusal(headers: IncomingHttpHeaders): ApiError | undefined {
    const host = (headers.host ?? '').toLowerCase();
    if (!LOOPBACK_HOSTS.some((name) => host === `${name}:${this.port()}`)) {
      return new ApiError(403, 'Forbidden',
        `host ${JSON.stringify(headers.host ?? '')} is not allowed: the sandbox answers only requests addressed to 127.0.0.1:${this.port()} or localhost:${this.port()}`, {});
    }
    if (!this.authenticated(headers.authorization)) {
      return new ApiError(401, 'Unauthorized', 'Unauthorized');
    }
    return undefined;
  }

  // As upstream's bearer token authenticator reads the header (authentication/request/bearertoken): trimmed, the
  // scheme in any case, one space, the token up to the next space.
  private authenticated(authorization: string | undefined): boolean {
    const [scheme, token] = (authorization ?? '').trim().split(' ');
    if (scheme.toLowerCase() !== 'bearer' || !token) {
      return false;
    }
    const given = Buffer.from(token, 'utf8');
    return given.length === this.expected.length && timingSafeEqual(given, this.expected);
  }
}

/**
 * CSRF protection for our own mutations (tRPC, route handlers). Better Auth checks its own endpoints;
 * this applies the same rule to ours: a mutation that rides on ambient credentials (the session cookie,
 * or nothing at all in open mode) must come from the app's own origin.
 *
 * Layers: the cookie is SameSite=Lax (not sent on cross-site POSTs); browsers send `Origin` (and
 * `Sec-Fetch-Site`) on every POST, which must name this host, AUTH_URL or AUTH_TRUSTED_ORIGINS.
 * Requests with a bearer token carry no ambient credential and are not checked.
 * OWASP CSRF Prevention Cheat Sheet: "Verifying Origin With Standard Headers", "Fetch Metadata".
 */
import { ForbiddenError } from '../services/errors';
import { configuredOrigins } from './auth';

/** The origin a request came from: `Origin`, else the origin of `Referer`, else null. */
export function requestOrigin(headers: Headers): string | null {
  const origin = headers.get('origin');
  if (origin) return origin;
  const referer = headers.get('referer');
  if (!referer) return null;
  try {
    return new URL(referer).origin;
  } catch {
    return 'null';
  }
}

/**
 * Throws ForbiddenError unless the request comes from the app's own origin.
 * `requireOrigin`: refuse requests that name no origin at all (cookie sessions: only browsers hold
 * them, and browsers always send Origin on POST); open mode lets scripts without headers through.
 */
export function assertSameOrigin(headers: Headers, opts: { requireOrigin: boolean }): void {
  const site = headers.get('sec-fetch-site');
  if (site === 'cross-site' || site === 'same-site') {
    throw new ForbiddenError(`cross-origin request refused (Sec-Fetch-Site: ${site}); use an API token from scripts`);
  }
  const origin = requestOrigin(headers);
  if (origin === null) {
    if (opts.requireOrigin && site !== 'same-origin') {
      throw new ForbiddenError('request refused: a cookie-authenticated mutation must send an Origin header (browsers do); scripts should use Authorization: Bearer <token>');
    }
    return;
  }
  if (!isTrustedOrigin(origin, headers)) {
    throw new ForbiddenError(`cross-origin request refused (Origin: ${origin}); add it to AUTH_TRUSTED_ORIGINS if it is this app`);
  }
}

function isTrustedOrigin(origin: string, headers: Headers): boolean {
  if (origin === 'null') return false;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false;
  }
  if (host && host === headers.get('host')) return true;
  return configuredOrigins().includes(origin);
}

// Wraps the Worker's fetch so that every response carries the security headers (assets included:
// wrangler.toml sends every request through the Worker first), and the API answers only its own app.
import type { Env } from '../env.ts';
import { errorJson } from './errors.ts';
import { type HeaderContext, securityHeaders } from './securityHeaders.ts';

type Handler = (request: Request, env: Env, ctx: ExecutionContext) => Promise<Response> | Response;

/** The API and the signaling relay; everything else is the app, from the asset store. */
export function isApiPath(pathname: string): boolean {
  return /^\/(api|peerjs)(\/|$)/.test(pathname);
}

/**
 * A request sent by a page of another origin. Browsers send `Origin` on cross-origin fetches and on
 * every WebSocket handshake; the app itself is same-origin, and non-browser clients send none.
 */
export function isForeignOrigin(request: Request): boolean {
  const origin = request.headers.get('origin');
  if (origin === null) return false;
  try {
    return new URL(origin).host !== new URL(request.url).host;
  } catch {
    return true; // "null" (sandboxed frames, file:) is nobody we serve
  }
}

export function headerContext(request: Request, env: Pick<Env, 'TRACKER_MODE'>): HeaderContext {
  const url = new URL(request.url);
  const lan = env.TRACKER_MODE === 'lan';
  // on a LAN tracker the front (worker/scripts/front.ts) ends TLS and says so; on Cloudflare the URL is https
  const secure = url.protocol === 'https:' || (lan && request.headers.get('x-forwarded-proto') === 'https');
  return { host: url.host, secure, hsts: !lan && url.protocol === 'https:' };
}

export function withSecurityHeaders(response: Response, request: Request, env: Pick<Env, 'TRACKER_MODE'>) {
  // an accepted WebSocket: headers on a 101 mean nothing, and copying the response would drop the socket
  if (response.status === 101 || response.webSocket) return response;
  const out = new Response(response.body, response);
  for (const [name, value] of Object.entries(securityHeaders(headerContext(request, env)))) {
    out.headers.set(name, value);
  }
  return out;
}

export function secured(handler: Handler): Handler {
  return async (request, env, ctx) => {
    const response =
      isApiPath(new URL(request.url).pathname) && isForeignOrigin(request)
        ? errorJson(403, 'cross_origin', 'This tracker answers only its own app, not other websites.')
        : await handler(request, env, ctx);
    return withSecurityHeaders(response, request, env);
  };
}

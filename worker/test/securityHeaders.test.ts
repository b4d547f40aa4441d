// Every kind of response the Worker serves carries the security headers: the app shell and its files
// (asset store), API success and error, a refused WebSocket, a refused foreign origin. HSTS only on a
// deployed tracker over HTTPS; the API answers only its own origin.
import { createExecutionContext, env, SELF, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../index.ts';
import { contentSecurityPolicy } from '../lib/securityHeaders.ts';
import { call, newPeer } from './helpers.ts';

function expectSecured(headers: Headers, { socket }: { socket: string }) {
  const csp = headers.get('content-security-policy') ?? '';
  for (const directive of [
    "default-src 'none'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "frame-ancestors 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    `connect-src 'self' ${socket}`,
  ])
    expect(csp).toContain(directive);
  expect(csp).not.toContain('unsafe-inline');
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('referrer-policy')).toBe('no-referrer');
  expect(headers.get('permissions-policy')).toContain('camera=()');
  expect(headers.get('x-frame-options')).toBe('DENY');
  expect(headers.get('access-control-allow-origin')).toBeNull();
}

/** The Worker as `npm start` runs it (TRACKER_MODE=lan), behind the front that ends TLS. */
async function lanFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(url, init), { ...env, TRACKER_MODE: 'lan' }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

describe('security headers', () => {
  it('are on the app shell, a client route and an asset, served from the asset store', async () => {
    for (const path of [
      '/',
      '/r/abcdefghijklmnopqrstuvwxyz',
      '/manifest.webmanifest',
      '/icons/icon-192.png',
    ]) {
      const res = await SELF.fetch(`https://tracker.test${path}`);
      await res.arrayBuffer();
      expectSecured(res.headers, { socket: 'wss://tracker.test' });
    }
  });

  it('are on API answers, success and errors alike', async () => {
    const ok = await call('GET', '/api/health');
    expect(ok.status).toBe(200);
    expectSecured(ok.headers, { socket: 'ws://tracker.test' });
    const peer = await newPeer();
    for (const [method, path, status, secret] of [
      ['GET', '/api/nothing-here', 404, undefined],
      ['GET', '/api/peers/me', 401, undefined],
      ['PUT', '/api/health', 405, undefined],
      ['GET', '/api/rooms/not-an-id', 400, peer.secret],
    ] as const) {
      const res = await call(method, path, secret ? { secret } : {});
      expect(res.status).toBe(status);
      expect(res.json.error.code).toBeTypeOf('string');
      expectSecured(res.headers, { socket: 'ws://tracker.test' });
    }
  });

  it('are on refused WebSocket upgrades answered over HTTP', async () => {
    // (a bad signaling id or ticket is refused the PeerJS way: a 101 whose socket carries the error
    // frame and closes; a 101 has no page to protect, and copying it would drop the socket)
    const refusals = [
      // not an upgrade at all
      await SELF.fetch('http://tracker.test/peerjs/peerjs?key=peerjs&id=x&token=y'),
      // the live socket without a valid ticket
      await SELF.fetch('http://tracker.test/api/rooms/abcdefghijklmnopqrstuvwxyz/live?ticket=nope', {
        headers: { upgrade: 'websocket' },
      }),
      // the peerjs client's own id request, which ids issued by the tracker make meaningless
      await SELF.fetch('http://tracker.test/peerjs/peerjs/id'),
    ];
    expect(refusals.map((r) => r.status)).toEqual([426, 401, 403]);
    for (const res of refusals) {
      await res.arrayBuffer();
      expectSecured(res.headers, { socket: 'ws://tracker.test' });
    }
  });

  it('send HSTS only from a deployed tracker over HTTPS', async () => {
    expect(
      (await SELF.fetch('https://tracker.test/api/health')).headers.get('strict-transport-security'),
    ).toBe('max-age=15552000');
    expect(
      (await SELF.fetch('http://tracker.test/api/health')).headers.get('strict-transport-security'),
    ).toBeNull();
    // a laptop's LAN name must never be pinned to HTTPS: its plain-http port would stop working
    const lan = await lanFetch('http://10.0.0.5:8443/api/health', {
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(lan.headers.get('strict-transport-security')).toBeNull();
    expectSecured(lan.headers, { socket: 'wss://10.0.0.5:8443' });
  });

  it('trust x-forwarded-proto only on a LAN tracker (where the front sets it)', async () => {
    const deployed = await SELF.fetch('http://tracker.test/api/health', {
      headers: { 'x-forwarded-proto': 'https' },
    });
    expectSecured(deployed.headers, { socket: 'ws://tracker.test' });
  });

  it('never reflect a host that could break the header', () => {
    const csp = contentSecurityPolicy({
      host: "evil.test; script-src 'unsafe-inline'",
      secure: true,
      hsts: false,
    });
    expect(csp).toContain("connect-src 'self';");
    expect(csp).not.toContain('unsafe-inline');
  });
});

describe('the API answers only its own origin', () => {
  it('refuses requests from another website, with a stable code and the headers', async () => {
    for (const origin of ['https://evil.example', 'null', 'http://tracker.test:8080']) {
      const res = await call('POST', '/api/peers', { headers: { origin } });
      expect(res.status).toBe(403);
      expect(res.json.error.code).toBe('cross_origin');
      expectSecured(res.headers, { socket: 'ws://tracker.test' });
    }
    const preflight = await SELF.fetch('http://tracker.test/api/peers', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a WebSocket opened by another website', async () => {
    const res = await SELF.fetch('http://tracker.test/peerjs/peerjs?key=peerjs&id=x&token=y', {
      headers: { upgrade: 'websocket', origin: 'https://evil.example' },
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('cross_origin');
  });

  it('serves its own app and clients that send no Origin', async () => {
    expect((await call('POST', '/api/peers', { headers: { origin: 'http://tracker.test' } })).status).toBe(
      201,
    );
    expect((await call('POST', '/api/peers')).status).toBe(201);
  });
});

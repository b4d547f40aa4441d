// The LAN front on its own, in front of a stand-in upstream (a few lines of node http): it passes
// requests and WebSockets through, stamps the real peer address over a client-sent one, serves the
// trust page only when HTTPS is on, and survives clients that vanish mid-socket (a phone's tab killed).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type Front, startFront } from './front.ts';
import { NOT_ORIGIN_FORM, rawExchange, upgradeRequest } from './rawWire.testkit.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Echoes the headers it got; answers upgrades with 101 and then echoes the socket's bytes back. */
async function upstream(): Promise<{ port: number; seen: IncomingMessage[] }> {
  const seen: IncomingMessage[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(req);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(req.headers));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket) => {
    seen.push(req);
    socket.on('error', () => socket.destroy());
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    socket.pipe(socket);
    // keeps talking, so a vanished client is noticed while writing
    const timer = setInterval(() => socket.writable && socket.write('tick'), 20);
    socket.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });
  return { port: (server.address() as AddressInfo).port, seen };
}

async function front(upstreamPort: number): Promise<{ port: number; front: Front }> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const f = await startFront({ host: '127.0.0.1', httpPort: port, upstreamPort });
  cleanups.push(() => f.close());
  return { port, front: f };
}

function upgrade(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => {
      s.write(
        'GET /peerjs/peerjs HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      );
    });
    s.once('data', (d) =>
      d.toString().startsWith('HTTP/1.1 101') ? resolve(s) : reject(new Error(d.toString())),
    );
    s.on('error', reject);
  });
}

describe('the LAN front', () => {
  it('passes requests on with the real peer address, whatever the client claims', async () => {
    const up = await upstream();
    const { port } = await front(up.port);
    const res = await fetch(`http://127.0.0.1:${port}/api/health`, {
      headers: { 'cf-connecting-ip': '203.0.113.9', 'x-forwarded-for': '203.0.113.9', 'cf-ipcountry': 'XX' },
    });
    const headers = (await res.json()) as Record<string, string>;
    expect(headers['cf-connecting-ip']).toBe('127.0.0.1');
    expect(headers['x-forwarded-proto']).toBe('http');
    expect(headers['x-forwarded-for']).toBeUndefined();
    expect(headers['cf-ipcountry']).toBeUndefined();
  });

  it('has no trust page without HTTPS', async () => {
    const up = await upstream();
    const { port } = await front(up.port);
    const res = await fetch(`http://127.0.0.1:${port}/trust`);
    // passed to the tracker (the app's not-found screen), not a page of the front
    expect(up.seen.map((r) => r.url)).toEqual(['/trust']);
    expect(res.status).toBe(200);
  });

  it('keeps serving after clients vanish in the middle of their WebSockets', async () => {
    const up = await upstream();
    const { port } = await front(up.port);
    for (let i = 0; i < 5; i++) {
      const socket = await upgrade(port);
      socket.on('error', () => undefined);
      // a killed browser: the connection is reset, not closed
      socket.resetAndDestroy();
      await new Promise((r) => setTimeout(r, 100));
    }
    const res = await fetch(`http://127.0.0.1:${port}/api/health`);
    expect(res.status).toBe(200);
  });

  it('answers 502 in words the app reads as "tracker unreachable" while the tracker is down', async () => {
    const { port } = await front(1); // nothing listens on port 1
    const res = await fetch(`http://127.0.0.1:${port}/api/health`);
    expect(res.status).toBe(502);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toBe('The tracker is not answering.\n');
  });

  it('answers 404 to /api/internal/* however spelled, and drops a client-sent relay secret', async () => {
    const up = await upstream();
    const { port } = await front(up.port);
    for (const path of [
      '/api/internal/relay/admit',
      '/api//internal/relay/reset',
      '/api/%69nternal/x',
      '/api/./internal/x',
      '/API/Internal/x',
    ]) {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', body: '{}' });
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
    }
    expect(up.seen).toEqual([]);
    const res = await fetch(`http://127.0.0.1:${port}/api/health`, {
      headers: { 'x-meshdrop-relay-secret': 'guess' },
    });
    expect(((await res.json()) as Record<string, string>)['x-meshdrop-relay-secret']).toBeUndefined();
  });

  it('answers 400 invalid_target to a request or upgrade whose target is not origin-form, and lives', async () => {
    const up = await upstream();
    const { port } = await front(up.port);
    for (const target of NOT_ORIGIN_FORM) {
      for (const request of [`GET ${target} HTTP/1.1\r\nHost: x\r\n\r\n`, upgradeRequest(target)]) {
        const heard = await rawExchange(port, request);
        expect(heard, request).toMatch(/^HTTP\/1\.1 400 /);
        expect(heard).toContain('{"error":{"code":"invalid_target"');
      }
    }
    expect(up.seen).toEqual([]);
    const res = await fetch(`http://127.0.0.1:${port}/api/health`);
    expect(res.status).toBe(200);
  });
});

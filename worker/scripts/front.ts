// The LAN front of `npm start`: the only thing listening on the LAN. It owns both public ports (https
// and plain http) and passes every request and WebSocket to the one `wrangler dev` on loopback, so one
// tracker and one D1 state answer both. It also:
// - sets `cf-connecting-ip` to the real peer address (and drops client-sent `cf-*`/`x-forwarded-*`), so
//   the tracker's per-address rate limits cannot be dodged with a made-up header;
// - tells the Worker which port was HTTPS (`x-forwarded-proto`), for its security headers;
// - serves the trust page and the CA certificate (never a key) under /trust, with the same headers;
// - with `relay`, ends the PeerJS signaling sockets itself (lanRelay.ts) instead of passing them on.
import {
  Agent,
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createProxyServer } from 'http-proxy-3';
import { securityHeaders } from '../lib/securityHeaders.ts';
import type { ErrorBody } from '../protocol/errors.ts';
import { RELAY_SECRET_HEADER } from '../protocol/relayLink.ts';
import { type LanRelay, type LanRelayOptions, SIGNALING_PATH, startLanRelay } from './lanRelay.ts';
import { internalPath, originForm, signalingVariant } from './requestTarget.ts';
import { renderTrustPage, TRUST_CSS, TRUST_PATHS } from './trustPage.ts';

export interface TrustAssets {
  caName: string;
  caFingerprint: string;
  caPem: string;
  caDer: Uint8Array;
  /** Names and addresses in the server certificate: the trust page links to HTTPS on one of these. */
  names: { dns: string[]; ips: string[] };
  /** Where "Open MeshDrop securely" goes when the page was opened under a name the certificate lacks. */
  fallbackHost: string;
  /** What the CA may vouch for, in words. */
  scope: string;
}

export interface FrontOptions {
  /** Address to listen on (0.0.0.0 for every interface). */
  host: string;
  httpPort: number;
  /** The `wrangler dev` behind the front, on 127.0.0.1. */
  upstreamPort: number;
  https?: { port: number; key: string; cert: string; trust: TrustAssets };
  /** Run the signaling relay here, linked to the tracker by this run's secret (and its other settings). */
  relay?: Omit<LanRelayOptions, 'upstreamPort'>;
}

export interface Front {
  /** Where the tracker sends the relay's notices (with `relay`). */
  relayUrl: string | null;
  close(): Promise<void>;
}

/** The peer address as the Worker should see it: `::ffff:10.0.0.5` is the IPv4 address 10.0.0.5. */
export function peerAddress(remote: string | undefined): string {
  if (!remote) return 'unknown';
  return remote.startsWith('::ffff:') ? remote.slice(7) : remote;
}

/** Replaces whatever the client claimed about itself with what the front knows. */
function stampHeaders(req: IncomingMessage, encrypted: boolean): void {
  for (const name of Object.keys(req.headers)) {
    if (
      name.startsWith('cf-') ||
      name.startsWith('x-forwarded-') ||
      name === 'x-real-ip' ||
      name === 'forwarded' ||
      name === RELAY_SECRET_HEADER
    )
      delete req.headers[name];
  }
  req.headers['cf-connecting-ip'] = peerAddress(req.socket.remoteAddress);
  req.headers['x-forwarded-proto'] = encrypted ? 'https' : 'http';
}

function ownHeaders(req: IncomingMessage, encrypted: boolean): Record<string, string> {
  return securityHeaders({ host: req.headers.host ?? '', secure: encrypted, hsts: false });
}

function reply(
  req: IncomingMessage,
  res: ServerResponse,
  encrypted: boolean,
  status: number,
  type: string,
  body: string | Uint8Array,
  extra: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...ownHeaders(req, encrypted),
    'content-type': type,
    'content-length': String(Buffer.byteLength(body)),
    'cache-control': 'no-cache',
    ...extra,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** The HTTPS address on the name this page was opened with, if the certificate covers it. */
function secureUrl(req: IncomingMessage, trust: TrustAssets, httpsPort: number): string {
  let host = trust.fallbackHost;
  try {
    const asked = new URL(`http://${req.headers.host ?? ''}`).hostname.replace(/^\[|\]$/g, '');
    if (trust.names.dns.includes(asked.toLowerCase()) || trust.names.ips.includes(asked)) host = asked;
  } catch {
    // no usable Host header: the fallback
  }
  const shown = host.includes(':') ? `[${host}]` : host;
  return `https://${shown}${httpsPort === 443 ? '' : `:${httpsPort}`}/`;
}

function serveTrust(
  req: IncomingMessage,
  res: ServerResponse,
  encrypted: boolean,
  path: string,
  trust: TrustAssets,
  httpsPort: number,
): boolean {
  const known = [TRUST_PATHS.page, `${TRUST_PATHS.page}/`, TRUST_PATHS.der, TRUST_PATHS.pem, TRUST_PATHS.css];
  if (!known.includes(path)) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    reply(req, res, encrypted, 405, 'text/plain; charset=utf-8', 'Only GET here.\n', { allow: 'GET, HEAD' });
  } else if (path === TRUST_PATHS.der) {
    // the type Android and iOS offer to install as a CA certificate (DER)
    reply(req, res, encrypted, 200, 'application/x-x509-ca-cert', trust.caDer, {
      'content-disposition': 'attachment; filename="meshdrop-ca.crt"',
    });
  } else if (path === TRUST_PATHS.pem) {
    reply(req, res, encrypted, 200, 'application/x-pem-file', trust.caPem, {
      'content-disposition': 'attachment; filename="meshdrop-ca.pem"',
    });
  } else if (path === TRUST_PATHS.css) {
    reply(req, res, encrypted, 200, 'text/css; charset=utf-8', TRUST_CSS);
  } else {
    const page = renderTrustPage({
      caName: trust.caName,
      caFingerprint: trust.caFingerprint,
      secureUrl: secureUrl(req, trust, httpsPort),
      scope: trust.scope,
    });
    reply(req, res, encrypted, 200, 'text/html; charset=utf-8', page);
  }
  return true;
}

interface Refusal {
  status: number;
  statusText: string;
  json: string;
}

const refusal = (status: number, statusText: string, error: ErrorBody['error']): Refusal => ({
  status,
  statusText,
  json: JSON.stringify({ error } satisfies ErrorBody),
});
const INVALID_TARGET = refusal(400, 'Bad Request', {
  code: 'invalid_target',
  message: 'The request target must be a path starting with a single "/".',
});
const NOT_FOUND = refusal(404, 'Not Found', { code: 'not_found', message: 'No such path.' });

function refuseRequest(req: IncomingMessage, res: ServerResponse, encrypted: boolean, r: Refusal): void {
  reply(req, res, encrypted, r.status, 'application/json', r.json, { 'cache-control': 'no-store' });
}

/** The same answer on a socket that asked for an upgrade (no ServerResponse there). */
function refuseUpgrade(socket: Duplex, r: Refusal): void {
  socket.end(
    `HTTP/1.1 ${r.status} ${r.statusText}\r\nconnection: close\r\ncontent-type: application/json\r\n` +
      `cache-control: no-store\r\ncontent-length: ${Buffer.byteLength(r.json)}\r\n\r\n${r.json}`,
  );
}

const logged = (err: unknown) => console.error('lan front:', err);

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export async function startFront(options: FrontOptions): Promise<Front> {
  const agent = new Agent({ keepAlive: true });
  const proxy = createProxyServer({ target: `http://127.0.0.1:${options.upstreamPort}`, ws: true, agent });
  // Errors the per-call callbacks do not see (a client reset while its WebSocket is piped through) come
  // here; without a listener http-proxy-3 throws them, and one killed browser tab would stop the front.
  proxy.on('error', (_err, _req, target) => {
    if (target instanceof Socket) target.destroy();
    else if (target && !target.headersSent) target.writeHead(502).end();
    else target?.destroy();
  });
  const tls = options.https;
  const relay: LanRelay | null = options.relay
    ? await startLanRelay({ ...options.relay, upstreamPort: options.upstreamPort })
    : null;

  const unreachable = (req: IncomingMessage, res: ServerResponse, encrypted: boolean) => {
    // wrangler restarting or gone: an answer that the app reads as "tracker unreachable"
    if (res.headersSent) res.destroy();
    else reply(req, res, encrypted, 502, 'text/plain; charset=utf-8', 'The tracker is not answering.\n');
  };
  const onRequest = (encrypted: boolean) => (req: IncomingMessage, res: ServerResponse) => {
    try {
      if (!originForm(req.url)) return refuseRequest(req, res, encrypted, INVALID_TARGET);
      if (internalPath(req.url)) return refuseRequest(req, res, encrypted, NOT_FOUND);
      const path = req.url.split('?')[0] ?? '/';
      if (tls && serveTrust(req, res, encrypted, path, tls.trust, tls.port)) return;
      stampHeaders(req, encrypted);
      proxy.web(req, res, {}, () => unreachable(req, res, encrypted));
    } catch (err) {
      // whatever one request does, the front stays up for every other device
      logged(err);
      unreachable(req, res, encrypted);
    }
  };
  const onUpgrade = (encrypted: boolean) => (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    try {
      if (!originForm(req.url)) return refuseUpgrade(socket, INVALID_TARGET);
      if (internalPath(req.url)) return refuseUpgrade(socket, NOT_FOUND);
      if (relay?.upgrade(req, socket, head)) return;
      // on a LAN tracker every signaling socket is the relay's: the tracker's own hub would not see kicks
      if (relay && signalingVariant(req.url, SIGNALING_PATH)) return refuseUpgrade(socket, NOT_FOUND);
      stampHeaders(req, encrypted);
      proxy.ws(req, socket, head, {}, () => socket.destroy());
    } catch (err) {
      logged(err);
      socket.destroy();
    }
  };

  const servers: Server[] = [];
  const plain = createHttpServer(onRequest(false));
  plain.on('upgrade', onUpgrade(false));
  servers.push(plain);
  let secure: Server | undefined;
  if (tls) {
    secure = createHttpsServer({ key: tls.key, cert: tls.cert }, onRequest(true));
    secure.on('upgrade', onUpgrade(true));
    servers.push(secure);
  }
  try {
    await listen(plain, options.httpPort, options.host);
    if (secure && tls) await listen(secure, tls.port, options.host);
  } catch (error) {
    for (const s of servers) s.close();
    await relay?.close();
    throw error;
  }
  return {
    relayUrl: relay?.noticeUrl ?? null,
    close: async () => {
      await relay?.close();
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              s.closeAllConnections();
            }),
        ),
      );
      proxy.close();
      agent.destroy();
    },
  };
}

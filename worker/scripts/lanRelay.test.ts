// The LAN front's signaling relay with real `ws` sockets speaking the PeerJS server protocol, against a
// stand-in tracker (a few lines of node http answering the internal endpoint from a small catalog): the
// one thing isolated here is the tracker, so each rule of the relay can be watched on the wire. The real
// tracker behind the real front is covered by e2e/signaling/conformance.e2e.ts and the load bench.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { RELAY_API_PREFIX, RELAY_SECRET_HEADER } from '../protocol/relayLink.ts';
import { type Front, startFront } from './front.ts';
import { AddressBuckets, addressKey, type LanRelayOptions, MAX_ADDRESSES } from './lanRelay.ts';
import { NOT_ORIGIN_FORM, rawExchange, upgradeRequest } from './rawWire.testkit.ts';

const SECRET = 'x'.repeat(43);
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const id = (n: number) => `peer${'a'.repeat(21)}${'bcdefg'[n]}`;

interface Tracker {
  port: number;
  /** peer id -> rooms */
  rooms: Map<string, string[]>;
  /** peer id -> online since (null: offline), as the relay reported it */
  presence: Map<string, number | null>;
  /** tickets that open each id */
  tickets: Map<string, string>;
  /** each device's credentials (tag), 'k0' unless set; a device missing from `forgotten` exists */
  keyTags: Map<string, string>;
  forgotten: Set<string>;
  secretsSeen: string[];
  /** Times the relay cleared leftover presence. */
  resets: number;
  /** While set, admissions wait for it (admitsWaiting counts the requests held). */
  admitGate: Promise<void> | null;
  admitsWaiting: number;
  /** Presence writes to refuse (500) before taking them again. */
  presenceFailures: number;
}

async function readBody(req: IncomingMessage): Promise<any> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return JSON.parse(text);
}

/** The internal endpoint as the tracker answers it (worker/signaling/internal.ts), from memory. */
async function stubTracker(): Promise<Tracker> {
  const t: Tracker = {
    port: 0,
    rooms: new Map(),
    presence: new Map(),
    tickets: new Map(),
    keyTags: new Map(),
    forgotten: new Set(),
    secretsSeen: [],
    resets: 0,
    admitGate: null,
    admitsWaiting: 0,
    presenceFailures: 0,
  };
  const server: Server = createServer(async (req, res) => {
    t.secretsSeen.push(String(req.headers[RELAY_SECRET_HEADER]));
    const action = (req.url ?? '').slice(RELAY_API_PREFIX.length);
    const body = await readBody(req);
    const json = (v: unknown) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(v));
    if (action === 'admit' && t.admitGate) {
      t.admitsWaiting += 1;
      await t.admitGate;
    }
    if (action === 'presence' && t.presenceFailures > 0) {
      t.presenceFailures -= 1;
      return res.writeHead(500).end();
    }
    if (action === 'admit') {
      // as the real endpoint's schema (worker/protocol/relayLink.ts): one over-long query refuses the batch
      if (body.items.some(({ query }: { query: string }) => query.length > 4096))
        return res.writeHead(400).end();
      return json({
        results: body.items.map(({ query }: { query: string }) => {
          const q = new URLSearchParams(query);
          const peer = q.get('id') ?? '';
          if (t.tickets.get(peer) === q.get('token'))
            return { id: peer, rooms: t.rooms.get(peer) ?? [], keyTag: t.keyTags.get(peer) ?? 'k0' };
          return { type: 'ERROR', msg: 'bad ticket' };
        }),
      });
    }
    if (action === 'presence') {
      return json({
        rooms: body.items.map(({ peer, since }: { peer: string; since: number | null }) => {
          t.presence.set(peer, since);
          return t.rooms.get(peer) ?? [];
        }),
      });
    }
    if (action === 'reset') {
      t.resets += 1;
      return json({ ok: true });
    }
    if (action === 'rooms') {
      return json({ rooms: body.items.map(({ peer }: { peer: string }) => t.rooms.get(peer) ?? []) });
    }
    if (action === 'check') {
      return json({
        devices: body.items.map(({ peer }: { peer: string }) =>
          t.forgotten.has(peer)
            ? null
            : { keyTag: t.keyTags.get(peer) ?? 'k0', rooms: t.rooms.get(peer) ?? [] },
        ),
      });
    }
    if (action === 'share') {
      const a = t.rooms.get(body.a) ?? [];
      return json({ ok: (t.rooms.get(body.b) ?? []).some((r) => a.includes(r)) });
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.port = (server.address() as AddressInfo).port;
  cleanups.push(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });
  return t;
}

type RelaySettings = Omit<LanRelayOptions, 'upstreamPort' | 'secret'>;

async function frontOn(t: Tracker, settings: RelaySettings = {}): Promise<{ port: number; front: Front }> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const front = await startFront({
    host: '127.0.0.1',
    httpPort: port,
    upstreamPort: t.port,
    relay: { secret: SECRET, ...settings },
  });
  cleanups.push(() => front.close());
  return { port, front };
}

interface Client {
  ws: WebSocket;
  next(ms?: number): Promise<any>;
  closed: Promise<{ code: number; reason: string }>;
  send(v: unknown): void;
}

function client(port: number, peer: string, token: string, extra = ''): Client {
  const ws = new WebSocket(
    `ws://127.0.0.1:${port}/peerjs/peerjs?key=peerjs&id=${peer}&token=${token}&version=1.5.5${extra}`,
  );
  const inbox: any[] = [];
  const waiting: ((v: any) => void)[] = [];
  ws.on('message', (data) => {
    const v = JSON.parse(data.toString());
    const w = waiting.shift();
    if (w) w(v);
    else inbox.push(v);
  });
  const closed = new Promise<{ code: number; reason: string }>((r) =>
    ws.on('close', (code, reason) => r({ code, reason: reason.toString() })),
  );
  ws.on('error', () => undefined);
  cleanups.push(() => ws.terminate());
  return {
    ws,
    closed,
    send: (v) => ws.send(typeof v === 'string' ? v : JSON.stringify(v)),
    next: (ms = 3000) =>
      inbox.length > 0
        ? Promise.resolve(inbox.shift())
        : new Promise((resolve, reject) => {
            const take = (v: any) => {
              clearTimeout(timer);
              resolve(v);
            };
            const timer = setTimeout(() => {
              waiting.splice(waiting.indexOf(take), 1);
              reject(new Error('no message'));
            }, ms);
            waiting.push(take);
          }),
  };
}

const candidate = (dst: string, n: number) => ({ type: 'CANDIDATE', dst, payload: { n } });

async function pair(room = 'r1', settings: RelaySettings = {}) {
  const t = await stubTracker();
  const { port, front } = await frontOn(t, settings);
  for (const n of [1, 2, 3]) t.tickets.set(id(n), `t${n}`);
  t.rooms.set(id(1), [room]);
  t.rooms.set(id(2), [room]);
  t.rooms.set(id(3), ['elsewhere']);
  const a = client(port, id(1), 't1');
  const b = client(port, id(2), 't2');
  expect(await a.next()).toEqual({ type: 'OPEN' });
  expect(await b.next()).toEqual({ type: 'OPEN' });
  return { t, port, front, a, b };
}

async function notice(front: Front, path: string, body: unknown, secret = SECRET) {
  return fetch(`${front.relayUrl}/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [RELAY_SECRET_HEADER]: secret },
    body: JSON.stringify(body),
  });
}

describe('the LAN relay in the front', () => {
  it('relays between devices that share a room, in order, and answers heartbeats', async () => {
    const { a, b, t } = await pair();
    for (let i = 0; i < 50; i++) a.send(candidate(id(2), i));
    for (let i = 0; i < 50; i++) expect(await b.next()).toEqual({ ...candidate(id(2), i), src: id(1) });
    a.send({ type: 'HEARTBEAT' });
    expect(await a.next()).toEqual({ type: 'HEARTBEAT' });
    expect(t.presence.get(id(1))).toEqual(expect.any(Number));
    expect(new Set(t.secretsSeen)).toEqual(new Set([SECRET]));
    // leftover presence from a previous run was cleared, once, before the first socket was admitted
    expect(t.resets).toBe(1);
  });

  it('says EXPIRE for a device outside its rooms and for a malformed id, and keeps the socket', async () => {
    const { port, a, b } = await pair();
    const c = client(port, id(3), 't3');
    expect(await c.next()).toEqual({ type: 'OPEN' });
    a.send(candidate(id(3), 1));
    expect(await a.next()).toEqual({ type: 'EXPIRE', src: id(3), dst: id(1) });
    a.send(candidate('not an id', 1));
    expect(await a.next()).toEqual({ type: 'EXPIRE', src: 'not an id', dst: id(1) });
    await expect(c.next(300)).rejects.toThrow('no message');
    a.send(candidate(id(2), 7));
    expect(await b.next()).toMatchObject({ payload: { n: 7 } });
  });

  it('admits an honest device whose upgrade shares an admission batch with an over-long one', async () => {
    const t = await stubTracker();
    const { port } = await frontOn(t);
    t.tickets.set(id(1), 'good');
    t.tickets.set(id(2), 'other');
    // in the same tick, so both go to the tracker in one batch: the long query must not sink the other
    const long = client(port, id(2), 'other', `&pad=${'x'.repeat(6000)}`);
    const honest = client(port, id(1), 'good');
    expect(await honest.next()).toEqual({ type: 'OPEN' });
    expect(await long.next()).toEqual({ type: 'OPEN' });
  });

  it('refuses what the tracker refuses, with one message and 1008', async () => {
    const t = await stubTracker();
    const { port } = await frontOn(t);
    t.tickets.set(id(1), 'good');
    const bad = client(port, id(1), 'wrong');
    expect(await bad.next()).toEqual({ type: 'ERROR', payload: { msg: 'bad ticket' } });
    expect((await bad.closed).code).toBe(1008);
  });

  it('closes a binary frame (1003), a frame too large (1009) and junk (1008)', async () => {
    const { a, b, port } = await pair();
    a.ws.send(Buffer.from([1, 2, 3]));
    expect((await a.closed).code).toBe(1003);
    b.send('x'.repeat(70_000));
    expect((await b.closed).code).toBe(1009);
    const c = client(port, id(1), 't1');
    expect(await c.next()).toEqual({ type: 'OPEN' });
    c.send({ type: 'NOPE' });
    expect((await c.closed).code).toBe(1008);
  });

  it('replaces a device’s socket by its newer one (4000) without LEAVE', async () => {
    const { a, b, port } = await pair();
    a.send(candidate(id(2), 1));
    await b.next();
    const a2 = client(port, id(1), 't1');
    expect(await a2.next()).toEqual({ type: 'OPEN' });
    expect((await a.closed).code).toBe(4000);
    await expect(b.next(300)).rejects.toThrow('no message');
    a2.send(candidate(id(2), 2));
    expect(await b.next()).toMatchObject({ src: id(1), payload: { n: 2 } });
  });

  it('keeps frames for a device that is away and hands them over when it connects', async () => {
    const { a, b, port } = await pair();
    b.ws.close();
    await b.closed;
    a.send(candidate(id(2), 1));
    a.send(candidate(id(2), 2));
    await new Promise((r) => setTimeout(r, 100));
    const b2 = client(port, id(2), 't2');
    expect(await b2.next()).toEqual({ type: 'OPEN' });
    expect(await b2.next()).toMatchObject({ payload: { n: 1 } });
    expect(await b2.next()).toMatchObject({ payload: { n: 2 } });
  });

  it('limits connections per device across reconnects', async () => {
    const t = await stubTracker();
    const { port } = await frontOn(t);
    t.tickets.set(id(1), 't1');
    const answers: string[] = [];
    for (let i = 0; i < 11; i++) {
      const c = client(port, id(1), 't1');
      answers.push((await c.next()).type);
      c.ws.close();
      await c.closed;
    }
    expect(answers.slice(0, 10)).toEqual(Array(10).fill('OPEN'));
    expect(answers[10]).toBe('ERROR');
  });

  it('closes a flood (1008) by the per-device frame budget', async () => {
    const { a } = await pair();
    for (let i = 0; i < 400; i++) a.send({ type: 'HEARTBEAT', n: i });
    expect(await a.closed).toEqual({ code: 1008, reason: 'rate limit exceeded' });
  });

  it('kicks a device at the tracker’s word (4002): its contact hears LEAVE, presence goes offline', async () => {
    const { a, b, front, t } = await pair();
    a.send(candidate(id(2), 1));
    await b.next();
    expect((await notice(front, 'kick', { peer: id(1), reason: 'forgotten' }, 'y'.repeat(43))).status).toBe(
      404,
    );
    expect((await notice(front, 'kick', { peer: id(1), reason: 'forgotten' })).status).toBe(204);
    expect(await a.closed).toEqual({ code: 4002, reason: 'forgotten' });
    expect(await b.next()).toEqual({ type: 'LEAVE', src: id(1), dst: id(2) });
    expect(t.presence.get(id(1))).toBeNull();
  });

  it('on a membership change, contacts no longer in a room together hear LEAVE both ways and stop', async () => {
    const { a, b, front, t } = await pair();
    a.send(candidate(id(2), 1));
    await b.next();
    t.rooms.set(id(2), []);
    expect((await notice(front, 'membership', { peer: id(2) })).status).toBe(204);
    expect(await b.next()).toEqual({ type: 'LEAVE', src: id(1), dst: id(2) });
    expect(await a.next()).toEqual({ type: 'LEAVE', src: id(2), dst: id(1) });
    a.send(candidate(id(2), 2));
    expect(await a.next()).toEqual({ type: 'EXPIRE', src: id(2), dst: id(1) });
  });

  it('rejects notices that are not this run’s, or malformed', async () => {
    const { front } = await pair();
    expect((await notice(front, 'kick', { peer: id(1) })).status).toBe(400);
    expect((await notice(front, 'nothing', {})).status).toBe(404);
    const res = await fetch(`${front.relayUrl}/kick`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
  });

  it('answers 400 to a signaling upgrade whose target is not origin-form, and keeps relaying', async () => {
    const { a, b, port } = await pair();
    for (const target of NOT_ORIGIN_FORM) {
      expect(await rawExchange(port, upgradeRequest(target)), target).toMatch(/^HTTP\/1\.1 400 /);
    }
    a.send(candidate(id(2), 1));
    expect(await b.next()).toMatchObject({ payload: { n: 1 } });
  });

  it('refuses every other spelling of the signaling path instead of passing it to the tracker', async () => {
    // ('/peerjs/./peerjs' is the relay's own: URL parsing resolves the dot segment)
    const { port } = await pair();
    const query = `?key=peerjs&id=${id(4)}&token=t&version=1.5.5`;
    for (const path of ['/peerjs/peerjs/', '/peerjs//peerjs', '/PeerJS/peerjs', '/peerjs']) {
      expect(await rawExchange(port, upgradeRequest(path + query)), path).toMatch(/^HTTP\/1\.1 404 /);
    }
  });

  it('survives an unmasked frame on a refused socket', async () => {
    const { a, b, port } = await pair();
    // a client frame must be masked: ws fails the socket with an 'error' event
    const heard = await rawExchange(
      port,
      upgradeRequest(`/peerjs/peerjs?key=peerjs&id=${id(4)}&token=bogus&version=1.5.5`),
      Buffer.from([0x81, 0x01, 0x41]),
    );
    expect(heard).toMatch(/^HTTP\/1\.1 101 /);
    a.send(candidate(id(2), 1));
    expect(await b.next()).toMatchObject({ payload: { n: 1 } });
  });

  it('answers at most about one HEARTBEAT a second per socket', async () => {
    const { a } = await pair();
    for (let i = 0; i < 30; i++) a.send({ type: 'HEARTBEAT' });
    expect(await a.next()).toEqual({ type: 'HEARTBEAT' });
    await expect(a.next(400)).rejects.toThrow('no message');
    // still open: a heartbeat over the budget is not an offence
    expect(a.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('closes a socket that does not read (4003) instead of buffering for it without bound', async () => {
    const { a, b, t, port } = await pair();
    t.tickets.set(id(0), 't0');
    t.rooms.set(id(0), ['r1']);
    const c = client(port, id(0), 't0');
    expect(await c.next()).toEqual({ type: 'OPEN' });
    a.ws.pause();
    const offer = (n: number) => ({ type: 'OFFER', dst: id(1), payload: { n, sdp: 'v'.repeat(30_000) } });
    // two senders within their budgets: 200 offers of 30 KB, more than the kernel's buffers hold
    for (let n = 0; n < 100; n++) {
      b.send(offer(n));
      c.send(offer(n));
    }
    // the relay has queued what it will queue for a by then
    await new Promise((r) => setTimeout(r, 1500));
    a.ws.resume();
    const closed = await Promise.race([
      a.closed,
      new Promise((r) => setTimeout(() => r('still open'), 5000)),
    ]);
    expect(closed).toMatchObject({ code: 4003 });
  });

  it('reads no frame far past the cap: ws ends it (1009) before the rules see it', async () => {
    const { a, b } = await pair();
    // past the protocol's cap and its margin, under the old 1 MiB: it was read whole, then refused
    a.send(candidate(id(2), 'v'.repeat(200_000) as unknown as number));
    const closed = await a.closed;
    expect(closed.code).toBe(1009);
    expect(closed.reason).not.toContain('frame too large');
    expect(b.ws.readyState).toBe(WebSocket.OPEN);
  });
});

/** Resolves once `check` holds (polled), or fails after `ms`. */
async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const signalingTarget = (n: number, token = `t${n}`) =>
  `/peerjs/peerjs?key=peerjs&id=${id(n)}&token=${token}&version=1.5.5`;

describe('the LAN relay when the tracker’s word is late, lost or slow', () => {
  it('opens nothing for an admission answered before a kick that came meanwhile (finding 5)', async () => {
    const t = await stubTracker();
    const { port, front } = await frontOn(t);
    t.tickets.set(id(1), 't1');
    let release = () => {};
    t.admitGate = new Promise<void>((r) => {
      release = r;
    });
    const c = client(port, id(1), 't1');
    await until(() => t.admitsWaiting > 0);
    // the catalog said yes; then the device's secret changed and the tracker told the front
    expect(
      (await notice(front, 'kick', { peer: id(1), reason: 'the device changed its secret' })).status,
    ).toBe(204);
    release();
    expect(await c.next()).toMatchObject({
      type: 'ERROR',
      payload: { msg: expect.stringMatching(/signed out/) },
    });
    expect((await c.closed).code).toBe(1008);
    t.admitGate = null;
    const fresh = client(port, id(1), 't1');
    expect(await fresh.next()).toEqual({ type: 'OPEN' });
  });

  it('reads rooms again each sweep: a membership notice that never came leaves no stale "yes" (finding 6)', async () => {
    const { a, b, t } = await pair('r1', { sweepMs: 200 });
    a.send(candidate(id(2), 1));
    await b.next();
    // b was removed from the room; the notice to the front was lost
    t.rooms.set(id(2), []);
    expect(await b.next(3000)).toEqual({ type: 'LEAVE', src: id(1), dst: id(2) });
    expect(await a.next(3000)).toEqual({ type: 'LEAVE', src: id(2), dst: id(1) });
    a.send(candidate(id(2), 2));
    expect(await a.next()).toEqual({ type: 'EXPIRE', src: id(2), dst: id(1) });
  });

  it('closes, by the next sweep, a device whose kick never arrived: secret changed or forgotten (finding 5)', async () => {
    const { a, b, t } = await pair('r1', { sweepMs: 200 });
    a.send(candidate(id(2), 1));
    await b.next();
    // a's secret changed and b was forgotten; neither notice reached the front
    t.keyTags.set(id(1), 'k1');
    t.forgotten.add(id(2));
    expect(await a.closed).toEqual({ code: 4002, reason: 'the device changed its secret' });
    expect(await b.closed).toEqual({ code: 4002, reason: 'the tracker forgot this device' });
  });

  it('writes "online" again when the tracker failed to take it (finding 14)', async () => {
    const t = await stubTracker();
    t.presenceFailures = 1;
    const { port } = await frontOn(t, { sweepMs: 200 });
    t.tickets.set(id(1), 't1');
    const c = client(port, id(1), 't1');
    expect(await c.next()).toEqual({ type: 'OPEN' });
    await until(() => typeof t.presence.get(id(1)) === 'number');
  });

  it('cuts a kick reason to 123 bytes instead of failing the close (finding 13)', async () => {
    const { a, front } = await pair();
    // 120 characters, as the notice allows, but 360 bytes
    expect((await notice(front, 'kick', { peer: id(1), reason: '€'.repeat(120) })).status).toBe(204);
    expect(await a.closed).toEqual({ code: 4002, reason: '€'.repeat(41) });
  });

  it('limits upgrades per address before asking the tracker (429) (finding 7)', async () => {
    const t = await stubTracker();
    const { port } = await frontOn(t, { perAddress: { burst: 3, perSecond: 0.01 } });
    t.tickets.set(id(1), 't1');
    const heard: string[] = [];
    for (let i = 0; i < 4; i++)
      heard.push((await rawExchange(port, upgradeRequest(signalingTarget(1)))).slice(0, 12));
    expect(heard).toEqual(['HTTP/1.1 101', 'HTTP/1.1 101', 'HTTP/1.1 101', 'HTTP/1.1 429']);
  });

  it('caps upgrades waiting for admission (503) and gives up on a tracker that does not answer (502) (finding 7)', async () => {
    const t = await stubTracker();
    t.admitGate = new Promise<void>(() => {});
    const { port } = await frontOn(t, { maxInFlight: 2, trackerTimeoutMs: 700 });
    const held = [1, 2].map((n) => rawExchange(port, upgradeRequest(signalingTarget(n)), undefined, 3000));
    await until(() => t.admitsWaiting > 0);
    expect(await rawExchange(port, upgradeRequest(signalingTarget(3)))).toMatch(/^HTTP\/1\.1 503 /);
    for (const h of held) expect(await h).toMatch(/^HTTP\/1\.1 502 /);
    // the slots are free again
    t.admitGate = null;
    t.tickets.set(id(1), 't1');
    const c = client(port, id(1), 't1');
    expect(await c.next()).toEqual({ type: 'OPEN' });
  });
});

describe('upgrade buckets per client (review s4: one host has a whole IPv6 /64)', () => {
  it('keys a client by its IPv4 address or its IPv6 /64', () => {
    expect(addressKey('10.0.0.2')).toBe('10.0.0.2');
    expect(addressKey('::ffff:10.0.0.2')).toBe('10.0.0.2');
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0db8:0001:0002:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });

  it('one bucket for every address of a /64, and one shared bucket past MAX_ADDRESSES clients', () => {
    const buckets = new AddressBuckets({ burst: 1, perSecond: 0 });
    expect(buckets.take('2001:db8:1:2::1', 0)).toBe(true);
    expect(buckets.take('2001:db8:1:2::2', 0)).toBe(false);
    expect(buckets.take('2001:db8:1:3::1', 0)).toBe(true);
    for (let n = 2; n < MAX_ADDRESSES; n++) buckets.take(`10.${n >> 16}.${(n >> 8) & 255}.${n & 255}`, 0);
    expect(buckets.take('192.168.0.1', 0)).toBe(true);
    expect(buckets.take('192.168.0.2', 0)).toBe(false);
  });
});

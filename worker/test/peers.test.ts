import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, newPeer } from './helpers.ts';

describe('POST /api/peers', () => {
  it('registers a device with a server-issued id, a secret and a friendly name', async () => {
    const res = await call('POST', '/api/peers');
    expect(res.status).toBe(201);
    expect(res.json.peerId).toMatch(/^[a-z2-7]{26}$/);
    // the peerjs client's own id check
    expect(res.json.peerId).toMatch(/^[A-Za-z0-9]+(?:[ _-][A-Za-z0-9]+)*$/);
    expect(res.json.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(res.json.name).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
  });

  it('accepts a chosen name, cleaned of control characters', async () => {
    const res = await call('POST', '/api/peers', { body: { name: '  Ada\u0007 \u202eLaptop ' } });
    expect(res.status).toBe(201);
    expect(res.json.name).toBe('Ada Laptop');
  });

  it('stores only a hash of the secret', async () => {
    const peer = await newPeer();
    const row = await env.DB.prepare('SELECT * FROM peers WHERE id = ?1').bind(peer.peerId).first();
    expect(JSON.stringify(row)).not.toContain(peer.secret);
    expect(row?.secret_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('issues distinct identities', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 20; i++) ids.add((await newPeer()).peerId);
    expect(ids.size).toBe(20);
  });

  it('rate-limits creation per client address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 35; i++) {
      statuses.push(
        (await call('POST', '/api/peers', { headers: { 'cf-connecting-ip': '203.0.113.9' } })).status,
      );
    }
    expect(statuses.slice(0, 30).every((s) => s === 201)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    const limited = await call('POST', '/api/peers', { headers: { 'cf-connecting-ip': '203.0.113.9' } });
    expect(limited.json.error.code).toBe('rate_limited');
  });
});

describe('/api/peers/me', () => {
  it('reads and renames the device', async () => {
    const peer = await newPeer();
    const me = await call('GET', '/api/peers/me', { secret: peer.secret });
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ peerId: peer.peerId, name: peer.name });
    const renamed = await call('PATCH', '/api/peers/me', {
      secret: peer.secret,
      body: { name: 'Kitchen iPad' },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.json.name).toBe('Kitchen iPad');
    expect((await call('GET', '/api/peers/me', { secret: peer.secret })).json.name).toBe('Kitchen iPad');
  });

  it.each([
    ['no header', {}],
    ['a malformed header', { headers: { authorization: 'Basic abc' } }],
    ['an unknown secret', { secret: 'A'.repeat(43) }],
    ['a secret of the wrong shape', { secret: 'short' }],
  ])('is 401 with %s', async (_label, options) => {
    const res = await call('GET', '/api/peers/me', options);
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe('unauthorized');
  });

  it('rejects empty and over-long names', async () => {
    const peer = await newPeer();
    for (const name of ['', '   ', '\u0000\u0001', 'x'.repeat(41), 42]) {
      const res = await call('PATCH', '/api/peers/me', { secret: peer.secret, body: { name } });
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe('invalid_body');
    }
  });
});

describe('POST /api/peers/me/ticket', () => {
  it('issues a short-lived ticket stored only as a hash', async () => {
    const peer = await newPeer();
    const before = Date.now();
    const res = await call('POST', '/api/peers/me/ticket', { secret: peer.secret });
    expect(res.status).toBe(201);
    expect(res.json.ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(res.json.ticket).not.toBe(peer.secret);
    expect(res.json.expiresAt).toBeGreaterThan(before);
    expect(res.json.expiresAt).toBeLessThanOrEqual(Date.now() + 5 * 60 * 1000);
    const rows = await env.DB.prepare('SELECT hash FROM tickets WHERE peer_id = ?1').bind(peer.peerId).all();
    expect(rows.results).toHaveLength(1);
    expect(JSON.stringify(rows.results)).not.toContain(res.json.ticket);
  });

  it('needs the secret', async () => {
    expect((await call('POST', '/api/peers/me/ticket')).status).toBe(401);
  });
});

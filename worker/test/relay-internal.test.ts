// The tracker's internal endpoint for a LAN front's relay: answered only in lan mode with this run's
// secret (404 otherwise, exactly like an address that does not exist), and its answers are the catalog's.
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { Env } from '../env.ts';
import worker from '../index.ts';
import { sha256Hex } from '../lib/crypto.ts';
import { keyTag } from '../lib/tickets.ts';
import { RELAY_API_PREFIX, RELAY_SECRET_HEADER } from '../protocol/relayLink.ts';
import { call, join, newPeer, newRoom } from './helpers.ts';

const SECRET = 'k'.repeat(43);

async function internal(action: string, body: unknown, secret: string | null, overrides: Partial<Env> = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (secret !== null) headers[RELAY_SECRET_HEADER] = secret;
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`http://tracker.test${RELAY_API_PREFIX}${action}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    }),
    { ...env, TRACKER_MODE: 'lan', LAN_RELAY_SECRET: SECRET, ...overrides },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: tests read the JSON they assert on
  return { status: res.status, json: (text ? JSON.parse(text) : null) as any };
}

async function ticketOf(secret: string): Promise<string> {
  return (await call('POST', '/api/peers/me/ticket', { secret })).json.ticket;
}

describe('internal relay endpoint', () => {
  it('is not there for a deployed tracker, without the secret, with a wrong one, or with none set', async () => {
    const body = { items: [{ peer: 'a'.repeat(26) }] };
    expect((await internal('rooms', body, SECRET, { TRACKER_MODE: 'deployed' })).status).toBe(404);
    expect((await internal('rooms', body, null)).status).toBe(404);
    expect((await internal('rooms', body, 'j'.repeat(43))).status).toBe(404);
    expect((await internal('rooms', body, SECRET.slice(1))).status).toBe(404);
    expect((await internal('rooms', body, '', { LAN_RELAY_SECRET: '' })).status).toBe(404);
    const missing = await internal('nothing', body, SECRET);
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('not_found');
    expect((await internal('rooms', body, SECRET)).status).toBe(200);
  });

  it('admits a socket with its own ticket only, as the Worker would', async () => {
    const a = await newPeer();
    const b = await newPeer();
    const ticket = await ticketOf(a.secret);
    const q = (id: string, token: string, key = 'peerjs') => ({
      query: `?key=${key}&id=${id}&token=${token}`,
    });
    const res = await internal(
      'admit',
      { items: [q(a.peerId, ticket), q(b.peerId, ticket), q(a.peerId, ticket, 'x')] },
      SECRET,
    );
    expect(res.status).toBe(200);
    expect(res.json.results[0]).toEqual({
      id: a.peerId,
      rooms: [],
      keyTag: keyTag(await sha256Hex(a.secret)),
    });
    expect(res.json.results[1]).toMatchObject({ type: 'ERROR' });
    expect(res.json.results[2]).toMatchObject({ type: 'INVALID-KEY' });
  });

  it('writes presence and answers rooms and shared rooms from the catalog', async () => {
    const a = await newPeer();
    const b = await newPeer();
    const c = await newPeer();
    const roomId = await newRoom(a.secret);
    await join(roomId, b.secret);
    const presence = await internal(
      'presence',
      {
        items: [
          { peer: a.peerId, since: Date.now() },
          { peer: c.peerId, since: Date.now() },
        ],
      },
      SECRET,
    );
    expect(presence.json.rooms).toEqual([[roomId], []]);
    const me = await call('GET', `/api/rooms/${roomId}`, { secret: b.secret });
    const online = (me.json.members as { peerId: string; online: boolean }[]).find(
      (m) => m.peerId === a.peerId,
    );
    expect(online?.online).toBe(true);
    await internal('presence', { items: [{ peer: a.peerId, since: null }] }, SECRET);
    const after = await call('GET', `/api/rooms/${roomId}`, { secret: b.secret });
    expect(
      (after.json.members as { peerId: string; online: boolean }[]).find((m) => m.peerId === a.peerId)
        ?.online,
    ).toBe(false);
    expect(
      (await internal('rooms', { items: [{ peer: b.peerId }, { peer: c.peerId }] }, SECRET)).json,
    ).toEqual({
      rooms: [[roomId], []],
    });
    expect(
      (
        await internal(
          'check',
          { items: [{ peer: b.peerId }, { peer: c.peerId }, { peer: 'z'.repeat(26) }] },
          SECRET,
        )
      ).json,
    ).toEqual({
      devices: [
        { keyTag: keyTag(await sha256Hex(b.secret)), rooms: [roomId] },
        { keyTag: keyTag(await sha256Hex(c.secret)), rooms: [] },
        null,
      ],
    });
    expect((await internal('share', { a: a.peerId, b: b.peerId }, SECRET)).json).toEqual({ ok: true });
    expect((await internal('share', { a: a.peerId, b: c.peerId }, SECRET)).json).toEqual({ ok: false });
  });

  it('reset: every device offline (a LAN front starts with no socket open)', async () => {
    const a = await newPeer();
    const b = await newPeer();
    const roomId = await newRoom(a.secret);
    await join(roomId, b.secret);
    await internal('presence', { items: [{ peer: a.peerId, since: Date.now() }] }, SECRET);
    expect((await internal('reset', {}, SECRET)).json).toEqual({ ok: true });
    const room = await call('GET', `/api/rooms/${roomId}`, { secret: b.secret });
    expect((room.json.members as { peerId: string; online: boolean }[]).every((m) => !m.online)).toBe(true);
  });

  it('answers a malformed body with a stable 400, never a 500', async () => {
    const res = await internal('presence', { items: [{ peer: 7 }] }, SECRET);
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('invalid_body');
  });
});

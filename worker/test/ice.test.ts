// ICE servers from configuration: none on a LAN tracker, STUN for everyone on a deployed one, TURN
// credentials minted per device and only for an authenticated device (coturn REST convention, or
// Cloudflare's TURN API with fetch mocked: the one thing isolated here). Nothing contacts a STUN/TURN
// server or Cloudflare.
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { Env } from '../env.ts';
import worker from '../index.ts';
import { coturnCredential, type IceEnv, iceConfig, parseUrls, ttlSeconds } from '../lib/ice.ts';
import type { ConfigResponse } from '../protocol/api.ts';
import { newPeer } from './helpers.ts';

const PEER = 'abcdefghijklmnopqrstuvwxyz';
const NOW = 1_795_950_000_000;

const deployed: IceEnv = {
  TRACKER_MODE: 'deployed',
  STUN_URLS: 'stun:stun.example.net:3478',
  TURN_URLS: '',
  TURN_TTL_SECONDS: '3600',
  CF_TURN_KEY_ID: '',
};
const coturn: IceEnv = {
  ...deployed,
  TURN_URLS: 'turn:turn.example.net:3478?transport=udp, turns:turn.example.net:5349?transport=tcp',
  TURN_SECRET: 'north-secret',
};
const cloudflare: IceEnv = { ...deployed, CF_TURN_KEY_ID: 'key-1', CF_TURN_API_TOKEN: 'token-1' };

const neverFetch = (() => {
  throw new Error('no network in tests');
}) as unknown as typeof fetch;

describe('coturn REST credentials', () => {
  it('are base64(HMAC-SHA1(secret, "<expiry>:<peerId>"))', async () => {
    // expected value computed independently with Python's hmac module
    expect(await coturnCredential('north-secret', PEER, 1_800_000_000)).toEqual({
      username: `1800000000:${PEER}`,
      credential: '9ToajEolFRnzFGUtWQhSARNdnL4=',
    });
  });

  it('differ per device and per expiry', async () => {
    const a = await coturnCredential('s', 'a'.repeat(26), 100);
    const b = await coturnCredential('s', 'b'.repeat(26), 100);
    const c = await coturnCredential('s', 'a'.repeat(26), 101);
    expect(new Set([a.credential, b.credential, c.credential]).size).toBe(3);
  });
});

describe('iceConfig', () => {
  it('gives a LAN tracker no servers at all, whatever is configured', async () => {
    expect(await iceConfig({ ...coturn, TRACKER_MODE: 'lan' }, PEER, NOW, neverFetch)).toEqual({
      iceServers: [],
      expiresAt: null,
    });
  });

  it('gives anyone the configured STUN servers and no credentials', async () => {
    expect(await iceConfig(coturn, null, NOW, neverFetch)).toEqual({
      iceServers: [{ urls: ['stun:stun.example.net:3478'] }],
      expiresAt: null,
    });
  });

  it('mints short-lived coturn credentials for an authenticated device', async () => {
    const config = await iceConfig(coturn, PEER, NOW, neverFetch);
    const expiry = Math.floor(NOW / 1000) + 3600;
    expect(config.expiresAt).toBe(expiry * 1000);
    expect(config.iceServers).toEqual([
      { urls: ['stun:stun.example.net:3478'] },
      {
        urls: ['turn:turn.example.net:3478?transport=udp', 'turns:turn.example.net:5349?transport=tcp'],
        ...(await coturnCredential('north-secret', PEER, expiry)),
      },
    ]);
  });

  it('offers no TURN without its secret, and ignores URLs of other schemes', async () => {
    expect(
      (await iceConfig({ ...coturn, TURN_SECRET: undefined }, PEER, NOW, neverFetch)).iceServers,
    ).toEqual([{ urls: ['stun:stun.example.net:3478'] }]);
    expect(parseUrls('turn:a, https://evil, stun:b  turns:c', ['turn', 'turns'])).toEqual([
      'turn:a',
      'turns:c',
    ]);
  });

  it('keeps the lifetime within a minute and two days', () => {
    expect([
      ttlSeconds('3600'),
      ttlSeconds('5'),
      ttlSeconds('999999'),
      ttlSeconds('x'),
      ttlSeconds(undefined),
    ]).toEqual([3600, 14400, 14400, 14400, 14400]);
  });

  it('asks Cloudflare for TURN servers with the key, the token and the lifetime', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    const fake = (async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return Response.json(
        {
          iceServers: [
            { urls: ['stun:stun.cloudflare.com:3478', 'stun:stun.cloudflare.com:53'] },
            {
              urls: [
                'turn:turn.cloudflare.com:3478?transport=udp',
                'turn:turn.cloudflare.com:53?transport=udp',
              ],
              username: 'u1',
              credential: 'c1',
            },
          ],
        },
        { status: 201 },
      );
    }) as unknown as typeof fetch;
    const config = await iceConfig(cloudflare, PEER, NOW, fake);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe(
      'https://rtc.live.cloudflare.com/v1/turn/keys/key-1/credentials/generate-ice-servers',
    );
    expect(calls[0]?.init.method).toBe('POST');
    expect(new Headers(calls[0]?.init.headers).get('authorization')).toBe('Bearer token-1');
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual({ ttl: 3600 });
    // port 53 dropped: browsers block it or time out on it
    expect(config.iceServers).toEqual([
      { urls: ['stun:stun.cloudflare.com:3478'] },
      { urls: ['turn:turn.cloudflare.com:3478?transport=udp'], username: 'u1', credential: 'c1' },
    ]);
    expect(config.expiresAt).toBe((Math.floor(NOW / 1000) + 3600) * 1000);
  });

  it('falls back to STUN when Cloudflare fails or answers nonsense, never to a stale credential', async () => {
    const failing = (async () => new Response('no', { status: 500 })) as unknown as typeof fetch;
    const nonsense = (async () =>
      Response.json({ iceServers: [{ urls: 5 }] }, { status: 201 })) as unknown as typeof fetch;
    const offline = (async () => {
      throw new TypeError('network down');
    }) as unknown as typeof fetch;
    for (const f of [failing, nonsense, offline]) {
      expect(await iceConfig(cloudflare, PEER, NOW, f)).toEqual({
        iceServers: [{ urls: ['stun:stun.example.net:3478'] }],
        expiresAt: null,
      });
    }
  });
});

async function config(overrides: Partial<Env>, secret?: string): Promise<ConfigResponse> {
  const ctx = createExecutionContext();
  const headers: Record<string, string> = { 'cf-connecting-ip': '198.51.100.200' };
  if (secret) headers.authorization = `Bearer ${secret}`;
  const res = await worker.fetch(
    new Request('https://tracker.test/api/config', { headers }),
    { ...env, ...overrides },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toContain('no-store');
  return res.json();
}

describe('GET /api/config', () => {
  const withTurn = { TURN_URLS: 'turn:turn.example.net:3478', TURN_SECRET: 'north-secret' };

  it('gives TURN credentials only to an authenticated device', async () => {
    const peer = await newPeer();
    const anonymous = await config(withTurn);
    expect(JSON.stringify(anonymous)).not.toMatch(/username|credential/);
    expect(anonymous.iceExpiresAt).toBeNull();
    const forged = await config(withTurn, 'x'.repeat(43));
    expect(JSON.stringify(forged)).not.toMatch(/username|credential/);

    const device = await config(withTurn, peer.secret);
    const turn = device.iceServers.find((s) => s.username);
    expect(turn?.username).toMatch(new RegExp(`^\\d+:${peer.peerId}$`));
    expect(turn?.credential).toBe(
      (await coturnCredential('north-secret', peer.peerId, Number(turn?.username?.split(':')[0]))).credential,
    );
    expect(device.iceExpiresAt).toBe(Number(turn?.username?.split(':')[0]) * 1000);
  });

  it('names the STUN servers of wrangler.toml on a deployed tracker, and none on a LAN tracker', async () => {
    expect((await config({})).iceServers).toEqual([{ urls: ['stun:stun.cloudflare.com:3478'] }]);
    expect((await config({ TRACKER_MODE: 'lan' })).iceServers).toEqual([]);
  });

  it('says whether there is a lobby, and where HTTPS is on a LAN tracker', async () => {
    expect(await config({})).toMatchObject({ lobby: false, https: null });
    expect(await config({ LOBBY: 'on' })).toMatchObject({ lobby: true });
    expect(await config({ TRACKER_MODE: 'lan' })).toMatchObject({ lobby: true, https: null });
    expect(await config({ TRACKER_MODE: 'lan', LOBBY: 'off' })).toMatchObject({ lobby: false });
    expect(await config({ TRACKER_MODE: 'lan', LAN_HTTPS_PORT: '8443' })).toMatchObject({
      https: { port: 8443, trustPath: '/trust' },
    });
    // only a LAN tracker has a front with a trust page
    expect(await config({ LAN_HTTPS_PORT: '8443' })).toMatchObject({ https: null });
  });
});

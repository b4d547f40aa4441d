// ICE servers for the PWA, from configuration only (wrangler.toml vars and secrets, never code):
// - a LAN tracker: none. Devices on one network connect with host candidates, and a laptop on a LAN
//   may have no internet at all.
// - a deployed tracker: the public STUN servers in STUN_URLS; TURN only when configured, and then
//   only for an authenticated device, with credentials minted for it that expire (never a static
//   password shipped to clients). Two ways:
//   * coturn's REST convention (`use-auth-secret`): username `<expiry>:<peerId>`, credential
//     base64(HMAC-SHA1(TURN_SECRET, username)), for the servers in TURN_URLS;
//   * Cloudflare's TURN service: the Worker asks its credentials API (CF_TURN_KEY_ID, secret
//     CF_TURN_API_TOKEN) for servers and credentials of the same lifetime.
import type { Env } from '../env.ts';
import type { IceServer } from '../protocol/api.ts';

export type IceEnv = Pick<
  Env,
  | 'TRACKER_MODE'
  | 'STUN_URLS'
  | 'TURN_URLS'
  | 'TURN_TTL_SECONDS'
  | 'TURN_SECRET'
  | 'CF_TURN_KEY_ID'
  | 'CF_TURN_API_TOKEN'
>;

export interface IceConfig {
  iceServers: IceServer[];
  /** When minted TURN credentials stop working (ms since epoch); null when there are none. */
  expiresAt: number | null;
}

const DEFAULT_TTL_SECONDS = 4 * 60 * 60;
const CLOUDFLARE_API = 'https://rtc.live.cloudflare.com/v1/turn/keys';

/** A comma- or space-separated list of stun:/turn:/turns: URLs; anything else is dropped. */
export function parseUrls(raw: string | undefined, schemes: readonly string[]): string[] {
  return (raw ?? '')
    .split(/[\s,]+/)
    .map((u) => u.trim())
    .filter((u) => u !== '' && schemes.some((s) => u.startsWith(`${s}:`)));
}

export function ttlSeconds(raw: string | undefined): number {
  const n = Number(raw);
  // between a minute and two days (Cloudflare's own ceiling for TURN credentials is 48 hours)
  return Number.isInteger(n) && n >= 60 && n <= 172_800 ? n : DEFAULT_TTL_SECONDS;
}

function base64(bytes: ArrayBuffer): string {
  return btoa(String.fromCharCode(...new Uint8Array(bytes)));
}

/** coturn REST credentials: valid until `expiry` (seconds), bound to the device in the username. */
export async function coturnCredential(
  secret: string,
  peerId: string,
  expirySeconds: number,
): Promise<{ username: string; credential: string }> {
  const username = `${expirySeconds}:${peerId}`;
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-1' },
    false,
    ['sign'],
  );
  const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(username));
  return { username, credential: base64(mac) };
}

function isIceServer(value: unknown): value is IceServer {
  const s = value as IceServer | null;
  const urls = s?.urls;
  const okUrls =
    typeof urls === 'string' || (Array.isArray(urls) && urls.every((u: unknown) => typeof u === 'string'));
  return (
    okUrls &&
    (s?.username === undefined || typeof s.username === 'string') &&
    (s?.credential === undefined || typeof s.credential === 'string')
  );
}

/**
 * Cloudflare's TURN credentials API. Port 53 URLs are dropped: browsers block or time out on them
 * (Cloudflare's own advice).
 */
export async function cloudflareIceServers(
  keyId: string,
  apiToken: string,
  ttl: number,
  fetchImpl: typeof fetch,
): Promise<IceServer[]> {
  const res = await fetchImpl(
    `${CLOUDFLARE_API}/${encodeURIComponent(keyId)}/credentials/generate-ice-servers`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ttl }),
    },
  );
  if (!res.ok) throw new Error(`Cloudflare TURN answered ${res.status}`);
  const body = (await res.json()) as { iceServers?: unknown };
  const list = Array.isArray(body.iceServers) ? body.iceServers : [body.iceServers];
  if (!list.every(isIceServer)) throw new Error('Cloudflare TURN sent an unexpected answer');
  return list
    .map((s) => {
      const urls = (Array.isArray(s.urls) ? s.urls : [s.urls]).filter((u) => !/:53(\?|$)/.test(u));
      return { ...s, urls };
    })
    .filter((s) => s.urls.length > 0);
}

/** The ICE servers for one request: `peerId` is the authenticated device, or null for anyone else. */
export async function iceConfig(
  env: IceEnv,
  peerId: string | null,
  now: number,
  fetchImpl: typeof fetch = fetch,
): Promise<IceConfig> {
  if (env.TRACKER_MODE === 'lan') return { iceServers: [], expiresAt: null };
  const stun = parseUrls(env.STUN_URLS, ['stun']);
  const iceServers: IceServer[] = stun.length ? [{ urls: stun }] : [];
  if (peerId === null) return { iceServers, expiresAt: null };
  const ttl = ttlSeconds(env.TURN_TTL_SECONDS);
  const expiry = Math.floor(now / 1000) + ttl;
  if (env.CF_TURN_KEY_ID && env.CF_TURN_API_TOKEN) {
    try {
      const servers = await cloudflareIceServers(env.CF_TURN_KEY_ID, env.CF_TURN_API_TOKEN, ttl, fetchImpl);
      // Cloudflare's answer carries its own STUN entry; ours would only repeat it
      return { iceServers: servers, expiresAt: expiry * 1000 };
    } catch (error) {
      // no relay this time: direct connections still work for most devices
      console.error('TURN credentials unavailable', error);
      return { iceServers, expiresAt: null };
    }
  }
  const turn = parseUrls(env.TURN_URLS, ['turn', 'turns']);
  if (turn.length && env.TURN_SECRET) {
    const { username, credential } = await coturnCredential(env.TURN_SECRET, peerId, expiry);
    return { iceServers: [...iceServers, { urls: turn, username, credential }], expiresAt: expiry * 1000 };
  }
  return { iceServers, expiresAt: null };
}

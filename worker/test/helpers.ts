// Test helpers: talk to the worker through its real fetch handler, as a client would.
import { createExecutionContext, env, SELF, waitOnExecutionContext } from 'cloudflare:test';
import type { Env } from '../env.ts';
import worker from '../index.ts';
import type { CreatePeerResponse, ShareFileInput } from '../protocol/api.ts';

const ORIGIN = 'http://tracker.test';
let ipCounter = 0;

/** Each call looks like a different client address, so the per-address creation limit stays out of the way. */
export function freshIp(): string {
  ipCounter += 1;
  return `198.51.${(ipCounter >> 8) & 255}.${ipCounter & 255}`;
}

export interface CallOptions {
  body?: unknown;
  secret?: string;
  headers?: Record<string, string>;
  rawBody?: BodyInit;
}

export async function call(method: string, path: string, options: CallOptions = {}) {
  const headers: Record<string, string> = { 'cf-connecting-ip': freshIp(), ...options.headers };
  if (options.secret) headers.authorization = `Bearer ${options.secret}`;
  let body: BodyInit | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await SELF.fetch(`${ORIGIN}${path}`, { method, headers, body });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  // biome-ignore lint/suspicious/noExplicitAny: tests read the JSON they assert on
  return { status: response.status, json: json as any, headers: response.headers };
}

export async function newPeer(name?: string): Promise<CreatePeerResponse> {
  const res = await call('POST', '/api/peers', name === undefined ? {} : { body: { name } });
  if (res.status !== 201) throw new Error(`peer creation failed: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json;
}

const invites = new Map<string, string>();

/** The invite of a room a test made (what its link's fragment carries). */
export const inviteOf = (roomId: string): string => invites.get(roomId) ?? '';

export async function newRoom(secret: string): Promise<string> {
  const res = await call('POST', '/api/rooms', { secret });
  if (res.status !== 201) throw new Error(`room creation failed: ${res.status}`);
  invites.set(res.json.roomId, res.json.invite);
  return res.json.roomId;
}

/** Joins with the room's current invite, as opening its link does. */
export function join(roomId: string, secret: string, invite = inviteOf(roomId)) {
  return call('POST', `/api/rooms/${roomId}/members`, { secret, body: { invite } });
}

/** After a rotation: the invite a test should join with from now on. */
export function setInvite(roomId: string, invite: string) {
  invites.set(roomId, invite);
}

/** A syntactically valid content id derived from a seed. */
export function contentId(seed: number): string {
  return seed.toString(16).padStart(64, '0');
}

export function file(seed: number, overrides: Partial<ShareFileInput> = {}): ShareFileInput {
  return {
    contentId: contentId(seed),
    size: 1000 + seed,
    name: `file-${seed}.bin`,
    type: 'application/octet-stream',
    chunkSize: 1 << 20,
    ...overrides,
  };
}

/** A call to the worker as a LAN tracker runs it (`overrides` on top), whatever this test project's vars. */
export async function lanCall(
  method: string,
  path: string,
  secret?: string,
  overrides: Partial<Env> = {},
  body?: unknown,
) {
  const headers: Record<string, string> = { 'cf-connecting-ip': freshIp() };
  if (secret) headers.authorization = `Bearer ${secret}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`http://tracker.test${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
    { ...env, TRACKER_MODE: 'lan', ...overrides },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: tests read the JSON they assert on
  return { status: res.status, json: (text ? JSON.parse(text) : null) as any };
}

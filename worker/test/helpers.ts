// Test helpers: talk to the worker through its real fetch handler, as a client would.
import { SELF } from 'cloudflare:test';
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

export async function newRoom(secret: string): Promise<string> {
  const res = await call('POST', '/api/rooms', { secret });
  if (res.status !== 201) throw new Error(`room creation failed: ${res.status}`);
  return res.json.roomId;
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

// Typed client for the tracker's HTTP API (the table in README.md). Every failure becomes an ApiError
// with a stable code and plain words; "cannot reach the tracker" is its own code, `offline`, and flips
// the shared reachability flag that the status bar and the retry loops watch.
import type {
  ConfigResponse,
  CreatePeerResponse,
  CreateRoomResponse,
  CreateSharesResponse,
  InviteResponse,
  ListFilesResponse,
  LobbyResponse,
  PeerResponse,
  RoomFile,
  RoomResponse,
  SecretResponse,
  ShareFileInput,
  TicketResponse,
} from '../../../worker/protocol/api.ts';
import { ERROR_CODES, type ErrorCode } from '../../../worker/protocol/errors.ts';
import { LIMITS } from '../../../worker/protocol/limits.ts';
import { type ClientErrorCode, wordsFor } from './errorWords.ts';
import { Observable } from './observable.ts';

export class ApiError extends Error {
  readonly code: ClientErrorCode;
  readonly status: number;
  /** The tracker's own message, when it sent one. */
  readonly detail: string;

  constructor(code: ClientErrorCode, status: number, detail = '') {
    super(wordsFor(code));
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.detail = detail;
  }
}

export const isOffline = (e: unknown): boolean => e instanceof ApiError && e.code === 'offline';

export type Reachability = 'unknown' | 'reachable' | 'unreachable';

export interface ApiOptions {
  base?: string;
  getSecret: () => string | undefined;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export class TrackerApi {
  /** Whether the last request reached the tracker. */
  readonly reachability = new Observable<Reachability>('unknown');
  private readonly fetchImpl: typeof fetch;
  private readonly options: ApiOptions;

  constructor(options: ApiOptions) {
    this.options = options;
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  }

  health = () => this.call<{ ok: boolean; time: number }>('GET', '/api/health', undefined, false);
  // with the device's secret when it has one: TURN credentials are minted for registered devices only
  config = () => this.call<ConfigResponse>('GET', '/api/config', undefined, 'optional');
  createPeer = (name?: string) =>
    this.call<CreatePeerResponse>('POST', '/api/peers', name ? { name } : {}, false);
  me = () => this.call<PeerResponse>('GET', '/api/peers/me');
  rename = (name: string) => this.call<PeerResponse>('PATCH', '/api/peers/me', { name });
  ticket = () => this.call<TicketResponse>('POST', '/api/peers/me/ticket');
  createRoom = () => this.call<CreateRoomResponse>('POST', '/api/rooms');
  getRoom = (roomId: string) => this.call<RoomResponse>('GET', `/api/rooms/${enc(roomId)}`);
  joinLobby = () => this.call<LobbyResponse>('POST', '/api/lobby');
  joinRoom = (roomId: string, invite?: string) =>
    this.call<{ roomId: string; joined: boolean }>(
      'POST',
      `/api/rooms/${enc(roomId)}/members`,
      invite ? { invite } : {},
    );
  removeMember = (roomId: string, peerId: string) =>
    this.call<null>('DELETE', `/api/rooms/${enc(roomId)}/members/${enc(peerId)}`);
  rotateInvite = (roomId: string) => this.call<InviteResponse>('POST', `/api/rooms/${enc(roomId)}/invite`);
  rotateSecret = () => this.call<SecretResponse>('POST', '/api/peers/me/secret');
  forgetMe = () => this.call<null>('DELETE', '/api/peers/me');
  leaveRoom = (roomId: string) => this.call<null>('DELETE', `/api/rooms/${enc(roomId)}/members/me`);
  createShares = (roomId: string, files: ShareFileInput[]) =>
    this.call<CreateSharesResponse>('POST', `/api/rooms/${enc(roomId)}/shares`, { files });
  removeShare = (roomId: string, shareId: string) =>
    this.call<null>('DELETE', `/api/rooms/${enc(roomId)}/shares/${enc(shareId)}`);

  listFiles(roomId: string, query: { cursor?: string; limit?: number; q?: string; online?: boolean } = {}) {
    const params = new URLSearchParams();
    if (query.q) params.set('q', query.q);
    if (query.cursor) params.set('cursor', query.cursor);
    if (query.limit) params.set('limit', String(query.limit));
    if (query.online) params.set('online', '1');
    const qs = params.size ? `?${params}` : '';
    return this.call<ListFilesResponse>('GET', `/api/rooms/${enc(roomId)}/files${qs}`);
  }

  /** The whole listing, page after page. */
  async listAllFiles(roomId: string, signal?: AbortSignal): Promise<RoomFile[]> {
    const files: RoomFile[] = [];
    let cursor: string | undefined;
    do {
      signal?.throwIfAborted();
      const page = await this.listFiles(roomId, { cursor, limit: LIMITS.maxPageSize });
      files.push(...page.files);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return files;
  }

  private async call<T>(
    method: string,
    path: string,
    body?: unknown,
    auth: boolean | 'optional' = true,
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (auth) {
      const secret = this.options.getSecret();
      if (secret) headers.authorization = `Bearer ${secret}`;
      else if (auth !== 'optional') throw new ApiError('unauthorized', 401);
    }
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.options.base ?? ''}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 20_000),
      });
    } catch {
      // fetch rejects only when no answer came back at all: no network, tracker down, or timed out
      this.reachability.set('unreachable');
      throw new ApiError('offline', 0);
    }
    const text = await response.text().catch(() => '');
    const json = parseJson(text);
    if (!response.ok && !isErrorBody(json) && response.status >= 502 && response.status <= 504) {
      // a gateway between us and the tracker answered, not the tracker
      this.reachability.set('unreachable');
      throw new ApiError('offline', response.status);
    }
    this.reachability.set('reachable');
    if (response.ok) {
      if (response.status === 204) return null as T;
      if (json === undefined) throw new ApiError('bad_response', response.status);
      return json as T;
    }
    if (isErrorBody(json)) throw new ApiError(json.error.code, response.status, json.error.message);
    throw new ApiError(response.status === 404 ? 'not_found' : 'internal', response.status);
  }
}

const enc = encodeURIComponent;

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

function isErrorBody(json: unknown): json is { error: { code: ErrorCode; message: string } } {
  const error = (json as { error?: { code?: unknown } } | undefined)?.error;
  return typeof error?.code === 'string' && (ERROR_CODES as readonly string[]).includes(error.code);
}

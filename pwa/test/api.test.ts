import { describe, expect, it } from 'vitest';
import { ApiError, TrackerApi } from '../src/net/api.ts';

function apiWith(respond: (url: string, init: RequestInit) => Response | Promise<Response>) {
  const calls: { url: string; init: RequestInit }[] = [];
  const api = new TrackerApi({
    getSecret: () => 'secret',
    fetch: async (input, init) => {
      calls.push({ url: String(input), init: init! });
      return respond(String(input), init!);
    },
  });
  return { api, calls };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('tracker client', () => {
  it('sends the secret as a Bearer header and JSON bodies', async () => {
    const { api, calls } = apiWith(() => json(201, { shares: [] }));
    await api.createShares('room', []);
    expect(calls[0]!.url).toBe('/api/rooms/room/shares');
    expect(new Headers(calls[0]!.init.headers).get('authorization')).toBe('Bearer secret');
    expect(calls[0]!.init.body).toBe('{"files":[]}');
    expect(api.reachability.get()).toBe('reachable');
  });

  it('maps error codes to plain words', async () => {
    const { api } = apiWith(() =>
      json(404, { error: { code: 'room_not_found', message: 'There is no room.' } }),
    );
    const error = await api.joinRoom('room').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'room_not_found', status: 404, detail: 'There is no room.' });
    expect((error as ApiError).message).toMatch(/no room at this link/);
  });

  it('knows when the tracker cannot be reached', async () => {
    const down = apiWith(() => Promise.reject(new TypeError('Failed to fetch')));
    await expect(down.api.health()).rejects.toMatchObject({ code: 'offline' });
    expect(down.api.reachability.get()).toBe('unreachable');
    const gateway = apiWith(() => new Response('bad gateway', { status: 502 }));
    await expect(gateway.api.health()).rejects.toMatchObject({ code: 'offline' });
  });

  it('pages through the whole listing', async () => {
    const { api, calls } = apiWith((url) => {
      const cursor = new URL(url, 'http://x').searchParams.get('cursor');
      return json(
        200,
        cursor
          ? { files: [{ contentId: 'b' }], nextCursor: null }
          : { files: [{ contentId: 'a' }], nextCursor: 'next' },
      );
    });
    const files = await api.listAllFiles('room');
    expect(files.map((f) => f.contentId)).toEqual(['a', 'b']);
    expect(calls.map((c) => c.url)).toEqual([
      '/api/rooms/room/files?limit=100',
      '/api/rooms/room/files?cursor=next&limit=100',
    ]);
  });

  it('answers 204 with null and refuses authenticated calls without a secret', async () => {
    const { api } = apiWith(() => new Response(null, { status: 204 }));
    expect(await api.removeShare('room', 'share')).toBeNull();
    const anonymous = new TrackerApi({
      getSecret: () => undefined,
      fetch: () => Promise.reject(new Error('no')),
    });
    await expect(anonymous.me()).rejects.toMatchObject({ code: 'unauthorized' });
  });
});

// The few tracker calls the load benches need, over plain fetch, with bounded concurrency so that setting
// up 1,000 devices measures nothing and overloads nothing.

export interface Device {
  peerId: string;
  secret: string;
}

export class TrackerClient {
  readonly origin: string;

  constructor(origin: string) {
    this.origin = origin;
  }

  // biome-ignore lint/suspicious/noExplicitAny: the bench reads the JSON it asked for
  async call(method: string, path: string, secret?: string, body?: unknown): Promise<any> {
    const headers: Record<string, string> = {};
    if (secret) headers.authorization = `Bearer ${secret}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.origin}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : null;
  }

  register = (): Promise<Device> => this.call('POST', '/api/peers');
  ticket = async (d: Device): Promise<string> =>
    (await this.call('POST', '/api/peers/me/ticket', d.secret)).ticket;

  /** A room made by `owner`; returns its id and the invite secret others join with. */
  async createRoom(owner: Device): Promise<{ roomId: string; invite: string }> {
    const res = await this.call('POST', '/api/rooms', owner.secret);
    return { roomId: res.roomId, invite: res.invite };
  }

  join = (d: Device, room: { roomId: string; invite: string }) =>
    this.call('POST', `/api/rooms/${room.roomId}/members`, d.secret, { invite: room.invite });
}

/** Runs `work` over `items` with at most `limit` in flight, results in order. */
export async function pool<T, R>(
  items: T[],
  limit: number,
  work: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await work(items[i]!, i);
      }
    }),
  );
  return out;
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// Property-based abuse: thousands of malformed bodies, params, queries and headers. Every answer must be
// a 4xx with the error shape and a known code; never a 5xx, never a crash.

import { env } from 'cloudflare:test';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSharesBody, listFilesQuery, updatePeerBody } from '../protocol/api.ts';
import { ERROR_CODES } from '../protocol/errors.ts';
import { call, file, join, newPeer, newRoom } from './helpers.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 800);

interface Actor {
  secret: string;
}
let actors: Actor[] = [];
let roomId = '';
let next = 0;
/** Round-robin over many members, so the per-device write limit does not hide what lies behind it. */
const actor = () => actors[next++ % actors.length]!;

/** Strangers for join attempts: a few, registered up front (registering is not what is fuzzed). */
const strangers: string[] = [];
const stranger = () => strangers[next++ % strangers.length]!;

beforeAll(async () => {
  for (let i = 0; i < 8; i++) strangers.push((await newPeer()).secret);
  const owner = await newPeer();
  roomId = await newRoom(owner.secret);
  actors = [owner];
  for (let i = 0; i < 24; i++) {
    const p = await newPeer();
    await join(roomId, p.secret);
    actors.push(p);
  }
  await call('POST', `/api/rooms/${roomId}/shares`, { secret: owner.secret, body: { files: [file(1)] } });
});

let generated = 0;

/** D1 as the fuzzing found it: refused requests must leave every row as it was. */
async function snapshot(): Promise<string> {
  const tables = ['peers', 'rooms', 'members', 'shares', 'room_bans', 'room_contents'];
  const counts = await Promise.all(
    tables.map((t) => env.DB.prepare(`SELECT count(*) AS n FROM ${t}`).first<{ n: number }>()),
  );
  const names = await env.DB.prepare('SELECT group_concat(name) AS n FROM peers').first<{ n: string }>();
  const invites = await env.DB.prepare('SELECT group_concat(invite_hash) AS h FROM rooms').first<{
    h: string;
  }>();
  return JSON.stringify([counts, names, invites]);
}

function expectClientError(res: { status: number; json: unknown }, what: string) {
  generated += 1;
  expect(res.status, what).toBeGreaterThanOrEqual(400);
  expect(res.status, what).toBeLessThan(500);
  const body = res.json as { error?: { code?: unknown; message?: unknown } };
  expect(ERROR_CODES, what).toContain(body?.error?.code);
  expect(typeof body.error?.message, what).toBe('string');
}

const jsonish = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom('', '{', 'null', '[]', '{"files":', '\u0000', '{"files":[{}]}', '{"name":null}'),
);

/** Share bodies close to valid: right shape, one field broken at random. */
const nearlyValidShares = fc
  .record({
    field: fc.constantFrom('contentId', 'size', 'name', 'type', 'chunkSize', 'path', 'extra'),
    value: fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.double(),
    ),
    count: fc.integer({ min: 1, max: 3 }),
  })
  .map(({ field, value, count }) => ({
    files: Array.from({ length: count }, (_, i) => ({ ...file(10 + i), [field]: value })),
  }));

describe('fuzzing the API', { timeout: 240_000 }, () => {
  let before = '';
  beforeAll(async () => {
    before = await snapshot();
  });
  afterAll(async () => {
    // every request above was refused: nothing in D1 may have changed
    expect(await snapshot()).toBe(before);
    console.log(`[fuzz] HTTP endpoints: ${generated} refused inputs, D1 unchanged`);
  });

  it('malformed joins, removals and link changes', async () => {
    const member = actors[1]!;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(jsonish, fc.record({ invite: fc.oneof(fc.string({ maxLength: 60 }), fc.jsonValue()) })),
        fc.oneof(fc.string({ maxLength: 40 }), fc.stringMatching(/^[a-z2-7]{26}$/)),
        fc.integer({ min: 0, max: 3 }),
        async (body, id, route) => {
          const raw = typeof body === 'string' ? body : JSON.stringify(body);
          const seg = encodeURIComponent(id) || 'x';
          const cases: [string, string, string][] = [
            ['POST', `/api/rooms/${roomId}/members`, stranger()],
            ['DELETE', `/api/rooms/${roomId}/members/${seg}`, member.secret],
            ['POST', `/api/rooms/${roomId}/invite`, member.secret],
            ['POST', `/api/rooms/${seg}/invite`, member.secret],
          ];
          const [method, path, secret] = cases[route]!;
          const res = await call(method, path, {
            secret,
            rawBody: raw,
            headers: { 'content-type': 'application/json' },
          });
          expectClientError(res, `${method} ${path} ${raw}`);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('malformed share bodies', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(jsonish, nearlyValidShares), async (body) => {
        if (typeof body !== 'string' && createSharesBody.safeParse(body).success) return; // accidentally valid
        const options =
          typeof body === 'string'
            ? { rawBody: body, headers: { 'content-type': 'application/json' } }
            : { body: body as unknown };
        const res = await call('POST', `/api/rooms/${roomId}/shares`, { secret: actor().secret, ...options });
        expectClientError(res, JSON.stringify(body));
      }),
      { numRuns: RUNS },
    );
  });

  it('malformed profile updates and content types', async () => {
    await fc.assert(
      fc.asyncProperty(
        jsonish,
        fc.constantFrom(
          'application/json',
          'text/plain',
          '',
          'application/json; charset=utf-8',
          'multipart/form-data',
        ),
        async (body, type) => {
          const raw = typeof body === 'string' ? body : JSON.stringify(body);
          if (type.startsWith('application/json') && updatePeerBody.safeParse(safeJson(raw)).success) return;
          const res = await call('PATCH', '/api/peers/me', {
            secret: actor().secret,
            rawBody: raw,
            headers: type ? { 'content-type': type } : {},
          });
          expectClientError(res, `${type} ${raw}`);
        },
      ),
      { numRuns: RUNS / 2 },
    );
  });

  it('malformed path parameters on every room route', async () => {
    const segment = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.stringMatching(/^[a-z2-7]{26}$/), // well-formed but unknown
      fc.constantFrom('..', '%2e%2e', '%00', '%ff', '%', 'ÄÖÜ', ' ', 'a'.repeat(500)),
    );
    await fc.assert(
      fc.asyncProperty(segment, segment, fc.integer({ min: 0, max: 4 }), async (a, b, route) => {
        const room = encodeURIComponent(a).replaceAll('%25', '%');
        if (room === '' || a === roomId) return;
        const paths: [string, string][] = [
          ['GET', `/api/rooms/${room}`],
          ['POST', `/api/rooms/${room}/members`],
          ['GET', `/api/rooms/${room}/files`],
          ['DELETE', `/api/rooms/${roomId}/shares/${encodeURIComponent(b) || 'x'}`],
          ['DELETE', `/api/rooms/${room}/shares/${encodeURIComponent(b) || 'x'}`],
        ];
        const [method, path] = paths[route]!;
        const res = await call(method, path, { secret: actor().secret });
        expectClientError(res, `${method} ${path}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('malformed listing queries', async () => {
    const key = fc.oneof(fc.constantFrom('q', 'cursor', 'limit', 'online'), fc.string({ maxLength: 10 }));
    const value = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.integer().map(String),
      fc.constantFrom('-1', '1e3', 'NaN'),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(key, value), { minLength: 1, maxLength: 4 }), async (pairs) => {
        const params = new URLSearchParams(pairs);
        const asObject = Object.fromEntries(params);
        const duplicated = new Set(pairs.map(([k]) => k)).size !== pairs.length;
        if (!duplicated && listFilesQuery.safeParse(asObject).success && !asObject.cursor) return; // valid query
        const res = await call('GET', `/api/rooms/${roomId}/files?${params}`, { secret: actor().secret });
        if (res.status === 200) {
          // a valid-looking cursor may decode; then the answer must still be a listing
          expect(Array.isArray(res.json.files)).toBe(true);
          return;
        }
        expectClientError(res, params.toString());
      }),
      { numRuns: RUNS },
    );
  });

  it('malformed credentials', async () => {
    const header = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.string({ maxLength: 60 }).map((s) => `Bearer ${s}`),
      fc.stringMatching(/^[A-Za-z0-9_-]{43}$/).map((s) => `Bearer ${s}`),
    );
    await fc.assert(
      fc.asyncProperty(
        header,
        fc.constantFrom('GET /api/peers/me', 'POST /api/rooms', 'POST /api/peers/me/ticket'),
        async (h, route) => {
          const [method, path] = route.split(' ') as [string, string];
          const res = await call(method, path, { headers: { authorization: h } });
          expect(res.status).toBe(401);
          expectClientError(res, h);
        },
      ),
      { numRuns: RUNS / 2 },
    );
  });
});

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

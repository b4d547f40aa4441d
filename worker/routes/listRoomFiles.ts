// GET /api/rooms/:roomId/files: one entry per content with all its sources, newest first.
import type { IRequest } from 'itty-router';
import { listContentPage, listSources, type SourceRow } from '../db/shares.ts';
import type { Env } from '../env.ts';
import { authenticate, requireMember } from '../lib/auth.ts';
import { decodeCursor, encodeCursor } from '../lib/cursor.ts';
import { parseParam, parseQuery } from '../lib/http.ts';
import { ftsQuery } from '../lib/search.ts';
import { type ListFilesResponse, listFilesQuery, type RoomFile, roomIdSchema } from '../protocol/api.ts';
import { LIMITS } from '../protocol/limits.ts';

export async function listRoomFiles(request: IRequest, env: Env, ctx: ExecutionContext): Promise<Response> {
  const peer = await authenticate(request, env, ctx);
  const roomId = parseParam(request.params.roomId, roomIdSchema, 'room id');
  const query = parseQuery(new URL(request.url), listFilesQuery);
  const limit = query.limit ?? LIMITS.defaultPageSize;
  const match = query.q ? ftsQuery(query.q, roomId) : null;
  const onlineOnly = query.online === '1' || query.online === 'true';
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  // Membership first, then the page: run side by side they would save one round trip, but a removed
  // member's (or any stranger's) 403 would then take as long as the search it asked for, and the time
  // would tell whether the room holds a matching name.
  await requireMember(env, roomId, peer.id);
  // one more than asked tells whether another page exists
  const pageResult = await listContentPage(env.DB, { roomId, match, onlineOnly, after, limit: limit + 1 });
  const page = pageResult.rows;
  const shown = page.slice(0, limit);
  const sources = await listSources(
    env.DB,
    roomId,
    shown.map((p) => p.content_id),
    LIMITS.maxSourcesListed,
  );
  // rows come grouped by content: push in place (copying per row made a crowded entry quadratic)
  const byContent = new Map<string, SourceRow[]>();
  for (const s of sources) {
    const list = byContent.get(s.content_id);
    if (list) list.push(s);
    else byContent.set(s.content_id, [s]);
  }
  const files = shown.map((p) => toRoomFile(byContent.get(p.content_id) ?? [], p.first_added));
  const last = shown.at(-1);
  const response: ListFilesResponse = {
    files: files.filter((f): f is RoomFile => f !== null),
    nextCursor: page.length > limit && last ? encodeCursor(last.first_added, last.content_id) : null,
  };
  return Response.json(response, { headers: { 'cache-control': 'no-store' } });
}

/** The entry takes its name, path and type from the oldest share listed; each device is one source. */
function toRoomFile(rows: SourceRow[], firstAdded: number): RoomFile | null {
  if (rows.length === 0) return null; // removed between the two reads
  let first = rows[0]!;
  for (const r of rows) if (r.added_at < first.added_at) first = r;
  const sources = rows.map((r) => ({
    peerId: r.peer_id,
    name: r.peer_name,
    online: r.online_since !== null,
    shareId: r.id,
    fileName: r.name,
    path: r.path,
    addedAt: r.added_at,
    ...(r.partial ? { partial: true } : {}),
  }));
  return {
    contentId: first.content_id,
    name: first.name,
    path: first.path,
    size: first.size,
    type: first.type,
    chunkSize: first.chunk_size,
    addedAt: firstAdded,
    sources,
    sourceCount: first.total,
  };
}

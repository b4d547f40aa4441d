// Shares: register a batch of files in a room, stop sharing one.
import type { IRequest } from 'itty-router';
import {
  countSharesOf,
  deleteShare,
  findConflicts,
  findShare,
  insertShares,
  type NewShare,
  partialContentsOf,
} from '../db/shares.ts';
import type { Env } from '../env.ts';
import { authenticate, requireMember } from '../lib/auth.ts';
import { randomId } from '../lib/crypto.ts';
import { ApiError, badRequest, notFound } from '../lib/errors.ts';
import { parseParam, readJson } from '../lib/http.ts';
import { enforceLimit } from '../lib/rateLimit.ts';
import { toSharedFile } from '../lib/rows.ts';
import { type CreateSharesResponse, createSharesBody, roomIdSchema, shareIdSchema } from '../protocol/api.ts';
import { LIMITS } from '../protocol/limits.ts';
import { publish } from '../rooms/publish.ts';

export async function createShares(request: IRequest, env: Env, ctx: ExecutionContext): Promise<Response> {
  const peer = await authenticate(request, env, ctx);
  await enforceLimit(env, env.WRITE_LIMIT, `write:${peer.id}`);
  const roomId = parseParam(request.params.roomId, roomIdSchema, 'room id');
  const { files } = await readJson(request, createSharesBody);
  await requireMember(env, roomId, peer.id);
  const have = await countSharesOf(env.DB, roomId, peer.id);
  if (have + new Set(files.map((f) => f.contentId)).size > LIMITS.maxSharesPerPeerInRoom) {
    throw new ApiError(
      413,
      'too_many_shares',
      `This device already shares ${have} files in this room; the limit is ${LIMITS.maxSharesPerPeerInRoom}.`,
    );
  }

  const rows: NewShare[] = files.map((f) => ({ ...f, id: randomId(), path: f.path ?? '' }));
  // one batch must agree with itself too: a content id names exactly one size and chunk size
  const seen = new Map<string, string>();
  for (const r of rows) {
    const shape = `${r.size}/${r.chunkSize}`;
    if ((seen.get(r.contentId) ?? shape) !== shape) {
      throw badRequest('invalid_body', `Invalid request: content ${r.contentId} is listed with two sizes.`);
    }
    seen.set(r.contentId, shape);
  }
  const conflicts = (await findConflicts(env.DB, roomId, rows)).contentIds;
  if (conflicts.length > 0) {
    throw new ApiError(
      409,
      'content_conflict',
      `Content ${conflicts[0]} is already shared in this room with a different size or chunk size.`,
    );
  }
  const wasPartial = await partialContentsOf(
    env.DB,
    roomId,
    peer.id,
    rows.filter((r) => !r.partial).map((r) => r.contentId),
  );
  const now = Date.now();
  // one share per device and content: a row may come back twice when a batch names a content twice
  const stored = [
    ...new Map((await insertShares(env.DB, roomId, peer.id, rows, now)).map((s) => [s.id, s])).values(),
  ];
  // rows that kept an existing share's id were already shared: only the others are news, and a partial
  // source that now has the whole file
  const newIds = new Set(rows.map((r) => r.id));
  const fresh = stored.filter((s) => newIds.has(s.id) || (wasPartial.has(s.content_id) && !s.partial));
  await publish(
    env,
    [roomId],
    ...fresh.map((s) => ({ type: 'share-added' as const, share: toSharedFile(s, peer.name) })),
  );

  // answer in request order with the device's share of each content, new or already there
  const byContent = new Map(stored.map((s) => [s.content_id, s]));
  const response: CreateSharesResponse = {
    shares: rows.map((r) => {
      const s = byContent.get(r.contentId)!;
      return { shareId: s.id, contentId: s.content_id, name: s.name, path: s.path };
    }),
  };
  return Response.json(response, { status: 201 });
}

export async function removeShare(request: IRequest, env: Env, ctx: ExecutionContext): Promise<Response> {
  const peer = await authenticate(request, env, ctx);
  await enforceLimit(env, env.WRITE_LIMIT, `write:${peer.id}`);
  const roomId = parseParam(request.params.roomId, roomIdSchema, 'room id');
  const shareId = parseParam(request.params.shareId, shareIdSchema, 'share id');
  await requireMember(env, roomId, peer.id);
  const share = await findShare(env.DB, roomId, shareId);
  if (!share) throw notFound('share_not_found', 'That file is no longer shared in this room.');
  if (share.peer_id !== peer.id) {
    throw new ApiError(403, 'not_owner', 'Only the device that shared a file can stop sharing it.');
  }
  if (await deleteShare(env.DB, shareId, peer.id)) {
    await publish(env, [roomId], {
      type: 'share-removed',
      shareId,
      contentId: share.content_id,
      peerId: peer.id,
    });
  }
  return new Response(null, { status: 204 });
}

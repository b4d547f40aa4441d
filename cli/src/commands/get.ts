// `meshdrop get <room> <what…> [-o dir]`: downloads files from the room's online sources into a folder,
// verified chunk by chunk, resumable. One file after another; a summary (or JSON) at the end.

import { openAsBlob } from 'node:fs';
import { lstat, mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { roomMembersFrom } from '../../../pwa/src/net/roomMembers.ts';
import { formatSize, formatSpeed } from '../../../pwa/src/state/format.ts';
import { createAuthorizer, RoomMembership } from '../../../pwa/src/transfer/access.ts';
import { systemClock } from '../../../pwa/src/transfer/clock.ts';
import { hashBlob } from '../../../pwa/src/transfer/hashing.ts';
import { TransferServer } from '../../../pwa/src/transfer/server.ts';
import type { RoomFile } from '../../../worker/protocol/api.ts';
import { listRoom, type Picked, pick, placeOf } from '../catalog.ts';
import type { Context } from '../context.ts';
import { type FetchResult, fetchFile } from '../download/fetchFile.ts';
import { PartialServing, stalePartialShares } from '../download/partialServing.ts';
import { CliError } from '../errors.ts';
import { numbered, prepareTarget, safeRelativePath } from '../files/outputPath.ts';
import { acceptTransfers, connectTo } from '../net/transport.ts';
import { goOnline } from '../online.ts';
import type { TrackerSession } from '../tracker.ts';

export interface GetOptions {
  output: string;
  overwrite?: boolean;
  rename?: boolean;
  /** Seconds to wait for a source to come online (0: fail at once when none is). */
  wait?: number;
}

interface Planned {
  picked: Picked;
  target: string;
  /** the same content is already at the target: nothing to do */
  present: boolean;
}

export async function getCommand(
  ctx: Context,
  roomText: string,
  selectors: string[],
  options: GetOptions,
  signal: AbortSignal,
): Promise<void> {
  const link = ctx.room(roomText);
  const session = ctx.session(link.origin);
  await session.join(link);
  const me = (await session.device()).peerId;
  const files = await listRoom(session, link.roomId);
  const picked = unique(selectors.flatMap((s) => pick(files, s)));
  const outDir = resolve(options.output);
  await mkdir(outDir, { recursive: true }).catch((e: Error) => {
    throw new CliError('storage', `${outDir}: ${e.message}`);
  });
  const plans: Planned[] = [];
  for (const p of picked) plans.push(await planTarget(outDir, p, options, plans));

  const results: (FetchResult & { skipped?: boolean })[] = [];
  const failed: { file: string; error: CliError }[] = [];
  const todo = plans.filter((p) => !p.present);
  for (const p of plans.filter((p) => p.present)) {
    ctx.out.info(`Already here: ${p.target}`);
    results.push(skippedResult(p));
  }
  if (todo.length > 0) {
    // while a file comes in, its verified chunks are served to the room's members (issue 11); anything
    // else asked of this device is answered `not_found`
    const partials = new PartialServing({
      list: async (roomId, f) => {
        const { contentId, size, name, type, chunkSize, path } = f;
        const input = { contentId, size, name, type, chunkSize, ...(path ? { path } : {}), partial: true };
        const answer = await session.call(() => session.api.createShares(roomId, [input]));
        return answer.shares[0]?.shareId ?? null;
      },
      unlist: async (roomId, shareId) => {
        await session.call(() => session.api.removeShare(roomId, shareId));
      },
    });
    const server = new TransferServer({
      authorize: createAuthorizer({
        self: () => session.knownDevice?.peerId ?? null,
        rooms: () => new Set(),
        membership: new RoomMembership(roomMembersFrom(session.api), systemClock),
        sharedIn: () => new Set(),
        open: async () => null,
        fetchRooms: () => partials.rooms(),
        fetchingIn: (contentId) => partials.roomsOf(contentId),
        openPartial: (contentId) => partials.file(contentId),
      }),
    });
    const online = await goOnline(ctx, session, 'get', acceptTransfers(server));
    for (const shareId of stalePartialShares(files, me)) {
      // best effort: a listing left standing only sends downloaders to a source that answers not_found
      await session.call(() => session.api.removeShare(link.roomId, shareId)).catch(() => undefined);
    }
    const fetchOne = async (p: Planned) => {
      const { file } = p.picked;
      const sources = await onlineSources(session, link.roomId, file, me, options.wait ?? 0, signal);
      const plan = {
        file,
        roomId: link.roomId,
        outDir,
        target: p.target,
        overwrite: options.overwrite ?? false,
        sources,
      };
      return fetchFile(plan, {
        connect: (peerId) => connectTo(online.peer(), peerId),
        out: ctx.out,
        signal,
        serve: (download, store, f, roomId) => partials.begin(download, store, f, roomId),
      });
    };
    try {
      for (const p of todo) {
        try {
          const result = await fetchOne(p);
          results.push(result);
          ctx.out.info(summary(result));
        } catch (error) {
          // one file that cannot be had does not keep the others from coming; Ctrl+C stops them all
          if (!(error instanceof CliError) || error.code === 'interrupted' || todo.length === 1) throw error;
          failed.push({ file: placeOf(p.picked.file), error });
          ctx.out.warn(`meshdrop: ${placeOf(p.picked.file)}: ${error.message} [${error.code}]`);
        }
      }
    } finally {
      online.stop();
    }
  }
  for (const r of results) ctx.out.result(r.path);
  const failures = failed.map((f) => ({ file: f.file, code: f.error.code, message: f.error.message }));
  ctx.out.data({ roomId: link.roomId, files: results, failed: failures });
  // the exit code says the first thing that went wrong
  const first = failed[0];
  if (first) throw new CliError(first.error.code, `${failed.length} of ${picked.length} files not saved`);
}

/** Where one file goes; refuses to replace a different file unless --overwrite or --rename says how. */
async function planTarget(
  outDir: string,
  p: Picked,
  options: GetOptions,
  earlier: Planned[],
): Promise<Planned> {
  const segments = safeRelativePath(p.folder, p.file.name);
  let target = await prepareTarget(outDir, segments);
  const name = segments.at(-1)!;
  for (let n = 1; ; n++) {
    const taken = earlier.some((e) => e.target === target);
    const info = taken ? null : await lstat(target).catch(() => null);
    if (!taken && !info) return { picked: p, target, present: false };
    if (!taken && info && !options.rename) {
      if (info.isFile() && !info.isSymbolicLink() && (await sameContent(target, p.file)))
        return { picked: p, target, present: true };
      if (options.overwrite) return { picked: p, target, present: false };
      throw new CliError('file_exists', `${target} (use --overwrite to replace it, or --rename)`);
    }
    target = await prepareTarget(outDir, [...segments.slice(0, -1), numbered(name, n)]);
  }
}

async function sameContent(path: string, file: RoomFile): Promise<boolean> {
  const info = await lstat(path);
  if (info.size !== file.size) return false;
  const hash = await hashBlob(await openAsBlob(path), { chunkSize: file.chunkSize });
  return hash.contentId === file.contentId;
}

/**
 * The file's sources that are online now, freshest listing first; with `wait`, asks the tracker again
 * every 2 s until one is or the time is up.
 */
async function onlineSources(
  session: TrackerSession,
  roomId: string,
  file: RoomFile,
  me: string,
  waitSeconds: number,
  signal: AbortSignal,
): Promise<string[]> {
  if (file.size === 0) return []; // its content id proves it: no source needed
  if (file.sources.every((s) => s.peerId === me))
    throw new CliError('no_source', `${placeOf(file)}: only this device shares it`);
  const deadline = Date.now() + waitSeconds * 1000;
  let current = file;
  for (;;) {
    const online = current.sources.filter((s) => s.online && s.peerId !== me).map((s) => s.peerId);
    if (online.length > 0) return online;
    if (Date.now() >= deadline || signal.aborted)
      throw new CliError(
        'no_source',
        `${placeOf(file)}${waitSeconds > 0 ? ` (waited ${waitSeconds} s)` : ''}`,
      );
    await new Promise((r) => setTimeout(r, 2000));
    const fresh = await listRoom(session, roomId, { online: true });
    current = fresh.find((f) => f.contentId === file.contentId) ?? current;
  }
}

function unique(picked: Picked[]): Picked[] {
  const seen = new Set<string>();
  return picked.filter((p) => {
    const key = `${p.file.contentId}/${p.folder}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function skippedResult(p: Planned): FetchResult & { skipped: boolean } {
  const { file } = p.picked;
  return {
    path: p.target,
    contentId: file.contentId,
    size: file.size,
    seconds: 0,
    transferSeconds: 0,
    resumedChunks: 0,
    fetchedChunks: 0,
    rejectedChunks: 0,
    sources: [],
    skipped: true,
  };
}

function summary(r: FetchResult): string {
  const speed = r.seconds > 0 ? `, ${formatSpeed(r.size / r.seconds)}` : '';
  const resumed = r.resumedChunks > 0 ? `; ${r.resumedChunks} chunks were already here` : '';
  const rejected =
    r.rejectedChunks > 0 ? `; ${r.rejectedChunks} bad chunks thrown away and fetched again` : '';
  return `Saved ${r.path} (${formatSize(r.size)} in ${r.seconds.toFixed(1)} s${speed}${resumed}${rejected})`;
}

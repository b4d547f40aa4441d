// `meshdrop share <paths…> --room <room>`: fingerprints the files, serves them, lists them in the room and
// stays online until stopped. Through tracker restarts it reconnects by itself (transfers in progress go
// on, they do not need the tracker). Stopping withdraws nothing: the files stay listed, as offline, and
// are back when `share` runs again.
import { lstat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { roomMembersFrom } from '../../../pwa/src/net/roomMembers.ts';
import { formatSize } from '../../../pwa/src/state/format.ts';
import { createAuthorizer, RoomMembership } from '../../../pwa/src/transfer/access.ts';
import { systemClock } from '../../../pwa/src/transfer/clock.ts';
import { TransferServer, type UploadInfo } from '../../../pwa/src/transfer/server.ts';
import type { Context } from '../context.ts';
import { CliError } from '../errors.ts';
import { HashCache } from '../files/hashFile.ts';
import { acceptTransfers } from '../net/transport.ts';
import { goOnline, type Online } from '../online.ts';
import { Registrar } from '../share/registrar.ts';
import { ServedFiles } from '../share/served.ts';
import { Sharing } from '../share/sharing.ts';
import { expandPaths } from '../share/walk.ts';
import { watchShared } from '../share/watch.ts';

export interface ShareOptions {
  room: string;
  watch?: boolean;
  hidden?: boolean;
}

export async function shareCommand(
  ctx: Context,
  paths: string[],
  options: ShareOptions,
  signal: AbortSignal,
): Promise<void> {
  const link = ctx.room(options.room);
  const session = ctx.session(link.origin);
  await session.join(link);
  const files = await expandPaths(paths, { hidden: options.hidden });
  if (files.length === 0 && !options.watch)
    throw new CliError('unreadable', `no files in ${paths.join(', ')} (hidden files need --hidden)`);

  const served = new ServedFiles();
  let registrar = new Registrar(session, link.roomId, ctx.out, signal);
  const sharing = new Sharing(served, () => registrar, new HashCache(ctx.cacheDir), ctx.out);
  await sharing.hashAll(files, signal);

  const names = new MemberNames(ctx, link.origin, link.roomId);
  // served only in this room, to its members (the tracker says who they are), like the app does
  const server = new TransferServer({
    authorize: createAuthorizer({
      self: () => session.knownDevice?.peerId ?? null,
      rooms: () => new Set([link.roomId]),
      membership: new RoomMembership(roomMembersFrom(session.api), systemClock),
      sharedIn: (contentId) => new Set(served.has(contentId) ? [link.roomId] : []),
      open: served.lookup,
    }),
    onUploadChange: (u) => reportUpload(ctx, u, names),
  });
  // serve first, then list: a downloader that hears of a file at once must find it served
  let online: Online = await goOnline(ctx, session, 'share', acceptTransfers(server));
  await sharing.registerAll();
  served.onStale = (entry) => {
    // edited in place since it was hashed: never served under its old content id
    if (options.watch) void sharing.update(entry);
    else void sharing.remove(entry.abs, 'Changed on disk, no longer shared (share it again)');
  };
  // the tracker lost its data and this device registered again: a new id, so connect and list again
  session.onIdentityChange(() => {
    online.stop();
    registrar = new Registrar(session, link.roomId, ctx.out, signal);
    void (async () => {
      await session.join(link);
      online = await goOnline(ctx, session, 'share', acceptTransfers(server));
      await sharing.registerAll();
      ctx.out.info('The tracker had forgotten this device; it is registered and sharing again.');
    })().catch((error: Error) => ctx.out.warn(`meshdrop: ${error.message}`));
  });

  const watcher = options.watch ? await startWatching(paths, options, sharing) : null;
  const device = await session.device();
  const total = served.all().reduce((n, e) => n + e.hash.size, 0);
  ctx.out.info(
    `Sharing ${served.size} file${served.size === 1 ? '' : 's'} (${formatSize(total)}) in room ${link.roomId} ` +
      `as "${device.name}"${watcher ? ', watching for changes' : ''}. Press Ctrl+C to stop.`,
  );
  ctx.out.data({
    roomId: link.roomId,
    device: { peerId: device.peerId, name: device.name },
    files: served
      .all()
      .map((e) => ({ path: e.abs, contentId: e.hash.contentId, size: e.hash.size, shareId: e.shareId })),
  });

  await new Promise<void>((done) => {
    if (signal.aborted) done();
    else signal.addEventListener('abort', () => done(), { once: true });
  });
  await watcher?.close();
  online.stop();
  // on a terminal the ^C echo is still on the line
  ctx.out.info(
    `${ctx.out.interactive ? '\n' : ''}Stopped. The files stay listed in the room (offline) until this device shares them again.`,
  );
}

async function startWatching(paths: string[], options: ShareOptions, sharing: Sharing) {
  const roots: string[] = [];
  const singles: string[] = [];
  for (const p of paths) {
    const abs = resolve(p);
    if ((await lstat(abs)).isDirectory()) roots.push(abs);
    else singles.push(abs);
  }
  const watcher = watchShared({ roots, files: singles, hidden: options.hidden ?? false }, sharing);
  await watcher.ready;
  return watcher;
}

/** Names of the room's members, for "sending X to Y" lines; refreshed when someone new shows up. */
class MemberNames {
  private readonly names = new Map<string, string>();
  private readonly ctx: Context;
  private readonly origin: string;
  private readonly roomId: string;
  private refreshing: Promise<void> | null = null;

  constructor(ctx: Context, origin: string, roomId: string) {
    this.ctx = ctx;
    this.origin = origin;
    this.roomId = roomId;
  }

  async of(peerId: string): Promise<string> {
    if (!this.names.has(peerId)) {
      this.refreshing ??= this.refresh().finally(() => {
        this.refreshing = null;
      });
      await this.refreshing;
    }
    return this.names.get(peerId) ?? `device ${peerId.slice(0, 8)}`;
  }

  private async refresh() {
    const session = this.ctx.session(this.origin);
    const room = await session.call(() => session.api.getRoom(this.roomId)).catch(() => null);
    for (const m of room?.members ?? []) this.names.set(m.peerId, m.name);
  }
}

const reported = new Set<string>();

function reportUpload(ctx: Context, upload: UploadInfo, names: MemberNames) {
  if (upload.active && !reported.has(upload.key)) {
    reported.add(upload.key);
    void names.of(upload.remote).then((who) => ctx.out.info(`Sending ${upload.name} to ${who}…`));
  } else if (!upload.active && reported.delete(upload.key)) {
    const seconds = Math.max(0.001, (Date.now() - upload.startedAt) / 1000);
    void names
      .of(upload.remote)
      .then((who) =>
        ctx.out.info(
          `Sent ${formatSize(upload.bytesSent)} of ${upload.name} to ${who} ` +
            `(${formatSize(upload.bytesSent / seconds)}/s)`,
        ),
      );
  }
}

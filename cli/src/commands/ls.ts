// `meshdrop ls <room>`: the room's files, with who has each one and whether they are online now.
import { formatSize } from '../../../pwa/src/state/format.ts';
import { listRoom, placeOf } from '../catalog.ts';
import type { Context } from '../context.ts';

export async function lsCommand(
  ctx: Context,
  roomText: string,
  options: { online?: boolean; search?: string },
): Promise<void> {
  const link = ctx.room(roomText);
  const session = ctx.session(link.origin);
  await session.join(link);
  const me = (await session.device()).peerId;
  const files = await listRoom(session, link.roomId, { q: options.search, online: options.online });
  ctx.out.data({ roomId: link.roomId, tracker: link.origin, files });
  if (files.length === 0) {
    ctx.out.result(options.search || options.online ? 'No files match.' : 'No files in this room yet.');
    return;
  }
  const rows = files.map((f) => {
    const online = f.sources.filter((s) => s.online);
    const who = f.sources
      .map((s) => `${s.peerId === me ? 'this device' : s.name}${s.online ? '' : ' (offline)'}`)
      .join(', ');
    return [
      f.contentId.slice(0, 12),
      formatSize(f.size),
      `${online.length}/${f.sources.length}`,
      placeOf(f),
      who,
    ];
  });
  const header = ['ID', 'SIZE', 'ONLINE', 'NAME', 'SOURCES'];
  const widths = header.slice(0, 3).map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    [...cells.slice(0, 3).map((c, i) => c.padEnd(widths[i]!)), `${cells[3]}  [${cells[4]}]`].join('  ');
  ctx.out.result(line(header));
  for (const r of rows) ctx.out.result(line(r));
  const total = files.reduce((n, f) => n + f.size, 0);
  const available = files.filter((f) => f.sources.some((s) => s.online)).length;
  ctx.out.info(`${files.length} files, ${formatSize(total)}; ${available} available now.`);
}

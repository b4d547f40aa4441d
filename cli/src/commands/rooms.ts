// `meshdrop rooms`: the rooms this computer joined, with their members and files when the tracker answers.
import type { Context } from '../context.ts';

export async function roomsCommand(ctx: Context): Promise<void> {
  const rooms = ctx.config.rooms().sort((a, b) => b.joinedAt - a.joinedAt);
  const report = [];
  for (const room of rooms) {
    const session = ctx.session(room.origin, { timeoutMs: 5000 });
    const info = session.knownDevice
      ? await session.call(() => session.api.getRoom(room.roomId)).catch(() => null)
      : null;
    report.push({
      roomId: room.roomId,
      tracker: room.origin,
      link: room.link,
      joinedAt: room.joinedAt,
      members: info?.members.length ?? null,
      online: info ? info.members.filter((m) => m.online).length : null,
    });
  }
  if (report.length === 0) ctx.out.result('No rooms yet. Join one with `meshdrop join <room link>`.');
  for (const r of report) {
    const members =
      r.members === null ? 'tracker not reachable now' : `${r.members} members, ${r.online} online`;
    ctx.out.result(`${r.roomId}  ${r.tracker}  (${members})`);
  }
  ctx.out.data({ rooms: report });
}

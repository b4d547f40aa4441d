// `meshdrop join <room link>`: registers this computer as a device of the tracker (once) and joins the
// room. The other commands join by themselves; this one is for setting up, and for naming the device.
import type { Context } from '../context.ts';

export async function joinCommand(ctx: Context, linkText: string, options: { name?: string }): Promise<void> {
  const link = ctx.room(linkText);
  const session = ctx.session(link.origin, { deviceName: options.name });
  const wasKnown = session.knownDevice !== undefined;
  let device = await session.device();
  if (wasKnown && options.name && options.name !== device.name) {
    const renamed = await session.call(() => session.api.rename(options.name!));
    device = { ...device, name: renamed.name };
    ctx.config.saveDevice(link.origin, device);
  }
  const joined = await session.join(link);
  const room = await session.call(() => session.api.getRoom(link.roomId));
  const online = room.members.filter((m) => m.online).length;
  ctx.out.result(
    `${joined ? 'Joined' : 'Already in'} room ${link.roomId} on ${link.origin} as "${device.name}" ` +
      `(${room.members.length} member${room.members.length === 1 ? '' : 's'}, ${online} online).`,
  );
  if (!wasKnown) ctx.out.info(`This device is registered; its identity is kept in ${ctx.config.dir}.`);
  ctx.out.data({
    roomId: link.roomId,
    tracker: link.origin,
    joined,
    device: { peerId: device.peerId, name: device.name },
    members: room.members,
  });
}

// Bringing this device online on a tracker for the length of a command: hold the device lock, fetch the
// tracker's ICE servers, connect signaling and wait (a bounded time) until the tracker accepts it.
import type { DataConnection, Peer } from 'peerjs';
import type { Context } from './context.ts';
import { CliError } from './errors.ts';
import { DeviceLock } from './lock.ts';
import { connectSignaling, type NodeSignaling } from './net/signaling.ts';
import type { TrackerSession } from './tracker.ts';

export interface Online {
  readonly signaling: NodeSignaling;
  peer(): Peer | null;
  stop(): void;
}

export async function goOnline(
  ctx: Context,
  session: TrackerSession,
  command: string,
  onConnection: (conn: DataConnection) => void,
  waitMs = 30_000,
): Promise<Online> {
  const device = await session.device();
  const lock = DeviceLock.acquire(ctx.config.dir, device.peerId, command);
  process.once('exit', () => lock.release());
  let signaling: NodeSignaling | undefined;
  try {
    const settings = await session.trackerSettings();
    signaling = connectSignaling({
      origin: session.origin,
      peerId: device.peerId,
      getTicket: () => session.ticket(),
      iceServers: settings.iceServers,
      onConnection,
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new CliError('offline', `${session.origin}: the signaling connection did not open`)),
        waitMs,
      );
    });
    await Promise.race([signaling.ready, timeout]).finally(() => clearTimeout(timer));
  } catch (error) {
    signaling?.stop();
    lock.release();
    throw error;
  }
  const live = signaling;
  return {
    signaling: live,
    peer: () => live.peer(),
    stop() {
      live.stop();
      lock.release();
    },
  };
}

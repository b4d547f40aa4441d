// Rooms this device has opened, most recent first, with a short summary for the home screen.
import { idbDelete, idbGet, idbGetAll, idbPut } from './idb.ts';

export interface RecentRoom {
  roomId: string;
  lastOpenedAt: number;
  /** Names of the other devices, as last seen. */
  memberNames: string[];
  fileCount: number;
  /** The invite of the room link as this device last knew it (from the link it opened, or made). */
  invite?: string;
}

const MAX_SHOWN = 20;

export async function listRecentRooms(): Promise<RecentRoom[]> {
  const rooms = await idbGetAll<RecentRoom>('rooms');
  return rooms.sort((a, b) => b.lastOpenedAt - a.lastOpenedAt).slice(0, MAX_SHOWN);
}

export async function touchRoom(roomId: string, now: number): Promise<void> {
  const known = await idbGet<RecentRoom>('rooms', roomId);
  await idbPut('rooms', { memberNames: [], fileCount: 0, ...known, roomId, lastOpenedAt: now });
}

export async function summarizeRoom(roomId: string, memberNames: string[], fileCount: number): Promise<void> {
  const known = await idbGet<RecentRoom>('rooms', roomId);
  if (!known) return;
  await idbPut('rooms', { ...known, memberNames, fileCount });
}

export async function rememberInvite(roomId: string, invite: string | null): Promise<void> {
  const known = await idbGet<RecentRoom>('rooms', roomId);
  const base = known ?? { roomId, lastOpenedAt: Date.now(), memberNames: [], fileCount: 0 };
  const { invite: _old, ...rest } = base;
  await idbPut('rooms', invite ? { ...rest, invite } : rest);
}

export async function storedInvite(roomId: string): Promise<string | undefined> {
  return (await idbGet<RecentRoom>('rooms', roomId))?.invite;
}

export function forgetRoom(roomId: string): Promise<void> {
  return idbDelete('rooms', roomId);
}

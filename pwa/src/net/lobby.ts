// The lobby as this device sees it. Whether it left (it stays left on this device until it opens the
// lobby again) and the lobby's room id as last known (so the lobby opens at once, offline too, from
// its cached catalog) live in localStorage: small, synchronous, read before the first paint.
import { isOffline } from './api.ts';
import { Retrier } from './backoff.ts';
import type { Session } from './session.ts';

const LEFT_KEY = 'meshdrop.lobby.left';
const ROOM_KEY = 'meshdrop.lobby.room';

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null; // storage blocked: behave as a first visit
  }
}

function write(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // storage blocked: nothing to remember then
  }
}

export const hasLeftLobby = (): boolean => read(LEFT_KEY) === '1';
export const setLeftLobby = (left: boolean): void => write(LEFT_KEY, left ? '1' : null);
export const knownLobbyRoom = (): string | null => read(ROOM_KEY);
export const rememberLobbyRoom = (roomId: string | null): void => write(ROOM_KEY, roomId);

/**
 * Joins the lobby and answers its room id; waits for this device's registration and retries while
 * the tracker is unreachable. Null when the tracker has no lobby (or `signal` ended the wait).
 */
export async function joinLobby(session: Session, signal: AbortSignal): Promise<string | null> {
  const retrier = new Retrier({ baseMs: 1000, maxMs: 15_000 });
  while (!signal.aborted) {
    try {
      if (!(await session.getConfig()).lobby) {
        rememberLobbyRoom(null);
        return null;
      }
      if (session.identity.get()) {
        const { roomId } = await session.api.joinLobby();
        rememberLobbyRoom(roomId);
        return roomId;
      }
    } catch (error) {
      if (!isOffline(error) && !session.identity.get()) throw error;
    }
    if (!(await retrier.wait(signal))) return null;
  }
  return null;
}

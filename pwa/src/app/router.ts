// Routing by location: `/` home, `/r/<roomId>` a room. Pure parsing plus a tiny history wrapper.
import { useSyncExternalStore } from 'react';
import { ID_PATTERN, SECRET_PATTERN } from '../../../worker/protocol/ids.ts';

export type Route =
  | { name: 'home'; shared: boolean }
  | { name: 'lobby' }
  | { name: 'room'; roomId: string }
  | { name: 'bad-link' }
  | { name: 'not-found' };

/** The lobby of a tracker that has one: every device on its network, no link needed. */
export const LOBBY_PATH = '/lobby';

export function parseRoute(pathname: string, search: string): Route {
  if (pathname === '/' || pathname === '/index.html') {
    return { name: 'home', shared: new URLSearchParams(search).get('shared') === '1' };
  }
  if (pathname === LOBBY_PATH || pathname === `${LOBBY_PATH}/`) return { name: 'lobby' };
  const room = /^\/r\/([^/]+)\/?$/.exec(pathname);
  if (room) {
    const roomId = decodeURIComponent(room[1]!).toLowerCase();
    return ID_PATTERN.test(roomId) ? { name: 'room', roomId } : { name: 'bad-link' };
  }
  return { name: 'not-found' };
}

/** A room id from whatever was pasted: a full link, a path, or the bare id. */
export function roomIdFromText(text: string): string | null {
  const trimmed = text.trim();
  const match = /(?:^|\/r\/)([a-z2-7]{26})(?:[/?#].*)?$/i.exec(trimmed);
  const id = match?.[1]?.toLowerCase();
  return id && ID_PATTERN.test(id) ? id : null;
}

/** The in-app path of a room; with its invite in the fragment, which never reaches a server or a Referer. */
export function roomPath(roomId: string, invite?: string): string {
  return invite ? `/r/${roomId}#${invite}` : `/r/${roomId}`;
}

export function roomLink(origin: string, roomId: string, invite?: string): string {
  return `${origin}${roomPath(roomId, invite)}`;
}

/** The invite of a room link's fragment (`#<invite>`), or null. */
export function inviteFromHash(hash: string): string | null {
  const value = hash.replace(/^#/, '');
  return SECRET_PATTERN.test(value) ? value : null;
}

/** The invite of a pasted link, if it has one. */
export function inviteFromText(text: string): string | null {
  const hash = text.trim().split('#')[1];
  return hash ? inviteFromHash(hash) : null;
}

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  dispatchEvent(new PopStateEvent('popstate'));
  scrollTo(0, 0);
}

function subscribe(onChange: () => void): () => void {
  addEventListener('popstate', onChange);
  return () => removeEventListener('popstate', onChange);
}

const snapshot = () => location.pathname + location.search;

export function useRoute(): Route {
  const where = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(where, 'http://x');
  return parseRoute(url.pathname, url.search);
}

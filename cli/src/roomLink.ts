// Room links, parsed in one place: `https://tracker.example/r/<roomId>` (what the app's Copy link gives),
// possibly with more after the id (a query, a `#fragment`). The whole link is kept as given, so whatever
// capability it carries (an invite in the fragment, say) goes wherever the link goes; only the tracker's
// origin and the room id are read out of it. Pure.
import { ID_PATTERN } from '../../worker/protocol/ids.ts';
import { CliError } from './errors.ts';

export interface RoomLink {
  /** The tracker, e.g. `http://10.0.0.2:8787` (no trailing slash). */
  origin: string;
  roomId: string;
  /** The link exactly as given (trimmed): stored and shown again, never rebuilt from its parts. */
  href: string;
  /** What follows `#`, without it; null when the link has none. */
  fragment: string | null;
}

const ROOM_PATH = /^\/r\/([^/]+)\/?$/;

/** The link's parts, or a `bad_link` error saying what is wrong with it. */
export function parseRoomLink(text: string): RoomLink {
  const href = text.trim();
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    throw new CliError('bad_link', `"${shorten(href)}" is not a web address`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CliError('bad_link', `a room link starts with https:// or http://, not ${url.protocol}//`);
  // a password in a link would end up in shell history and in the config file
  if (url.username || url.password)
    throw new CliError('bad_link', 'a room link has no user name or password');
  const match = ROOM_PATH.exec(url.pathname);
  const roomId = match ? safeDecode(match[1]!).toLowerCase() : '';
  if (!ID_PATTERN.test(roomId))
    throw new CliError('bad_link', `the path should be /r/ and a 26-character room id, not ${url.pathname}`);
  const fragment = url.hash ? url.hash.slice(1) : null;
  return { origin: url.origin, roomId, href, fragment };
}

/** Whether `text` looks like a link at all (as opposed to a room id typed from `meshdrop rooms`). */
export function looksLikeLink(text: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(text.trim());
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function shorten(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}

// The room's catalog as the CLI needs it: every page of the listing, and picking files out of it by what
// a person types (a content id or its start, a name, a folder path and name, or a folder ending in `/`).
import type { RoomFile } from '../../worker/protocol/api.ts';
import { LIMITS } from '../../worker/protocol/limits.ts';
import { CliError } from './errors.ts';
import type { TrackerSession } from './tracker.ts';

export async function listRoom(
  session: TrackerSession,
  roomId: string,
  query: { q?: string; online?: boolean } = {},
): Promise<RoomFile[]> {
  const files: RoomFile[] = [];
  let cursor: string | undefined;
  do {
    const page = await session.call(() =>
      session.api.listFiles(roomId, { ...query, cursor, limit: LIMITS.maxPageSize }),
    );
    files.push(...page.files);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return files;
}

/** Where a file sits in the room: its folder path and name, '/'-joined. */
export function placeOf(file: Pick<RoomFile, 'path' | 'name'>): string {
  return file.path ? `${file.path}/${file.name}` : file.name;
}

export interface Picked {
  file: RoomFile;
  /** Folder under the output folder: '' for a file asked for by itself, the path below the asked folder. */
  folder: string;
}

const HEX = /^[0-9a-f]{8,64}$/;

/**
 * The files one selector names. A content id (8 to 64 hex characters, a unique start is enough), a name,
 * a `folder/name`, or `folder/` for everything under that folder (kept with its sub-folders).
 */
export function pick(files: RoomFile[], selector: string): Picked[] {
  const s = selector.trim();
  if (!s) throw new CliError('usage', 'an empty name');
  if (s.endsWith('/')) {
    const folder = s.replace(/\/+$/, '');
    const base = folder.includes('/') ? folder.slice(0, folder.lastIndexOf('/') + 1) : '';
    const inside = files.filter((f) => f.path === folder || f.path.startsWith(`${folder}/`));
    if (inside.length === 0) throw new CliError('no_match', `no folder "${folder}" in the room`);
    return inside.map((file) => ({ file, folder: file.path.slice(base.length) }));
  }
  const lower = s.toLowerCase();
  if (HEX.test(lower)) {
    const byId = files.filter((f) => f.contentId.startsWith(lower));
    if (byId.length === 1) return [{ file: byId[0]!, folder: '' }];
    if (byId.length > 1) throw ambiguous(s, byId);
  }
  const byPlace = files.filter((f) => placeOf(f) === s);
  const matches = byPlace.length > 0 ? byPlace : files.filter((f) => f.name === s);
  if (matches.length === 1) return [{ file: matches[0]!, folder: '' }];
  if (matches.length > 1) throw ambiguous(s, matches);
  throw new CliError('no_match', `"${s}"`);
}

function ambiguous(selector: string, files: RoomFile[]): CliError {
  const list = files
    .slice(0, 5)
    .map((f) => `${f.contentId.slice(0, 12)} ${placeOf(f)}`)
    .join('; ');
  return new CliError('ambiguous', `"${selector}" matches ${files.length}: ${list}`);
}

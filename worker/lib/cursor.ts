// Keyset cursors for the room listing: an opaque base64url of [firstAddedAt, contentId].
import { CONTENT_ID_PATTERN } from '../protocol/ids.ts';
import { badRequest } from './errors.ts';

export function encodeCursor(addedAt: number, contentId: string): string {
  return btoa(JSON.stringify([addedAt, contentId]))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
}

export function decodeCursor(cursor: string): { addedAt: number; contentId: string } {
  try {
    const value: unknown = JSON.parse(atob(cursor.replaceAll('-', '+').replaceAll('_', '/')));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      Number.isSafeInteger(value[0]) &&
      typeof value[1] === 'string' &&
      CONTENT_ID_PATTERN.test(value[1])
    ) {
      return { addedAt: value[0] as number, contentId: value[1] };
    }
  } catch {
    // fall through: any decoding failure is the same bad cursor
  }
  throw badRequest('invalid_query', 'Invalid query: cursor is not one this tracker gave out.');
}

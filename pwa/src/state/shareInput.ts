// Turns a picked file (name, folder path, MIME type) into what the tracker accepts, so one odd name never
// makes the tracker refuse a whole batch. Pure; the rules mirror worker/protocol/api.ts.
import type { ShareFileInput } from '../../../worker/protocol/api.ts';
import { LIMITS } from '../../../worker/protocol/limits.ts';
import { cleanText } from '../../../worker/protocol/text.ts';

export interface PickedFile {
  file: File;
  /** Folder part of the file's place in a picked or dropped folder, '/'-separated; '' for loose files. */
  path: string;
}

const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;

export function cleanFileName(name: string): string {
  let clean = cleanText(name).replace(/[/\\]/g, '_');
  if (clean === '.' || clean === '..' || clean === '') clean = 'unnamed';
  if (clean.length <= LIMITS.maxFileNameLength) return clean;
  // keep the extension: it is what tells the receiver how to open the file
  const dot = clean.lastIndexOf('.');
  const ext = dot > 0 && clean.length - dot <= 16 ? clean.slice(dot) : '';
  return clean.slice(0, LIMITS.maxFileNameLength - ext.length) + ext;
}

/** A folder path the tracker accepts, or '' when nothing sensible is left. */
export function cleanFolderPath(path: string): string {
  const segments = path
    .split(/[/\\]/)
    .map((s) => cleanText(s))
    .filter((s) => s !== '' && s !== '.' && s !== '..');
  const joined = segments.join('/');
  return joined.length <= LIMITS.maxPathLength ? joined : '';
}

/** The folder part of a relative path such as webkitRelativePath ("trip/day 1/a.jpg" -> "trip/day 1"). */
export function folderOf(relativePath: string): string {
  const parts = relativePath.replace(/^\/+/, '').split('/');
  parts.pop();
  return parts.join('/');
}

export function cleanMimeType(type: string): string {
  const base = (type.split(';')[0] ?? '').trim().toLowerCase();
  return base.length <= LIMITS.maxTypeLength && MIME.test(base) ? base : '';
}

export function toShareInput(
  picked: { name: string; type: string; path: string },
  hash: { contentId: string; size: number; chunkSize: number },
): ShareFileInput {
  const path = cleanFolderPath(picked.path);
  return {
    contentId: hash.contentId,
    size: hash.size,
    chunkSize: hash.chunkSize,
    name: cleanFileName(picked.name),
    type: cleanMimeType(picked.type),
    ...(path ? { path } : {}),
  };
}

/** Splits a batch into requests the tracker accepts (at most maxSharesPerRequest files each). */
export function splitBatch<T>(items: T[], size: number = LIMITS.maxSharesPerRequest): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

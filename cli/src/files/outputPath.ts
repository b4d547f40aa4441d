// Where a downloaded file goes: inside the output folder, always. Names and folder paths come from other
// devices, so each segment goes through the app's sanitiser (no separators, no control or reserved
// characters, no Windows device names, no leading dots) and is cut to what file systems accept in bytes;
// `..`, `.` and empty segments disappear. Folders are created one segment at a time without following
// symbolic links, so nothing already on disk can redirect a write outside the folder.
import { lstat, mkdir, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { safeFileName } from '../../../pwa/src/state/fileName.ts';
import { CliError } from '../errors.ts';

/** File systems count names in bytes (255 on most); room for a suffix such as " (12)" stays free. */
const MAX_NAME_BYTES = 240;
const MAX_DEPTH = 32;

/** One path segment made safe, or null when nothing usable is left (".", "..", only dots or spaces). */
export function safeSegment(segment: string): string | null {
  const cleaned = safeFileName(segment, '');
  if (!cleaned) return null;
  return cutToBytes(cleaned, MAX_NAME_BYTES);
}

/** The relative place of a file from another device: its sanitised folders, then its sanitised name. */
export function safeRelativePath(folder: string, name: string): string[] {
  const folders = folder
    .split(/[/\\]+/)
    .map(safeSegment)
    .filter((s): s is string => s !== null)
    .slice(0, MAX_DEPTH);
  return [...folders, safeSegment(name) ?? 'download'];
}

/** "report.pdf" -> "report (1).pdf", for --rename. */
export function numbered(name: string, n: number): string {
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 && name.length - dot <= 16 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  return cutToBytes(`${stem} (${n})`, MAX_NAME_BYTES + 8 - Buffer.byteLength(ext)) + ext;
}

/**
 * Creates the folders of `segments` (all but the last) under `outDir` and returns the file's absolute
 * path. A segment that exists as a symbolic link or as a file is refused (`unsafe_path`).
 */
export async function prepareTarget(outDir: string, segments: string[]): Promise<string> {
  let dir = await realpath(outDir).catch(() => {
    throw new CliError('unreadable', `output folder ${outDir} does not exist`);
  });
  for (const segment of segments.slice(0, -1)) {
    dir = join(dir, segment);
    const info = await lstat(dir).catch(() => null);
    if (!info) await mkdir(dir).catch(mkdirFailed(dir));
    else if (info.isSymbolicLink() || !info.isDirectory()) throw new CliError('unsafe_path', dir);
  }
  return join(dir, segments.at(-1)!);
}

function mkdirFailed(dir: string) {
  return (error: NodeJS.ErrnoException) => {
    // made meanwhile by a parallel download of the same folder: fine if it is a real folder
    if (error.code === 'EEXIST') return;
    throw new CliError('storage', `${dir}: ${error.message}`);
  };
}

/** Cuts a string to at most `max` UTF-8 bytes without splitting a character, keeping a short extension. */
export function cutToBytes(name: string, max: number): string {
  if (Buffer.byteLength(name) <= max) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  let stem = name.slice(0, name.length - ext.length);
  const room = max - Buffer.byteLength(ext);
  while (stem && Buffer.byteLength(stem) > room) stem = [...stem].slice(0, -1).join('');
  return stem + ext;
}

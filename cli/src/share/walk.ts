// What `share <paths…>` means on disk: each file as given, and every regular file inside each folder,
// listed in the room under the folder's own name and its sub-folders (as the app does for a picked
// folder). Symbolic links are not followed; names starting with a dot are skipped unless asked for.
import { lstat, readdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { lookup as mimeLookup } from 'mime-types';
import { CliError } from '../errors.ts';

export interface LocalFile {
  /** absolute path on disk */
  abs: string;
  name: string;
  /** folder path in the room ('' for a file given by itself) */
  folder: string;
  type: string;
  size: number;
  /** the folder given on the command line this file was found in, if any */
  root: string | null;
}

export interface WalkOptions {
  hidden?: boolean;
}

export async function expandPaths(paths: string[], options: WalkOptions = {}): Promise<LocalFile[]> {
  const out: LocalFile[] = [];
  for (const given of paths) {
    const abs = resolve(given);
    const info = await lstat(abs).catch(() => null);
    if (!info) throw new CliError('unreadable', `${given}: no such file or folder`);
    if (info.isSymbolicLink())
      throw new CliError('unreadable', `${given} is a symbolic link; give its target`);
    if (info.isFile()) out.push(localFile(abs, '', null, info.size));
    else if (info.isDirectory()) await walk(abs, basename(abs), abs, options, out);
    else throw new CliError('unreadable', `${given} is not a regular file or folder`);
  }
  return out;
}

async function walk(dir: string, folder: string, root: string, options: WalkOptions, out: LocalFile[]) {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new CliError('unreadable', `${dir}: ${(error as Error).message}`);
  }
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (!options.hidden && entry.name.startsWith('.')) continue;
    const abs = join(dir, entry.name);
    if (entry.isFile()) {
      const info = await lstat(abs).catch(() => null);
      if (info?.isFile()) out.push(localFile(abs, folder, root, info.size));
    } else if (entry.isDirectory()) await walk(abs, `${folder}/${entry.name}`, root, options, out);
    // symbolic links, sockets, devices: skipped
  }
}

export function localFile(abs: string, folder: string, root: string | null, size: number): LocalFile {
  const name = basename(abs);
  return { abs, name, folder, type: mimeLookup(name) || '', size, root };
}

/** The room folder of a file inside a shared root folder (for files the watcher finds later). */
export function folderInRoot(root: string, abs: string): string {
  const rel = abs.slice(root.length + 1).split(/[/\\]/);
  rel.pop();
  return [basename(root), ...rel].join('/');
}

/** Whether a path inside a shared root is hidden (one of its names starts with a dot). */
export function isHidden(root: string, abs: string): boolean {
  return abs
    .slice(root.length + 1)
    .split(/[/\\]/)
    .some((part) => part.startsWith('.'));
}

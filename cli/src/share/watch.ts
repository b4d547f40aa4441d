// `share --watch`: files that appear in (or change in, or leave) the shared folders while it runs are
// shared, re-shared or withdrawn. chokidar reports a file once it has stopped growing, so a file being
// copied in is hashed once, complete.
import { lstat } from 'node:fs/promises';
import { watch } from 'chokidar';
import type { Sharing } from './sharing.ts';
import { folderInRoot, isHidden, localFile } from './walk.ts';

export interface WatchTarget {
  /** folders given on the command line */
  roots: string[];
  /** files given by themselves */
  files: string[];
  hidden: boolean;
}

export function watchShared(
  target: WatchTarget,
  sharing: Sharing,
): { ready: Promise<void>; close(): Promise<void> } {
  const rootOf = (abs: string) =>
    target.roots.find((r) => abs.startsWith(`${r}/`) || abs.startsWith(`${r}\\`));
  const watcher = watch([...target.roots, ...target.files], {
    ignoreInitial: true,
    followSymlinks: false,
    awaitWriteFinish: { stabilityThreshold: 700, pollInterval: 100 },
    ignored: (path) => {
      const root = rootOf(path);
      return !target.hidden && root !== undefined && isHidden(root, path);
    },
  });
  const changed = async (abs: string) => {
    const info = await lstat(abs).catch(() => null);
    if (!info?.isFile()) return;
    const root = rootOf(abs);
    const file = root
      ? localFile(abs, folderInRoot(root, abs), root, info.size)
      : localFile(abs, '', null, info.size);
    await sharing.update(file);
  };
  watcher.on('add', (abs) => void changed(abs));
  watcher.on('change', (abs) => void changed(abs));
  watcher.on('unlink', (abs) => void sharing.remove(abs));
  watcher.on('unlinkDir', (abs) => void sharing.removeUnder(abs));
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return { ready, close: () => watcher.close() };
}
